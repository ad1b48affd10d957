#include "bench/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace sigipc::bench {

double percentile_sorted(const std::vector<std::uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // The epsilon keeps 99.9% of 1000 at rank 999 (0.999 * 1000 is a hair
  // above 999 in binary floating point).
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()) - 1e-9);
  const std::size_t i = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]);
}

Percentiles percentiles(std::vector<std::uint64_t> samples) {
  Percentiles p;
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  p.p50 = percentile_sorted(samples, 50);
  p.p99 = percentile_sorted(samples, 99);
  p.p999 = percentile_sorted(samples, 99.9);
  p.max = static_cast<double>(samples.back());
  long double sum = 0;
  for (auto v : samples) sum += v;
  p.mean = static_cast<double>(sum / samples.size());
  return p;
}

double t_quantile_975(double df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (!(df >= 1)) return std::numeric_limits<double>::infinity();
  // Beyond the table 1.96 + 2.4/df is within 0.002 of the exact quantile.
  if (df >= 30) return 1.96 + 2.4 / df;
  const int lo = static_cast<int>(std::floor(df));
  const double frac = df - lo;
  return table[lo - 1] + frac * (table[lo] - table[lo - 1]);
}

namespace {

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double variance_of(const std::vector<double>& v, double mean) {
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return ss / static_cast<double>(v.size() - 1);
}

std::vector<double> logs_of(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) out.push_back(std::log(std::max(x, 1e-300)));
  return out;
}

}  // namespace

Summary summarize(const std::vector<double>& values) {
  Summary s;
  if (values.empty()) return s;
  std::vector<double> v = values;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.min = v.front();
  s.max = v.back();
  const double m = mean_of(v);
  s.lo = s.hi = m;
  if (n >= 2) {
    const double half = t_quantile_975(static_cast<double>(n - 1)) *
                        std::sqrt(variance_of(v, m) / static_cast<double>(n));
    s.lo = m - half;
    s.hi = m + half;
  }
  return s;
}

nlohmann::json summary_json(const Summary& s) {
  return {{"median", s.median}, {"min", s.min}, {"max", s.max}, {"ci95", {s.lo, s.hi}}};
}

RatioCi ratio_ci(const std::vector<double>& baseline, const std::vector<double>& current) {
  RatioCi r;
  if (baseline.empty() || current.empty()) {
    r.hi = std::numeric_limits<double>::infinity();
    return r;
  }
  const std::vector<double> b = logs_of(baseline), c = logs_of(current);
  const double mb = mean_of(b), mc = mean_of(c);
  r.ratio = std::exp(mc - mb);
  if (b.size() < 2 || c.size() < 2) {
    r.lo = 0;
    r.hi = std::numeric_limits<double>::infinity();
    return r;
  }
  const double vb = variance_of(b, mb) / b.size(), vc = variance_of(c, mc) / c.size();
  const double se = std::sqrt(vb + vc);
  if (se == 0) {
    r.lo = r.hi = r.ratio;
    return r;
  }
  // Welch-Satterthwaite degrees of freedom.
  const double df = (vb + vc) * (vb + vc) / (vb * vb / (b.size() - 1) + vc * vc / (c.size() - 1));
  const double half = t_quantile_975(df) * se;
  r.lo = std::exp(mc - mb - half);
  r.hi = std::exp(mc - mb + half);
  return r;
}

const std::vector<double>& LogHistogram::edges() {
  static const std::vector<double> e = [] {
    std::vector<double> v;
    for (int k = 0; k <= 60; ++k) v.push_back(std::round(std::pow(10.0, 2 + k / 10.0)));
    return v;
  }();
  return e;
}

LogHistogram::LogHistogram() : counts_(edges().size() - 1, 0) {}

void LogHistogram::add(std::uint64_t ns) {
  const auto& e = edges();
  auto it = std::upper_bound(e.begin(), e.end(), static_cast<double>(ns));
  std::ptrdiff_t bin = (it - e.begin()) - 1;
  bin = std::clamp<std::ptrdiff_t>(bin, 0, static_cast<std::ptrdiff_t>(counts_.size()) - 1);
  ++counts_[static_cast<std::size_t>(bin)];
}

void LogHistogram::merge(const LogHistogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

void LogHistogram::set_counts(const std::vector<std::uint64_t>& counts) {
  if (counts.size() != counts_.size()) throw std::runtime_error("histogram of the wrong length");
  counts_ = counts;
}

nlohmann::json LogHistogram::trimmed_json() const {
  std::size_t first = 0, last = counts_.size();
  while (first < last && counts_[first] == 0) ++first;
  while (last > first && counts_[last - 1] == 0) --last;
  nlohmann::json e = nlohmann::json::array(), c = nlohmann::json::array();
  if (first == last) return {{"edges_ns", e}, {"counts", c}};
  for (std::size_t i = first; i <= last; ++i) e.push_back(edges()[i]);
  for (std::size_t i = first; i < last; ++i) c.push_back(counts_[i]);
  return {{"edges_ns", e}, {"counts", c}};
}

}  // namespace sigipc::bench

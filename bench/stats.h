// The statistics of sigipc bench: percentiles of one run's round trips, the
// spread of a figure over repeated runs with a 95% confidence interval, the
// confidence interval of the ratio of two sets of runs (the baseline gate),
// and a latency histogram with fixed log-spaced bins, so histograms of
// different runs and platforms line up bin for bin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace sigipc::bench {

struct Percentiles {
  double p50 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

// Nearest-rank percentile (0 < p <= 100) of sorted samples: the smallest
// sample with at least p% of the samples at or below it. Empty: 0.
double percentile_sorted(const std::vector<std::uint64_t>& sorted, double p);
Percentiles percentiles(std::vector<std::uint64_t> samples);

// Two-sided 97.5% quantile of Student's t with df degrees of freedom
// (fractional df, as Welch's approximation gives, interpolated).
double t_quantile_975(double df);

// A figure over repeated runs: median, extremes, and the 95% confidence
// interval of the mean (Student's t, n-1 degrees of freedom; one run: the
// value itself).
struct Summary {
  double median = 0, min = 0, max = 0, lo = 0, hi = 0;
};
Summary summarize(const std::vector<double>& values);
nlohmann::json summary_json(const Summary& s);

// The ratio current/baseline of two sets of runs with its 95% confidence
// interval: Welch's t interval of the difference of the mean logarithms,
// taken back with exp (runs of a time are log-normal rather than normal,
// and a ratio is symmetric in log space). Needs two runs on each side for a
// spread; with fewer the interval is unbounded (lo 0, hi infinity).
struct RatioCi {
  double ratio = 1, lo = 0, hi = 0;
};
RatioCi ratio_ci(const std::vector<double>& baseline, const std::vector<double>& current);

// Round-trip times in bins whose edges are 10^(2 + k/10) ns, k = 0..60
// (100 ns to 100 ms, ten bins a decade); a sample outside falls in the
// first or last bin.
class LogHistogram {
 public:
  static const std::vector<double>& edges();
  LogHistogram();
  void add(std::uint64_t ns);
  void merge(const LogHistogram& other);
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  void set_counts(const std::vector<std::uint64_t>& counts);  // throws on a wrong length
  // {"edges_ns": [...], "counts": [...]} without the empty bins at either end.
  nlohmann::json trimmed_json() const;

 private:
  std::vector<std::uint64_t> counts_;
};

}  // namespace sigipc::bench

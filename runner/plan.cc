#include "runner/plan.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "reports/load.h"
#include "reports/stream.h"

namespace sigipc {

Shard parse_shard(const std::string& text) {
  auto bad = [&]() {
    return std::invalid_argument("--shard must be I/N with 1 <= I <= N <= 10000 (e.g. 2/4), got '" +
                                 text + "'");
  };
  auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() || slash > 5 ||
      text.size() - slash - 1 > 5)
    throw bad();
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != slash && (text[i] < '0' || text[i] > '9')) throw bad();
  Shard s;
  s.index = std::stoi(text.substr(0, slash));
  s.count = std::stoi(text.substr(slash + 1));
  if (s.count < 1 || s.count > 10000 || s.index < 1 || s.index > s.count) throw bad();
  return s;
}

std::map<std::string, double> load_durations(const std::string& path) {
  RunRecord run = load_run(path);
  std::map<std::string, double> d;
  for (const auto& r : run.results)
    if (r.status != Status::kSkip) d[r.id] = r.duration_ms;
  return d;
}

std::vector<const TestMeta*> shard_tests(const std::vector<const TestMeta*>& tests, const Shard& s,
                                         const std::map<std::string, double>& durations) {
  auto cost = [&](const TestMeta* t) {
    auto it = durations.find(t->id());
    return it != durations.end() ? it->second : t->timeout_s * 1000.0;
  };
  std::vector<const TestMeta*> by_cost = tests;
  std::sort(by_cost.begin(), by_cost.end(), [&](const TestMeta* a, const TestMeta* b) {
    double ca = cost(a), cb = cost(b);
    return ca != cb ? ca > cb : a->id() < b->id();
  });
  std::vector<double> load(static_cast<std::size_t>(s.count), 0.0);
  std::map<std::string, int> shard_of;
  for (const auto* t : by_cost) {
    auto least = std::min_element(load.begin(), load.end()) - load.begin();
    load[static_cast<std::size_t>(least)] += cost(t);
    shard_of[t->id()] = static_cast<int>(least) + 1;
  }
  std::vector<const TestMeta*> out;
  for (const auto* t : tests)
    if (shard_of[t->id()] == s.index) out.push_back(t);
  return out;
}

void shuffle_tests(std::vector<const TestMeta*>& tests, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = tests.size(); i > 1; --i) {
    // Rejection sampling keeps the draw uniform without the library's
    // (implementation-defined) distributions.
    const std::uint64_t n = i, limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do x = rng();
    while (x >= limit);
    std::swap(tests[i - 1], tests[static_cast<std::size_t>(x % n)]);
  }
}

}  // namespace sigipc

// The statistics of sigipc bench and its baseline gate, on fixed data.
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "bench/document.h"
#include "bench/gate.h"
#include "bench/stats.h"
#include "reports/bench_doc.h"

namespace sigipc::bench {
namespace {

TEST(BenchStats, NearestRankPercentiles) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = 1; i <= 1000; ++i) v.push_back(1001 - i);  // 1000 .. 1, unsorted
  Percentiles p = percentiles(v);
  EXPECT_EQ(p.p50, 500);
  EXPECT_EQ(p.p99, 990);
  EXPECT_EQ(p.p999, 999);
  EXPECT_EQ(p.max, 1000);
  EXPECT_DOUBLE_EQ(p.mean, 500.5);
  Percentiles one = percentiles({7});
  EXPECT_EQ(one.p50, 7);
  EXPECT_EQ(one.p999, 7);
  Percentiles none = percentiles({});
  EXPECT_EQ(none.max, 0);
}

TEST(BenchStats, SummaryIsMedianExtremesAndStudentInterval) {
  // mean 3, sample sd sqrt(2.5), t(4) = 2.776: half width 2.776*sqrt(2.5/5).
  Summary s = summarize({5, 1, 4, 2, 3});
  EXPECT_EQ(s.median, 3);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 5);
  const double half = 2.776 * std::sqrt(2.5 / 5);
  EXPECT_NEAR(s.lo, 3 - half, 1e-9);
  EXPECT_NEAR(s.hi, 3 + half, 1e-9);
  Summary even = summarize({4, 1, 3, 2});
  EXPECT_EQ(even.median, 2.5);
  Summary single = summarize({9});
  EXPECT_EQ(single.lo, 9);
  EXPECT_EQ(single.hi, 9);
}

TEST(BenchStats, TQuantilesFromTheTableAndBeyond) {
  EXPECT_DOUBLE_EQ(t_quantile_975(1), 12.706);
  EXPECT_DOUBLE_EQ(t_quantile_975(10), 2.228);
  EXPECT_NEAR(t_quantile_975(10.5), (2.228 + 2.201) / 2, 1e-12);
  EXPECT_NEAR(t_quantile_975(120), 1.980, 0.002);
  EXPECT_NEAR(t_quantile_975(1e9), 1.960, 0.001);
  EXPECT_TRUE(std::isinf(t_quantile_975(0.5)));
}

TEST(BenchStats, RatioIntervalOnLogs) {
  RatioCi same = ratio_ci({10, 10, 10}, {10, 10, 10});
  EXPECT_DOUBLE_EQ(same.ratio, 1);
  EXPECT_DOUBLE_EQ(same.lo, 1);
  EXPECT_DOUBLE_EQ(same.hi, 1);
  RatioCi doubled = ratio_ci({10, 11, 9, 10}, {20, 22, 18, 20});
  EXPECT_NEAR(doubled.ratio, 2, 1e-9);
  EXPECT_LT(doubled.lo, 2);
  EXPECT_GT(doubled.hi, 2);
  EXPECT_GT(doubled.lo, 1.7);
  RatioCi one_run = ratio_ci({10}, {12, 13});
  EXPECT_TRUE(std::isinf(one_run.hi));
}

TEST(BenchStats, HistogramBinsAreFixedAndTrimmed) {
  const auto& e = LogHistogram::edges();
  ASSERT_EQ(e.size(), 61u);
  EXPECT_EQ(e.front(), 100);
  EXPECT_EQ(e[10], 1000);
  EXPECT_EQ(e.back(), 1e8);
  LogHistogram h;
  h.add(1000);  // [1000, 1259)
  h.add(1100);
  h.add(5);           // below the first edge: first bin
  h.add(1000000000);  // above the last: last bin
  nlohmann::json j = h.trimmed_json();
  EXPECT_EQ(j["edges_ns"].size(), j["counts"].size() + 1);
  EXPECT_EQ(j["edges_ns"][0], 100);
  EXPECT_EQ(j["counts"][10], 2);
  EXPECT_EQ(j["counts"].back(), 1);
  LogHistogram empty;
  EXPECT_TRUE(empty.trimmed_json()["counts"].empty());
}

nlohmann::json doc_with_pipe_runs(const std::vector<double>& p50s) {
  nlohmann::json runs = nlohmann::json::array();
  for (double v : p50s) runs.push_back({{"p50", v}});
  return {{"schema", kBenchSchema},
          {"latency", {{{"mechanism", "pipe"}, {"topology", "process"}, {"runs", runs}}}},
          {"throughput", nlohmann::json::array()}};
}

TEST(BenchGate, ClearRegressionIdenticalAndOverlappingNoise) {
  const nlohmann::json base = doc_with_pipe_runs({1000, 1020, 990, 1010, 1000});
  GateResult slower = run_gate(base, doc_with_pipe_runs({2000, 2040, 1980, 2020, 2000}), 0.2);
  ASSERT_EQ(slower.rows.size(), 1u);
  EXPECT_EQ(slower.verdict, "regression");
  EXPECT_NEAR(slower.rows[0].ratio, 2, 0.01);
  EXPECT_EQ(run_gate(base, base, 0.2).verdict, "pass");
  GateResult noisy = run_gate(base, doc_with_pipe_runs({700, 1800, 1000, 1500, 1300}), 0.2);
  EXPECT_EQ(noisy.verdict, "cannot-tell");
}

TEST(BenchGate, ThroughputRegressesWhenItFalls) {
  auto doc = [](std::vector<double> v) {
    return nlohmann::json{{"schema", kBenchSchema},
                          {"throughput", {{{"mechanism", "shm"}, {"size", 4096}, {"runs", v}}}}};
  };
  const auto base = doc({1e9, 1.01e9, 0.99e9});
  EXPECT_EQ(run_gate(base, doc({0.5e9, 0.51e9, 0.49e9}), 0.2).verdict, "regression");
  EXPECT_EQ(run_gate(base, doc({2e9, 2.01e9, 1.99e9}), 0.2).verdict, "pass");
}

TEST(BenchGate, RowsOnOneSideOnlyAreListedNotJudged) {
  nlohmann::json cur = doc_with_pipe_runs({1000, 1001});
  cur["latency"][0]["mechanism"] = "fifo";
  GateResult g = run_gate(doc_with_pipe_runs({1000, 1001}), cur, 0.2);
  EXPECT_TRUE(g.rows.empty());
  EXPECT_EQ(g.missing.size(), 2u);
  EXPECT_EQ(g.verdict, "pass");
}

TEST(BenchDocument, ClaimsHoldBreakOrStayUndecided) {
  auto row = [](const char* m, std::size_t size, std::vector<double> runs) {
    ThroughputRow r;
    r.mechanism = m;
    r.size = size;
    r.runs = std::move(runs);
    return r;
  };
  std::vector<ThroughputRow> rows = {
      row("shm", 1, {9, 10, 11}),        row("pipe", 1, {1, 1.1, 0.9}),
      row("fifo", 1, {1, 1.1, 0.9}),     row("posix-mq", 1, {2, 2.1, 1.9}),
      row("sysv-msg", 1, {2, 2.1, 1.9}), row("shm", 65536, {5, 5.1, 4.9}),
      row("pipe", 65536, {9, 9.1, 8.9}), row("fifo", 65536, {1, 9, 20})};
  nlohmann::json o = observations(rows);
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0]["holds"], true) << o[0];   // shm fastest at 1 byte
  EXPECT_EQ(o[1]["holds"], false) << o[1];  // pipe beats shm at 64 KiB
  EXPECT_EQ(o[2]["holds"], true) << o[2];   // queues between
  rows[1].runs = {1, 30, 3};                // a pipe run all over the place
  EXPECT_TRUE(observations(rows)[0]["holds"].is_null());
}

}  // namespace
}  // namespace sigipc::bench

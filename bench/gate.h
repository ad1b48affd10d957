// The baseline gate of sigipc bench: each row's runs against the baseline
// document's runs of the same row, as a ratio with a 95% confidence
// interval (stats.h ratio_ci). Latency rows compare the p50 of each run,
// throughput rows each run's bytes per second. With a threshold T (0.20:
// 20%), a latency row is a regression when the whole interval of
// current/baseline lies above 1+T, passes when it lies at or below 1+T,
// and cannot tell otherwise; a throughput row likewise with 1/(1+T) from
// below. Rows only one side has are left out (listed as "missing").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sigipc::bench {

struct GateRow {
  std::string section;  // "latency" or "throughput"
  std::string mechanism, topology;
  long long size = -1;               // throughput only
  std::string metric;                // "p50" or "bytes/s"
  double baseline = 0, current = 0;  // medians of the runs
  double ratio = 1, lo = 0, hi = 0;  // current/baseline and its 95% interval
  std::string verdict;               // "pass", "regression", "cannot-tell"
};

struct GateResult {
  std::vector<GateRow> rows;
  std::vector<std::string> missing;  // "latency pipe/thread: not in the baseline"
  std::string verdict;               // the worst row's: regression > cannot-tell > pass
};

GateResult run_gate(const nlohmann::json& baseline, const nlohmann::json& current,
                    double threshold);
nlohmann::json gate_json(const GateResult& g, const std::string& file, double threshold);
std::string row_label(const GateRow& r);  // "latency pipe/process", "throughput pipe 4096 B"

}  // namespace sigipc::bench

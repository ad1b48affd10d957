#include "bench/gate.h"

#include <cmath>
#include <limits>
#include <map>

#include "bench/stats.h"

namespace sigipc::bench {

namespace {

std::string row_key(const std::string& section, const nlohmann::json& row) {
  std::string k =
      section + " " + row.value("mechanism", "") + "/" + row.value("topology", "process");
  if (row.contains("size") && row["size"].is_number()) k += " " + row["size"].dump() + " B";
  return k;
}

std::vector<double> metric_values(const std::string& section, const nlohmann::json& row) {
  std::vector<double> v;
  for (const auto& run : row.value("runs", nlohmann::json::array()))
    v.push_back(section == "latency" ? run.value("p50", 0.0) : run.get<double>());
  return v;
}

std::string judge(const std::string& section, const RatioCi& ci, double threshold) {
  if (section == "latency") {
    if (ci.lo > 1 + threshold) return "regression";
    if (ci.hi <= 1 + threshold) return "pass";
    return "cannot-tell";
  }
  const double floor = 1 / (1 + threshold);
  if (ci.hi < floor) return "regression";
  if (ci.lo >= floor) return "pass";
  return "cannot-tell";
}

}  // namespace

std::string row_label(const GateRow& r) {
  std::string s = r.section + " " + r.mechanism + "/" + r.topology;
  if (r.size >= 0) s += " " + std::to_string(r.size) + " B";
  return s;
}

GateResult run_gate(const nlohmann::json& baseline, const nlohmann::json& current,
                    double threshold) {
  GateResult g;
  int worst = 0;  // 0 pass, 1 cannot-tell, 2 regression
  for (const char* section : {"latency", "throughput"}) {
    const nlohmann::json base_section = baseline.value(section, nlohmann::json::array());
    const nlohmann::json current_section = current.value(section, nlohmann::json::array());
    std::map<std::string, const nlohmann::json*> base_rows;
    for (const auto& row : base_section)
      if (!metric_values(section, row).empty()) base_rows[row_key(section, row)] = &row;
    for (const auto& row : current_section) {
      const std::string key = row_key(section, row);
      const std::vector<double> cur = metric_values(section, row);
      if (cur.empty()) continue;
      auto it = base_rows.find(key);
      if (it == base_rows.end()) {
        g.missing.push_back(key + ": not in the baseline");
        continue;
      }
      const std::vector<double> base = metric_values(section, *it->second);
      base_rows.erase(it);
      GateRow r;
      r.section = section;
      r.mechanism = row.value("mechanism", "");
      r.topology = row.value("topology", "process");
      if (row.contains("size") && row["size"].is_number()) r.size = row["size"].get<long long>();
      r.metric = std::string(section) == "latency" ? "p50" : "bytes/s";
      r.baseline = summarize(base).median;
      r.current = summarize(cur).median;
      const RatioCi ci = ratio_ci(base, cur);
      r.ratio = ci.ratio;
      r.lo = ci.lo;
      r.hi = ci.hi;
      r.verdict = judge(section, ci, threshold);
      worst = std::max(worst, r.verdict == "regression" ? 2 : r.verdict == "cannot-tell" ? 1 : 0);
      g.rows.push_back(r);
    }
    for (const auto& [key, row] : base_rows) g.missing.push_back(key + ": not measured now");
  }
  g.verdict = worst == 2 ? "regression" : worst == 1 ? "cannot-tell" : "pass";
  return g;
}

nlohmann::json gate_json(const GateResult& g, const std::string& file, double threshold) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : g.rows) {
    nlohmann::json j = {{"mechanism", r.mechanism}, {"topology", r.topology}, {"metric", r.metric},
                        {"baseline", r.baseline},   {"current", r.current},   {"ratio", r.ratio},
                        {"verdict", r.verdict}};
    // An unbounded interval (a side with one run) is written as null.
    j["ci95"] = {std::isfinite(r.hi) && r.lo > 0 ? nlohmann::json(r.lo) : nlohmann::json(nullptr),
                 std::isfinite(r.hi) ? nlohmann::json(r.hi) : nlohmann::json(nullptr)};
    if (r.size >= 0) j["size"] = r.size;
    j["section"] = r.section;
    rows.push_back(j);
  }
  return {{"file", file},
          {"verdict", g.verdict},
          {"threshold", threshold},
          {"rows", rows},
          {"missing", g.missing},
          {"rule",
           "95% interval of the ratio (Welch t on log run values) entirely beyond the "
           "threshold: regression; entirely within: pass; else cannot-tell"}};
}

}  // namespace sigipc::bench

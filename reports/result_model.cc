#include "reports/result_model.h"

#include <algorithm>
#include <stdexcept>

namespace sigipc {

const std::vector<Status>& all_statuses() {
  static const std::vector<Status> v = {Status::kPass,    Status::kFail,        Status::kError,
                                        Status::kTimeout, Status::kUnsupported, Status::kXfail,
                                        Status::kXpass,   Status::kSkip};
  return v;
}

const char* status_name(Status s) {
  switch (s) {
    case Status::kPass:
      return "PASS";
    case Status::kFail:
      return "FAIL";
    case Status::kError:
      return "ERROR";
    case Status::kTimeout:
      return "TIMEOUT";
    case Status::kUnsupported:
      return "UNSUPPORTED";
    case Status::kXfail:
      return "XFAIL";
    case Status::kXpass:
      return "XPASS";
    case Status::kSkip:
      return "SKIP";
  }
  return "?";
}

std::optional<Status> parse_status(const std::string& s) {
  for (Status st : all_statuses())
    if (s == status_name(st)) return st;
  return std::nullopt;
}

bool is_bad(Status s) {
  return s == Status::kFail || s == Status::kError || s == Status::kTimeout || s == Status::kXpass;
}

int severity(Status s) {
  switch (s) {
    case Status::kPass:
      return 0;
    case Status::kSkip:
      return 1;
    case Status::kUnsupported:
      return 1;
    case Status::kXfail:
      return 2;
    case Status::kXpass:
      return 3;
    case Status::kFail:
      return 4;
    case Status::kError:
      return 5;
    case Status::kTimeout:
      return 6;
  }
  return 0;
}

std::map<Status, int> RunRecord::counts() const {
  std::map<Status, int> c;
  for (Status s : all_statuses()) c[s] = 0;
  for (const auto& r : results) c[r.status]++;
  return c;
}

bool RunRecord::green() const {
  if (interrupted || !running.empty()) return false;
  for (const auto& r : results)
    if (is_bad(r.status)) return false;
  return true;
}

std::vector<std::pair<std::string, std::map<Status, int>>> RunRecord::by_family() const {
  std::vector<std::pair<std::string, std::map<Status, int>>> out;
  for (const auto& r : results) {
    auto it = std::find_if(out.begin(), out.end(), [&](auto& p) { return p.first == r.family; });
    if (it == out.end()) {
      out.push_back({r.family, {}});
      it = out.end() - 1;
    }
    it->second[r.status]++;
  }
  return out;
}

nlohmann::json result_to_json(const Result& r) {
  nlohmann::json j = {
      {"id", r.id},           {"family", r.family},          {"requirement", r.requirement},
      {"clause", r.clause},   {"statement", r.statement},    {"status", status_name(r.status)},
      {"message", r.message}, {"duration_ms", r.duration_ms}};
  if (r.runs > 1) {
    j["runs"] = r.runs;
    j["run_counts"] = r.run_counts;
  }
  return j;
}

nlohmann::json summary_json(const RunRecord& run) {
  nlohmann::json summary = nlohmann::json::object();
  for (auto& [s, n] : run.counts()) summary[status_name(s)] = n;
  summary["total"] = run.results.size();
  summary["interrupted"] = run.interrupted;
  summary["not_run"] = run.not_run;
  if (!run.running.empty()) summary["running"] = run.running;
  if (run.not_run_unnamed) summary["not_run_unnamed"] = run.not_run_unnamed;
  summary["wall_ms"] = run.wall_ms;
  return summary;
}

nlohmann::json to_json(const RunRecord& run) {
  nlohmann::json summary = summary_json(run);
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : run.results) results.push_back(result_to_json(r));
  nlohmann::json j = {{"schema", kResultsSchema},
                      {"environment", run.environment},
                      {"summary", summary},
                      {"results", results}};
  if (!run.expectation_files.empty())
    j["expectations"] = {{"files", run.expectation_files}, {"stale", run.stale_expectations}};
  return j;
}

namespace {
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key))
    throw std::runtime_error(where + ": missing field \"" + key + "\"");
  return j.at(key);
}

std::string string_field(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_string()) throw std::runtime_error(where + ": field \"" + key + "\" is not a string");
  return v.get<std::string>();
}
}  // namespace

Result result_from_json(const nlohmann::json& e, const std::string& where) {
  Result r;
  r.id = string_field(e, "id", where);
  r.family = string_field(e, "family", where);
  r.requirement = string_field(e, "requirement", where);
  r.clause = string_field(e, "clause", where);
  if (e.contains("statement") && e["statement"].is_string()) r.statement = e["statement"];
  std::string st = string_field(e, "status", where);
  auto s = parse_status(st);
  if (!s) throw std::runtime_error(where + ": unknown status \"" + st + "\"");
  r.status = *s;
  r.message = string_field(e, "message", where);
  const auto& d = field(e, "duration_ms", where);
  if (!d.is_number()) throw std::runtime_error(where + ": duration_ms is not a number");
  r.duration_ms = d.get<double>();
  if (e.contains("runs") && e["runs"].is_number_integer()) r.runs = e["runs"];
  if (e.contains("run_counts") && e["run_counts"].is_object())
    r.run_counts = e["run_counts"].get<std::map<std::string, int>>();
  return r;
}

RunRecord run_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("top level is not an object");
  if (string_field(j, "schema", "top level") != kResultsSchema)
    throw std::runtime_error(std::string("schema is not \"") + kResultsSchema + "\"");
  RunRecord run;
  run.environment = field(j, "environment", "top level");
  const auto& summary = field(j, "summary", "top level");
  if (summary.contains("interrupted") && summary["interrupted"].is_boolean())
    run.interrupted = summary["interrupted"].get<bool>();
  if (summary.contains("not_run") && summary["not_run"].is_number_integer())
    run.not_run_unnamed = summary["not_run"].get<int>();  // an old file: a count
  if (summary.contains("not_run") && summary["not_run"].is_array())
    run.not_run = summary["not_run"].get<std::vector<std::string>>();
  if (summary.contains("not_run_unnamed") && summary["not_run_unnamed"].is_number_integer())
    run.not_run_unnamed = summary["not_run_unnamed"].get<int>();
  if (summary.contains("running") && summary["running"].is_array())
    run.running = summary["running"].get<std::vector<std::string>>();
  if (summary.contains("wall_ms") && summary["wall_ms"].is_number())
    run.wall_ms = summary["wall_ms"].get<double>();
  if (j.contains("expectations") && j["expectations"].is_object()) {
    const auto& e = j["expectations"];
    if (e.contains("files") && e["files"].is_array())
      run.expectation_files = e["files"].get<std::vector<std::string>>();
    if (e.contains("stale") && e["stale"].is_array())
      run.stale_expectations = e["stale"].get<std::vector<std::string>>();
  }
  const auto& results = field(j, "results", "top level");
  if (!results.is_array()) throw std::runtime_error("\"results\" is not an array");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& e = results[i];
    std::string where = "results[" + std::to_string(i) + "]";
    run.results.push_back(result_from_json(e, where));
  }
  return run;
}

}  // namespace sigipc

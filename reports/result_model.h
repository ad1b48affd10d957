// The result model every writer and reader shares: one record per test, the
// environment it ran in, and the counts by status (docs/DESIGN.md section 3).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sigipc {

// kSkip: not run because an expectation entry says so (status: SKIP), with
// its reason; neither green nor red, like UNSUPPORTED.
enum class Status { kPass, kFail, kError, kTimeout, kUnsupported, kXfail, kXpass, kSkip };

constexpr const char* kResultsSchema = "sigipc-results/1";

const char* status_name(Status s);  // "PASS"
std::optional<Status> parse_status(const std::string& s);
const std::vector<Status>& all_statuses();
// FAIL, ERROR, TIMEOUT and XPASS make a run red.
bool is_bad(Status s);
// Worse statuses win when a test ran several times.
int severity(Status s);

struct Result {
  std::string id;  // "Suite.Name"
  std::string family;
  std::string requirement;
  std::string clause;
  std::string statement;
  Status status = Status::kPass;
  std::string message;  // why, for anything but PASS
  double duration_ms = 0;
  int runs = 1;                           // with --repeat
  std::map<std::string, int> run_counts;  // status name -> runs, with --repeat
};

struct RunRecord {
  nlohmann::json environment = nlohmann::json::object();
  std::vector<Result> results;
  bool interrupted = false;
  // Ids of the selected tests without a result: never started, or started
  // and not finished (interrupted, stopped by --fail-fast, or a run rebuilt
  // from its stream after the runner or machine died).
  std::vector<std::string> not_run;
  // Of not_run, the tests that had started when a stream ended without its
  // end line: the test that was running when the machine died.
  std::vector<std::string> running;
  // Old results files gave only a count of tests not run, no ids.
  int not_run_unnamed = 0;
  double wall_ms = 0;
  std::vector<std::string> expectation_files;   // --expect files applied
  std::vector<std::string> stale_expectations;  // "FILE:LINE: why"

  std::size_t not_run_count() const { return not_run.size() + not_run_unnamed; }
  std::map<Status, int> counts() const;
  bool green() const;  // nothing bad
  // Families in first-seen order with counts by status.
  std::vector<std::pair<std::string, std::map<Status, int>>> by_family() const;
};

nlohmann::json to_json(const RunRecord& run);
// One entry of results.json "results" (also one "result" line of the stream).
nlohmann::json result_to_json(const Result& r);
// results.json "summary" (also the "end" line of the stream).
nlohmann::json summary_json(const RunRecord& run);
// Throws std::runtime_error naming where and what is wrong.
Result result_from_json(const nlohmann::json& e, const std::string& where);

// Parses results.json; throws std::runtime_error naming what is wrong.
RunRecord run_from_json(const nlohmann::json& j);

}  // namespace sigipc

// The result model every writer and reader shares: one record per test, the
// environment it ran in, and the counts by status (docs/DESIGN.md section 3).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sigipc {

enum class Status { kPass, kFail, kError, kTimeout, kUnsupported, kXfail, kXpass };

constexpr const char* kResultsSchema = "sigipc-results/1";

const char* status_name(Status s);                // "PASS"
std::optional<Status> parse_status(const std::string& s);
const std::vector<Status>& all_statuses();
// FAIL, ERROR, TIMEOUT and XPASS make a run red.
bool is_bad(Status s);
// Worse statuses win when a test ran several times.
int severity(Status s);

struct Result {
  std::string id;           // "Suite.Name"
  std::string family;
  std::string requirement;
  std::string clause;
  std::string statement;
  Status status = Status::kPass;
  std::string message;      // why, for anything but PASS
  double duration_ms = 0;
  int runs = 1;             // with --repeat
  std::map<std::string, int> run_counts;  // status name -> runs, with --repeat
};

struct RunRecord {
  nlohmann::json environment = nlohmann::json::object();
  std::vector<Result> results;
  bool interrupted = false;
  int not_run = 0;          // tests never started (interrupted run)
  double wall_ms = 0;
  std::vector<std::string> expectation_files;   // --expect files applied
  std::vector<std::string> stale_expectations;  // "FILE:LINE: why"

  std::map<Status, int> counts() const;
  bool green() const;       // nothing bad
  // Families in first-seen order with counts by status.
  std::vector<std::pair<std::string, std::map<Status, int>>> by_family() const;
};

nlohmann::json to_json(const RunRecord& run);

// Parses results.json; throws std::runtime_error naming what is wrong.
RunRecord run_from_json(const nlohmann::json& j);

}  // namespace sigipc

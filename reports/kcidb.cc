// A KCIDB I/O submission (kernelci kcidb-io, schema v5.0) holding one test
// object per result. The tested build is the kernel the suite ran on, so
// build_id names it by release and arch; origin is "sigipc". A test's path
// is "sigipc.<family>.<Suite>.<Name>", the misc object keeps the rule, its
// clause and statement, the sigipc status and the message.
//
// KCIDB statuses are FAIL, ERROR, MISS, PASS, DONE and SKIP:
//   PASS -> PASS; FAIL -> FAIL; ERROR -> ERROR;
//   TIMEOUT -> ERROR (the test did not complete; the code's status is unknown);
//   UNSUPPORTED -> SKIP (not applicable here);
//   XFAIL -> FAIL with "waived": true (the code does break the rule; the
//            deviation is known and should not alert anyone);
//   XPASS -> PASS (the code follows the rule; misc.sigipc_status says the
//            expectation is stale).
// MISS and DONE are not produced: every test in the record ran, and every
// one reports a verdict.
#include <ctime>

#include <nlohmann/json.hpp>

#include "reports/writers.h"

namespace sigipc {

namespace {

using nlohmann::json;

const char* kcidb_status(Status s) {
  switch (s) {
    case Status::kPass:
      return "PASS";
    case Status::kFail:
      return "FAIL";
    case Status::kError:
      return "ERROR";
    case Status::kTimeout:
      return "ERROR";
    case Status::kUnsupported:
      return "SKIP";
    case Status::kSkip:
      return "SKIP";
    case Status::kXfail:
      return "FAIL";
    case Status::kXpass:
      return "PASS";
  }
  return "ERROR";
}

// A path component holds [a-zA-Z0-9_-] only (test_path_re of schema v5).
std::string path_part(const std::string& s) {
  std::string o;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    o += ok ? c : '_';
  }
  return o.empty() ? "_" : o;
}

// Text of an id after "origin:": anything, but kept on one line.
std::string id_part(const std::string& s) {
  std::string o;
  for (char c : s) o += (c == '\n' || c == '\r' || c == ' ') ? '_' : c;
  return o;
}

// KCIDB's log_excerpt is capped at 16384 characters.
std::string excerpt(const std::string& s) {
  constexpr std::size_t kMax = 16384;
  if (s.size() <= kMax) return s;
  std::size_t cut = kMax - 3;
  // Do not cut a UTF-8 sequence in half.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

}  // namespace

std::string kcidb_json_text(const RunRecord& run) {
  const json& env = run.environment;
  long long started = 0;
  if (env.is_object() && env.contains("started_at") && env["started_at"].is_number_integer())
    started = env["started_at"].get<long long>();
  std::string start_time;
  if (started > 0) {
    std::time_t t = static_cast<std::time_t>(started);
    std::tm tm{};
    char buf[64];
    if (gmtime_r(&t, &tm) && std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm))
      start_time = buf;
  }
  const std::string run_id = id_part(std::to_string(started) + "-" + env_str(env, "seed"));
  const std::string build_id = "sigipc:linux-" + id_part(env_str(env, "kernel_release")) + "-" +
                               id_part(env_str(env, "arch"));
  json env_misc = json::object();
  for (const auto& [k, v] : flat_environment(env)) env_misc[k] = v;
  json tests = json::array();
  for (const auto& r : run.results) {
    json misc = {{"requirement", r.requirement}, {"clause", r.clause},
                 {"statement", r.statement},     {"sigipc_status", status_name(r.status)},
                 {"message", r.message},         {"family", r.family}};
    if (r.runs > 1) misc["runs"] = r.runs, misc["run_counts"] = r.run_counts;
    json t = {
        {"id", "sigipc:" + run_id + ":" + id_part(r.id)},
        {"build_id", build_id},
        {"origin", "sigipc"},
        {"path", "sigipc." + path_part(r.family) + "." + path_part(r.id.substr(0, r.id.find('.'))) +
                     (r.id.find('.') == std::string::npos
                          ? std::string()
                          : "." + path_part(r.id.substr(r.id.find('.') + 1)))},
        {"status", kcidb_status(r.status)},
        {"waived", r.status == Status::kXfail},
        {"duration", r.duration_ms / 1000.0},
        {"comment", r.statement.empty() ? r.requirement : r.statement},
        {"environment", {{"comment", platform_label(env)}, {"misc", env_misc}}},
        {"misc", misc}};
    if (!start_time.empty()) t["start_time"] = start_time;
    if (!r.message.empty()) t["log_excerpt"] = excerpt(r.message);
    tests.push_back(std::move(t));
  }
  json doc = {{"version", {{"major", 5}, {"minor", 0}}}, {"tests", tests}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sigipc

// LAVA test results: lava.sh calls lava-test-case once per test (run it in
// a LAVA test definition, where that helper is on PATH), and result.txt
// holds the same "NAME RESULT" pairs for a job that parses its output with a
// pattern instead.
//
// LAVA knows pass, fail, skip and unknown (docs/DESIGN.md section 3). Its results
// gate jobs, so the mapping follows the run's verdict:
//   PASS -> pass; FAIL -> fail; TIMEOUT -> fail (no answer in time is a
//   failure of the platform to wake or deliver, and makes the run red);
//   ERROR -> unknown (the test itself broke: nothing is known of the rule);
//   UNSUPPORTED -> skip; XFAIL -> pass (a known, listed deviation: green);
//   XPASS -> fail (the listed deviation is gone: red until the entry goes).
// Names keep LAVA's safe characters [A-Za-z0-9._-]; anything else becomes '_'.
#include <cstdio>
#include <sstream>

#include "reports/writers.h"

namespace sigipc {

namespace {

const char* lava_result(Status s) {
  switch (s) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return "fail";
    case Status::kError:
      return "unknown";
    case Status::kTimeout:
      return "fail";
    case Status::kUnsupported:
      return "skip";
    case Status::kSkip:
      return "skip";
    case Status::kXfail:
      return "pass";
    case Status::kXpass:
      return "fail";
  }
  return "unknown";
}

std::string lava_name(const std::string& s) {
  std::string o;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    o += ok ? c : '_';
  }
  return o.empty() ? "_" : o;
}

}  // namespace

std::string lava_script_text(const RunRecord& run) {
  std::ostringstream s;
  s << "#!/bin/sh\n"
       "# sigipc results as LAVA test cases: run inside a LAVA test definition.\n"
       "# Statuses: PASS/XFAIL -> pass, FAIL/TIMEOUT/XPASS -> fail, ERROR -> unknown,\n"
       "# UNSUPPORTED -> skip. The sigipc status of each test is in the comment.\n";
  char secs[32];
  for (const auto& r : run.results) {
    std::snprintf(secs, sizeof secs, "%.3f", r.duration_ms / 1000.0);
    s << "lava-test-case " << lava_name(r.family + "." + r.id) << " --result "
      << lava_result(r.status) << " --measurement " << secs << " --units seconds  # "
      << status_name(r.status) << "\n";
  }
  return s.str();
}

std::string lava_results_text(const RunRecord& run) {
  std::ostringstream s;
  for (const auto& r : run.results)
    s << lava_name(r.family + "." + r.id) << " " << lava_result(r.status) << "\n";
  return s.str();
}

}  // namespace sigipc

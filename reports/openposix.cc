// Open POSIX Test Suite style results: one "NAME: RESULT CODE" line per
// test, with the suite's exit codes PASS 0, FAIL 1, UNRESOLVED 2,
// UNSUPPORTED 4 (docs/DESIGN.md section 3), and the reason after the code for
// anything but a pass. The Open POSIX suite judges the platform, not the
// expectation file, so:
//   ERROR, TIMEOUT -> UNRESOLVED 2 (no verdict on the rule could be reached)
//   XFAIL -> FAIL 1 (the platform breaks the rule; the deviation is known,
//            the reason says so)
//   XPASS -> PASS 0 (the platform follows the rule; the reason notes the
//            stale expectation)
//   SKIP -> UNTESTED 5 (left out by an expectation entry, with its reason)
#include <sstream>

#include "reports/writers.h"

namespace sigipc {

namespace {

struct Code {
  const char* name;
  int code;
};

Code openposix_code(Status s) {
  switch (s) {
    case Status::kPass:
      return {"PASS", 0};
    case Status::kFail:
      return {"FAIL", 1};
    case Status::kError:
      return {"UNRESOLVED", 2};
    case Status::kTimeout:
      return {"UNRESOLVED", 2};
    case Status::kUnsupported:
      return {"UNSUPPORTED", 4};
    case Status::kSkip:
      return {"UNTESTED", 5};
    case Status::kXfail:
      return {"FAIL", 1};
    case Status::kXpass:
      return {"PASS", 0};
  }
  return {"UNRESOLVED", 2};
}

std::string one_line(const std::string& s) {
  std::string o;
  for (char c : s) o += (c == '\n' || c == '\r') ? ' ' : c;
  return o;
}

}  // namespace

std::string openposix_text(const RunRecord& run) {
  std::ostringstream o;
  o << "# sigipc results in Open POSIX Test Suite codes: PASS 0, FAIL 1, UNRESOLVED 2, "
       "UNSUPPORTED 4\n# NAME: RESULT CODE [sigipc status: reason]\n";
  for (const auto& r : run.results) {
    Code c = openposix_code(r.status);
    o << r.family << "/" << r.id << ": " << c.name << " " << c.code;
    if (r.status != Status::kPass)
      o << " [" << status_name(r.status) << (r.message.empty() ? "" : ": ") << one_line(r.message)
        << "]";
    o << "\n";
  }
  return o.str();
}

}  // namespace sigipc

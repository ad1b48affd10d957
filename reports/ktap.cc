// KTAP version 1 (Linux Documentation/dev-tools/ktap.rst): a top-level plan
// over the families, each family a nested test (indented two spaces) with its
// own version line, "# Subtest:" header and plan, one result line per test.
//
// Mapping (docs/DESIGN.md section 3):
//   PASS        ok N id
//   FAIL        not ok N id
//   ERROR       not ok N id # ERROR reason
//   TIMEOUT     not ok N id # TIMEOUT reason
//   UNSUPPORTED ok N id # SKIP reason
//   XFAIL       ok N id # XFAIL reason   (as kselftest's ksft_test_result_xfail)
//   XPASS       not ok N id             (KTAP has no XPASS directive, and a
//                                        parser treats an unknown directive as
//                                        a pass: the status goes in a
//                                        diagnostic line instead)
// A family's own line is "not ok" when any of its tests makes the run red.
// Messages are diagnostic lines ("# ...") just before the result line they
// explain, one per line of the message.
#include <sstream>

#include "reports/writers.h"

namespace sigipc {

namespace {

// A description must not hold '#' (it would start a directive) or a line break.
std::string ktap_name(const std::string& s) {
  std::string o;
  for (char c : s) o += (c == '#' || c == '\n' || c == '\r') ? '_' : c;
  return o;
}

// Text after a directive: one line.
std::string one_line(const std::string& s) {
  std::string o;
  for (char c : s) o += (c == '\n' || c == '\r') ? ' ' : c;
  return o;
}

void diagnostics(std::ostringstream& k, const std::string& indent, const std::string& label,
                 const std::string& message) {
  std::istringstream lines(message);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    k << indent << "# " << (first ? label : std::string(label.size(), ' ')) << line << "\n";
    first = false;
  }
}

}  // namespace

std::string ktap_text(const RunRecord& run) {
  std::ostringstream k;
  auto families = run.by_family();
  k << "KTAP version 1\n";
  k << "# sigipc " << one_line(env_str(run.environment, "suite_version")) << " on "
    << one_line(platform_label(run.environment)) << ", seed "
    << one_line(env_str(run.environment, "seed")) << "\n";
  k << "1.." << families.size() << "\n";
  int fnum = 0;
  for (const auto& [family, fc] : families) {
    ++fnum;
    int n = 0;
    for (const auto& r : run.results)
      if (r.family == family) ++n;
    const std::string in = "  ";
    k << in << "KTAP version 1\n" << in << "# Subtest: " << ktap_name(family) << "\n";
    k << in << "1.." << n << "\n";
    int num = 0;
    bool family_bad = false;
    for (const auto& r : run.results) {
      if (r.family != family) continue;
      ++num;
      family_bad = family_bad || is_bad(r.status);
      std::string name = ktap_name(r.id);
      // The directive carries a one-line reason; the rest, and the reason of
      // a plain "not ok", go in diagnostic lines.
      bool plain_not_ok = r.status == Status::kFail || r.status == Status::kXpass;
      if (r.status != Status::kPass && !r.message.empty() &&
          (plain_not_ok || r.message.find('\n') != std::string::npos))
        diagnostics(k, in, std::string(status_name(r.status)) + ": ", r.message);
      k << in;
      switch (r.status) {
        case Status::kPass:
          k << "ok " << num << " " << name;
          break;
        case Status::kFail:
          k << "not ok " << num << " " << name;
          break;
        case Status::kError:
          k << "not ok " << num << " " << name << " # ERROR " << one_line(r.message);
          break;
        case Status::kTimeout:
          k << "not ok " << num << " " << name << " # TIMEOUT " << one_line(r.message);
          break;
        case Status::kUnsupported:
        case Status::kSkip:
          k << "ok " << num << " " << name << " # SKIP " << one_line(r.message);
          break;
        case Status::kXfail:
          k << "ok " << num << " " << name << " # XFAIL " << one_line(r.message);
          break;
        case Status::kXpass:
          k << "not ok " << num << " " << name;
          break;
      }
      k << "\n";
    }
    k << (family_bad ? "not ok " : "ok ") << fnum << " " << ktap_name(family) << "\n";
  }
  if (run.interrupted) k << "# interrupted: " << run.not_run_count() << " tests not run\n";
  return k.str();
}

}  // namespace sigipc

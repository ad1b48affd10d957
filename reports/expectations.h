// Expectation files: known deviations of a platform, so a run is green on
// the deviations already understood and red on new ones (docs/DESIGN.md section 3).
//
//   - test: SignalFlags.SaResethandClearsSaSiginfo   # glob over test ids, or
//     rule: signal.flags.resethand-*                 # glob over requirement ids
//     platforms:                                     # optional; every key must hold
//       kernel: ">=2.6 <7"                           # version range over the release
//       libc: glibc                                  # alternatives separated by '|'
//       libc_version: ">=2.17"
//       arch: x86_64|aarch64
//       emulator: none|qemu-user                     # or "not gvisor|valgrind": any but these
//     status: FAIL                                   # the status the deviation produces
//     reason: Linux leaves SA_SIGINFO set when SA_RESETHAND resets the handler
//     link: https://...
//
// status: SKIP leaves the test out of a run (reported as SKIP with the
// reason). A result that matches an entry applying to this platform with the
// expected status becomes XFAIL; one that now passes becomes XPASS (red: the
// entry is stale and should go). An entry that names no test at all is
// reported as stale.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/result_model.h"

namespace sigipc {

struct Expectation {
  std::string file;
  int line = 0;
  std::string test_glob, rule_glob;
  std::vector<std::pair<std::string, std::string>> platforms;  // key, condition
  Status status = Status::kFail;
  std::string reason, link;

  std::string where() const { return file + ":" + std::to_string(line); }
};

// Reads one file; throws std::runtime_error "FILE:LINE: what" when it cannot
// be read (LINE 0) or is malformed. A file with no entries at all (empty, or
// comments only) is refused as a likely truncation: "[]" lists nothing.
std::vector<Expectation> load_expectations(const std::string& path);
// The same for text already in memory; name stands for FILE in messages
// (the fuzz targets call this).
std::vector<Expectation> load_expectations_text(const std::string& text, const std::string& name);

// Whether every platform condition holds for the environment block.
bool applies_to(const Expectation& e, const nlohmann::json& environment);

// "6.18.44-fc" >= "6.1" and friends; conditions are space-separated
// comparisons (>=, <=, >, <, =) that must all hold. Throws on a bad condition.
bool version_matches(const std::string& version, const std::string& condition);

struct ExpectationReport {
  std::vector<std::string> stale;  // "FILE:LINE: why"
  int applied = 0;                 // results turned into XFAIL or XPASS
};

// The entry deciding a result on this platform (the first that names the
// test or its rule and applies), or nullptr.
const Expectation* deciding_expectation(const std::vector<Expectation>& expectations,
                                        const nlohmann::json& environment,
                                        const std::string& test_id, const std::string& requirement);

// Rewrites one result's status and message by its deciding entry; returns
// whether it became XFAIL or XPASS.
bool apply_expectation(Result& r, const Expectation& e);

// Rewrites statuses in run.results. all_test_ids and all_rules: the whole
// catalogue, to tell a stale entry from one for a test not selected.
ExpectationReport apply_expectations(RunRecord& run, const std::vector<Expectation>& expectations,
                                     const std::vector<std::string>& all_test_ids,
                                     const std::vector<std::string>& all_rules);

}  // namespace sigipc

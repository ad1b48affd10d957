// Expectation files: known deviations of a platform, so a run is green on
// the deviations already understood and red on new ones (docs/DESIGN.md section 3).
//
//   platform:                          # what the whole file is about; every key must hold
//     emulator: qemu-user              # alternatives A|B, or "not A|B": any but these
//   deviations:
//     - id: qemu-user-mq-notify        # short, unique across all files; XFAIL messages cite it
//       reason: qemu-user 7.2 has no mq_notify() ...
//       link: https://...
//       platform: {arch: aarch64}      # optional narrowing (kernel, libc, libc_version,
//                                      # arch, emulator; kernel and libc_version are ranges)
//       status: FAIL                   # the status it produces (FAIL, ERROR, TIMEOUT,
//                                      # UNSUPPORTED, or SKIP: leave the test out)
//       tests:                         # globs over test ids, and/or
//         - PosixMqNotify.*
//         - PosixMqClose.Close*: {status: ERROR, arch: x86_64}   # one item narrowed
//       rules: [posix-mq.notify.*]     # globs over requirement ids
//       except: [PosixMqNotify.Fine]   # globs (tests or rules) the deviation does not cover
//       fails:                         # what the failing check says: a glob searched in
//         - failed with ENOSYS         # each recorded failure, or "file.cc:47" (basename:line)
//
// A result with the deviation's status becomes XFAIL only when every failure
// its message records (the "; "-separated "file:line: text" checks; for
// ERROR, TIMEOUT and UNSUPPORTED the message, cut the same way) matches a fails:
// pattern; a parent's "(a check failed in the child)" is covered by the
// child's own failure. Any other failure keeps the status and the message
// names it. A passing result becomes XPASS (red: the deviation is stale). A
// glob that names no test at all is reported as stale.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/result_model.h"

namespace sigipc {

// One test or rule glob of a deviation, with everything it inherits: a
// deviation with five globs loads as five of these sharing id and reason.
struct Expectation {
  std::string file;
  int line = 0;  // of the glob
  std::string id;
  std::string test_glob, rule_glob;
  std::vector<std::string> except;  // globs over test ids and requirement ids
  std::vector<std::string> fails;   // what the failing checks say
  std::vector<std::pair<std::string, std::string>> platforms;  // key, condition
  Status status = Status::kFail;
  std::string reason, link;

  std::string where() const { return file + ":" + std::to_string(line); }
};

// Reads one file; throws std::runtime_error "FILE:LINE: what" when it cannot
// be read (LINE 0) or is malformed. A file with no entries at all (empty, or
// comments only) is refused as a likely truncation: "deviations: []" lists
// nothing. ids: the deviation ids already taken (by earlier files).
std::vector<Expectation> load_expectations(const std::string& path);
std::vector<Expectation> load_expectations(const std::string& path, std::set<std::string>& ids);
// Several files in order, ids unique across them.
std::vector<Expectation> load_expectation_set(const std::vector<std::string>& paths);
// The same for text already in memory; name stands for FILE in messages
// (the fuzz targets call this).
std::vector<Expectation> load_expectations_text(const std::string& text, const std::string& name);
std::vector<Expectation> load_expectations_text(const std::string& text, const std::string& name,
                                                std::set<std::string>& ids);

// The failures a result message records: "; "-separated pieces, each
// starting a new failure where it starts with a check's "file:line: ".
std::vector<std::string> recorded_failures(const std::string& message);
// Whether one fails: pattern matches one recorded failure.
bool failure_matches(const std::string& pattern, const std::string& failure);
// The first recorded failure of message that e's fails: patterns do not
// explain, or "" when they explain all.
std::string unexplained_failure(const Expectation& e, const std::string& message);
// The deviation id an XFAIL result cites, or "".
std::string deviation_of(const Result& r);

// A deviation as a report lists it: once, with every test it turned XFAIL.
struct DeviationSeen {
  std::string id;
  std::string why;  // reason (link) [FILE:LINE], as the XFAIL messages cite it
  std::vector<std::string> tests;
};
// The deviations the XFAIL results of run cite, in first-seen order.
std::vector<DeviationSeen> deviations_seen(const RunRecord& run);

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

// Two runs compared test by test (sigipc diff): what broke, what got fixed,
// what else changed, which tests came or went, and how the environments
// differ.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/result_model.h"

namespace sigipc {

struct StatusChange {
  std::string id;
  std::optional<Status> before;  // none: the test is not in the old run
  std::optional<Status> after;   // none: the test is not in the new run
  std::string message;           // the new run's message (the old one's if removed)
};

struct EnvChange {
  std::string key;            // flattened, e.g. "limits.mq_msg_max"
  std::string before, after;  // "(absent)" when missing
};

struct RunDiff {
  // Bad (FAIL, ERROR, TIMEOUT, XPASS) in the new run and PASS, XFAIL,
  // UNSUPPORTED or absent in the old one: what a CI gate stops on.
  std::vector<StatusChange> new_failures;
  // Bad in the old run, PASS, XFAIL or UNSUPPORTED in the new one.
  std::vector<StatusChange> fixes;
  // Any other status change (FAIL -> TIMEOUT, PASS -> UNSUPPORTED, ...).
  std::vector<StatusChange> other_changes;
  std::vector<std::string> added, removed;  // test ids
  std::vector<EnvChange> environment;

  bool any_change() const {
    return !new_failures.empty() || !fixes.empty() || !other_changes.empty() || !added.empty() ||
           !removed.empty();
  }
};

RunDiff compare_runs(const RunRecord& before, const RunRecord& after);
std::string diff_text(const RunDiff& d, const std::string& old_name, const std::string& new_name);
// A pull-request comment: the verdict, counts, tables of new failures and
// fixes, the rest folded; capped below GitHub's 65536 characters.
std::string diff_markdown(const RunDiff& d, const std::string& old_name,
                          const std::string& new_name);
nlohmann::json diff_json(const RunDiff& d, const std::string& old_name,
                         const std::string& new_name);

}  // namespace sigipc

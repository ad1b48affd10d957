// sigipc diff OLD.json NEW.json: what changed between two runs. CI gates on
// the exit status: 1 when NEW has failures OLD did not have.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "reports/compare.h"
#include "reports/load.h"
#include "runner/commands.h"

namespace sigipc {

namespace {

struct DiffArgs {
  std::string old_file, new_file, fail_on = "new-failures", format;
  bool json = false;
};

// --format and --json as one format name; throws UsageError.
std::string output_format(const DiffArgs& a) {
  if (a.fail_on != "new-failures" && a.fail_on != "any-change" && a.fail_on != "never")
    throw UsageError("--fail-on must be new-failures, any-change or never, not '" + a.fail_on +
                     "'");
  if (a.json && !a.format.empty() && a.format != "json")
    throw UsageError("--json and --format " + a.format + " contradict each other");
  std::string format = a.json ? "json" : a.format.empty() ? "text" : a.format;
  if (format != "text" && format != "json" && format != "md")
    throw UsageError("--format must be text, json or md, not '" + format + "'");
  return format;
}

int diff(const DiffArgs& a) {
  const std::string format = output_format(a);
  RunRecord before = load_results_file(a.old_file), after = load_results_file(a.new_file);
  RunDiff d = compare_runs(before, after);
  if (format == "json")
    std::cout << diff_json(d, a.old_file, a.new_file)
                     .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  else if (format == "md")
    std::cout << diff_markdown(d, a.old_file, a.new_file);
  else
    std::cout << diff_text(d, a.old_file, a.new_file);
  if (a.fail_on == "never") return 0;
  if (!d.new_failures.empty()) return 1;
  if (a.fail_on == "any-change" && d.any_change()) return 1;
  return 0;
}

}  // namespace

CommandAction add_diff_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "diff",
      "Compare two saved runs: new failures, fixes, other status changes, tests added and "
      "removed, environment differences");
  auto a = std::make_shared<DiffArgs>();
  cmd->add_option("old", a->old_file, "results.json of the reference run")->required();
  cmd->add_option("new", a->new_file, "results.json of the run to judge")->required();
  cmd->add_option("--format", a->format,
                  "text (default): a plain listing; json: the differences as JSON; md: a Markdown "
                  "pull-request comment");
  cmd->add_flag("--json", a->json, "The same as --format json");
  cmd->add_option("--fail-on", a->fail_on,
                  "new-failures (default): exit 1 when NEW has a failure OLD did not have; "
                  "any-change: also on any status change or test added or removed; never");
  cmd->footer(
      "Exit status: 0 no new failures, 1 new failures (or a change, with --fail-on any-change), "
      "2 bad usage or input.");
  return [a](const CommandLine&) { return diff(*a); };
}

}  // namespace sigipc

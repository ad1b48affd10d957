// sigipc diff OLD.json NEW.json: what changed between two runs. CI gates on
// the exit status: 1 when NEW has failures OLD did not have.
#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "reports/compare.h"
#include "reports/load.h"
#include "runner/commands.h"

namespace sigipc {

int diff_main(int argc, char** argv) {
  CLI::App app{
      "Compare two saved runs: new failures, fixes, other status changes, tests added and "
      "removed, environment differences",
      "sigipc diff"};
  std::string old_file, new_file, fail_on = "new-failures", format;
  bool json = false;
  app.add_option("old", old_file, "results.json of the reference run")->required();
  app.add_option("new", new_file, "results.json of the run to judge")->required();
  app.add_option("--format", format,
                 "text (default): a plain listing; json: the differences as JSON; md: a Markdown "
                 "pull-request comment");
  app.add_flag("--json", json, "The same as --format json");
  app.add_option("--fail-on", fail_on,
                 "new-failures (default): exit 1 when NEW has a failure OLD did not have; "
                 "any-change: also on any status change or test added or removed; never");
  app.footer(
      "Exit status: 0 no new failures, 1 new failures (or a change, with --fail-on any-change), "
      "2 bad usage or input.");
  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "sigipc diff: %s (see: sigipc diff --help)\n", e.what());
    return 2;
  }
  if (fail_on != "new-failures" && fail_on != "any-change" && fail_on != "never") {
    std::fprintf(stderr,
                 "sigipc diff: --fail-on must be new-failures, any-change or never, not '%s'\n",
                 fail_on.c_str());
    return 2;
  }
  if (json && !format.empty() && format != "json") {
    std::fprintf(stderr, "sigipc diff: --json and --format %s contradict each other\n",
                 format.c_str());
    return 2;
  }
  if (json) format = "json";
  if (format.empty()) format = "text";
  if (format != "text" && format != "json" && format != "md") {
    std::fprintf(stderr, "sigipc diff: --format must be text, json or md, not '%s'\n",
                 format.c_str());
    return 2;
  }
  RunRecord before, after;
  try {
    before = load_results_file(old_file);
    after = load_results_file(new_file);
  } catch (const InputError& e) {
    std::fprintf(stderr, "sigipc diff: %s\n", e.what());
    return 2;
  }
  RunDiff d = compare_runs(before, after);
  if (format == "json")
    std::cout << diff_json(d, old_file, new_file)
                     .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  else if (format == "md")
    std::cout << diff_markdown(d, old_file, new_file);
  else
    std::cout << diff_text(d, old_file, new_file);
  if (fail_on == "never") return 0;
  if (!d.new_failures.empty()) return 1;
  if (fail_on == "any-change" && d.any_change()) return 1;
  return 0;
}

}  // namespace sigipc

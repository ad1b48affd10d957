// The commands of the sigipc command line, each in its own file. A command
// declares its options on its CLI11 subcommand and returns what runs once
// the command line was parsed. That returns the exit status: 0 green, 1 not
// green, 2 bad usage or unreadable input (with a one-line reason on stderr).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace sigipc {

// Bad usage or input, found after parsing: exit 2 with "sigipc CMD: what".
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CommandLine {
  std::string text;  // the whole command line, shell-quoted
  // The words after "--" (sigipc inject's program), when there was a "--".
  bool dashdash = false;
  std::vector<std::string> program;
};

using CommandAction = std::function<int(const CommandLine&)>;

CommandAction add_list_command(CLI::App& app);    // runner/cli.cc
CommandAction add_run_command(CLI::App& app);     // runner/cli.cc
CommandAction add_inject_command(CLI::App& app);  // runner/inject_cmd.cc
CommandAction add_report_command(CLI::App& app);  // runner/report_cmd.cc
CommandAction add_diff_command(CLI::App& app);    // runner/diff_cmd.cc
CommandAction add_merge_command(CLI::App& app);   // runner/merge_cmd.cc
CommandAction add_bench_command(CLI::App& app);   // runner/bench_cmd.cc

// Runs a command's action: UsageError and unreadable input (InputError) are
// "PREFIX: what" and exit 2, any other exception "PREFIX: error: what" and
// exit 1.
int run_command(const std::string& prefix, const std::function<int()>& action);

}  // namespace sigipc

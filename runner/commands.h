// Subcommands beyond list and run, each in its own file. argv[0] is the
// program, argv[1] the subcommand name. Each returns the process exit status
// (0 green, 1 not green, 2 bad usage or unreadable input with a one-line
// reason on stderr).
#pragma once

namespace sigipc {

int inject_main(int argc, char** argv);  // runner/inject_cmd.cc
int report_main(int argc, char** argv);  // runner/report_cmd.cc
int diff_main(int argc, char** argv);    // runner/diff_cmd.cc
int merge_main(int argc, char** argv);   // runner/merge_cmd.cc

}  // namespace sigipc

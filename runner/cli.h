// The sigipc command line: list, run and the internal entry points of a test
// process. Every binary built from the suite's test sources links this.
#pragma once

namespace sigipc {

// Returns the process exit status: 0 all green, 1 something not green, 2 bad
// usage or unreadable input (with a one-line reason on stderr).
int cli_main(int argc, char** argv);

}  // namespace sigipc

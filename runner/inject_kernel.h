// `sigipc inject --fail-kernel SPEC -- PROGRAM...`: the kernel fault
// injector (injectors/kernel_fault_trace.h) from the command line.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace sigipc {

// Exit status when this kernel has no fail-nth (the run is unsupported, not
// failed): 77, the "skipped" status of automake and meson test harnesses.
constexpr int kKernelFaultUnsupportedExit = 77;

// Checks the spec (a bad one is a UsageError), then runs the program once
// (NAME@N) or once per N until the call ends with no fault fired
// (NAME@all). One line per run to log (else stderr unless quiet). Returns
// the exit status of the program's last run (128+N when signal N killed
// it), 1 when @all still reached fault points after 200 runs.
int run_kernel_fault(const std::string& spec, const std::vector<std::string>& program, bool quiet,
                     FILE* log, const std::function<void(pid_t)>& started);

// Parses the spec only: UsageError when it is bad.
void check_kernel_fault_spec(const std::string& spec);

}  // namespace sigipc

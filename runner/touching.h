// Test selection by kernel function (sigipc run/list --touching): the tests
// whose kernel coverage unit reaches a profiled kernel function, as the
// attribution file of ci/kernel/coverage-report records it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fixtures/registry.h"

namespace sigipc {

struct KernelAttribution {
  std::string path;
  std::string granularity;  // "family" (units are families) or "test" (test ids)
  // "kernel/signal.c:do_sigaction" -> the units that reach it (none: unreached)
  std::map<std::string, std::vector<std::string>> functions;
};

// Reads an attribution file (schema sigipc-kernel-attribution/1); throws
// UsageError with a one-line reason.
KernelAttribution load_attribution(const std::string& path);

// The tests of `tests` whose unit reaches any of `functions` (FILE:FUNCTION),
// in their given order; `tests` unchanged when `functions` is empty. The
// file is `attribution_file`, which the caller takes from --attribution or
// $SIGIPC_KERNEL_ATTRIBUTION. Throws UsageError when there is no file, for a
// function the file does not profile or no unit reaches, and when no test of
// `tests` is left.
std::vector<const TestMeta*> select_touching(const std::vector<const TestMeta*>& tests,
                                             const std::vector<std::string>& functions,
                                             const std::string& attribution_file);

}  // namespace sigipc

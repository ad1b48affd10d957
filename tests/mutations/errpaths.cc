// Shims of the libc error paths whose state checks the ErrorPaths family
// keeps (suites/injection/errpath_*.cc): the steps libc itself does around
// the failed kernel call.
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(ErrorPaths,
                 Mutation{"libshim_errpath_sem_open_leaves_name.so",
                          "ErrorPaths.SemOpenLinkEnospcLeavesNoFiles"},
                 Mutation{"libshim_errpath_raise_keeps_block.so",
                          "ErrorPaths.RaiseEinvalReportsFailureAndRestoresMask"});

// Shims of the async-signal-safety rules (XSH 2.4.3): a call a handler
// re-enters that fails, and calls whose interrupted result a handler's call
// corrupts (only seen when handlers land inside the calls).
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(AsyncSafe,
                 Mutation{"libshim_asyncsafe_getpid_shared_slot.so",
                          "SignalAsyncSafeCalls.IdentityQueriesInAHandlerAgreeWithTheMainFlow"});
SIGIPC_MUTATIONS(AsyncSafeTable,
                 Mutation{"libshim_asyncsafe_write_lock.so", "SignalAsyncSafeTable.Write"},
                 Mutation{"libshim_asyncsafe_getpid_shared_slot.so",
                          "SignalAsyncSafeTable.Getpid"});

// A SIGSEGV handler and an exhausted stack (Linux-only, sigaltstack(2)
// NOTES): "If the standard stack is exhausted, the kernel sends the thread a
// SIGSEGV signal. In these circumstances the only way to catch this signal
// is on an alternate signal stack." Without one the handler cannot run and
// the signal takes its default action.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

constexpr int kHandlerRanExit = 41;

void exit_from_handler(int) { _exit(kHandlerRanExit); }

// Recurses until the stack cannot grow; the bound only keeps the compiler
// from proving the recursion infinite (RLIMIT_STACK ends it long before). It
// is 64-bit on every target: a 32-bit long cannot hold it.
__attribute__((noinline)) long long exhaust_stack(long long depth) {
  volatile char frame[4096];
  frame[0] = static_cast<char>(depth);
  frame[sizeof frame - 1] = frame[0];
  if (depth > (1LL << 40)) return frame[0];
  return exhaust_stack(depth + 1) + frame[sizeof frame - 1];
}

SIGIPC_TEST(SignalAltstack, SegvHandlerWithoutAltstackCannotCatchStackExhaustion,
            "signal.altstack.exhausted-stack-needs-altstack", "sigaltstack(2) (Linux-only)",
            "When the standard stack is exhausted and the SIGSEGV handler has no alternate "
            "stack, the handler cannot be invoked and the process is killed by SIGSEGV") {
  WaitStatus st = RunFaultingChild(SIGSEGV, [] {
    struct sigaction sa {};
    sa.sa_handler = exit_from_handler;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGSEGV, &sa, nullptr));
    stack_t none{};
    none.ss_flags = SS_DISABLE;
    CHILD_CHECK_OK(sigaltstack(&none, nullptr));
    rlimit small{};
    CHILD_CHECK_OK(getrlimit(RLIMIT_STACK, &small));
    small.rlim_cur = 256 * 1024;
    CHILD_CHECK_OK(setrlimit(RLIMIT_STACK, &small));
    exhaust_stack(0);
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV)) << "exit " << kHandlerRanExit << " means the handler ran";
}

}  // namespace
}  // namespace sigipc

// The alternate stack across fork, exec and thread creation, and its use for
// a stack overflow. XSH fork(), XSH sigaltstack() (exec), XSH
// pthread_create().
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::in_region;

// Exit codes of the altstack_state helper: the state the new image finds.
constexpr int kStackDisabled = 10;
constexpr int kStackEnabled = 11;
constexpr int kStackQueryFailed = 12;

SIGIPC_EXEC_HELPER(altstack_state) {
  stack_t now{};
  if (sigaltstack(nullptr, &now) != 0) return kStackQueryFailed;
  return (now.ss_flags & SS_DISABLE) ? kStackDisabled : kStackEnabled;
}

SIGIPC_TEST(SignalAltStack, ExecRemovesAltStack, "signal.altstack.exec-removes",
            "XSH sigaltstack()",
            "After a successful exec there is no alternate signal stack in the new process "
            "image: sigaltstack() reports SS_DISABLE") {
  AltStack alt(signals::alt_stack_bytes());
  ExecArgv argv("altstack_state", {});
  Child c([&] {
    stack_t now{};
    CHILD_CHECK_OK(sigaltstack(nullptr, &now));
    CHILD_CHECK_EQ(now.ss_flags, 0);  // setup: inherited through fork, enabled
    argv.exec();
    SafeBuf b;
    b.str("exec of the altstack_state helper failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  EXPECT_TRUE(ExitedWith(c.wait(), kStackDisabled))
      << "exit codes: " << kStackEnabled << " the stack survived exec, " << kStackQueryFailed
      << " sigaltstack() failed in the new image";
}

SIGIPC_TEST(SignalAltStack, ForkChildInheritsAltStack, "signal.altstack.fork-inherits",
            "XSH fork()",
            "A child created by fork() has its parent's alternate stack (the child is a copy of "
            "the parent, and no exception names the stack): same ss_sp and ss_size, enabled and "
            "used for SA_ONSTACK handlers") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction action(SIGUSR1, signals::record_frame, SA_ONSTACK);
  WaitStatus st = RunInChild([&] {
    stack_t now{};
    CHILD_CHECK_OK(sigaltstack(nullptr, &now));
    CHILD_CHECK(now.ss_sp == alt.base());
    CHILD_CHECK_EQ(now.ss_size, alt.size());
    CHILD_CHECK_EQ(now.ss_flags, 0);
    signals::g_frame_addr = 0;
    CHILD_CHECK_OK(raise(SIGUSR1));
    CHILD_CHECK(in_region(signals::g_frame_addr.load(), alt.base(), alt.size()));
  });
  EXPECT_CHILD_OK(st);
}

void* report_thread_stack(void* out) {
  stack_t now{};
  if (sigaltstack(nullptr, &now) != 0) now.ss_flags = -1;
  *static_cast<stack_t*>(out) = now;
  return nullptr;
}

SIGIPC_TEST(SignalAltStack, NewThreadStartsWithoutAltStack, "signal.altstack.thread-not-inherited",
            "XSH pthread_create()",
            "A thread created by pthread_create() does not inherit the creating thread's "
            "alternate stack") {
  AltStack alt(signals::alt_stack_bytes());
  stack_t seen{};
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, nullptr, report_thread_stack, &seen), 0);
  ASSERT_EQ(pthread_join(t, nullptr), 0);
  ASSERT_NE(seen.ss_flags, -1) << "sigaltstack() failed in the new thread";
  EXPECT_NE(seen.ss_flags & SS_DISABLE, 0) << "the new thread reports an enabled stack";
  EXPECT_EQ(signals::query_alt_stack().ss_sp, alt.base()) << "the creator kept its own stack";
}

// The overflow child: a static stack (no allocation after fork), a depth
// that only a volatile read can stop (so the compiler sees no infinite
// recursion), and exit codes saying where the SIGSEGV handler ran.
constexpr int kCaughtOnAltStack = 20;
constexpr int kCaughtElsewhere = 21;
char g_segv_stack[256 * 1024];
volatile int g_depth_limit = 0;  // 0: no limit

void segv_on_alt_stack(int) {
  volatile char here = 0;
  child_exit(in_region(signals::addr_of(&here), g_segv_stack, sizeof g_segv_stack)
                 ? kCaughtOnAltStack
                 : kCaughtElsewhere);
}

__attribute__((noinline)) int recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  if (g_depth_limit != 0 && depth >= g_depth_limit) return frame[0];
  return recurse(depth + 1) + frame[0];
}

SIGIPC_TEST(SignalAltStack, StackOverflowIsCaughtOnAltStack, "signal.altstack.overflow-caught",
            "XSH sigaltstack(); sigaltstack(2)",
            "When the normal stack is exhausted (RLIMIT_STACK reached), the resulting SIGSEGV "
            "is caught by an SA_ONSTACK handler running on the alternate stack") {
  Child c([] {
    child_disable_core_dumps();
    stack_t ss{};
    ss.ss_sp = g_segv_stack;
    ss.ss_size = sizeof g_segv_stack;
    CHILD_CHECK_OK(sigaltstack(&ss, nullptr));
    struct sigaction sa {};
    sa.sa_handler = segv_on_alt_stack;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_ONSTACK;
    CHILD_CHECK_OK(sigaction(SIGSEGV, &sa, nullptr));
    struct rlimit lim {};
    CHILD_CHECK_OK(getrlimit(RLIMIT_STACK, &lim));
    lim.rlim_cur = 1024 * 1024;  // reached after about a thousand frames
    CHILD_CHECK_OK(setrlimit(RLIMIT_STACK, &lim));
    recurse(0);
  });
  WaitStatus st = c.wait();
  EXPECT_TRUE(ExitedWith(st, kCaughtOnAltStack))
      << "exit " << kCaughtElsewhere << ": the handler ran off the alternate stack; killed by "
      << "SIGSEGV: the handler could not run at all";
}

}  // namespace
}  // namespace sigipc

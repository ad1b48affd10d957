// What sigaltstack() reports through oss: the previous stack's address,
// size and state (0 outside it, SS_ONSTACK while executing on it,
// SS_DISABLE once disabled), and SS_DISABLE ignoring ss_sp and ss_size.
// XSH sigaltstack().
#include <signal.h>
#include <unistd.h>

#include <memory>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"

namespace sigipc {
namespace {

using signals::query_alt_stack;

SIGIPC_TEST(SignalAltStack, OssReportsPreviousStack, "signal.altstack.oss-reports-stack",
            "XSH sigaltstack()",
            "oss receives the stack in effect before the call: its ss_sp and ss_size, and "
            "ss_flags 0 when enabled and not in use") {
  AltStack first(signals::alt_stack_bytes());  // restores the original state at the end
  std::unique_ptr<char[]> second(new char[first.size() * 2]);
  stack_t next{}, old{};
  next.ss_sp = second.get();
  next.ss_size = first.size() * 2;
  old.ss_flags = -1;
  ASSERT_SUCCEEDS(sigaltstack(&next, &old));
  EXPECT_EQ(old.ss_sp, first.base()) << "oss.ss_sp";
  EXPECT_EQ(old.ss_size, first.size()) << "oss.ss_size";
  EXPECT_EQ(old.ss_flags, 0) << "oss.ss_flags: enabled, not executing on it";
  stack_t now = query_alt_stack();
  EXPECT_EQ(now.ss_sp, second.get()) << "the new stack, as reported by the next query";
  EXPECT_EQ(now.ss_size, first.size() * 2);
  EXPECT_EQ(now.ss_flags, 0);
}

// The stack state read from inside the handler; -1 before it ran.
volatile sig_atomic_t g_flags_inside = -1;
void record_state(int) {
  stack_t now{};
  g_flags_inside = sigaltstack(nullptr, &now) == 0 ? now.ss_flags : -2;
}

SIGIPC_TEST(SignalAltStack, SsOnstackReportedOnlyWhileOnAltStack,
            "signal.altstack.ss-onstack-inside", "XSH sigaltstack()",
            "sigaltstack(NULL, &oss) reports SS_ONSTACK while the thread executes on the "
            "alternate stack, and not once the handler has returned") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction action(SIGUSR1, record_state, SA_ONSTACK);
  g_flags_inside = -1;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_NE(g_flags_inside, -1) << "the handler did not run";
  ASSERT_NE(g_flags_inside, -2) << "sigaltstack(NULL, &oss) failed inside the handler";
  EXPECT_NE(g_flags_inside & SS_ONSTACK, 0) << "inside the SA_ONSTACK handler";
  EXPECT_EQ(query_alt_stack().ss_flags, 0) << "after the handler returned";
}

SIGIPC_TEST(SignalAltStack, SsDisableIsReportedAfterDisabling, "signal.altstack.disable-reported",
            "XSH sigaltstack()",
            "After sigaltstack() with SS_DISABLE, the next call reports SS_DISABLE in "
            "oss.ss_flags") {
  AltStack alt(signals::alt_stack_bytes());
  ASSERT_EQ(query_alt_stack().ss_flags, 0) << "setup: the stack is enabled";
  stack_t off{}, old{};
  off.ss_flags = SS_DISABLE;
  ASSERT_SUCCEEDS(sigaltstack(&off, &old));
  EXPECT_EQ(old.ss_flags, 0) << "the stack was enabled before the call";
  EXPECT_NE(query_alt_stack().ss_flags & SS_DISABLE, 0) << "after SS_DISABLE";
}

SIGIPC_TEST(SignalAltStack, SsDisableIgnoresSpAndSize, "signal.altstack.disable-ignores-size",
            "XSH sigaltstack()",
            "With ss_flags SS_DISABLE, ss_sp and ss_size are ignored: a null address and a size "
            "below MINSIGSTKSZ are accepted") {
  AltStack alt(signals::alt_stack_bytes());
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  off.ss_sp = nullptr;
  off.ss_size = 1;
  ASSERT_SUCCEEDS(sigaltstack(&off, nullptr)) << "SS_DISABLE with ss_sp NULL and ss_size 1";
  EXPECT_NE(query_alt_stack().ss_flags & SS_DISABLE, 0) << "the stack must now be disabled";
}

}  // namespace
}  // namespace sigipc

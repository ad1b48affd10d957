// Which stack a handler runs on: the alternate stack for SA_ONSTACK handlers
// while one is declared and enabled, the normal stack otherwise, and nested
// deliveries that stay on the alternate stack. XSH sigaltstack(), XSH
// sigaction() (SA_ONSTACK); SS_AUTODISARM from sigaltstack(2).
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"

// The Linux UAPI value (<linux/signal.h> clashes with glibc's <signal.h>).
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

namespace sigipc {
namespace {

using signals::addr_of;
using signals::g_frame_addr;
using signals::in_region;
using signals::on_thread_stack;
using signals::record_frame;

// Raises sig, whose handler is record_frame, and returns where that frame was.
std::uintptr_t frame_of_handler_for(int sig) {
  g_frame_addr = 0;
  if (raise(sig) != 0) setup_error_errno(__FILE__, __LINE__, "raise()", errno);
  if (g_frame_addr.load() == 0) setup_error(__FILE__, __LINE__, "the handler did not run");
  return g_frame_addr.load();
}

SIGIPC_TEST(SignalAltStack, SaOnstackHandlerRunsOnAltStack, "signal.altstack.handler-on-stack",
            "XSH sigaltstack(); XSH sigaction()",
            "A handler installed with SA_ONSTACK runs on the alternate stack declared with "
            "sigaltstack(): its frame lies within [ss_sp, ss_sp + ss_size)") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction action(SIGUSR1, record_frame, SA_ONSTACK);
  EXPECT_TRUE(in_region(frame_of_handler_for(SIGUSR1), alt.base(), alt.size()))
      << "the SA_ONSTACK handler's frame is outside the alternate stack";
}

SIGIPC_TEST(SignalAltStack, HandlerWithoutSaOnstackRunsOnNormalStack,
            "signal.altstack.no-onstack-normal-stack", "XSH sigaction()",
            "A handler installed without SA_ONSTACK runs on the current (normal) stack even when "
            "an alternate stack is declared") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction action(SIGUSR1, record_frame);
  std::uintptr_t frame = frame_of_handler_for(SIGUSR1);
  EXPECT_FALSE(in_region(frame, alt.base(), alt.size()))
      << "a handler without SA_ONSTACK ran on the alternate stack";
  EXPECT_TRUE(on_thread_stack(frame)) << "the handler's frame is not on the thread's stack";
}

SIGIPC_TEST(SignalAltStack, DisabledAltStackIsNotUsed, "signal.altstack.disable-normal-stack",
            "XSH sigaltstack(); XSH sigaction()",
            "Once the alternate stack is disabled with SS_DISABLE, an SA_ONSTACK handler runs on "
            "the current stack") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction action(SIGUSR1, record_frame, SA_ONSTACK);
  stack_t off{};
  off.ss_flags = SS_DISABLE;
  ASSERT_SUCCEEDS(sigaltstack(&off, nullptr));
  std::uintptr_t frame = frame_of_handler_for(SIGUSR1);
  EXPECT_FALSE(in_region(frame, alt.base(), alt.size()))
      << "the handler ran on the alternate stack after SS_DISABLE";
  EXPECT_TRUE(on_thread_stack(frame)) << "the handler's frame is not on the thread's stack";
}

// The outer handler keeps a pattern in its frame and raises SIGUSR2, which
// is delivered at once (not blocked) while the outer handler is on the
// alternate stack. A nested delivery that restarted at the top of that
// stack would write its frame over the outer one.
constexpr int kCanaryBytes = 256;
signals::AtomicAddr g_inner_frame{0}, g_canary_lo{0}, g_canary_hi{0};
volatile sig_atomic_t g_canary_intact = -1;

void inner_handler(int) {
  volatile char here = 0;
  g_inner_frame.store(addr_of(&here));
}

void outer_handler(int) {
  volatile unsigned char canary[kCanaryBytes];
  for (int i = 0; i < kCanaryBytes; ++i) canary[i] = static_cast<unsigned char>(i * 7 + 1);
  g_canary_lo.store(addr_of(&canary[0]));
  g_canary_hi.store(addr_of(&canary[kCanaryBytes - 1]));
  HANDLER_CHECK(raise(SIGUSR2) == 0);
  int intact = 1;
  for (int i = 0; i < kCanaryBytes; ++i)
    if (canary[i] != static_cast<unsigned char>(i * 7 + 1)) intact = 0;
  g_canary_intact = intact;
}

SIGIPC_TEST(SignalAltStack, NestedSignalStaysOnAltStack, "signal.altstack.nested-stays-on-stack",
            "XSH sigaltstack()",
            "A signal caught while an SA_ONSTACK handler runs on the alternate stack is also "
            "delivered on that stack, below the running handler's frame and without overwriting "
            "it") {
  AltStack alt(signals::alt_stack_bytes());
  SignalAction outer(SIGUSR1, outer_handler, SA_ONSTACK);
  SignalAction inner(SIGUSR2, inner_handler, SA_ONSTACK);
  g_inner_frame = 0;
  g_canary_intact = -1;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_NE(g_canary_intact, -1) << "the outer handler did not run";
  ASSERT_TRUE(in_region(g_canary_lo.load(), alt.base(), alt.size()))
      << "setup: the outer SA_ONSTACK handler is on the alternate stack";
  ASSERT_NE(g_inner_frame.load(), 0u) << "the nested SIGUSR2 handler did not run";
  EXPECT_TRUE(in_region(g_inner_frame.load(), alt.base(), alt.size()))
      << "the nested handler left the alternate stack";
  EXPECT_FALSE(g_inner_frame.load() >= g_canary_lo.load() &&
               g_inner_frame.load() <= g_canary_hi.load())
      << "the nested handler's frame lies inside the outer handler's frame";
  EXPECT_EQ(g_canary_intact, 1) << "the nested delivery overwrote the outer handler's frame";
}

// What the SS_AUTODISARM handler saw: its frame and the stack state.
volatile sig_atomic_t g_flags_inside = -1;
void record_frame_and_state(int sig) {
  record_frame(sig);
  stack_t now{};
  if (sigaltstack(nullptr, &now) == 0) g_flags_inside = now.ss_flags;
}

SIGIPC_TEST(SignalAltStack, SsAutodisarmDisarmsStackWhileHandlerRuns, "signal.altstack.autodisarm",
            "Linux-only, sigaltstack(2)",
            "With SS_AUTODISARM the alternate stack is used, reported as SS_DISABLE while the "
            "handler runs on it, and re-armed when the handler returns") {
  AltStack alt(signals::alt_stack_bytes());
  stack_t ss{};
  ss.ss_sp = alt.base();
  ss.ss_size = alt.size();
  ss.ss_flags = static_cast<int>(SS_AUTODISARM);
  if (sigaltstack(&ss, nullptr) != 0) {
    if (errno == EINVAL)
      SIGIPC_UNSUPPORTED(
          "EINVAL for SS_AUTODISARM: a kernel older than 4.7 or an emulator "
          "without it");
    FAIL() << "sigaltstack(SS_AUTODISARM) failed with " << ErrnoText(errno);
  }
  SignalAction action(SIGUSR1, record_frame_and_state, SA_ONSTACK);
  g_flags_inside = -1;
  EXPECT_TRUE(in_region(frame_of_handler_for(SIGUSR1), alt.base(), alt.size()))
      << "the SA_ONSTACK handler did not run on the autodisarmed stack";
  EXPECT_EQ(g_flags_inside, SS_DISABLE) << "inside the handler the stack must read as disarmed";
  stack_t after = signals::query_alt_stack();
  EXPECT_EQ(after.ss_sp, alt.base()) << "the stack was not restored when the handler returned";
  EXPECT_EQ(after.ss_size, alt.size());
  EXPECT_EQ(after.ss_flags, static_cast<int>(SS_AUTODISARM)) << "flags after the handler";
}

}  // namespace
}  // namespace sigipc

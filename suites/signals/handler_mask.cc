// The signal mask while a handler runs: the union of the mask at delivery,
// sa_mask and the signal itself (unless SA_NODEFER), and the mask restored
// when the handler returns. XSH sigaction().
#include <signal.h>
#include <unistd.h>

#include <initializer_list>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::SameSignals;

// What probe_mask() saw: for each signal in g_probe_list, 1 if it was
// blocked inside the handler. Written only by the handler, read after
// raise() returns; every store is to a volatile sig_atomic_t.
signals::SignalList g_probe_list;
volatile sig_atomic_t g_blocked_in_handler[NSIG];
volatile sig_atomic_t g_probe_state = 0;  // 0 not run, 1 ran, -1 sigprocmask failed
// Blocks this signal from inside the handler when nonzero, to see the
// handler's own changes undone on return.
volatile sig_atomic_t g_block_inside = 0;

void probe_mask(int) {
  sigset_t now;
  if (sigprocmask(SIG_BLOCK, nullptr, &now) != 0) {
    g_probe_state = -1;
    return;
  }
  for (int i = 0; i < g_probe_list.count; ++i) {
    int s = g_probe_list.sigs[i];
    g_blocked_in_handler[s] = sigismember(&now, s);
  }
  if (g_block_inside != 0) {
    sigset_t more;
    sigemptyset(&more);
    sigaddset(&more, g_block_inside);
    HANDLER_CHECK(sigprocmask(SIG_BLOCK, &more, nullptr) == 0);
  }
  g_probe_state = 1;
}

void reset_probe() {
  g_probe_list = signals::posix_signals();
  for (int s = 0; s < NSIG; ++s) g_blocked_in_handler[s] = 0;
  g_probe_state = 0;
  g_block_inside = 0;
}

sigset_t probed_mask() {
  sigset_t m;
  sigemptyset(&m);
  for (int i = 0; i < g_probe_list.count; ++i) {
    int s = g_probe_list.sigs[i];
    if (g_blocked_in_handler[s] == 1) sigaddset(&m, s);
  }
  return m;
}

SIGIPC_TEST(SignalHandlerMask, HandlerMaskIsUnionOfMaskSaMaskAndSignal, "signal.handler-mask.union",
            "XSH sigaction()",
            "While a handler runs, the mask is the mask at delivery plus sa_mask plus the signal "
            "being delivered, and nothing else") {
  reset_probe();
  SignalMask mask;
  mask.block(SIGHUP);
  const sigset_t sa_mask = make_sigset({SIGUSR2, SIGTERM});
  SignalAction action(SIGUSR1, probe_mask, 0, &sa_mask);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_probe_state, 1) << "the handler did not run (0) or could not read the mask (-1)";
  EXPECT_TRUE(SameSignals(probed_mask(), make_sigset({SIGHUP, SIGUSR2, SIGTERM, SIGUSR1})))
      << "mask inside the SIGUSR1 handler (mask {SIGHUP}, sa_mask {SIGUSR2, SIGTERM})";
}

SIGIPC_TEST(SignalHandlerMask, SaNodeferLeavesSignalUnblocked, "signal.handler-mask.nodefer",
            "XSH sigaction()",
            "With SA_NODEFER the delivered signal is not added to the handler's mask unless it is "
            "in sa_mask") {
  struct Case {
    std::initializer_list<int> sa_mask, want;
    const char* what;
  };
  const Case cases[] = {
      {{SIGUSR2}, {SIGUSR2}, "SIGUSR1 not in sa_mask: stays unblocked"},
      {{SIGUSR1, SIGUSR2}, {SIGUSR1, SIGUSR2}, "SIGUSR1 in sa_mask: blocked through sa_mask"},
  };
  for (const Case& c : cases) {
    reset_probe();
    const sigset_t sa_mask = make_sigset(c.sa_mask);
    SignalAction action(SIGUSR1, probe_mask, SA_NODEFER, &sa_mask);
    ASSERT_SUCCEEDS(raise(SIGUSR1));
    ASSERT_EQ(g_probe_state, 1) << c.what;
    EXPECT_TRUE(SameSignals(probed_mask(), make_sigset(c.want))) << c.what;
  }
}

SIGIPC_TEST(SignalHandlerMask, MaskRestoredWhenHandlerReturns,
            "signal.handler-mask.restored-on-return", "XSH sigaction()",
            "When a handler returns normally the mask in force before delivery is restored, "
            "undoing sa_mask, the signal and the handler's own changes") {
  reset_probe();
  SignalMask mask;
  mask.block(SIGHUP);
  const sigset_t before = current_mask();
  const sigset_t sa_mask = make_sigset({SIGUSR2});
  SignalAction action(SIGUSR1, probe_mask, 0, &sa_mask);
  g_block_inside = SIGTERM;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_probe_state, 1);
  ASSERT_EQ(g_blocked_in_handler[SIGUSR2], 1) << "setup: sa_mask applied inside the handler";
  EXPECT_TRUE(SameSignals(current_mask(), before)) << "mask after the handler returned";
}

// Re-raises its signal once from inside the handler and records how deep
// the handler nested.
volatile sig_atomic_t g_entries = 0;
volatile sig_atomic_t g_depth = 0;
volatile sig_atomic_t g_max_depth = 0;
volatile sig_atomic_t g_pending_inside = -1;

void reraise_once(int sig) {
  g_entries = g_entries + 1;
  g_depth = g_depth + 1;
  if (g_depth > g_max_depth) g_max_depth = g_depth;
  if (g_entries == 1) {
    HANDLER_CHECK(raise(sig) == 0);
    sigset_t p;
    sigemptyset(&p);
    HANDLER_CHECK(sigpending(&p) == 0);
    g_pending_inside = sigismember(&p, sig);
  }
  g_depth = g_depth - 1;
}

void reset_reraise() {
  g_entries = 0;
  g_depth = 0;
  g_max_depth = 0;
  g_pending_inside = -1;
}

SIGIPC_TEST(SignalHandlerMask, SameSignalWaitsForHandlerToReturn,
            "signal.handler-mask.same-signal-deferred", "XSH sigaction()",
            "A signal generated while its own handler runs stays pending and is delivered after "
            "the handler returns, not nested inside it") {
  SignalAction action(SIGUSR1, reraise_once);
  reset_reraise();
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  EXPECT_EQ(g_pending_inside, 1) << "the re-raised SIGUSR1 must be pending inside the handler";
  EXPECT_EQ(g_max_depth, 1) << "the handler nested inside itself";
  EXPECT_EQ(g_entries, 2) << "the deferred SIGUSR1 must be delivered once the handler returns";
}

SIGIPC_TEST(SignalHandlerMask, SaNodeferAllowsNestedDelivery, "signal.handler-mask.nodefer-nests",
            "XSH sigaction()",
            "With SA_NODEFER a signal generated while its own handler runs is delivered at once, "
            "nesting the handler") {
  SignalAction action(SIGUSR1, reraise_once, SA_NODEFER);
  reset_reraise();
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  EXPECT_EQ(g_max_depth, 2) << "the re-raised SIGUSR1 must run the handler inside itself";
  EXPECT_EQ(g_pending_inside, 0) << "nothing may be left pending once the nested handler ran";
  EXPECT_EQ(g_entries, 2);
}

}  // namespace
}  // namespace sigipc

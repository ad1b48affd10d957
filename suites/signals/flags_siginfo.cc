// SA_SIGINFO: which form of signal-catching function is entered and with
// what arguments. XSH sigaction() (SA_SIGINFO), XBD <ucontext.h>.
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

// Every catchable signal, for the tests that cover each signal. raise() makes
// catching SIGSEGV, SIGFPE, SIGILL and SIGBUS defined (only returning from a
// real fault is undefined, XSH 2.4.3).
signals::SignalList catchable_signals() {
  signals::SignalList all = signals::posix_signals(), out;
  for (int i = 0; i < all.count; ++i)
    if (all.sigs[i] != SIGKILL && all.sigs[i] != SIGSTOP) out.sigs[out.count++] = all.sigs[i];
  return out;
}

volatile sig_atomic_t g_runs = 0;
volatile sig_atomic_t g_signo = 0;
volatile sig_atomic_t g_si_signo = 0;
volatile sig_atomic_t g_info_null = -1;
volatile sig_atomic_t g_context_null = -1;

void three_args(int signo, siginfo_t* info, void* context) {
  g_runs = g_runs + 1;
  g_signo = signo;
  g_info_null = info == nullptr;
  g_si_signo = info ? info->si_signo : 0;
  g_context_null = context == nullptr;
}

void one_arg(int signo) {
  g_runs = g_runs + 1;
  g_signo = signo;
}

void reset_record() {
  g_runs = 0;
  g_signo = 0;
  g_si_signo = 0;
  g_info_null = -1;
  g_context_null = -1;
}

SIGIPC_TEST(SignalFlags, SaSiginfoHandlerReceivesSignoInfoAndContext,
            "signal.flags.siginfo-three-args", "XSH sigaction()",
            "With SA_SIGINFO the catching function is entered as func(signo, info, context) with "
            "info->si_signo equal to signo and a non-null context, for every catchable signal") {
  const signals::SignalList sigs = catchable_signals();
  for (int i = 0; i < sigs.count; ++i) {
    const int sig = sigs.sigs[i];
    SignalAction action(sig, three_args);  // set_info() adds SA_SIGINFO
    reset_record();
    ASSERT_SUCCEEDS(raise(sig)) << SignalText(sig);
    ASSERT_EQ(g_runs, 1) << SignalText(sig) << ": the three-argument handler did not run once";
    EXPECT_EQ(g_signo, sig) << SignalText(sig) << ": first argument";
    EXPECT_EQ(g_info_null, 0) << SignalText(sig) << ": info must point to a siginfo_t";
    EXPECT_EQ(g_si_signo, sig) << SignalText(sig) << ": info->si_signo";
    EXPECT_EQ(g_context_null, 0) << SignalText(sig) << ": context must point to a ucontext_t";
  }
}

// What the SIGUSR1 handler read from its context's uc_sigmask, and from the
// mask it runs under: 1 member, 0 not, -1 not run.
volatile sig_atomic_t g_ctx_hup = -1, g_ctx_usr1 = -1, g_ctx_usr2 = -1;
volatile sig_atomic_t g_now_usr1 = -1, g_now_usr2 = -1;

void read_context_mask(int, siginfo_t*, void* context) {
  const ucontext_t* uc = static_cast<const ucontext_t*>(context);
  g_ctx_hup = sigismember(&uc->uc_sigmask, SIGHUP);
  g_ctx_usr1 = sigismember(&uc->uc_sigmask, SIGUSR1);
  g_ctx_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
  sigset_t now;
  sigemptyset(&now);
  HANDLER_CHECK(sigprocmask(SIG_BLOCK, nullptr, &now) == 0);
  g_now_usr1 = sigismember(&now, SIGUSR1);
  g_now_usr2 = sigismember(&now, SIGUSR2);
}

SIGIPC_TEST(SignalFlags, SaSiginfoContextHoldsInterruptedMask, "signal.flags.siginfo-context-mask",
            "XSH sigaction(); XBD <ucontext.h>",
            "The SA_SIGINFO context argument is the interrupted thread's context: its "
            "uc_sigmask is the mask before delivery, without the handler's additions") {
  SignalMask mask;
  mask.block(SIGHUP);
  const sigset_t sa_mask = make_sigset({SIGUSR2});
  SignalAction action(SIGUSR1, read_context_mask, 0, &sa_mask);
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_now_usr1, 1) << "setup: SIGUSR1 is blocked while its handler runs";
  ASSERT_EQ(g_now_usr2, 1) << "setup: sa_mask {SIGUSR2} is applied while the handler runs";
  EXPECT_EQ(g_ctx_hup, 1) << "SIGHUP was blocked when SIGUSR1 was delivered";
  EXPECT_EQ(g_ctx_usr1, 0) << "the delivered signal is not part of the interrupted context";
  EXPECT_EQ(g_ctx_usr2, 0) << "sa_mask is not part of the interrupted context";
}

SIGIPC_TEST(SignalFlags, HandlerWithoutSaSiginfoReceivesSigno, "signal.flags.no-siginfo-one-arg",
            "XSH sigaction()",
            "Without SA_SIGINFO the catching function is the sa_handler member, entered with the "
            "signal number as its argument, for every catchable signal") {
  const signals::SignalList sigs = catchable_signals();
  for (int i = 0; i < sigs.count; ++i) {
    const int sig = sigs.sigs[i];
    SignalAction guard(sig);
    struct sigaction act {
    }, seen{};
    act.sa_handler = one_arg;
    sigemptyset(&act.sa_mask);
    act.sa_flags = 0;
    ASSERT_SUCCEEDS(sigaction(sig, &act, nullptr)) << SignalText(sig);
    ASSERT_SUCCEEDS(sigaction(sig, nullptr, &seen)) << SignalText(sig);
    EXPECT_EQ(seen.sa_flags & SA_SIGINFO, 0) << SignalText(sig) << ": SA_SIGINFO appeared";
    EXPECT_EQ(seen.sa_handler, &one_arg) << SignalText(sig) << ": sa_handler";
    reset_record();
    ASSERT_SUCCEEDS(raise(sig)) << SignalText(sig);
    EXPECT_EQ(g_runs, 1) << SignalText(sig) << ": the handler did not run once";
    EXPECT_EQ(g_signo, sig) << SignalText(sig) << ": the handler's argument";
  }
}

}  // namespace
}  // namespace sigipc

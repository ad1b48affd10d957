// Calls that wait for signals: sigtimedwait()/sigwaitinfo() for a blocked
// signal, sigsuspend() and pause(). A handler for another signal ends each
// with -1/EINTR, SA_RESTART or not.
//
// sigsuspend() and pause() are POSIX's own rule: they return "after the
// signal-catching function returns" with -1/EINTR (XSH sigsuspend(), pause());
// no restart is defined for a call whose purpose is to wait for that handler.
// sigtimedwait()/sigwaitinfo(): XSH leaves it to the implementation whether a
// caught signal outside the set makes them fail with EINTR ("It shall be
// documented in system documentation whether this error causes these
// functions to fail"); Linux documents that they always do, SA_RESTART or not
// (signal(7), "Interfaces used to wait for signals"): Linux-only clauses.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

// The signal the sigwait-family calls wait for; blocked in the child. The
// release sends it, so a call restarted after the handler would return it.
constexpr int kAwaited = SIGUSR2;

void child_block(int sig) noexcept {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &s, nullptr));
}

sigset_t awaited_set() noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, kAwaited);
  return set;
}

void send_awaited(pid_t pid) { SETUP_OK(kill(pid, kAwaited)); }

void ExpectSigtimedwaitEintr(int sa_flags) {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        child_block(kAwaited);
        const sigset_t set = awaited_set();
        const timespec t = injection::far_interval();
        CHILD_CHECK_ERRNO(sigtimedwait(&set, nullptr, &t), EINTR);
      },
      send_awaited, "sigtimedwait() for a blocked SIGUSR2"));
}

void ExpectSigwaitinfoEintr(int sa_flags) {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        child_block(kAwaited);
        const sigset_t set = awaited_set();
        siginfo_t info{};
        CHILD_CHECK_ERRNO(sigwaitinfo(&set, &info), EINTR);
      },
      send_awaited, "sigwaitinfo() for a blocked SIGUSR2"));
}

// sigsuspend() with an empty mask; afterwards the mask must be the one before
// (SIGUSR1 blocked), as XSH sigsuspend() requires on return.
void ExpectSigsuspendEintr(int sa_flags) {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        child_block(SIGUSR1);
        sigset_t none;
        sigemptyset(&none);
        CHILD_CHECK_ERRNO(sigsuspend(&none), EINTR);
        sigset_t now;
        CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, nullptr, &now));
        CHILD_CHECK(sigismember(&now, SIGUSR1) == 1);
      },
      injection::release_nothing, "sigsuspend()"));
}

void ExpectPauseEintr(int sa_flags) {
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags, [&] { CHILD_CHECK_ERRNO(pause(), EINTR); }, injection::release_nothing, "pause()"));
}

SIGIPC_TEST(Interruption, SigtimedwaitFailsWithEintrWithoutSaRestart,
            "injection.interrupt.sigtimedwait.eintr", "Linux-only, signal(7); XSH sigtimedwait()",
            "A sigtimedwait() for a blocked signal, interrupted by a handler for another signal "
            "installed without SA_RESTART, fails with EINTR before its timeout") {
  ExpectSigtimedwaitEintr(0);
}

SIGIPC_TEST(Interruption, SigtimedwaitFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.sigtimedwait.eintr-despite-restart", "Linux-only, signal(7)",
            "A sigtimedwait() interrupted by a handler installed with SA_RESTART still fails with "
            "EINTR, and does not go on to take the awaited signal sent afterwards") {
  ExpectSigtimedwaitEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, SigwaitinfoFailsWithEintrWithoutSaRestart,
            "injection.interrupt.sigwaitinfo.eintr", "Linux-only, signal(7); XSH sigwaitinfo()",
            "A sigwaitinfo() for a blocked signal, interrupted by a handler for another signal "
            "installed without SA_RESTART, fails with EINTR") {
  ExpectSigwaitinfoEintr(0);
}

SIGIPC_TEST(Interruption, SigwaitinfoFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.sigwaitinfo.eintr-despite-restart", "Linux-only, signal(7)",
            "A sigwaitinfo() interrupted by a handler installed with SA_RESTART still fails with "
            "EINTR, and does not go on to take the awaited signal sent afterwards") {
  ExpectSigwaitinfoEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, SigsuspendReturnsEintrAfterHandler,
            "injection.interrupt.sigsuspend.eintr", "XSH sigsuspend()",
            "sigsuspend() returns -1 with EINTR after a handler (installed without SA_RESTART) "
            "returns, with the signal mask from before the call restored") {
  ExpectSigsuspendEintr(0);
}

SIGIPC_TEST(Interruption, SigsuspendReturnsEintrEvenUnderSaRestart,
            "injection.interrupt.sigsuspend.eintr-despite-restart", "XSH sigsuspend(); signal(7)",
            "sigsuspend() returns -1 with EINTR after a handler installed with SA_RESTART "
            "returns: it is never restarted") {
  ExpectSigsuspendEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, PauseReturnsEintrAfterHandler, "injection.interrupt.pause.eintr",
            "XSH pause()",
            "pause() returns -1 with EINTR after a handler installed without SA_RESTART "
            "returns") {
  ExpectPauseEintr(0);
}

SIGIPC_TEST(Interruption, PauseReturnsEintrEvenUnderSaRestart,
            "injection.interrupt.pause.eintr-despite-restart", "XSH pause(); signal(7)",
            "pause() returns -1 with EINTR after a handler installed with SA_RESTART returns: "
            "it is never restarted") {
  ExpectPauseEintr(SA_RESTART);
}

}  // namespace
}  // namespace sigipc

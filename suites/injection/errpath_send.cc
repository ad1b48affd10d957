// Error paths of the calls that send a signal: kill(), killpg(), sigqueue(),
// raise(), pthread_kill(). glibc 2.36 / x86_64 (strace): kill -> kill;
// killpg(pg) -> kill(-pg); sigqueue -> rt_sigqueueinfo; raise and
// pthread_kill -> tgkill (raise blocks every signal around it with
// rt_sigprocmask and restores the mask). Each failed send must return the
// documented failure and leave nothing pending. The sender targets itself
// with the signal blocked, so a send that went through anyway would show in
// sigpending() instead of acting.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

bool is_pending(int sig) {
  sigset_t p;
  sigemptyset(&p);
  if (sigpending(&p) != 0) return true;  // a broken query must not pass
  return sigismember(&p, sig) == 1;
}

// Each send targets the test's own process (or group) with the signal
// blocked (run_blocking), so a send that went through shows in sigpending().

// kill(getpid(), SIGUSR1) fails with err; nothing becomes pending.
injection::Run failed_kill(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR1, {injection::rule("kill", eq(1, SIGUSR1), err_name)},
                                 [err] {
                                   CHILD_CHECK_ERRNO(kill(getpid(), SIGUSR1), err);
                                   CHILD_CHECK(!is_pending(SIGUSR1));
                                 });
}

// killpg() on the child's own new process group (so a send that escaped the
// injection would reach no process outside the child).
injection::Run failed_killpg(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR1, {injection::rule("kill", eq(1, SIGUSR1), err_name)},
                                 [err] {
                                   CHILD_CHECK_OK(setpgid(0, 0));
                                   CHILD_CHECK_ERRNO(killpg(getpgrp(), SIGUSR1), err);
                                   CHILD_CHECK(!is_pending(SIGUSR1));
                                 });
}

// sigqueue(getpid(), SIGRTMIN) fails with err; nothing is queued.
injection::Run failed_sigqueue(const char* err_name, int err) {
  return injection::run_blocking(
      SIGRTMIN, {injection::rule("rt_sigqueueinfo", eq(1, SIGRTMIN), err_name)}, [err] {
        union sigval v {};
        v.sival_int = 7;
        CHILD_CHECK_ERRNO(sigqueue(getpid(), SIGRTMIN, v), err);
        CHILD_CHECK(!is_pending(SIGRTMIN));
      });
}

#define SEND_CASE(Name, id, call, fn, syscall, ERR, what)                                \
  ERRPATH_CASE(Name, id, "XSH " call " ERRORS",                                          \
               call " whose kernel call fails with " #ERR " returns -1 with errno " #ERR \
                    " and " what,                                                        \
               fn, syscall, ERR)

SEND_CASE(KillEpermSendsNothing, "injection.errpath.kill-eperm", "kill()", failed_kill, "kill",
          EPERM, "no signal is generated")
SEND_CASE(KillEsrchSendsNothing, "injection.errpath.kill-esrch", "kill()", failed_kill, "kill",
          ESRCH, "no signal is generated")
SEND_CASE(KillEinvalSendsNothing, "injection.errpath.kill-einval", "kill()", failed_kill, "kill",
          EINVAL, "no signal is generated")
SEND_CASE(KillpgEpermSendsNothing, "injection.errpath.killpg-eperm", "killpg()", failed_killpg,
          "kill", EPERM, "no signal is generated")
SEND_CASE(KillpgEsrchSendsNothing, "injection.errpath.killpg-esrch", "killpg()", failed_killpg,
          "kill", ESRCH, "no signal is generated")
ERRPATH_CASE(SigqueueEagainQueuesNothing, "injection.errpath.sigqueue-eagain",
             "XSH sigqueue() ERRORS",
             "sigqueue() whose kernel call fails with EAGAIN (no resources to queue) returns "
             "-1 with errno EAGAIN and nothing is queued",
             failed_sigqueue, "rt_sigqueueinfo", EAGAIN)
SEND_CASE(SigqueueEpermQueuesNothing, "injection.errpath.sigqueue-eperm", "sigqueue()",
          failed_sigqueue, "rt_sigqueueinfo", EPERM, "nothing is queued")
SEND_CASE(SigqueueEsrchQueuesNothing, "injection.errpath.sigqueue-esrch", "sigqueue()",
          failed_sigqueue, "rt_sigqueueinfo", ESRCH, "nothing is queued")

SIGIPC_TEST(ErrorPaths, RaiseEinvalReportsFailureAndRestoresMask, "injection.errpath.raise-einval",
            "XSH raise() RETURN VALUE and ERRORS",
            "raise() whose kernel call fails with EINVAL returns non-zero with errno EINVAL, "
            "generates nothing, and leaves the signal mask as it was (glibc blocks all "
            "signals around the send)") {
  ERRPATH_REQUIRE_FILTERS();
  // glibc sends with tgkill(tgid, tid, sig), musl with tkill(tid, sig).
  auto r = injection::run_blocking(
      SIGUSR1,
      injection::rules_any({{"tgkill", eq(2, SIGUSR1)}, {"tkill", eq(1, SIGUSR1)}}, "EINVAL"), [] {
        sigset_t before, after;
        CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &before));
        errno = 0;
        CHILD_CHECK(raise(SIGUSR1) != 0);
        CHILD_CHECK_EQ(errno, EINVAL);
        CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &after));
        for (int s = 1; s < NSIG; ++s)
          CHILD_CHECK_EQ(sigismember(&after, s), sigismember(&before, s));
        CHILD_CHECK(!is_pending(SIGUSR1));
      });
  EXPECT_INJECTED_AND_HELD(r, "tgkill|tkill", EINVAL);
}

// pthread_kill(self) fails with err, returned as the function's value.
injection::Run failed_pthread_kill(int sig, const char* err_name, int err) {
  return injection::run_blocking(
      sig, injection::rules_any({{"tgkill", eq(2, sig)}, {"tkill", eq(1, sig)}}, err_name),
      [sig, err] {
        CHILD_CHECK_EQ(pthread_kill(pthread_self(), sig), err);
        CHILD_CHECK(!is_pending(sig));
      });
}
injection::Run failed_pthread_kill_usr1(const char* err_name, int err) {
  return failed_pthread_kill(SIGUSR1, err_name, err);
}
injection::Run failed_pthread_kill_rt(const char* err_name, int err) {
  return failed_pthread_kill(SIGRTMIN, err_name, err);
}

ERRPATH_CASE(PthreadKillReturnsEinvalAndSendsNothing, "injection.errpath.pthread-kill-einval",
             "XSH pthread_kill() RETURN VALUE",
             "pthread_kill() whose kernel call fails with EINVAL returns EINVAL (the error "
             "number, not -1) and no signal is generated",
             failed_pthread_kill_usr1, "tgkill|tkill", EINVAL)
ERRPATH_CASE(PthreadKillReturnsEagainForRealtimeSignal, "injection.errpath.pthread-kill-eagain",
             "Linux tgkill(2) ERRORS, XSH pthread_kill()",
             "pthread_kill() of a real-time signal whose kernel call fails with EAGAIN (queue "
             "limit) returns EAGAIN and nothing is queued (Linux-only errno)",
             failed_pthread_kill_rt, "tgkill|tkill", EAGAIN)

}  // namespace
}  // namespace sigipc

// Error paths of the calls that send a signal: kill(), killpg(), sigqueue(),
// raise(), pthread_kill(). glibc 2.36 / x86_64 (strace): kill -> kill;
// killpg(pg) -> kill(-pg); sigqueue -> rt_sigqueueinfo; raise and
// pthread_kill -> tgkill (raise blocks every signal around it with
// rt_sigprocmask and restores the mask). Each failed send must return the
// documented failure. Whether a signal was generated is the kernel's part,
// which never ran, so it is checked only for raise(), where glibc does steps
// of its own around the send. The sender targets itself with the signal
// blocked, so a send that escaped the injection would not end the child.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

// kill(getpid(), SIGUSR1) fails with err.
injection::Run failed_kill(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR1, {injection::rule("kill", eq(1, SIGUSR1), err_name)},
                                 [err] { CHILD_CHECK_ERRNO(kill(getpid(), SIGUSR1), err); });
}

// killpg() on the child's own new process group (so a send that escaped the
// injection would reach no process outside the child).
injection::Run failed_killpg(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR1, {injection::rule("kill", eq(1, SIGUSR1), err_name)},
                                 [err] {
                                   CHILD_CHECK_OK(setpgid(0, 0));
                                   CHILD_CHECK_ERRNO(killpg(getpgrp(), SIGUSR1), err);
                                 });
}

// sigqueue(getpid(), SIGRTMIN) fails with err.
injection::Run failed_sigqueue(const char* err_name, int err) {
  return injection::run_blocking(
      SIGRTMIN, {injection::rule("rt_sigqueueinfo", eq(1, SIGRTMIN), err_name)}, [err] {
        union sigval v {};
        v.sival_int = 7;
        CHILD_CHECK_ERRNO(sigqueue(getpid(), SIGRTMIN, v), err);
      });
}

#define SEND_CASE(Name, id, call, fn, syscall, ERR)                                           \
  ERRPATH_CASE(Name, id, "XSH " call " RETURN VALUE, ERRORS",                                 \
               call " whose kernel call fails with " #ERR " returns -1 with errno " #ERR, fn, \
               syscall, ERR)

SEND_CASE(KillEpermIsReported, "injection.errpath.kill-eperm", "kill()", failed_kill, "kill", EPERM)
SEND_CASE(KillEsrchIsReported, "injection.errpath.kill-esrch", "kill()", failed_kill, "kill", ESRCH)
SEND_CASE(KillEinvalIsReported, "injection.errpath.kill-einval", "kill()", failed_kill, "kill",
          EINVAL)
SEND_CASE(KillpgEpermIsReported, "injection.errpath.killpg-eperm", "killpg()", failed_killpg,
          "kill", EPERM)
SEND_CASE(KillpgEsrchIsReported, "injection.errpath.killpg-esrch", "killpg()", failed_killpg,
          "kill", ESRCH)
ERRPATH_CASE(SigqueueEagainIsReported, "injection.errpath.sigqueue-eagain",
             "XSH sigqueue() RETURN VALUE, ERRORS",
             "sigqueue() whose kernel call fails with EAGAIN (no resources to queue) returns "
             "-1 with errno EAGAIN",
             failed_sigqueue, "rt_sigqueueinfo", EAGAIN)
SEND_CASE(SigqueueEpermIsReported, "injection.errpath.sigqueue-eperm", "sigqueue()",
          failed_sigqueue, "rt_sigqueueinfo", EPERM)
SEND_CASE(SigqueueEsrchIsReported, "injection.errpath.sigqueue-esrch", "sigqueue()",
          failed_sigqueue, "rt_sigqueueinfo", ESRCH)

SIGIPC_TEST(ErrorPaths, RaiseEinvalReportsFailureAndRestoresMask, "injection.errpath.raise-einval",
            "XSH raise() DESCRIPTION, RETURN VALUE",
            "raise() whose kernel call fails with EINVAL returns non-zero with errno EINVAL and "
            "leaves the signal mask as it was: raise() is pthread_kill(pthread_self(), sig), "
            "which changes no mask, and glibc blocks all signals around the send and must "
            "restore them on the error path too") {
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
      });
  EXPECT_INJECTED_AND_HELD(r, "tgkill|tkill", EINVAL);
}

// pthread_kill(self) fails with err, returned as the function's value.
injection::Run failed_pthread_kill(int sig, const char* err_name, int err) {
  return injection::run_blocking(
      sig, injection::rules_any({{"tgkill", eq(2, sig)}, {"tkill", eq(1, sig)}}, err_name),
      [sig, err] { CHILD_CHECK_EQ(pthread_kill(pthread_self(), sig), err); });
}
injection::Run failed_pthread_kill_usr1(const char* err_name, int err) {
  return failed_pthread_kill(SIGUSR1, err_name, err);
}
injection::Run failed_pthread_kill_rt(const char* err_name, int err) {
  return failed_pthread_kill(SIGRTMIN, err_name, err);
}

ERRPATH_CASE(PthreadKillReturnsEinval, "injection.errpath.pthread-kill-einval",
             "XSH pthread_kill() RETURN VALUE",
             "pthread_kill() whose kernel call fails with EINVAL returns EINVAL (the error "
             "number, not -1)",
             failed_pthread_kill_usr1, "tgkill|tkill", EINVAL)
ERRPATH_CASE(PthreadKillReturnsEagainForRealtimeSignal, "injection.errpath.pthread-kill-eagain",
             "Linux tgkill(2) ERRORS, XSH pthread_kill() RETURN VALUE",
             "pthread_kill() of a real-time signal whose kernel call fails with EAGAIN (queue "
             "limit) returns EAGAIN, the error number (Linux-only errno)",
             failed_pthread_kill_rt, "tgkill|tkill", EAGAIN)

}  // namespace
}  // namespace sigipc

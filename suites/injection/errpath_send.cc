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

#include "fixtures/signal_guards.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using errpath::eq;

bool is_pending(int sig) {
  sigset_t p;
  sigemptyset(&p);
  if (sigpending(&p) != 0) return true;  // a broken query must not pass
  return sigismember(&p, sig) == 1;
}

// kill(getpid(), SIGUSR1) fails with err; nothing becomes pending.
errpath::Run failed_kill(const char* err_name, int err) {
  return errpath::run({errpath::rule("kill", eq(1, SIGUSR1), err_name)}, [err] {
    CHILD_CHECK_ERRNO(kill(getpid(), SIGUSR1), err);
    CHILD_CHECK(!is_pending(SIGUSR1));
  });
}

SIGIPC_TEST(ErrorPaths, KillEpermSendsNothing, "injection.errpath.kill-eperm",
            "XSH kill() ERRORS",
            "kill() whose kernel call fails with EPERM returns -1 with errno EPERM and no "
            "signal is generated") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  EXPECT_INJECTED_AND_HELD(failed_kill("EPERM", EPERM), "kill", EPERM);
}

SIGIPC_TEST(ErrorPaths, KillEsrchSendsNothing, "injection.errpath.kill-esrch",
            "XSH kill() ERRORS",
            "kill() whose kernel call fails with ESRCH returns -1 with errno ESRCH and no "
            "signal is generated") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  EXPECT_INJECTED_AND_HELD(failed_kill("ESRCH", ESRCH), "kill", ESRCH);
}

SIGIPC_TEST(ErrorPaths, KillEinvalSendsNothing, "injection.errpath.kill-einval",
            "XSH kill() ERRORS",
            "kill() whose kernel call fails with EINVAL returns -1 with errno EINVAL and no "
            "signal is generated") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  EXPECT_INJECTED_AND_HELD(failed_kill("EINVAL", EINVAL), "kill", EINVAL);
}

// killpg() on the child's own new process group (so a send that escaped the
// injection would reach no process outside the child).
errpath::Run failed_killpg(const char* err_name, int err) {
  return errpath::run({errpath::rule("kill", eq(1, SIGUSR1), err_name)}, [err] {
    CHILD_CHECK_OK(setpgid(0, 0));
    CHILD_CHECK_ERRNO(killpg(getpgrp(), SIGUSR1), err);
    CHILD_CHECK(!is_pending(SIGUSR1));
  });
}

SIGIPC_TEST(ErrorPaths, KillpgEpermSendsNothing, "injection.errpath.killpg-eperm",
            "XSH killpg() ERRORS",
            "killpg() whose kernel call fails with EPERM returns -1 with errno EPERM and no "
            "signal is generated") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  EXPECT_INJECTED_AND_HELD(failed_killpg("EPERM", EPERM), "kill", EPERM);
}

SIGIPC_TEST(ErrorPaths, KillpgEsrchSendsNothing, "injection.errpath.killpg-esrch",
            "XSH killpg() ERRORS",
            "killpg() whose kernel call fails with ESRCH returns -1 with errno ESRCH and no "
            "signal is generated") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  EXPECT_INJECTED_AND_HELD(failed_killpg("ESRCH", ESRCH), "kill", ESRCH);
}

// sigqueue(getpid(), SIGRTMIN) fails with err; nothing is queued.
errpath::Run failed_sigqueue(const char* err_name, int err) {
  return errpath::run({errpath::rule("rt_sigqueueinfo", eq(1, SIGRTMIN), err_name)}, [err] {
    union sigval v {};
    v.sival_int = 7;
    CHILD_CHECK_ERRNO(sigqueue(getpid(), SIGRTMIN, v), err);
    CHILD_CHECK(!is_pending(SIGRTMIN));
  });
}

SIGIPC_TEST(ErrorPaths, SigqueueEagainQueuesNothing, "injection.errpath.sigqueue-eagain",
            "XSH sigqueue() ERRORS",
            "sigqueue() whose kernel call fails with EAGAIN (no resources to queue) returns "
            "-1 with errno EAGAIN and nothing is queued") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGRTMIN);
  EXPECT_INJECTED_AND_HELD(failed_sigqueue("EAGAIN", EAGAIN), "rt_sigqueueinfo", EAGAIN);
}

SIGIPC_TEST(ErrorPaths, SigqueueEpermQueuesNothing, "injection.errpath.sigqueue-eperm",
            "XSH sigqueue() ERRORS",
            "sigqueue() whose kernel call fails with EPERM returns -1 with errno EPERM and "
            "nothing is queued") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGRTMIN);
  EXPECT_INJECTED_AND_HELD(failed_sigqueue("EPERM", EPERM), "rt_sigqueueinfo", EPERM);
}

SIGIPC_TEST(ErrorPaths, SigqueueEsrchQueuesNothing, "injection.errpath.sigqueue-esrch",
            "XSH sigqueue() ERRORS",
            "sigqueue() whose kernel call fails with ESRCH returns -1 with errno ESRCH and "
            "nothing is queued") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGRTMIN);
  EXPECT_INJECTED_AND_HELD(failed_sigqueue("ESRCH", ESRCH), "rt_sigqueueinfo", ESRCH);
}

SIGIPC_TEST(ErrorPaths, RaiseEinvalReportsFailureAndRestoresMask,
            "injection.errpath.raise-einval", "XSH raise() RETURN VALUE and ERRORS",
            "raise() whose kernel call fails with EINVAL returns non-zero with errno EINVAL, "
            "generates nothing, and leaves the signal mask as it was (glibc blocks all "
            "signals around the send)") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  auto r = errpath::run({errpath::rule("tgkill", eq(2, SIGUSR1), "EINVAL")}, [] {
    sigset_t before, after;
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &before));
    errno = 0;
    CHILD_CHECK(raise(SIGUSR1) != 0);
    CHILD_CHECK_EQ(errno, EINVAL);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &after));
    for (int s = 1; s < NSIG; ++s) CHILD_CHECK_EQ(sigismember(&after, s), sigismember(&before, s));
    CHILD_CHECK(!is_pending(SIGUSR1));
  });
  EXPECT_INJECTED_AND_HELD(r, "tgkill", EINVAL);
}

// pthread_kill(self) fails with err, returned as the function's value.
errpath::Run failed_pthread_kill(int sig, const char* err_name, int err) {
  return errpath::run({errpath::rule("tgkill", eq(2, sig), err_name)}, [sig, err] {
    CHILD_CHECK_EQ(pthread_kill(pthread_self(), sig), err);
    CHILD_CHECK(!is_pending(sig));
  });
}

SIGIPC_TEST(ErrorPaths, PthreadKillReturnsEinvalAndSendsNothing,
            "injection.errpath.pthread-kill-einval", "XSH pthread_kill() RETURN VALUE",
            "pthread_kill() whose kernel call fails with EINVAL returns EINVAL (the error number, "
            "not -1) and no signal is generated") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGUSR1);
  EXPECT_INJECTED_AND_HELD(failed_pthread_kill(SIGUSR1, "EINVAL", EINVAL), "tgkill", EINVAL);
}

SIGIPC_TEST(ErrorPaths, PthreadKillReturnsEagainForRealtimeSignal,
            "injection.errpath.pthread-kill-eagain", "Linux tgkill(2) ERRORS, XSH pthread_kill()",
            "pthread_kill() of a real-time signal whose kernel call fails with EAGAIN (queue "
            "limit) returns EAGAIN and nothing is queued (Linux-only errno)") {
  ERRPATH_REQUIRE_FILTERS();
  SignalMask mask;
  mask.block(SIGRTMIN);
  EXPECT_INJECTED_AND_HELD(failed_pthread_kill(SIGRTMIN, "EAGAIN", EAGAIN), "tgkill", EAGAIN);
}

}  // namespace
}  // namespace sigipc

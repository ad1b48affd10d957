// Error paths of sigaction(), signal(), sigprocmask() and pthread_sigmask()
// with the kernel call failed by the injector: the failure comes back as
// documented, and the disposition or mask the call would have changed stays
// as it was. glibc 2.36 / x86_64 (strace): sigaction and signal ->
// rt_sigaction; sigprocmask and pthread_sigmask -> rt_sigprocmask. Queries
// (act or set NULL) are let through by an argument filter, so the body reads
// the state back after the failure.
#include <pthread.h>
#include <signal.h>

#include "fixtures/signal_guards.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

void ignore_signal(int) {}

// The rule: sigaction(sig, non-NULL act, ...) fails with err.
std::string set_action_rule(int sig, const char* err) {
  return injection::rule("rt_sigaction", eq(0, sig) + ",a1!=0", err);
}

// SIGUSR1 is ignored in the test process (the child inherits it); a failed
// sigaction() returns -1 with err and leaves that action.
injection::Run failed_sigaction(const char* err_name, int err) {
  SignalAction old(SIGUSR1, SIG_IGN);
  return injection::run({set_action_rule(SIGUSR1, err_name)}, [err] {
    struct sigaction before {};
    CHILD_CHECK_OK(sigaction(SIGUSR1, nullptr, &before));
    struct sigaction sa {};
    sa.sa_handler = ignore_signal;
    sa.sa_flags = SA_RESTART;
    CHILD_CHECK_ERRNO(sigaction(SIGUSR1, &sa, nullptr), err);
    struct sigaction after {};
    CHILD_CHECK_OK(sigaction(SIGUSR1, nullptr, &after));
    CHILD_CHECK(after.sa_handler == SIG_IGN);
    CHILD_CHECK_EQ(after.sa_flags & SA_RESTART, before.sa_flags & SA_RESTART);
  });
}

ERRPATH_CASE(SigactionEinvalLeavesOldDisposition, "injection.errpath.sigaction-einval-keeps-action",
             "XSH sigaction() ERRORS",
             "sigaction() whose kernel call fails with EINVAL returns -1 with errno EINVAL and "
             "the signal keeps its previous action",
             failed_sigaction, "rt_sigaction", EINVAL)
ERRPATH_CASE(SigactionEfaultLeavesOldDisposition, "injection.errpath.sigaction-efault-keeps-action",
             "Linux sigaction(2) ERRORS",
             "sigaction() whose kernel call fails with EFAULT returns -1 with errno EFAULT and "
             "the signal keeps its previous action (Linux-only errno)",
             failed_sigaction, "rt_sigaction", EFAULT)

SIGIPC_TEST(ErrorPaths, SignalReturnsSigErrOnEinvalAndKeepsDisposition,
            "injection.errpath.signal-einval-sig-err", "XSH signal() ERRORS",
            "signal() whose kernel call fails with EINVAL returns SIG_ERR with errno EINVAL "
            "and the signal keeps its previous action") {
  ERRPATH_REQUIRE_FILTERS();
  SignalAction old(SIGUSR1, SIG_IGN);
  auto r = injection::run({set_action_rule(SIGUSR1, "EINVAL")}, [] {
    errno = 0;
    CHILD_CHECK(signal(SIGUSR1, ignore_signal) == SIG_ERR);
    CHILD_CHECK_EQ(errno, EINVAL);
    struct sigaction after {};
    CHILD_CHECK_OK(sigaction(SIGUSR1, nullptr, &after));
    CHILD_CHECK(after.sa_handler == SIG_IGN);
  });
  EXPECT_INJECTED_AND_HELD(r, "rt_sigaction", EINVAL);
}

// The rule: a mask change (set non-NULL) fails with err; queries pass.
std::string set_mask_rule(const char* err) {
  return injection::rule("rt_sigprocmask", "a1!=0", err);
}

bool same_mask(const sigset_t& a, const sigset_t& b) {
  for (int s = 1; s < NSIG; ++s)
    if (sigismember(&a, s) != sigismember(&b, s)) return false;
  return true;
}

// Blocks SIGUSR1 and unblocks SIGUSR2 through call; it must fail with err
// (as -1/errno, or as the returned number) and leave the mask alone.
void failed_mask_change(bool pthread_style, int err) {
  sigset_t before;
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &before));
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  if (pthread_style) {
    CHILD_CHECK_EQ(pthread_sigmask(SIG_BLOCK, &set, nullptr), err);
    CHILD_CHECK_EQ(pthread_sigmask(SIG_SETMASK, &set, nullptr), err);
  } else {
    CHILD_CHECK_ERRNO(sigprocmask(SIG_BLOCK, &set, nullptr), err);
    CHILD_CHECK_ERRNO(sigprocmask(SIG_SETMASK, &set, nullptr), err);
  }
  sigset_t after;
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &after));
  CHILD_CHECK(same_mask(before, after));
  CHILD_CHECK(sigismember(&after, SIGUSR2) == 1);
  CHILD_CHECK(sigismember(&after, SIGUSR1) == 0);
}

// SIGUSR2 is blocked in the test process (the child inherits it); the body
// tries to change the mask with sigprocmask() or pthread_sigmask().
injection::Run failed_sigprocmask(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR2, {set_mask_rule(err_name)},
                                 [err] { failed_mask_change(false, err); });
}
injection::Run failed_pthread_sigmask(const char* err_name, int err) {
  return injection::run_blocking(SIGUSR2, {set_mask_rule(err_name)},
                                 [err] { failed_mask_change(true, err); });
}

ERRPATH_CASE(SigprocmaskEinvalLeavesMask, "injection.errpath.sigprocmask-einval-keeps-mask",
             "XSH pthread_sigmask() ERRORS",
             "sigprocmask() whose kernel call fails with EINVAL returns -1 with errno EINVAL "
             "and the thread's signal mask is unchanged",
             failed_sigprocmask, "rt_sigprocmask", EINVAL)
ERRPATH_CASE(SigprocmaskEfaultLeavesMask, "injection.errpath.sigprocmask-efault-keeps-mask",
             "Linux sigprocmask(2) ERRORS",
             "sigprocmask() whose kernel call fails with EFAULT returns -1 with errno EFAULT "
             "and the signal mask is unchanged (Linux-only errno)",
             failed_sigprocmask, "rt_sigprocmask", EFAULT)
ERRPATH_CASE(PthreadSigmaskReturnsEinvalAndLeavesMask,
             "injection.errpath.pthread-sigmask-einval-returned",
             "XSH pthread_sigmask() RETURN VALUE",
             "pthread_sigmask() whose kernel call fails with EINVAL returns EINVAL (the error "
             "number, not -1) and the thread's signal mask is unchanged",
             failed_pthread_sigmask, "rt_sigprocmask", EINVAL)
ERRPATH_CASE(PthreadSigmaskReturnsEfaultAndLeavesMask,
             "injection.errpath.pthread-sigmask-efault-returned", "Linux pthread_sigmask(3) ERRORS",
             "pthread_sigmask() whose kernel call fails with EFAULT returns EFAULT and the "
             "signal mask is unchanged (Linux-only errno)",
             failed_pthread_sigmask, "rt_sigprocmask", EFAULT)

}  // namespace
}  // namespace sigipc

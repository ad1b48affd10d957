// Error paths of sigaction(), signal(), sigprocmask() and pthread_sigmask()
// with the kernel call failed by the injector: the failure comes back as
// documented (-1 and the errno; SIG_ERR for signal(); the error number itself
// for pthread_sigmask()). glibc 2.36 / x86_64 (strace): sigaction and signal
// -> rt_sigaction; sigprocmask and pthread_sigmask -> rt_sigprocmask. The
// disposition and the mask live in the kernel, which never ran the failed
// call: they are not checked afterwards.
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

injection::Run failed_sigaction(const char* err_name, int err) {
  return injection::run({set_action_rule(SIGUSR1, err_name)}, [err] {
    struct sigaction sa {};
    sa.sa_handler = ignore_signal;
    sa.sa_flags = SA_RESTART;
    CHILD_CHECK_ERRNO(sigaction(SIGUSR1, &sa, nullptr), err);
  });
}

ERRPATH_CASE(SigactionEinvalIsReported, "injection.errpath.sigaction-einval",
             "XSH sigaction() RETURN VALUE, ERRORS",
             "sigaction() whose kernel call fails with EINVAL returns -1 with errno EINVAL",
             failed_sigaction, "rt_sigaction", EINVAL)
ERRPATH_CASE(SigactionEfaultIsReported, "injection.errpath.sigaction-efault",
             "Linux-only, sigaction(2) RETURN VALUE, ERRORS",
             "sigaction() whose kernel call fails with EFAULT returns -1 with errno EFAULT "
             "(Linux-only errno)",
             failed_sigaction, "rt_sigaction", EFAULT)

SIGIPC_TEST(ErrorPaths, SignalReturnsSigErrOnEinval, "injection.errpath.signal-einval-sig-err",
            "XSH signal() RETURN VALUE, ERRORS",
            "signal() whose kernel call fails with EINVAL returns SIG_ERR with errno EINVAL") {
  ERRPATH_REQUIRE_FILTERS();
  auto r = injection::run({set_action_rule(SIGUSR1, "EINVAL")}, [] {
    errno = 0;
    CHILD_CHECK(signal(SIGUSR1, ignore_signal) == SIG_ERR);
    CHILD_CHECK_EQ(errno, EINVAL);
  });
  EXPECT_INJECTED_AND_HELD(r, "rt_sigaction", EINVAL);
}

// The rule: a mask change (set non-NULL) fails with err; queries pass.
std::string set_mask_rule(const char* err) {
  return injection::rule("rt_sigprocmask", "a1!=0", err);
}

// Blocks SIGUSR1 through call; it must fail with err (as -1/errno, or as the
// returned number).
void failed_mask_change(bool pthread_style, int err) {
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
}

injection::Run failed_sigprocmask(const char* err_name, int err) {
  return injection::run({set_mask_rule(err_name)}, [err] { failed_mask_change(false, err); });
}
injection::Run failed_pthread_sigmask(const char* err_name, int err) {
  return injection::run({set_mask_rule(err_name)}, [err] { failed_mask_change(true, err); });
}

ERRPATH_CASE(SigprocmaskEinvalIsReported, "injection.errpath.sigprocmask-einval",
             "XSH pthread_sigmask() RETURN VALUE, ERRORS",
             "sigprocmask() whose kernel call fails with EINVAL returns -1 with errno EINVAL",
             failed_sigprocmask, "rt_sigprocmask", EINVAL)
ERRPATH_CASE(SigprocmaskEfaultIsReported, "injection.errpath.sigprocmask-efault",
             "Linux-only, sigprocmask(2) RETURN VALUE, ERRORS",
             "sigprocmask() whose kernel call fails with EFAULT returns -1 with errno EFAULT "
             "(Linux-only errno)",
             failed_sigprocmask, "rt_sigprocmask", EFAULT)
ERRPATH_CASE(PthreadSigmaskReturnsEinval, "injection.errpath.pthread-sigmask-einval-returned",
             "XSH pthread_sigmask() RETURN VALUE",
             "pthread_sigmask() whose kernel call fails with EINVAL returns EINVAL (the error "
             "number, not -1)",
             failed_pthread_sigmask, "rt_sigprocmask", EINVAL)
ERRPATH_CASE(PthreadSigmaskReturnsEfault, "injection.errpath.pthread-sigmask-efault-returned",
             "Linux-only, pthread_sigmask(3) RETURN VALUE",
             "pthread_sigmask() whose kernel call fails with EFAULT returns EFAULT (the error "
             "number, not -1; Linux-only errno)",
             failed_pthread_sigmask, "rt_sigprocmask", EFAULT)

}  // namespace
}  // namespace sigipc

// The init of a PID namespace (pid_namespaces(7), Linux-only): "Only signals
// for which the init process has established a signal handler can be sent to
// the init process by other members of the PID namespace." That holds also
// for a signal the init had blocked when it was sent: unblocking it later
// does not apply its default action.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SignalPidNamespace, InitSurvivesBlockedSignalWithoutHandler,
            "signal.pidns.init-blocked-default-discarded", "pid_namespaces(7) (Linux-only)",
            "A SIGUSR1 with the default action, sent to a PID namespace's init by another member "
            "while the init blocks it, neither ends the init when unblocked nor stays pending") {
  SIGIPC_REQUIRE_PID_NAMESPACE();
  WaitStatus st = RunInPidNamespace([] {
    CHILD_CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &usr1, nullptr));
    const pid_t sender = fork();
    CHILD_CHECK_OK(sender);
    if (sender == 0) _exit(kill(1, SIGUSR1) == 0 ? 0 : 1);
    int status = 0;
    CHILD_CHECK_EQ(waitpid(sender, &status, 0), sender);
    CHILD_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHILD_CHECK_OK(sigprocmask(SIG_UNBLOCK, &usr1, nullptr));
    sigset_t pending;
    CHILD_CHECK_OK(sigpending(&pending));
    CHILD_CHECK_EQ(sigismember(&pending, SIGUSR1), 0);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc

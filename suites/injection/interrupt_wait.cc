// Waiting for a child: waitid() and wait4() blocked on a running child.
// Interrupted by a handler they fail with EINTR (XSH waitid() [EINTR]; wait4(2))
// and reap nothing; under SA_RESTART they restart (XSH sigaction()
// SA_RESTART; signal(7) lists "wait(2), wait3(2), wait4(2), waitid(2), and
// waitpid(2)"). wait() and waitpid() are in suites/signals/flags_restart.cc.
//
// The child under test forks a grandchild that exits when the test process
// opens a gate (the release); the restarted call must then report it.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

// In the child under test: a grandchild that exits with 7 once `go` opens.
pid_t spawn_grandchild(Gate& go) noexcept {
  pid_t gc = fork();
  if (gc == 0) {
    go.wait();
    child_exit(7);
  }
  CHILD_CHECK_OK(gc);
  return gc;
}

// After an EINTR the grandchild is still there: reap it once released, so it
// does not outlive the test, and check it was not reaped already.
void reap_after_eintr(pid_t gc) noexcept {
  int st = 0;
  pid_t r;
  do {
    r = waitpid(gc, &st, 0);
  } while (r < 0 && errno == EINTR);
  CHILD_CHECK_EQ(r, gc);
}

void ExpectWaitid(int sa_flags) {
  Gate go;
  const bool restart = sa_flags & SA_RESTART;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        const pid_t gc = spawn_grandchild(go);
        siginfo_t si{};
        if (restart) {
          CHILD_CHECK_OK(waitid(P_PID, gc, &si, WEXITED));
          CHILD_CHECK_EQ(si.si_pid, gc);
          CHILD_CHECK_EQ(si.si_code, CLD_EXITED);
          CHILD_CHECK_EQ(si.si_status, 7);
        } else {
          CHILD_CHECK_ERRNO(waitid(P_PID, gc, &si, WEXITED), EINTR);
          reap_after_eintr(gc);
        }
      },
      [&] { go.open(); }, "waitid(P_PID) for a running child"));
}

void ExpectWait4(int sa_flags) {
  Gate go;
  const bool restart = sa_flags & SA_RESTART;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        const pid_t gc = spawn_grandchild(go);
        int st = 0;
        rusage ru{};
        if (restart) {
          pid_t r = -2;
          CHILD_CHECK_OK(r = wait4(gc, &st, 0, &ru));
          CHILD_CHECK_EQ(r, gc);
          CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
        } else {
          CHILD_CHECK_ERRNO(wait4(gc, &st, 0, &ru), EINTR);
          reap_after_eintr(gc);
        }
      },
      [&] { go.open(); }, "wait4() for a running child"));
}

SIGIPC_TEST(Interruption, WaitidRestartedUnderSaRestart, "injection.interrupt.waitid.restart",
            "XSH sigaction() SA_RESTART; XSH waitid(); signal(7)",
            "A waitid() for a running child, interrupted by a handler installed with SA_RESTART, "
            "is restarted and reports the child's exit that follows") {
  ExpectWaitid(SA_RESTART);
}

SIGIPC_TEST(Interruption, WaitidFailsWithEintrWithoutSaRestart, "injection.interrupt.waitid.eintr",
            "XSH waitid() [EINTR]",
            "A waitid() for a running child, interrupted by a handler installed without "
            "SA_RESTART, fails with EINTR and reaps nothing") {
  ExpectWaitid(0);
}

SIGIPC_TEST(Interruption, Wait4RestartedUnderSaRestart, "injection.interrupt.wait4.restart",
            "Linux-only, signal(7); wait4(2)",
            "A wait4() for a running child, interrupted by a handler installed with SA_RESTART, "
            "is restarted and reports the child's exit that follows") {
  ExpectWait4(SA_RESTART);
}

SIGIPC_TEST(Interruption, Wait4FailsWithEintrWithoutSaRestart, "injection.interrupt.wait4.eintr",
            "Linux-only, signal(7); wait4(2)",
            "A wait4() for a running child, interrupted by a handler installed without "
            "SA_RESTART, fails with EINTR and reaps nothing") {
  ExpectWait4(0);
}

}  // namespace
}  // namespace sigipc

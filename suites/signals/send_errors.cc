// What kill() and killpg() refuse, and the null signal that only checks:
// EPERM without permission, ESRCH for no such process or group, EINVAL for a
// number that is not a signal. XSH kill(), XSH killpg().
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::Expect;
using signals::SignalWitness;
using signals::WitnessOk;

// A root-owned witness (a child of the test process that keeps uid 0) that
// must not receive SIGUSR1, tried by an unprivileged process with sig.
void ExpectUnprivilegedKillRefused(int sig) {
  Gate ready, done;
  Child target = SignalWitness(SIGUSR1, Expect::kNotReceives, ready, &done);
  ready.wait();
  pid_t pid = target.pid();
  WaitStatus st =
      RunAsUser(kNobodyUid, kNobodyGid, [pid, sig] { CHILD_CHECK_ERRNO(kill(pid, sig), EPERM); });
  EXPECT_CHILD_OK(st) << "kill(root-owned pid, " << sig << ") as uid " << kNobodyUid;
  done.open();
  EXPECT_TRUE(WitnessOk(target, "the root-owned target"));
}

SIGIPC_TEST(SignalSend, KillWithoutPermissionFailsWithEperm, "signal.send.kill-eperm", "XSH kill()",
            "kill() from an unprivileged process to a process of another user fails with EPERM "
            "and sends nothing") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ExpectUnprivilegedKillRefused(SIGUSR1);
}

SIGIPC_TEST(SignalSend, NullSignalChecksPermission, "signal.send.null-signal-eperm", "XSH kill()",
            "kill(pid, 0) performs the permission check: EPERM for a process the caller may not "
            "signal") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ExpectUnprivilegedKillRefused(0);
}

SIGIPC_TEST(SignalSend, KillToNoSuchProcessFailsWithEsrch, "signal.send.kill-esrch", "XSH kill()",
            "kill(pid, sig) fails with ESRCH when no process has ID pid") {
  EXPECT_FAILS_WITH(kill(signals::vanished_pid(), SIGUSR1), ESRCH);
}

SIGIPC_TEST(SignalSend, NullSignalChecksExistence, "signal.send.null-signal-esrch", "XSH kill()",
            "kill(pid, 0) checks that the process exists: ESRCH for a process that is gone") {
  EXPECT_FAILS_WITH(kill(signals::vanished_pid(), 0), ESRCH);
}

SIGIPC_TEST(SignalSend, KillToNoSuchGroupFailsWithEsrch, "signal.send.kill-pgid-esrch",
            "XSH kill()", "kill(-pgid, sig) fails with ESRCH when no process group has ID pgid") {
  // The vanished child led a group of its own: the group went with it.
  EXPECT_FAILS_WITH(kill(-signals::vanished_pid(), SIGUSR1), ESRCH);
}

SIGIPC_TEST(SignalSend, KillpgToNoSuchGroupFailsWithEsrch, "signal.send.killpg-esrch",
            "XSH killpg()", "killpg(pgrp, sig) fails with ESRCH when no process group is pgrp") {
  EXPECT_FAILS_WITH(killpg(signals::vanished_pid(), SIGUSR1), ESRCH);
}

// NSIG is one more than the highest signal number (glibc, musl, the BSDs).
constexpr int kNotSignals[] = {-1, NSIG};

SIGIPC_TEST(SignalSend, KillRejectsInvalidSignal, "signal.send.kill-einval", "XSH kill()",
            "kill() fails with EINVAL for a sig that is not a signal number (-1, NSIG)") {
  for (int sig : kNotSignals) EXPECT_FAILS_WITH(kill(getpid(), sig), EINVAL) << "sig " << sig;
}

SIGIPC_TEST(SignalSend, KillpgRejectsInvalidSignal, "signal.send.killpg-einval", "XSH killpg()",
            "killpg() fails with EINVAL for a sig that is not a signal number (-1, NSIG)") {
  // Aimed at a group of its own, never at the runner's.
  Gate ready, done;
  Child target = SignalWitness(SIGUSR1, Expect::kNotReceives, ready, &done, 0);
  ready.wait();
  for (int sig : kNotSignals) EXPECT_FAILS_WITH(killpg(target.pid(), sig), EINVAL) << "sig " << sig;
  done.open();
  EXPECT_TRUE(WitnessOk(target, "the group's only member"));
}

SIGIPC_TEST(SignalSend, NullSignalSendsNothing, "signal.send.null-signal-no-send", "XSH kill()",
            "kill() with sig 0 returns 0 for an existing process or group and generates no "
            "signal") {
  Gate ready, done;
  const signals::SignalList all = signals::posix_signals();
  Child target([&] {
    CHILD_CHECK_OK(setpgid(0, 0));
    sigset_t every;
    sigfillset(&every);
    CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, &every, nullptr));
    ready.open();
    done.wait();
    sigset_t pending, none;
    CHILD_CHECK_OK(sigpending(&pending));
    sigemptyset(&none);
    CHILD_CHECK_SAME_SIGNALS(pending, none, all);
  });
  ready.wait();
  EXPECT_SUCCEEDS(kill(target.pid(), 0));
  EXPECT_SUCCEEDS(kill(-target.pid(), 0));
  EXPECT_SUCCEEDS(killpg(target.pid(), 0));
  done.open();
  EXPECT_TRUE(WitnessOk(target, "the target, with every signal blocked"));
}

}  // namespace
}  // namespace sigipc

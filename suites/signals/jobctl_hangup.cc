// Signals at the end of a controlling process or of a process group's last
// link to its session: SIGHUP to the foreground group when the controlling
// process exits; SIGHUP and SIGCONT to a newly orphaned group with a stopped
// member (POSIX sends SIGHUP first; the receiver cannot see the order: both
// are pending together when it continues, and delivery order among pending
// signals is unspecified); EIO instead of SIGTTIN/SIGTTOU for an orphaned background group.
// The test process becomes a subreaper, so orphans come back to it (in
// another session: their groups stay orphaned) and are reaped by the test.
// XSH _Exit() (Consequences of Process Termination), XSH read(), XSH write(),
// XBD 11.1.4 Terminal Access Control.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::Pty;

// Reads the pid a descendant wrote into p.
pid_t read_pid(Pipe& p) {
  pid_t pid = -1;
  if (read(p.rd(), &pid, sizeof pid) != static_cast<ssize_t>(sizeof pid))
    setup_error(__FILE__, __LINE__, "no pid from the descendant that was to report it");
  return pid;
}

// An adopted orphan ended with exit 0 within the safety net.
::testing::AssertionResult OrphanExitedOk(pid_t pid) {
  WaitStatus st = signals::wait_within(pid);
  if (st.raw() == -1)
    return ::testing::AssertionFailure()
           << "the orphan had not ended after " << signals::kSafetyNetS << " s (killed)";
  return ExitedWith(st, 0);
}

SIGIPC_TEST(SignalJobControl, ControllingProcessExitSendsSighupToForeground,
            "signal.jobctl.controlling-exit-sighup", "XSH _Exit()",
            "When a controlling process exits, SIGHUP is sent to each process in the foreground "
            "process group of its controlling terminal") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  signals::become_subreaper();
  Pipe pids;
  const char* slave = pty.slave.c_str();
  Child leader([&pids, slave] {
    int fd = signals::child_acquire_ctty(slave);
    (void)fd;
    Gate ready;
    pid_t member = fork();  // stays in the leader's group: the foreground one
    CHILD_CHECK_OK(member);
    if (member == 0) {
      signals::child_block(SIGHUP);
      ready.open();
      CHILD_CHECK_EQ(signals::await_signal(SIGHUP), SIGHUP);
      child_exit(0);
    }
    CHILD_CHECK_EQ(write(pids.wr(), &member, sizeof member), sizeof member);
    ready.wait();
  });
  pid_t member = read_pid(pids);
  EXPECT_CHILD_OK(leader.wait()) << "the controlling process";
  EXPECT_TRUE(OrphanExitedOk(member)) << "the foreground member waiting for SIGHUP";
}

SIGIPC_TEST(SignalJobControl, NewlyOrphanedGroupWithStoppedMemberGetsSighupAndSigcont,
            "signal.jobctl.orphaned-stopped-hup-cont", "XSH _Exit()",
            "When an exit orphans a process group that has a stopped member, SIGHUP and "
            "SIGCONT are both sent to each process in that group (their order is not "
            "checked)") {
  signals::become_subreaper();
  Pipe pids;
  // The parent's own session: once it exits, the group's only link to the
  // session is gone (its new parent, the test process, is in another one).
  Child parent([&pids] {
    CHILD_CHECK_OK(setsid());
    Gate ready;
    pid_t stopped = fork();
    CHILD_CHECK_OK(stopped);
    if (stopped == 0) {
      CHILD_CHECK_OK(setpgid(0, 0));
      // Blocked, so both stay pending to be seen; SIGCONT continues anyway.
      signals::child_block(SIGHUP);
      signals::child_block(SIGCONT);
      ready.open();
      CHILD_CHECK_OK(raise(SIGSTOP));
      CHILD_CHECK_EQ(signals::child_pending(SIGHUP), 1);
      CHILD_CHECK_EQ(signals::child_pending(SIGCONT), 1);
      child_exit(0);
    }
    ready.wait();
    int st = signals::child_wait_status(stopped, WUNTRACED);
    CHILD_CHECK(WIFSTOPPED(st));
    CHILD_CHECK_EQ(write(pids.wr(), &stopped, sizeof stopped), sizeof stopped);
  });
  pid_t stopped = read_pid(pids);
  EXPECT_CHILD_OK(parent.wait());
  EXPECT_TRUE(OrphanExitedOk(stopped)) << "the stopped member of the orphaned group";
}

// A background job in an orphaned process group that still has its
// controlling terminal: a session leader owns the pty; its child forks the
// job into a new group and exits, so the job is adopted by the test process
// (another session). PR_SET_PDEATHSIG tells the job that its parent is gone
// (sent after the adoption). job(fd) then runs; returns the job's verdict.
template <typename Job>
::testing::AssertionResult OrphanedJobOk(const Pty& pty, bool tostop, Job job) {
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  Pipe pids;
  Gate finished;
  Child leader([&, slave, master] {
    int fd = signals::child_acquire_ctty(slave);
    CHILD_CHECK_EQ(write(master, "x\n", 2), 2);  // a read let through returns at once
    signals::child_set_tostop(fd, tostop);
    pid_t middle = fork();
    CHILD_CHECK_OK(middle);
    if (middle == 0) {
      CHILD_CHECK_OK(setpgid(0, 0));
      Gate ready;
      pid_t orphan = signals::child_fork_background([&, fd] {
        signals::child_block(SIGUSR1);
        CHILD_CHECK_OK(prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0));
        ready.open();
        CHILD_CHECK_EQ(signals::await_signal(SIGUSR1), SIGUSR1);
        job(fd);
        finished.open();
      });
      CHILD_CHECK_EQ(write(pids.wr(), &orphan, sizeof orphan), sizeof orphan);
      ready.wait();
      child_exit(0);
    }
    finished.close_opener();  // a job that dies early gives EOF, not a hang
    signals::child_expect_exit0(middle);
    finished.wait();  // the session and its terminal outlive the job
  });
  finished.close_opener();
  pid_t orphan = read_pid(pids);
  ::testing::AssertionResult r = OrphanExitedOk(orphan);
  WaitStatus st = leader.wait();
  if (r && !(st.exited() && st.exit_code() == 0))
    return ::testing::AssertionFailure() << "the session leader " << st.describe();
  return r;
}

char g_byte;

SIGIPC_TEST(SignalJobControl, OrphanedBackgroundReadFailsWithEio, "signal.jobctl.orphaned-read-eio",
            "XSH read(); XBD 11.1.4 Terminal Access Control",
            "A read from the controlling terminal by a member of an orphaned background process "
            "group fails with EIO instead of stopping") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  signals::become_subreaper();
  EXPECT_TRUE(
      OrphanedJobOk(pty, false, [](int fd) { CHILD_CHECK_ERRNO(read(fd, &g_byte, 1), EIO); }));
}

SIGIPC_TEST(SignalJobControl, OrphanedBackgroundWriteWithTostopFailsWithEio,
            "signal.jobctl.orphaned-write-eio", "XSH write(); XBD 11.1.4 Terminal Access Control",
            "With TOSTOP set, a write to the controlling terminal by a member of an orphaned "
            "background process group (not declining SIGTTOU) fails with EIO") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  signals::become_subreaper();
  EXPECT_TRUE(OrphanedJobOk(pty, true, [](int fd) { CHILD_CHECK_ERRNO(write(fd, "y", 1), EIO); }));
}

}  // namespace
}  // namespace sigipc

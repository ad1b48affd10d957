// Hangup of a controlling terminal: the last close of a pseudo-terminal
// master (XSH close()) or vhangup() (Linux-only) sends SIGHUP to the
// controlling process, and the terminal then reads as end-of-file and refuses
// writes with EIO (XBD 11.1.10 Modem Disconnect). POSIX names the controlling
// process only; the foreground group hears of the hangup when that process
// then dies of SIGHUP (XSH _Exit()): on Linux the group in the foreground at
// the hangup (termios' session bookkeeping keeps it for the exit).
// A child of the test process calls setsid() and TIOCSCTTY (Linux-only) to
// make the slave its controlling terminal; it closes its copy of the master,
// so the test process holds the last one.
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::Pty;

// In a child: the session leader of a new session on the pty, with SIGHUP
// blocked (so it stays pending) unless keep_default; the master copy is
// closed. Returns the slave fd.
int child_leader_on(const char* slave, int master, bool keep_default) noexcept {
  CHILD_CHECK_OK(close(master));
  int fd = signals::child_acquire_ctty(slave);
  if (!keep_default) signals::child_block(SIGHUP);
  return fd;
}

// A session leader on the pty, SIGHUP blocked, waits for it; the test process
// closes the last master once the leader is ready. After SIGHUP came, the
// leader runs then(slave fd). Returns the leader's wait status.
template <typename Then>
WaitStatus hang_up_ready_leader(Pty& pty, Then then) {
  Gate ready;
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  Child leader([&ready, &then, slave, master] {
    int fd = child_leader_on(slave, master, false);
    ready.open();
    CHILD_CHECK_EQ(signals::await_signal(SIGHUP), SIGHUP);
    then(fd);
  });
  ready.wait();
  pty.master.reset();
  return leader.wait();
}

SIGIPC_TEST(SignalTerminalHangup, LastCloseOfPtyMasterSendsSighupToControllingProcess,
            "signal.terminal.master-close-sighup", "XSH close(); XBD 11.1.10 Modem Disconnect",
            "The last close of a pseudo-terminal master sends SIGHUP to the controlling process "
            "whose controlling terminal is its slave") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(hang_up_ready_leader(pty, [](int) {}))
      << "the controlling process waiting for SIGHUP";
}

SIGIPC_TEST(SignalTerminalHangup, HungUpTerminalReadsEndOfFileAndRefusesWrites,
            "signal.terminal.hangup-eof-eio", "XBD 11.1.10 Modem Disconnect",
            "After a hangup (the last close of the pty master), read() from the terminal "
            "returns 0 (end-of-file) and write() to it fails with EIO") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(hang_up_ready_leader(pty, [](int fd) {
    char c;
    CHILD_CHECK_EQ(read(fd, &c, 1), 0);
    CHILD_CHECK_ERRNO(write(fd, "x", 1), EIO);
  })) << "the controlling process after the hangup";
}

SIGIPC_TEST(SignalTerminalHangup, VhangupSendsSighupToControllingProcess,
            "signal.terminal.vhangup-sighup", "vhangup(2) (Linux-only)",
            "vhangup() by the controlling process (with CAP_SYS_TTY_CONFIG) hangs up its "
            "controlling terminal: SIGHUP is sent to that process") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  Pipe verdict;
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  WaitStatus st = RunInChild([&verdict, slave, master] {
    child_leader_on(slave, master, false);
    int err = vhangup() == 0 ? 0 : errno;
    CHILD_CHECK_EQ(write(verdict.wr(), &err, sizeof err), static_cast<ssize_t>(sizeof err));
    if (err == 0) CHILD_CHECK_EQ(signals::await_signal(SIGHUP), SIGHUP);
  });
  verdict.close_wr();
  int err = -1;
  ASSERT_EQ(read(verdict.rd(), &err, sizeof err), static_cast<ssize_t>(sizeof err))
      << "the child ended before calling vhangup(): " << st.describe();
  if (err == EPERM) GTEST_SKIP() << "vhangup() needs CAP_SYS_TTY_CONFIG: " << ErrnoText(err);
  // A Linux-only call the platform says it does not have.
  if (err == ENOSYS) GTEST_SKIP() << "vhangup() is not implemented here: " << ErrnoText(err);
  ASSERT_EQ(err, 0) << "vhangup() failed with " << ErrnoText(err);
  EXPECT_CHILD_OK(st) << "the controlling process waiting for SIGHUP";
}

SIGIPC_TEST(SignalTerminalHangup, HangupKillsControllingProcessWhoseExitSignalsForeground,
            "signal.terminal.hangup-foreground-sighup",
            "XSH close(); XSH _Exit() (Consequences of Process Termination)",
            "When the pty master is closed, the controlling process (SIGHUP at its default "
            "action) is killed by SIGHUP, and its exit sends SIGHUP to the process group that "
            "was in the foreground") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  signals::become_subreaper();
  Gate ready;
  Pipe pids;
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  Child leader([&ready, &pids, slave, master] {
    int fd = child_leader_on(slave, master, true);
    child_use_default_action(SIGHUP);
    Gate joined;
    pid_t member = fork();
    CHILD_CHECK_OK(member);
    if (member == 0) {
      CHILD_CHECK_OK(setpgid(0, 0));
      signals::child_block(SIGHUP);
      joined.open();
      CHILD_CHECK_EQ(signals::await_signal(SIGHUP), SIGHUP);
      child_exit(0);
    }
    CHILD_CHECK_OK(setpgid(member, member));
    joined.wait();
    CHILD_CHECK_OK(tcsetpgrp(fd, member));
    CHILD_CHECK_EQ(write(pids.wr(), &member, sizeof member), static_cast<ssize_t>(sizeof member));
    ready.open();
    for (;;) pause();  // until SIGHUP ends it
  });
  ready.wait();
  pid_t member = -1;
  ASSERT_EQ(read(pids.rd(), &member, sizeof member), static_cast<ssize_t>(sizeof member));
  pty.master.reset();
  // Bounded: a controlling process that never gets SIGHUP pauses for ever.
  WaitStatus ls = signals::wait_within(leader.pid());
  leader.mark_reaped(ls);
  EXPECT_TRUE(KilledBy(ls, SIGHUP))
      << "the controlling process" << (ls.raw() == -1 ? " (still alive after the safety net)" : "");
  WaitStatus st = signals::wait_within(member);
  EXPECT_TRUE(ExitedWith(st, 0)) << "the foreground member waiting for SIGHUP"
                                 << (st.raw() == -1 ? " (no SIGHUP within the safety net)" : "");
}

}  // namespace
}  // namespace sigipc

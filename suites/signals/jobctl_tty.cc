// Terminal access by a background process group: SIGTTIN for a read, SIGTTOU
// for a write under TOSTOP and for tcsetattr()/tcsetpgrp(), and what happens
// instead when the process ignores or blocks those signals. Each test makes a
// session whose controlling terminal is a fresh pseudo-terminal: a child of
// the test process calls setsid() and TIOCSCTTY (its group is the foreground
// one) and forks the background job, which stays its child, so the job's
// group is not orphaned. XBD 11.1.4 Terminal Access Control, XSH read(),
// XSH write(), XSH tcsetattr(), XSH tcsetpgrp().
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::child_fork_background;
using signals::Pty;

// Runs body(slave_fd, master_fd) in a session leader whose controlling
// terminal is the pty; the leader's status.
template <typename Body>
WaitStatus InPtySession(const Pty& pty, Body body) {
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  return RunInChild([slave, master, &body] {
    int fd = signals::child_acquire_ctty(slave);
    // Input for a read that is wrongly let through: it returns at once
    // (and the job exits 0) instead of blocking.
    CHILD_CHECK_EQ(write(master, "x\n", 2), 2);
    body(fd, master);
  });
}

// In the leader: the raw status of a background job as waitpid(WUNTRACED)
// first reports it; a stopped job is then killed and reaped.
template <typename Job>
int run_background_job(Job job) noexcept {
  pid_t p = child_fork_background(job);
  int st = signals::child_wait_status(p, WUNTRACED);
  if (WIFSTOPPED(st)) signals::child_kill_and_reap(p);
  return st;
}

// A raw status no waitpid() returns: "no state change came in time".
constexpr int kNoStatus = -1;

// In the leader: the raw status waitpid(pid, options) first reports, or
// kNoStatus when none came within `seconds`. SIGCHLD, blocked meanwhile,
// wakes each re-check; the bound is a safety net, not the test's clock.
int child_wait_status_within(pid_t pid, int options, int seconds) noexcept {
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &chld, &old));
  timespec now{}, deadline{};
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += seconds;
  int st = kNoStatus;
  for (;;) {
    int raw = 0;
    pid_t r = waitpid(pid, &raw, options | WNOHANG);
    if (r < 0 && errno == EINTR) continue;
    CHILD_CHECK(r >= 0);
    if (r == pid) {
      st = raw;
      break;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    timespec left{deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) {
      left.tv_nsec += 1000000000L;
      --left.tv_sec;
    }
    if (left.tv_sec < 0) break;
    sigtimedwait(&chld, nullptr, &left);
  }
  CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, &old, nullptr));
  return st;
}

// In the leader: a check failure describing st unless it is `want`.
void child_check_status(const char* file, int line, int st, bool stopped, int sig) noexcept {
  bool ok = st != kNoStatus && (stopped ? (WIFSTOPPED(st) && WSTOPSIG(st) == sig)
                                        : (WIFEXITED(st) && WEXITSTATUS(st) == 0));
  if (ok) return;
  SafeBuf d;
  if (stopped)
    d.str("expected a stop by ").signal_text(sig).str("; the job ");
  else
    d.str("expected the job to exit 0; it ");
  if (st == kNoStatus)
    d.str("did not stop or end within the safety net");
  else if (WIFEXITED(st))
    d.str("exited with ").num(WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    d.str("was killed by ").signal_text(WTERMSIG(st));
  else if (WIFSTOPPED(st))
    d.str("was stopped by ").signal_text(WSTOPSIG(st));
  check_fail(file, line, "background job status", d.c_str(), true);
}
#define CHILD_CHECK_STOPPED_BY(st, sig) child_check_status(__FILE__, __LINE__, st, true, sig)
#define CHILD_CHECK_EXITED_0(st) child_check_status(__FILE__, __LINE__, st, false, 0)

char g_byte;

SIGIPC_TEST(SignalJobControl, BackgroundReadFromTerminalStopsBySigttin,
            "signal.jobctl.bg-read-sigttin", "XBD 11.1.4 Terminal Access Control; XSH read()",
            "A process in a background process group that reads from its controlling terminal "
            "is stopped by SIGTTIN") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    int st = run_background_job([fd] { (void)!read(fd, &g_byte, 1); });
    CHILD_CHECK_STOPPED_BY(st, SIGTTIN);
  }));
}

SIGIPC_TEST(SignalJobControl, SigttinStopsTheWholeBackgroundGroup,
            "signal.jobctl.bg-read-sigttin-group", "XBD 11.1.4 Terminal Access Control",
            "SIGTTIN for a background read is sent to the reader's whole process group: every "
            "member stops") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  const int safety_s = static_cast<int>(safety_net_seconds());
  EXPECT_CHILD_OK(InPtySession(pty, [safety_s](int fd, int) {
    Gate joined, go, never;
    pid_t reader = child_fork_background([&, fd] {
      // Each wait below ends by EOF, not a hang, once the peers that could
      // open its gate are gone.
      joined.close_opener();
      never.close_opener();
      go.close_opener();
      go.wait();
      (void)!read(fd, &g_byte, 1);
    });
    pid_t member = fork();
    CHILD_CHECK_OK(member);
    if (member == 0) {
      go.close_opener();
      never.close_opener();
      CHILD_CHECK_OK(setpgid(0, reader));
      joined.open();
      never.wait();
      child_exit(0);
    }
    joined.close_opener();
    joined.wait();
    go.open();
    // Bounded: a platform that lets the read through, or stops only the
    // reader, leaves a process that never stops; that is a FAIL with the
    // status seen, not a TIMEOUT.
    int st_reader = child_wait_status_within(reader, WUNTRACED, safety_s);
    int st_member = kNoStatus;
    if (st_reader != kNoStatus && WIFSTOPPED(st_reader))
      st_member = child_wait_status_within(member, WUNTRACED, safety_s);
    signals::child_kill_and_reap(reader);
    signals::child_kill_and_reap(member);
    CHILD_CHECK_STOPPED_BY(st_reader, SIGTTIN);
    CHILD_CHECK_STOPPED_BY(st_member, SIGTTIN);
  }));
}

SIGIPC_TEST(SignalJobControl, BackgroundWriteWithTostopStopsBySigttou,
            "signal.jobctl.bg-write-tostop-sigttou",
            "XBD 11.1.4 Terminal Access Control; XSH write()",
            "With TOSTOP set, a background process writing to its controlling terminal is "
            "stopped by SIGTTOU") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    signals::child_set_tostop(fd, true);
    int st = run_background_job([fd] { (void)!write(fd, "y", 1); });
    CHILD_CHECK_STOPPED_BY(st, SIGTTOU);
  }));
}

SIGIPC_TEST(SignalJobControl, BackgroundWriteWithoutTostopIsAllowed,
            "signal.jobctl.bg-write-no-tostop", "XBD 11.1.4 Terminal Access Control",
            "With TOSTOP clear, a background process may write to its controlling terminal: no "
            "SIGTTOU, the write succeeds") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    signals::child_set_tostop(fd, false);
    int st = run_background_job([fd] { CHILD_CHECK_EQ(write(fd, "y", 1), 1); });
    CHILD_CHECK_EXITED_0(st);
  }));
}

// The two ways a process declines a job-control signal.
enum class Decline { kIgnore, kBlock };
void decline(int sig, Decline how) noexcept {
  if (how == Decline::kIgnore)
    CHILD_CHECK(signal(sig, SIG_IGN) != SIG_ERR);
  else
    signals::child_block(sig);
}

SIGIPC_TEST(SignalJobControl, BackgroundReadDecliningSigttinFailsWithEio,
            "signal.jobctl.bg-read-eio", "XSH read(); XBD 11.1.4 Terminal Access Control",
            "A background read from the controlling terminal by a process that ignores or "
            "blocks SIGTTIN fails with EIO and does not stop") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    for (Decline how : {Decline::kIgnore, Decline::kBlock}) {
      int st = run_background_job([fd, how] {
        decline(SIGTTIN, how);
        CHILD_CHECK_ERRNO(read(fd, &g_byte, 1), EIO);
      });
      CHILD_CHECK_EXITED_0(st);
    }
  }));
}

SIGIPC_TEST(SignalJobControl, BackgroundWriteDecliningSigttouIsAllowed,
            "signal.jobctl.bg-write-tostop-declined", "XBD 11.1.4 Terminal Access Control",
            "With TOSTOP set, a background process that ignores or blocks SIGTTOU may write to "
            "its controlling terminal") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    signals::child_set_tostop(fd, true);
    for (Decline how : {Decline::kIgnore, Decline::kBlock}) {
      int st = run_background_job([fd, how] {
        decline(SIGTTOU, how);
        CHILD_CHECK_EQ(write(fd, "y", 1), 1);
      });
      CHILD_CHECK_EXITED_0(st);
    }
  }));
}

SIGIPC_TEST(SignalJobControl, TcsetattrFromBackgroundStopsBySigttou,
            "signal.jobctl.bg-tcsetattr-sigttou", "XSH tcsetattr()",
            "tcsetattr() on the controlling terminal from a background process group sends it "
            "SIGTTOU (TOSTOP clear), which stops it") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    signals::child_set_tostop(fd, false);
    int st = run_background_job([fd] {
      termios t{};
      CHILD_CHECK_OK(tcgetattr(fd, &t));
      (void)tcsetattr(fd, TCSANOW, &t);
    });
    CHILD_CHECK_STOPPED_BY(st, SIGTTOU);
  }));
}

SIGIPC_TEST(SignalJobControl, TcsetpgrpFromBackgroundStopsBySigttou,
            "signal.jobctl.bg-tcsetpgrp-sigttou", "XSH tcsetpgrp()",
            "tcsetpgrp() by a member of a background process group that does not block or "
            "ignore SIGTTOU sends SIGTTOU to its group, which stops it") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    int st = run_background_job([fd] { (void)tcsetpgrp(fd, getpgrp()); });
    CHILD_CHECK_STOPPED_BY(st, SIGTTOU);
  }));
}

SIGIPC_TEST(SignalJobControl, TcsetpgrpFromBackgroundBlockingSigttouSucceeds,
            "signal.jobctl.bg-tcsetpgrp-blocked", "XSH tcsetpgrp()",
            "tcsetpgrp() by a background process that blocks SIGTTOU succeeds: its group becomes "
            "the foreground group") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(InPtySession(pty, [](int fd, int) {
    int st = run_background_job([fd] {
      signals::child_block(SIGTTOU);
      CHILD_CHECK_OK(tcsetpgrp(fd, getpgrp()));
      CHILD_CHECK_EQ(tcgetpgrp(fd), getpgrp());
    });
    CHILD_CHECK_EXITED_0(st);
  }));
}

}  // namespace
}  // namespace sigipc

// How a parent learns that a child stopped, continued or ended: waitpid()
// with WUNTRACED / WCONTINUED, waitid() and its siginfo, WNOWAIT, and that
// each stop or continue is reported once. The child leads a process group of
// its own under the test process, so job-control stops take effect.
// XSH waitpid() (the wait() page), XSH waitid().
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::StoppableChild;

// waitid(P_PID, pid, options) retrying EINTR; the siginfo.
siginfo_t waitid_for(pid_t pid, int options) {
  siginfo_t si{};
  int r;
  do {
    r = waitid(P_PID, static_cast<id_t>(pid), &si, options);
  } while (r < 0 && errno == EINTR);
  if (r < 0) setup_error_errno(__FILE__, __LINE__, "waitid()", errno);
  return si;
}

// A forked child that the test itself reaps with waitid(WEXITED); the
// destructor kills and reaps it only after an early return.
class ReapedByWaitid {
 public:
  explicit ReapedByWaitid(const std::function<void()>& body) : pid_(xfork()) {
    if (pid_ == 0) run_body_and_exit(body);
  }
  ~ReapedByWaitid() {
    if (reaped_) return;
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  ReapedByWaitid(const ReapedByWaitid&) = delete;
  ReapedByWaitid& operator=(const ReapedByWaitid&) = delete;
  pid_t pid() const { return pid_; }
  siginfo_t reap() {
    siginfo_t si = waitid_for(pid_, WEXITED);
    reaped_ = true;
    return si;
  }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

// waitpid(pid, options | WNOHANG): 0 when there is nothing to report.
pid_t poll_status(pid_t pid, int options) {
  int st = 0;
  pid_t r;
  do {
    r = waitpid(pid, &st, options | WNOHANG);
  } while (r < 0 && errno == EINTR);
  return r;
}

SIGIPC_TEST(SignalJobControl, WaitpidWuntracedReportsEachStopSignal,
            "signal.jobctl.waitpid-wuntraced", "XSH waitpid()",
            "waitpid(WUNTRACED) reports a child stopped by SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU: "
            "WIFSTOPPED, and WSTOPSIG names the signal") {
  for (int sig : signals::kStopSignals) {
    Gate ready, release;
    Child c = StoppableChild(ready, release);
    ready.wait();
    ASSERT_SUCCEEDS(kill(c.pid(), sig));
    WaitStatus st = c.wait(WUNTRACED);
    EXPECT_TRUE(st.stopped()) << SignalText(sig) << ": WIFSTOPPED is false, " << st.describe();
    EXPECT_EQ(st.stop_sig(), sig) << "WSTOPSIG after " << SignalText(sig);
  }
}

SIGIPC_TEST(SignalJobControl, WaitpidWithoutWuntracedIgnoresStoppedChild,
            "signal.jobctl.waitpid-no-wuntraced", "XSH waitpid()",
            "Without WUNTRACED, waitpid() does not report a stopped child; the report stays "
            "for a later WUNTRACED call") {
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  // Waits until the child is stopped, leaving the report in place.
  siginfo_t si = waitid_for(c.pid(), WSTOPPED | WNOWAIT);
  ASSERT_EQ(si.si_code, CLD_STOPPED) << "setup: the child must be stopped";
  EXPECT_EQ(poll_status(c.pid(), 0), 0) << "waitpid() without WUNTRACED reported the stop";
  EXPECT_TRUE(StoppedBy(c.wait(WUNTRACED | WNOHANG), SIGSTOP)) << "then with WUNTRACED";
}

SIGIPC_TEST(SignalJobControl, StopIsReportedOnce, "signal.jobctl.stop-reported-once",
            "XSH waitpid()",
            "A stopped child's status is reported once: a second waitpid(WUNTRACED | WNOHANG) "
            "returns 0") {
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGTSTP));
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGTSTP));
  EXPECT_EQ(poll_status(c.pid(), WUNTRACED), 0) << "the same stop was reported twice";
}

SIGIPC_TEST(SignalJobControl, ContinueIsReportedOnce, "signal.jobctl.continue-reported-once",
            "XSH waitpid()",
            "A continued child's status is reported once: a second waitpid(WCONTINUED | WNOHANG) "
            "returns 0") {
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  WaitStatus st = c.wait(WCONTINUED);
  ASSERT_TRUE(st.continued()) << "setup: " << st.describe();
  EXPECT_EQ(poll_status(c.pid(), WCONTINUED), 0) << "the same continue was reported twice";
  release.open();
  EXPECT_CHILD_OK(c.wait());
}

// si_signo, si_code, si_status and si_pid of a waitid() report.
::testing::AssertionResult Reports(const siginfo_t& si, int code, int status, pid_t pid) {
  if (si.si_signo == SIGCHLD && si.si_code == code && si.si_status == status && si.si_pid == pid)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "siginfo: si_signo " << si.si_signo << " (want SIGCHLD " << SIGCHLD << "), si_code "
         << si.si_code << " (want " << code << "), si_status " << si.si_status << " (want "
         << status << "), si_pid " << si.si_pid << " (want " << pid << ")";
}

SIGIPC_TEST(SignalJobControl, WaitidReportsAStoppedChild, "signal.jobctl.waitid-stopped",
            "XSH waitid()",
            "waitid(WSTOPPED) reports a stopped child: si_signo SIGCHLD, si_code CLD_STOPPED, "
            "si_status the stop signal, si_pid the child") {
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGTTOU));
  EXPECT_TRUE(Reports(waitid_for(c.pid(), WSTOPPED), CLD_STOPPED, SIGTTOU, c.pid()));
}

SIGIPC_TEST(SignalJobControl, WaitidReportsAContinuedChild, "signal.jobctl.waitid-continued",
            "XSH waitid()",
            "waitid(WCONTINUED) reports a continued child: si_code CLD_CONTINUED, si_status "
            "SIGCONT, si_pid the child") {
  Gate ready, release;
  Child c = StoppableChild(ready, release);
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  ASSERT_EQ(waitid_for(c.pid(), WSTOPPED).si_code, CLD_STOPPED);
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  EXPECT_TRUE(Reports(waitid_for(c.pid(), WCONTINUED), CLD_CONTINUED, SIGCONT, c.pid()));
  release.open();
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(SignalJobControl, WaitidReportsAnExitedChild, "signal.jobctl.waitid-exited",
            "XSH waitid()",
            "waitid(WEXITED) reports a child that exited: si_code CLD_EXITED, si_status its exit "
            "value, si_pid the child") {
  ReapedByWaitid c([] { child_exit(42); });
  EXPECT_TRUE(Reports(c.reap(), CLD_EXITED, 42, c.pid()));
}

SIGIPC_TEST(SignalJobControl, WaitidReportsTheFullExitValue, "signal.jobctl.waitid-full-status",
            "XSH 2.4.3 Signal Actions; XSH waitid()",
            "For CLD_EXITED, si_status holds the full value passed to _exit(), not only its "
            "least significant eight bits") {
  constexpr int kValue = 0x1234;
  ReapedByWaitid c([] {
    coverage_flush();
    _exit(kValue);
  });
  EXPECT_TRUE(Reports(c.reap(), CLD_EXITED, kValue, c.pid()))
      << "_exit(" << kValue << "); its low eight bits are " << (kValue & 0xff);
}

SIGIPC_TEST(SignalJobControl, WaitidReportsAKilledChild, "signal.jobctl.waitid-killed",
            "XSH waitid()",
            "waitid(WEXITED) reports a child ended by a signal: si_code CLD_KILLED, si_status "
            "the signal, si_pid the child") {
  Gate ready, never;
  ReapedByWaitid c([&] {
    ready.open();
    never.wait();
  });
  ready.wait();
  ASSERT_SUCCEEDS(kill(c.pid(), SIGTERM));
  EXPECT_TRUE(Reports(c.reap(), CLD_KILLED, SIGTERM, c.pid()));
}

SIGIPC_TEST(SignalJobControl, WaitidWnowaitLeavesTheChildWaitable, "signal.jobctl.waitid-wnowait",
            "XSH waitid()",
            "waitid() with WNOWAIT reports a child that exited and leaves it waitable: a later "
            "wait reports the same status") {
  Gate ready, release;
  Child c = StoppableChild(ready, release, 7);
  ready.wait();
  release.open();
  EXPECT_TRUE(Reports(waitid_for(c.pid(), WEXITED | WNOWAIT), CLD_EXITED, 7, c.pid()));
  EXPECT_TRUE(Reports(waitid_for(c.pid(), WEXITED | WNOWAIT), CLD_EXITED, 7, c.pid()))
      << "a second WNOWAIT";
  EXPECT_TRUE(ExitedWith(c.wait(WNOHANG), 7)) << "the child must still be waitable";
}

}  // namespace
}  // namespace sigipc

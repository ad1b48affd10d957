// Signals seen through ptrace (Linux-only, ptrace(2)): a signal sent to a
// tracee stops it in signal-delivery-stop, where the tracer reads its siginfo
// and decides what the tracee gets (nothing, the signal, or another one);
// the tracer learns of the stop through waitpid() and a SIGCHLD with
// CLD_TRAPPED; a PTRACE_SEIZEd tracee reports group-stop, PTRACE_INTERRUPT
// and its exit as PTRACE_EVENT stops, and PTRACE_LISTEN leaves a
// group-stopped tracee stopped until SIGCONT. The tracer is always the test
// process and the tracee its own child.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "fixtures/check.h"
#include "fixtures/errno_name.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

// The signal whose handler ran last in the tracee (0: none ran).
volatile sig_atomic_t g_handled = 0;
void record_signal(int sig) { g_handled = sig; }

// A forked child traced by the test process. The child waits for attached()
// before running its body, so it is traced from its first step. The
// destructor kills the tracee and reaps it through every ptrace-stop still
// to be reported, so no zombie or stopped process outlives the test.
class Tracee {
 public:
  explicit Tracee(const std::function<void()>& body) : attached_(), pid_(xfork()) {
    if (pid_ == 0) {
      attached_.close_opener();
      attached_.wait();
      run_body_and_exit(body);
    }
    attached_.close_waiter();
  }
  Tracee(const Tracee&) = delete;
  Tracee& operator=(const Tracee&) = delete;
  ~Tracee() {
    if (ended_) return;
    kill(pid_, SIGKILL);
    while (!ended_) {
      int st = 0;
      pid_t r = waitpid(pid_, &st, __WALL);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 || WIFEXITED(st) || WIFSIGNALED(st)) ended_ = true;
    }
  }
  pid_t pid() const { return pid_; }

  // PTRACE_SEIZE with options, then lets the child run. Returns why the
  // machine forbids tracing ("" when it is traced).
  std::string seize(long options = 0) {
    if (ptrace(PTRACE_SEIZE, pid_, nullptr, reinterpret_cast<void*>(options)) != 0) {
      int err = errno;
      if (err == EPERM || err == ENOSYS)
        return "ptrace(PTRACE_SEIZE) of a child is refused here: " + ErrnoText(err);
      setup_error_errno(__FILE__, __LINE__, "ptrace(PTRACE_SEIZE)", err);
    }
    attached_.open();
    return "";
  }

  // The next state change of the tracee (a ptrace-stop, or its end).
  WaitStatus next() {
    int st = 0;
    pid_t r;
    do {
      r = waitpid(pid_, &st, __WALL);
    } while (r < 0 && errno == EINTR);
    if (r < 0) setup_error_errno(__FILE__, __LINE__, "waitpid(tracee)", errno);
    if (WIFEXITED(st) || WIFSIGNALED(st)) ended_ = true;
    return WaitStatus(st);
  }

  // Restarts the tracee from a ptrace-stop with request, delivering sig (the
  // request's type is glibc's enum __ptrace_request, musl's int).
  void restart(decltype(PTRACE_CONT) request, int sig = 0) {
    SETUP_OK(ptrace(request, pid_, nullptr, reinterpret_cast<void*>(static_cast<long>(sig))));
  }

 private:
  Gate attached_;  // made before the fork
  pid_t pid_;
  bool ended_ = false;
};

#define SIGIPC_SEIZE_OR_SKIP(tracee, options)                  \
  do {                                                         \
    std::string sigipc_why_ = (tracee).seize(options);         \
    if (!sigipc_why_.empty()) SIGIPC_UNSUPPORTED(sigipc_why_); \
  } while (0)

// The PTRACE_EVENT_* number of a ptrace-stop (status >> 16), 0 for a
// signal-delivery-stop.
int event_of(const WaitStatus& st) { return st.raw() >> 16; }

// The tracee body of the delivery rules: handlers for SIGUSR1 and SIGUSR2,
// raise(SIGUSR1), then exit with the number of the signal whose handler ran
// (0 when none did).
void raise_usr1_and_report() {
  struct sigaction sa {};
  sa.sa_handler = record_signal;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
  CHILD_CHECK_OK(sigaction(SIGUSR2, &sa, nullptr));
  sigset_t both;
  sigemptyset(&both);
  sigaddset(&both, SIGUSR1);
  sigaddset(&both, SIGUSR2);
  CHILD_CHECK_OK(sigprocmask(SIG_UNBLOCK, &both, nullptr));
  g_handled = 0;
  raise(SIGUSR1);
  _exit(g_handled);
}

// Seizes a tracee running raise_usr1_and_report and waits for its
// signal-delivery-stop; false (with a failure recorded) when it stopped
// otherwise.
::testing::AssertionResult StoppedForDelivery(const WaitStatus& st, int sig) {
  if (!st.stopped() || st.stop_sig() != sig || event_of(st) != 0)
    return ::testing::AssertionFailure()
           << "expected a signal-delivery-stop for " << SignalText(sig) << ", got " << st.describe()
           << " (event " << event_of(st) << ")";
  return ::testing::AssertionSuccess();
}

SIGIPC_TEST(SignalPtrace, SignalToATraceeStopsItInSignalDeliveryStop,
            "signal.ptrace.signal-delivery-stop", "ptrace(2) (Linux-only)",
            "A signal sent to a tracee stops it before delivery: waitpid() reports WIFSTOPPED "
            "with WSTOPSIG the signal, and PTRACE_GETSIGINFO gives that signal's siginfo") {
  Tracee t(raise_usr1_and_report);
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  WaitStatus st = t.next();
  ASSERT_TRUE(StoppedForDelivery(st, SIGUSR1));
  siginfo_t si{};
  ASSERT_SUCCEEDS(ptrace(PTRACE_GETSIGINFO, t.pid(), nullptr, &si));
  EXPECT_EQ(si.si_signo, SIGUSR1);
  EXPECT_EQ(si.si_code, SI_TKILL) << "raise() sends with tgkill()";
  EXPECT_EQ(si.si_pid, t.pid()) << "the tracee sent the signal to itself";
  t.restart(PTRACE_CONT, SIGUSR1);
  EXPECT_TRUE(ExitedWith(t.next(), SIGUSR1)) << "the restarted signal reaches its handler";
}

SIGIPC_TEST(SignalPtrace, ContinuingWithSignalZeroSuppressesTheSignal,
            "signal.ptrace.cont-zero-suppresses", "ptrace(2) (Linux-only)",
            "Restarting a tracee from signal-delivery-stop with signal 0 suppresses the signal: "
            "its handler does not run") {
  Tracee t(raise_usr1_and_report);
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  ASSERT_TRUE(StoppedForDelivery(t.next(), SIGUSR1));
  t.restart(PTRACE_CONT, 0);
  WaitStatus end = t.next();
  EXPECT_TRUE(ExitedWith(end, 0)) << "exit code = the signal whose handler ran";
}

SIGIPC_TEST(SignalPtrace, ContinuingWithAnotherSignalInjectsIt,
            "signal.ptrace.cont-injects-other-signal", "ptrace(2) (Linux-only)",
            "Restarting a tracee from signal-delivery-stop with another signal delivers that "
            "signal instead of the one that stopped it") {
  Tracee t(raise_usr1_and_report);
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  ASSERT_TRUE(StoppedForDelivery(t.next(), SIGUSR1));
  t.restart(PTRACE_CONT, SIGUSR2);
  WaitStatus end = t.next();
  EXPECT_TRUE(ExitedWith(end, SIGUSR2)) << "exit code = the signal whose handler ran";
}

SIGIPC_TEST(SignalPtrace, TracerGetsSigchldWithCldTrapped, "signal.ptrace.sigchld-cld-trapped",
            "sigaction(2), ptrace(2) (Linux-only)",
            "When a tracee enters signal-delivery-stop the tracer gets SIGCHLD with si_code "
            "CLD_TRAPPED, si_pid the tracee and si_status the signal") {
  SignalMask mask;
  mask.block(SIGCHLD);
  Tracee t(raise_usr1_and_report);
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  siginfo_t si{};
  ASSERT_EQ(signals::await_signal(SIGCHLD, &si), SIGCHLD) << "no SIGCHLD for the stop";
  EXPECT_EQ(si.si_code, CLD_TRAPPED);
  EXPECT_EQ(si.si_pid, t.pid());
  EXPECT_EQ(si.si_status, SIGUSR1);
  ASSERT_TRUE(StoppedForDelivery(t.next(), SIGUSR1));
  t.restart(PTRACE_CONT, 0);
  EXPECT_TRUE(ExitedWith(t.next(), 0));
}

// A tracee that waits for release and exits 0.
struct WaitForRelease {
  Gate& release;
  void operator()() const {
    release.close_opener();
    release.wait();
    _exit(0);
  }
};

// Sends SIGSTOP to a seized tracee and passes it on at its delivery-stop,
// which starts a group-stop; *group is what waitpid() reports next.
void enter_group_stop(Tracee& t, WaitStatus* group) {
  ASSERT_SUCCEEDS(kill(t.pid(), SIGSTOP));
  ASSERT_TRUE(StoppedForDelivery(t.next(), SIGSTOP));
  t.restart(PTRACE_CONT, SIGSTOP);
  *group = t.next();
}

SIGIPC_TEST(SignalPtrace, SeizedTraceeReportsGroupStopAsEventStop,
            "signal.ptrace.seize-group-stop-event-stop", "ptrace(2) (Linux-only)",
            "A stopping signal injected into a PTRACE_SEIZEd tracee starts a group-stop, reported "
            "by waitpid() with WSTOPSIG the signal and status>>16 == PTRACE_EVENT_STOP") {
  Gate release;
  Tracee t(WaitForRelease{release});
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  WaitStatus group;
  ASSERT_NO_FATAL_FAILURE(enter_group_stop(t, &group));
  EXPECT_TRUE(group.stopped()) << group.describe();
  EXPECT_EQ(group.stop_sig(), SIGSTOP);
  EXPECT_EQ(event_of(group), PTRACE_EVENT_STOP) << "status " << group.raw();
  t.restart(PTRACE_CONT, 0);
  release.open();
  EXPECT_TRUE(ExitedWith(t.next(), 0));
}

SIGIPC_TEST(SignalPtrace, ListenKeepsTheTraceeStoppedUntilSigcont,
            "signal.ptrace.listen-reports-sigcont", "ptrace(2) (Linux-only)",
            "A group-stopped tracee restarted with PTRACE_LISTEN stays stopped and reports a new "
            "PTRACE_EVENT_STOP when SIGCONT arrives; the SIGCONT is then delivered") {
  Gate release;
  Tracee t(WaitForRelease{release});
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  WaitStatus group;
  ASSERT_NO_FATAL_FAILURE(enter_group_stop(t, &group));
  ASSERT_EQ(event_of(group), PTRACE_EVENT_STOP) << group.describe();
  t.restart(PTRACE_LISTEN, 0);
  // Listening, the tracee has nothing to report until SIGCONT.
  int st = 0;
  EXPECT_EQ(waitpid(t.pid(), &st, __WALL | WNOHANG), 0) << "status " << st;
  ASSERT_SUCCEEDS(kill(t.pid(), SIGCONT));
  WaitStatus woken = t.next();
  EXPECT_TRUE(woken.stopped()) << woken.describe();
  EXPECT_EQ(event_of(woken), PTRACE_EVENT_STOP) << "status " << woken.raw();
  t.restart(PTRACE_CONT, 0);
  WaitStatus delivery = t.next();
  EXPECT_TRUE(StoppedForDelivery(delivery, SIGCONT));
  t.restart(PTRACE_CONT, 0);
  release.open();
  EXPECT_TRUE(ExitedWith(t.next(), 0));
}

SIGIPC_TEST(SignalPtrace, InterruptStopsARunningTraceeWithEventStop,
            "signal.ptrace.interrupt-event-stop", "ptrace(2) (Linux-only)",
            "PTRACE_INTERRUPT stops a seized tracee that no signal stops with PTRACE_EVENT_STOP "
            "and WSTOPSIG SIGTRAP; restarted, it carries on") {
  Gate release;
  Tracee t(WaitForRelease{release});
  SIGIPC_SEIZE_OR_SKIP(t, 0);
  ASSERT_SUCCEEDS(ptrace(PTRACE_INTERRUPT, t.pid(), nullptr, nullptr));
  WaitStatus st = t.next();
  EXPECT_TRUE(st.stopped()) << st.describe();
  EXPECT_EQ(st.stop_sig(), SIGTRAP);
  EXPECT_EQ(event_of(st), PTRACE_EVENT_STOP) << "status " << st.raw();
  t.restart(PTRACE_CONT, 0);
  release.open();
  EXPECT_TRUE(ExitedWith(t.next(), 0)) << "the interrupted wait went on after the restart";
}

SIGIPC_TEST(SignalPtrace, TraceExitStopsTheTraceeBeforeItExits, "signal.ptrace.traceexit-event",
            "ptrace(2) (Linux-only)",
            "With PTRACE_O_TRACEEXIT the tracee stops before it exits with status>>8 == "
            "(SIGTRAP | PTRACE_EVENT_EXIT<<8); PTRACE_GETEVENTMSG gives its exit status") {
  Tracee t([] { _exit(7); });
  SIGIPC_SEIZE_OR_SKIP(t, PTRACE_O_TRACEEXIT);
  WaitStatus st = t.next();
  ASSERT_TRUE(st.stopped()) << st.describe();
  EXPECT_EQ(st.raw() >> 8, SIGTRAP | (PTRACE_EVENT_EXIT << 8)) << "status " << st.raw();
  unsigned long msg = 0;
  ASSERT_SUCCEEDS(ptrace(PTRACE_GETEVENTMSG, t.pid(), nullptr, &msg));
  EXPECT_TRUE(ExitedWith(WaitStatus(static_cast<int>(msg)), 7)) << "event message " << msg;
  t.restart(PTRACE_CONT, 0);
  EXPECT_TRUE(ExitedWith(t.next(), 7));
}

}  // namespace
}  // namespace sigipc

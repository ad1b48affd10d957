// Default actions (SIG_DFL): terminate, abnormal termination, stop, continue
// and ignore, observed through a forked child's wait status.
// XBD <signal.h> (the table), XSH 2.4.3 Signal Actions.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::RaiseUnderDefaultAction;

// A child that stops itself with SIGSTOP after prepare() and, once
// continued, exits 0 only when the parent opens `release`: a child that
// exits at once could turn into a zombie before the parent asks for the
// "continued" status, and waitpid() would then report the exit instead.
template <typename Prepare>
Child StopSelfThenWait(Gate& release, Prepare prepare) {
  return Child([&release, prepare] {
    prepare();
    CHILD_CHECK_OK(raise(SIGSTOP));
    release.wait();
  });
}

SIGIPC_TEST(SignalDefaultAction, TerminateSignalsEndTheProcess, "signal.default.terminate",
            "XBD <signal.h>; XSH 2.4.3 Signal Actions",
            "Under SIG_DFL, SIGHUP SIGINT SIGKILL SIGPIPE SIGALRM SIGTERM SIGUSR1 SIGUSR2 "
            "SIGPOLL SIGPROF SIGVTALRM terminate the process (action T)") {
  for (int sig : signals::kTerminateSignals) {
    Child c = RaiseUnderDefaultAction(sig);
    EXPECT_TRUE(KilledBy(c.wait(WUNTRACED), sig))
        << "default action of " << SignalText(sig) << " is T (terminate)";
  }
}

SIGIPC_TEST(SignalDefaultAction, AbnormalTerminationSignalsEndTheProcess,
            "signal.default.abnormal-terminate", "XBD <signal.h>; XSH 2.4.3 Signal Actions",
            "Under SIG_DFL, SIGQUIT SIGILL SIGTRAP SIGABRT SIGBUS SIGFPE SIGSEGV SIGSYS SIGXCPU "
            "SIGXFSZ terminate the process by that signal (action A; the core file is "
            "implementation-defined and not checked)") {
  for (int sig : signals::kAbnormalSignals) {
    Child c = RaiseUnderDefaultAction(sig);
    EXPECT_TRUE(KilledBy(c.wait(WUNTRACED), sig))
        << "default action of " << SignalText(sig) << " is A (abnormal termination)";
  }
}

SIGIPC_TEST(SignalDefaultAction, StopSignalsStopTheProcess, "signal.default.stop",
            "XBD <signal.h>; XSH 2.4.3 Signal Actions",
            "Under SIG_DFL, SIGSTOP SIGTSTP SIGTTIN SIGTTOU stop the process (action S) and it "
            "resumes when continued") {
  for (int sig : signals::kStopSignals) {
    Child c = RaiseUnderDefaultAction(sig);
    WaitStatus st = c.wait(WUNTRACED);
    EXPECT_TRUE(StoppedBy(st, sig)) << "default action of " << SignalText(sig) << " is S (stop)";
    if (!st.stopped()) continue;
    ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
    EXPECT_TRUE(ExitedWith(c.wait(), 0)) << "after being stopped by " << SignalText(sig);
  }
}

SIGIPC_TEST(SignalDefaultAction, IgnoreSignalsLeaveTheProcessRunning, "signal.default.ignore",
            "XBD <signal.h>; XSH 2.4.3 Signal Actions",
            "Under SIG_DFL, SIGCHLD and SIGURG are discarded without effect on the process "
            "(action I)") {
  for (int sig : signals::kIgnoreSignals) {
    Child c = RaiseUnderDefaultAction(sig);
    EXPECT_TRUE(ExitedWith(c.wait(WUNTRACED), 0))
        << "default action of " << SignalText(sig) << " is I (ignore)";
  }
}

SIGIPC_TEST(SignalDefaultAction, SigcontIsIgnoredByRunningProcess,
            "signal.default.cont-ignored-when-running", "XBD <signal.h>; XSH 2.4.3 Signal Actions",
            "Under SIG_DFL, SIGCONT delivered to a process that is not stopped is ignored "
            "(action C)") {
  Child c = RaiseUnderDefaultAction(SIGCONT);
  EXPECT_TRUE(ExitedWith(c.wait(WUNTRACED), 0)) << "default action of SIGCONT when running";
}

SIGIPC_TEST(SignalDefaultAction, SigcontContinuesStoppedProcess, "signal.default.cont-continues",
            "XSH 2.4.3 Signal Actions; XSH waitpid()",
            "SIGCONT continues a stopped process, and waitpid(WCONTINUED) reports it continued") {
  Gate release;
  Child c = StopSelfThenWait(release, [] { child_use_default_action(SIGCONT); });
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  // A platform that never continues the child hangs here (TIMEOUT): no
  // bounded wait exists without a clock.
  WaitStatus st = c.wait(WCONTINUED);
  EXPECT_TRUE(st.continued()) << "after SIGCONT the child was reported as: " << st.describe();
  release.open();
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(SignalDefaultAction, SigcontContinuesEvenWhenBlockedOrIgnored,
            "signal.generation.cont-continues-despite-mask",
            "XSH 2.4.1 Signal Generation and Delivery",
            "SIGCONT generated for a stopped process continues it even if SIGCONT is blocked or "
            "ignored by the process") {
  struct Variant {
    const char* what;
    void (*prepare)();
  };
  const Variant variants[] = {
      {"blocked",
       [] {
         sigset_t s;
         sigemptyset(&s);
         sigaddset(&s, SIGCONT);
         CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &s, nullptr));
       }},
      {"ignored", [] { CHILD_CHECK(signal(SIGCONT, SIG_IGN) != SIG_ERR); }},
  };
  for (const Variant& v : variants) {
    Gate release;
    Child c = StopSelfThenWait(release, v.prepare);
    ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP)) << "SIGCONT " << v.what;
    ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
    WaitStatus st = c.wait(WCONTINUED);  // hangs (TIMEOUT) if never continued
    EXPECT_TRUE(st.continued()) << "SIGCONT " << v.what << ": child " << st.describe();
    release.open();
    EXPECT_CHILD_OK(c.wait()) << "SIGCONT " << v.what;
  }
}

SIGIPC_TEST(SignalDefaultAction, StoppedProcessDefersSignalsExceptSigkill,
            "signal.default.stopped-defers-delivery", "XSH 2.4.3 Signal Actions",
            "Signals sent to a stopped process are not delivered until it is continued, except "
            "SIGKILL, which terminates it") {
  // No release gate: a child that survives its SIGTERM exits 0 once
  // continued, which the second check reports as a failure, not a hang.
  auto stop_self = [] {
    child_use_default_action(SIGTERM);
    CHILD_CHECK_OK(raise(SIGSTOP));
  };
  {
    // A SIGTERM delivered at once would end the child by SIGTERM before
    // SIGKILL arrives; kept pending, SIGKILL is what ends it.
    Child c(stop_self);
    ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
    ASSERT_SUCCEEDS(kill(c.pid(), SIGTERM));
    ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
    EXPECT_TRUE(KilledBy(c.wait(), SIGKILL))
        << "SIGTERM sent while stopped must stay pending; SIGKILL ends a stopped process";
  }
  {
    Child c(stop_self);
    ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP));
    ASSERT_SUCCEEDS(kill(c.pid(), SIGTERM));
    ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
    EXPECT_TRUE(KilledBy(c.wait(), SIGTERM))
        << "the SIGTERM kept pending while stopped is delivered once continued";
  }
}

SIGIPC_TEST(SignalDefaultAction, OrphanedProcessGroupDiscardsTtyStopSignals,
            "signal.default.orphaned-pgrp-no-stop", "XSH 2.4.3 Signal Actions",
            "A member of an orphaned process group is not stopped by SIGTSTP, SIGTTIN or "
            "SIGTTOU under SIG_DFL: the signal is discarded") {
  Child c([] {
    // A new session's only group has no member whose parent is in the
    // session: orphaned by definition (XBD 3 Orphaned Process Group).
    CHILD_CHECK_OK(setsid());
    for (int sig : signals::kTtyStopSignals) {
      child_use_default_action(sig);
      CHILD_CHECK_OK(raise(sig));
      sigset_t pending;
      CHILD_CHECK_OK(sigpending(&pending));
      CHILD_CHECK_EQ(sigismember(&pending, sig), 0);
    }
  });
  EXPECT_TRUE(ExitedWith(c.wait(WUNTRACED), 0))
      << "SIGTSTP, SIGTTIN and SIGTTOU must not stop a member of an orphaned process group";
}

SIGIPC_TEST(SignalDefaultAction, LinuxSignalsHaveSignal7DefaultActions,
            "signal.default.linux-signals", "Linux-only, signal(7)",
            "Under SIG_DFL, SIGWINCH is ignored, and SIGPWR and SIGSTKFLT terminate the process") {
  struct Expected {
    int sig;
    bool terminates;
  };
  const Expected table[] = {
      {SIGWINCH, false},
      {SIGPWR, true},
#ifdef SIGSTKFLT
      {SIGSTKFLT, true},
#endif
  };
  for (const Expected& e : table) {
    Child c = RaiseUnderDefaultAction(e.sig);
    WaitStatus st = c.wait(WUNTRACED);
    if (e.terminates)
      EXPECT_TRUE(KilledBy(st, e.sig)) << "signal(7): " << SignalText(e.sig) << " is Term";
    else
      EXPECT_TRUE(ExitedWith(st, 0)) << "signal(7): " << SignalText(e.sig) << " is Ign";
  }
}

}  // namespace
}  // namespace sigipc

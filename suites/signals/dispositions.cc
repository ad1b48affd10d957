// Signal dispositions: installing and querying actions with sigaction() and
// signal(), SIG_IGN and SIG_DFL, SA_RESETHAND, and the invalid requests both
// functions refuse. XSH sigaction(), XSH signal(), XSH 2.4.3 Signal Actions.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

volatile sig_atomic_t g_hits = 0;
volatile sig_atomic_t g_other_hits = 0;
void count_hit(int) { g_hits = g_hits + 1; }
void count_other(int) { g_other_hits = g_other_hits + 1; }

// Set inside the SA_RESETHAND handler: 1 if the action had already been
// reset to SIG_DFL on entry, 0 if not, -1 if sigaction() failed.
volatile sig_atomic_t g_dfl_on_entry = -2;
void record_action_on_entry(int sig, siginfo_t*, void*) {
  struct sigaction cur {};
  if (sigaction(sig, nullptr, &cur) != 0)
    g_dfl_on_entry = -1;
  else
    g_dfl_on_entry = cur.sa_handler == SIG_DFL ? 1 : 0;
  g_hits = g_hits + 1;
}

struct sigaction action_of(int sig) {
  struct sigaction sa {};
  if (sigaction(sig, nullptr, &sa) != 0)
    setup_error_errno(__FILE__, __LINE__, "sigaction(sig, NULL, &sa)", errno);
  return sa;
}

SIGIPC_TEST(SignalDisposition, SigactionReturnsPreviousActionIntact,
            "signal.disposition.sigaction-returns-old", "XSH sigaction()",
            "sigaction() stores the previous action (handler, sa_mask, sa_flags) in *oact") {
  SignalAction guard(SIGUSR1);
  struct sigaction first {};
  first.sa_handler = count_hit;
  sigemptyset(&first.sa_mask);
  sigaddset(&first.sa_mask, SIGUSR2);
  sigaddset(&first.sa_mask, SIGTERM);
  first.sa_flags = SA_RESTART;
  ASSERT_SUCCEEDS(sigaction(SIGUSR1, &first, nullptr));

  struct sigaction second {
  }, old{};
  second.sa_handler = SIG_IGN;
  sigemptyset(&second.sa_mask);
  ASSERT_SUCCEEDS(sigaction(SIGUSR1, &second, &old));
  EXPECT_EQ(old.sa_handler, &count_hit) << "oact must hold the handler installed before";
  EXPECT_TRUE(signals::SameSignals(old.sa_mask, first.sa_mask)) << "oact's sa_mask";
  EXPECT_NE(old.sa_flags & SA_RESTART, 0) << "oact's sa_flags lost SA_RESTART";
  EXPECT_EQ(old.sa_flags & SA_SIGINFO, 0) << "oact's sa_flags gained SA_SIGINFO";
}

SIGIPC_TEST(SignalDisposition, SigactionWithNullActOnlyQueries,
            "signal.disposition.sigaction-null-act-queries", "XSH sigaction()",
            "sigaction() with act == NULL reports the current action and leaves it unchanged") {
  SignalAction guard(SIGUSR1, count_hit);
  struct sigaction seen = action_of(SIGUSR1);
  EXPECT_EQ(seen.sa_handler, &count_hit);
  g_hits = 0;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  EXPECT_EQ(g_hits, 1) << "the handler must still be installed after the query";
}

SIGIPC_TEST(SignalDisposition, SigIgnDiscardsPendingSignal,
            "signal.disposition.ign-discards-pending", "XSH 2.4.3 Signal Actions",
            "Setting SIG_IGN for a pending signal discards it, even while it is blocked") {
  SignalAction guard(SIGUSR1, count_hit);
  SignalMask mask;
  mask.block(SIGUSR1);
  g_hits = 0;
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_EQ(signals::pending_member(SIGUSR1), 1) << "setup: SIGUSR1 blocked and sent";
  guard.set(SIG_IGN);
  EXPECT_EQ(signals::pending_member(SIGUSR1), 0) << "SIG_IGN must discard the pending SIGUSR1";
  // Had it survived, it would reach the handler once unblocked.
  guard.set(count_hit);
  mask.unblock(SIGUSR1);
  EXPECT_EQ(g_hits, 0) << "the discarded SIGUSR1 was delivered after all";
}

SIGIPC_TEST(SignalDisposition, SigIgnMakesDeliveryHarmless, "signal.disposition.ign-no-effect",
            "XSH 2.4.3 Signal Actions",
            "Delivery of a signal whose action is SIG_IGN has no effect on the process, whatever "
            "its default action") {
  Child c([] {
    CHILD_CHECK_OK(setpgid(0, 0));  // not orphaned: stop signals would really stop
    // raise() makes ignoring SIGSEGV, SIGFPE, SIGILL and SIGBUS defined
    // behaviour: only ignoring a real fault is undefined (XSH 2.4.3).
    auto ignore_and_raise = [](int sig) {
      if (sig == SIGKILL || sig == SIGSTOP) return;
      CHILD_CHECK(signal(sig, SIG_IGN) != SIG_ERR);
      CHILD_CHECK_OK(raise(sig));
    };
    for (int sig : signals::kTerminateSignals) ignore_and_raise(sig);
    for (int sig : signals::kAbnormalSignals) ignore_and_raise(sig);
    for (int sig : signals::kStopSignals) ignore_and_raise(sig);
  });
  // WUNTRACED: a stop signal that took effect anyway is a failure, not a hang.
  EXPECT_TRUE(ExitedWith(c.wait(WUNTRACED), 0)) << "every raised signal was set to SIG_IGN";
}

SIGIPC_TEST(SignalDisposition, SigDflRestoresDefaultAction,
            "signal.disposition.dfl-restores-default", "XSH 2.4.3 Signal Actions",
            "Setting SIG_DFL after a handler makes the signal take its default action again") {
  Child c([] {
    CHILD_CHECK(signal(SIGUSR1, count_hit) != SIG_ERR);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGUSR1, &dfl, nullptr));
    coverage_flush();
    CHILD_CHECK_OK(raise(SIGUSR1));
  });
  EXPECT_TRUE(KilledBy(c.wait(), SIGUSR1)) << "SIGUSR1's default action is to terminate";
}

SIGIPC_TEST(SignalDisposition, SaResethandResetsActionOnEntry, "signal.disposition.resethand",
            "XSH sigaction()",
            "With SA_RESETHAND the action is reset to SIG_DFL on entry to the handler") {
  // XSH also says SA_SIGINFO "shall be cleared" on entry. Linux (6.18)
  // resets only the handler and leaves SA_SIGINFO in sa_flags; that half is
  // not asserted until the suite can record a known deviation (XFAIL).
  SignalAction guard(SIGUSR1, record_action_on_entry, SA_RESETHAND);
  g_hits = 0;
  g_dfl_on_entry = -2;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_hits, 1) << "the handler must run once";
  EXPECT_EQ(g_dfl_on_entry, 1) << "inside the handler the action was not yet SIG_DFL "
                                  "(-1: sigaction() failed there)";
  EXPECT_EQ(action_of(SIGUSR1).sa_handler, SIG_DFL) << "after the handler returned";
}

SIGIPC_TEST(SignalDisposition, SigactionRejectsInvalidSignalNumbers,
            "signal.disposition.sigaction-invalid-signal", "XSH sigaction()",
            "sigaction() fails with EINVAL for a number that is not a signal (0, -1, NSIG)") {
  struct sigaction act {};
  act.sa_handler = count_hit;
  sigemptyset(&act.sa_mask);
  struct sigaction old {};
  // NSIG is one more than the highest signal number (glibc, musl and the BSDs
  // define it; SIGRTMAX is NSIG - 1 on Linux). 0 is the null signal, which
  // only kill() accepts.
  for (int sig : {0, -1, NSIG}) {
    EXPECT_FAILS_WITH(sigaction(sig, &act, nullptr), EINVAL) << "signal number " << sig;
    EXPECT_FAILS_WITH(sigaction(sig, nullptr, &old), EINVAL) << "query of signal number " << sig;
  }
}

SIGIPC_TEST(SignalDisposition, SigactionRefusesToCatchOrIgnoreSigkillAndSigstop,
            "signal.disposition.sigaction-kill-stop-einval", "XSH sigaction()",
            "sigaction() fails with EINVAL when asked to catch or ignore SIGKILL or SIGSTOP") {
  for (int sig : {SIGKILL, SIGSTOP}) {
    for (void (*handler)(int) : {count_hit, SIG_IGN}) {
      struct sigaction act {};
      act.sa_handler = handler;
      sigemptyset(&act.sa_mask);
      EXPECT_FAILS_WITH(sigaction(sig, &act, nullptr), EINVAL)
          << SignalText(sig) << (handler == SIG_IGN ? " set to SIG_IGN" : " given a handler");
    }
    EXPECT_EQ(action_of(sig).sa_handler, SIG_DFL) << SignalText(sig) << " changed anyway";
  }
}

SIGIPC_TEST(SignalDisposition, SignalRefusesToCatchOrIgnoreSigkillAndSigstop,
            "signal.disposition.signal-kill-stop-einval", "XSH signal()",
            "signal() returns SIG_ERR with errno EINVAL when asked to catch or ignore SIGKILL or "
            "SIGSTOP") {
  for (int sig : {SIGKILL, SIGSTOP}) {
    for (void (*handler)(int) : {count_hit, SIG_IGN}) {
      errno = 0;
      void (*r)(int) = signal(sig, handler);
      int e = errno;
      EXPECT_TRUE(r == SIG_ERR && e == EINVAL)
          << "signal(" << SignalText(sig) << ", " << (handler == SIG_IGN ? "SIG_IGN" : "handler")
          << "): expected SIG_ERR with EINVAL, got "
          << (r == SIG_ERR ? "SIG_ERR with " + ErrnoText(e) : std::string("success"));
    }
  }
}

SIGIPC_TEST(SignalDisposition, SignalReturnsPreviousSignalAction,
            "signal.disposition.signal-returns-previous", "XSH signal()",
            "signal() returns the func given by the most recent signal() call for that signal") {
  SignalAction guard(SIGUSR1);
  ASSERT_NE(signal(SIGUSR1, count_hit), SIG_ERR);
  EXPECT_EQ(signal(SIGUSR1, count_other), &count_hit);
  EXPECT_EQ(signal(SIGUSR1, SIG_IGN), &count_other);
  EXPECT_EQ(signal(SIGUSR1, SIG_DFL), SIG_IGN);
}

SIGIPC_TEST(SignalDisposition, SignalRejectsInvalidSignalNumbers,
            "signal.disposition.signal-invalid-signal", "XSH signal()",
            "signal() returns SIG_ERR with errno EINVAL for a number that is not a signal (0, "
            "-1, NSIG)") {
  SignalAction guard(SIGUSR1);  // in case a broken signal() changed something
  for (int sig : {0, -1, NSIG}) {
    errno = 0;
    void (*r)(int) = signal(sig, count_hit);
    int e = errno;
    EXPECT_TRUE(r == SIG_ERR && e == EINVAL)
        << "signal(" << sig << ", handler): expected SIG_ERR with EINVAL, got "
        << (r == SIG_ERR ? "SIG_ERR with " + ErrnoText(e) : std::string("success"));
  }
}

// What the handler saw of its own action on entry (-1: sigaction() failed).
volatile sig_atomic_t g_reset_on_entry = -2;
void note_reset_on_entry(int sig) {
  struct sigaction cur {};
  g_reset_on_entry = sigaction(sig, nullptr, &cur) != 0 ? -1 : cur.sa_handler == SIG_DFL;
  g_hits = g_hits + 1;
}

SIGIPC_TEST(SignalDisposition, SignalInstallsAFunctionThatCatchesTheSignal,
            "signal.disposition.signal-catches", "XSH signal()",
            "A function installed with signal() is called when the signal is delivered, once "
            "per delivery (whether the action is reset to SIG_DFL on entry and whether "
            "interrupted calls restart are implementation-defined: observed, reported as a "
            "note)") {
  SignalAction guard(SIGUSR1);
  ASSERT_NE(signal(SIGUSR1, note_reset_on_entry), SIG_ERR);
  const bool restart = (action_of(SIGUSR1).sa_flags & SA_RESTART) != 0;
  g_hits = 0;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_EQ(g_hits, 1) << "the function installed with signal() was not called";
  ASSERT_GE(g_reset_on_entry, 0) << "sigaction() failed inside the handler";
  const bool reset = g_reset_on_entry == 1;
  // Raised again only where the function is still installed: under reset
  // semantics SIG_DFL would end the test process.
  if (!reset) {
    ASSERT_SUCCEEDS(raise(SIGUSR1));
    EXPECT_EQ(g_hits, 2) << "the second delivery";
  }
  std::string semantics = !reset && restart   ? "BSD semantics"
                          : reset && !restart ? "System V semantics"
                                              : "mixed semantics";
  note((semantics + " (implementation-defined): the action is " +
        (reset ? "reset to SIG_DFL" : "kept") + " on entry, SA_RESTART is " +
        (restart ? "set" : "clear"))
           .c_str());
}

SIGIPC_TEST(SignalDisposition, SigactionCopyOfSignalActionRestoresIt,
            "signal.disposition.sigaction-restores-signal-action", "XSH sigaction()",
            "An action read by sigaction() after signal() and passed back to sigaction() handles "
            "the signal as if that signal() call were repeated") {
  // oact's fields after signal() are unspecified (XSH sigaction()), so only
  // the round trip is checked, and in a child: a broken copy could leave the
  // default action, which would kill the process.
  WaitStatus st = RunInChild([] {
    CHILD_CHECK(signal(SIGUSR1, count_hit) != SIG_ERR);
    struct sigaction saved {};
    CHILD_CHECK_OK(sigaction(SIGUSR1, nullptr, &saved));
    CHILD_CHECK(signal(SIGUSR1, count_other) != SIG_ERR);
    CHILD_CHECK_OK(sigaction(SIGUSR1, &saved, nullptr));
    g_hits = 0;
    g_other_hits = 0;
    CHILD_CHECK_OK(raise(SIGUSR1));
    CHILD_CHECK_EQ(g_hits, 1);
    CHILD_CHECK_EQ(g_other_hits, 0);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalDisposition, SignalAndSigactionShareOneDisposition,
            "signal.disposition.signal-sigaction-agree", "Linux-only, signal(2)",
            "glibc's signal() is built on sigaction(): each reports the handler the other "
            "installed") {
  SignalAction guard(SIGUSR1);
  ASSERT_NE(signal(SIGUSR1, count_hit), SIG_ERR);
  EXPECT_EQ(action_of(SIGUSR1).sa_handler, &count_hit) << "sigaction() after signal()";
  struct sigaction act {};
  act.sa_handler = count_other;
  sigemptyset(&act.sa_mask);
  ASSERT_SUCCEEDS(sigaction(SIGUSR1, &act, nullptr));
  EXPECT_EQ(signal(SIGUSR1, SIG_DFL), &count_other) << "signal() after sigaction()";
}

SIGIPC_TEST(SignalDisposition, ForkChildInheritsDispositions, "signal.disposition.fork-inherits",
            "XSH fork()",
            "A child created by fork() has its parent's signal actions (handlers and SIG_IGN)") {
  SignalAction caught(SIGUSR1, count_hit);
  SignalAction ignored(SIGUSR2, SIG_IGN);
  WaitStatus st = RunInChild([] {
    g_hits = 0;
    CHILD_CHECK_OK(raise(SIGUSR1));
    CHILD_CHECK_EQ(g_hits, 1);
    CHILD_CHECK_OK(raise(SIGUSR2));  // would terminate under SIG_DFL
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalDisposition, IgnoredSigchldLeavesNoZombies,
            "signal.disposition.sigchld-ign-no-zombies", "XSH 2.4.3 Signal Actions; XSH wait()",
            "With SIGCHLD set to SIG_IGN, children that end do not become zombies and waitpid() "
            "fails with ECHILD") {
  SignalAction chld(SIGCHLD, SIG_IGN);
  // Raw fork: the child is never reaped by us when the rule holds, so
  // Child's kill-and-reap destructor would aim at a freed pid.
  pid_t pid = xfork();
  if (pid == 0) child_exit(0);
  int status = 0;
  // waitpid() blocks until the child has ended, then has nothing to report.
  EXPECT_FAILS_WITH(waitpid(pid, &status, 0), ECHILD);
  // Not kill(pid, 0) == ESRCH: waitpid() may report ECHILD while the kernel
  // is still releasing the auto-reaped child, which kill() then finds. What
  // the rule forbids is a zombie.
  EXPECT_NE(process_state(pid), 'Z') << "the ended child became a zombie";
}

}  // namespace
}  // namespace sigipc

// SIGKILL and SIGSTOP against the calls that wait: sigwait() and friends
// cannot accept them, and a stop followed by SIGCONT leaves a blocking call
// where it was. XSH 2.4.4 Signal Effects on Other Functions; sigwaitinfo(2)
// for what Linux does with SIGKILL and SIGSTOP in a wait set (POSIX requires
// the set's signals to be blocked, so for these two it is undefined).
#include <signal.h>
#include <unistd.h>

#include <iterator>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"

namespace sigipc {
namespace {

using signals::ExitsWithin;
using signals::KilledWithin;
using signals::StopsWithin;

// The three ways to wait for a signal, behind one convention: the signal
// number, or -1 with errno set.
struct SigwaitCall {
  const char* name;
  int (*call)(const sigset_t* set);
};
const SigwaitCall kSigwaitCalls[] = {
    {"sigwait()",
     [](const sigset_t* set) {
       int sig = 0;
       int e = sigwait(set, &sig);
       if (e == 0) return sig;
       errno = e;
       return -1;
     }},
    {"sigwaitinfo()", [](const sigset_t* set) { return sigwaitinfo(set, nullptr); }},
    {"sigtimedwait()",
     [](const sigset_t* set) {
       timespec forever{3600, 0};  // longer than any test may run
       return sigtimedwait(set, nullptr, &forever);
     }},
};

// In a child: SIGUSR1 blocked, so that it can be waited for.
void child_block_usr1() noexcept {
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &usr1, nullptr));
}

SIGIPC_TEST(SignalKillStop, SigkillInWaitSetStillKills,
            "signal.killstop.sigwait-cannot-take-sigkill", "Linux-only, sigwaitinfo(2)",
            "sigwait(), sigwaitinfo() and sigtimedwait() waiting on a set that holds SIGKILL do "
            "not return it: SIGKILL terminates the process") {
  for (const SigwaitCall& w : kSigwaitCalls) {
    Child c([&] {
      child_block_usr1();
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGKILL);
      sigaddset(&set, SIGUSR1);
      int got = w.call(&set);
      SafeBuf b;
      b.str(w.name).str(" returned ").num(got);
      check_fail(__FILE__, __LINE__, "a wait on {SIGKILL, SIGUSR1} returned", b.c_str(), true);
    });
    FLAGTEST_ASSERT_SLEEPING(c.pid(), w.name);
    ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
    EXPECT_TRUE(KilledWithin(c, SIGKILL)) << w.name << " waiting on {SIGKILL, SIGUSR1}";
  }
}

SIGIPC_TEST(SignalKillStop, SigstopInWaitSetStillStops,
            "signal.killstop.sigwait-cannot-take-sigstop", "Linux-only, sigwaitinfo(2)",
            "sigwait(), sigwaitinfo() and sigtimedwait() waiting on a set that holds SIGSTOP do "
            "not return it: SIGSTOP stops the process, and the wait later returns SIGUSR1") {
  for (const SigwaitCall& w : kSigwaitCalls) {
    Child c([&] {
      child_block_usr1();
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGSTOP);
      sigaddset(&set, SIGUSR1);
      int got;
      // Linux ends some waits with EINTR after a stop and SIGCONT (see
      // SigwaitinfoContinuesAfterStopAndContinue); that is not this rule.
      do {
        got = w.call(&set);
      } while (got == -1 && errno == EINTR);
      CHILD_CHECK_EQ(got, SIGUSR1);
    });
    FLAGTEST_ASSERT_SLEEPING(c.pid(), w.name);
    ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
    EXPECT_TRUE(StopsWithin(c, SIGSTOP)) << w.name << " waiting on {SIGSTOP, SIGUSR1}";
    ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
    ASSERT_SUCCEEDS(kill(c.pid(), SIGUSR1));
    EXPECT_TRUE(ExitsWithin(c, 0)) << w.name << " waiting on {SIGSTOP, SIGUSR1}";
  }
}

SIGIPC_TEST(SignalKillStop, WaitSetOfSigkillAndSigstopIsTreatedAsEmpty,
            "signal.killstop.sigwait-ignores-kill-stop", "Linux-only, sigwaitinfo(2)",
            "Attempts to wait for SIGKILL and SIGSTOP are silently ignored: sigtimedwait() on "
            "{SIGKILL, SIGSTOP} raises no error and times out with EAGAIN") {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGKILL);
  sigaddset(&set, SIGSTOP);
  timespec zero{0, 0};
  EXPECT_FAILS_WITH(sigtimedwait(&set, nullptr, &zero), EAGAIN) << "zero timeout";
  timespec short_wait{0, 10 * 1000 * 1000};
  EXPECT_FAILS_WITH(sigtimedwait(&set, nullptr, &short_wait), EAGAIN) << "10 ms timeout";
}

// ---- stop and continue inside a blocking call ----

volatile sig_atomic_t g_caught = 0;
void note_caught(int) { g_caught = 1; }

// A blocking call made by a child, with the way to let it finish normally.
struct BlockingCall {
  const char* name;
  void (*prepare)(Pipe& data);  // in the child, before blocking
  void (*block)(Pipe& data);    // in the child; checks how the call ended
  void (*release)(Pipe& data, pid_t child);
};

void handle_usr1() {
  struct sigaction sa {};
  sa.sa_handler = note_caught;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
}

const BlockingCall kBlockingCalls[] = {
    {"read() on an empty pipe", [](Pipe&) {},
     [](Pipe& data) {
       char c = 0;
       ssize_t n = -1;
       CHILD_CHECK_OK(n = read(data.rd(), &c, 1));
       CHILD_CHECK_EQ(n, 1);
     },
     [](Pipe& data, pid_t) { ASSERT_EQ(write(data.wr(), "x", 1), 1); }},
    {"pause()", [](Pipe&) { handle_usr1(); },
     [](Pipe&) {
       CHILD_CHECK_ERRNO(pause(), EINTR);
       CHILD_CHECK_EQ(g_caught, 1);  // returned for the caught SIGUSR1, not for the stop
     },
     [](Pipe&, pid_t child) { ASSERT_SUCCEEDS(kill(child, SIGUSR1)); }},
    {"sigsuspend()",
     [](Pipe&) {
       handle_usr1();
       child_block_usr1();
     },
     [](Pipe&) {
       sigset_t none;
       sigemptyset(&none);
       CHILD_CHECK_ERRNO(sigsuspend(&none), EINTR);
       CHILD_CHECK_EQ(g_caught, 1);
     },
     [](Pipe&, pid_t child) { ASSERT_SUCCEEDS(kill(child, SIGUSR1)); }},
};

// Stops the sleeping child and continues it.
void StopAndContinue(Child& c, const char* what) {
  FLAGTEST_ASSERT_SLEEPING(c.pid(), what);
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  ASSERT_TRUE(StopsWithin(c, SIGSTOP)) << what;
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  WaitStatus st = c.wait(WCONTINUED);
  ASSERT_TRUE(st.continued()) << what << ": after SIGCONT the child " << st.describe();
}

SIGIPC_TEST(SignalKillStop, StopAndContinueLeaveBlockingCallsWaiting,
            "signal.killstop.stop-cont-transparent", "XSH 2.4.4 Signal Effects on Other Functions",
            "A process stopped and continued while blocked in read(), pause() or sigsuspend() "
            "goes on waiting there: the call does not fail with EINTR for the stop") {
  for (const BlockingCall& b : kBlockingCalls) {
    Pipe data;
    Child c([&] {
      b.prepare(data);
      b.block(data);
    });
    ASSERT_NO_FATAL_FAILURE(StopAndContinue(c, b.name));
    // Back asleep in the same call: one that failed has ended the child.
    FLAGTEST_ASSERT_SLEEPING(c.pid(), b.name);
    b.release(data, c.pid());
    EXPECT_TRUE(ExitsWithin(c, 0)) << b.name;
  }
}

SIGIPC_TEST(SignalKillStop, SigwaitinfoContinuesAfterStopAndContinue,
            "signal.killstop.stop-cont-sigwaitinfo", "XSH 2.4.4 Signal Effects on Other Functions",
            "A process stopped and continued while blocked in sigwaitinfo() or sigtimedwait() "
            "goes on waiting and returns the awaited signal, not EINTR") {
  // sigwait() is left out: it has no EINTR to return.
  for (const SigwaitCall* w = kSigwaitCalls + 1; w != std::end(kSigwaitCalls); ++w) {
    Child c([&] {
      child_block_usr1();
      sigset_t usr1;
      sigemptyset(&usr1);
      sigaddset(&usr1, SIGUSR1);
      int got = -1;
      CHILD_CHECK_OK(got = w->call(&usr1));
      CHILD_CHECK_EQ(got, SIGUSR1);
    });
    ASSERT_NO_FATAL_FAILURE(StopAndContinue(c, w->name));
    ASSERT_SUCCEEDS(kill(c.pid(), SIGUSR1));
    EXPECT_TRUE(ExitsWithin(c, 0)) << w->name << " across a stop and SIGCONT";
  }
}

}  // namespace
}  // namespace sigipc

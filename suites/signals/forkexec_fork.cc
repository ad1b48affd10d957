// What a child created by fork() does not inherit of the signal state:
// alarms, interval timers, per-process timers, queued real-time signals;
// and whose mask it starts with when a thread forks; and that its memory is a
// copy of its own. (Dispositions, the mask
// of a single-threaded parent and standard pending signals: dispositions.cc,
// masks.cc, pending.cc.) XSH fork().
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <thread>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SignalForkExec, ForkChildHasNoAlarm, "signal.forkexec.fork-clears-alarm", "XSH fork()",
            "Alarms are cleared in the child: its alarm(0) returns 0 while the parent's alarm "
            "runs on") {
  SignalMask mask;
  mask.block(SIGALRM);
  struct Cancel {
    ~Cancel() { alarm(0); }
  } cancel;
  ASSERT_EQ(alarm(100), 0u);
  EXPECT_CHILD_OK(RunInChild([] { CHILD_CHECK_EQ(alarm(0), 0); }));
  EXPECT_GE(alarm(0), 90u) << "the parent's alarm must be untouched";
}

SIGIPC_TEST(SignalForkExec, ForkChildHasIntervalTimersReset, "signal.forkexec.fork-resets-itimers",
            "XSH fork(); XSH getitimer()",
            "Interval timers (ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF) are reset in the child") {
  SignalMask mask;
  for (int sig : {SIGALRM, SIGVTALRM, SIGPROF}) mask.block(sig);
  constexpr int kWhich[] = {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF};
  IntervalTimer real(ITIMER_REAL), virt(ITIMER_VIRTUAL), prof(ITIMER_PROF);
  const itimerval armed{{50, 0}, {100, 0}};
  real.arm(armed);
  virt.arm(armed);
  prof.arm(armed);
  WaitStatus st = RunInChild([&kWhich] {
    for (int which : kWhich) {
      itimerval v{};
      CHILD_CHECK_OK(getitimer(which, &v));
      CHILD_CHECK_EQ(v.it_value.tv_sec, 0);
      CHILD_CHECK_EQ(v.it_value.tv_usec, 0);
      CHILD_CHECK_EQ(v.it_interval.tv_sec, 0);
      CHILD_CHECK_EQ(v.it_interval.tv_usec, 0);
    }
  });
  EXPECT_CHILD_OK(st) << "timer order in the child's loop: REAL, VIRTUAL, PROF";
}

SIGIPC_TEST(SignalForkExec, ForkChildHasNoQueuedRealtimeSignals,
            "signal.forkexec.fork-no-queued-rt", "XSH fork()",
            "Real-time signals queued (several times) for the parent are not pending in the "
            "child") {
  const int rt0 = SIGRTMIN, rt1 = SIGRTMIN + 1;
  SignalMask mask;
  mask.block(rt0);
  mask.block(rt1);
  const sigval v{.sival_int = 7};
  for (int i = 0; i < 3; ++i) {
    ASSERT_SUCCEEDS(sigqueue(getpid(), rt0, v));
    ASSERT_SUCCEEDS(sigqueue(getpid(), rt1, v));
  }
  const sigset_t both = make_sigset({rt0, rt1});
  WaitStatus st = RunInChild([&both, rt0, rt1] {
    CHILD_CHECK_EQ(signals::child_pending(rt0), 0);
    CHILD_CHECK_EQ(signals::child_pending(rt1), 0);
    timespec zero{0, 0};
    CHILD_CHECK_ERRNO(sigtimedwait(&both, nullptr, &zero), EAGAIN);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(signals::pending_member(rt0), 1) << "the parent's queue must be untouched";
}

SIGIPC_TEST(SignalForkExec, ForkFromAThreadGivesTheChildThatThreadsMask,
            "signal.forkexec.fork-thread-mask", "XSH fork()",
            "A child forked by a thread of a multi-threaded process starts with that thread's "
            "signal mask") {
  SignalMask mask;
  mask.block(SIGUSR1);  // the main thread's mask
  const sigset_t thread_mask = make_sigset({SIGUSR2, SIGTERM});
  const signals::SignalList all = signals::posix_signals();
  WaitStatus st;
  std::thread forker([&] {
    pthread_sigmask(SIG_SETMASK, &thread_mask, nullptr);
    // The child of a multi-threaded process: async-signal-safe calls only.
    st = RunInChild([&] {
      sigset_t now;
      CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &now));
      CHILD_CHECK_SAME_SIGNALS(now, thread_mask, all);
    });
  });
  forker.join();
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalForkExec, ForkChildDoesNotInheritPerProcessTimers,
            "signal.forkexec.fork-no-timers", "XSH fork(); XSH timer_create()",
            "Per-process timers created by the parent are not inherited: their IDs are invalid "
            "in the child") {
  sigevent sev{};
  sev.sigev_notify = SIGEV_NONE;
  timer_t id{};
  ASSERT_SUCCEEDS(timer_create(CLOCK_MONOTONIC, &sev, &id));
  struct Delete {
    timer_t id;
    ~Delete() { timer_delete(id); }
  } del{id};
  WaitStatus st = RunInChild([id] {
    itimerspec v{};
    CHILD_CHECK_ERRNO(timer_gettime(id, &v), EINVAL);
  });
  EXPECT_CHILD_OK(st);
}

// Ordinary static data, written on one side of a fork() after it.
int g_static_value = 1;
char g_static_text[8] = "parent";

SIGIPC_TEST(SignalForkExec, ForkChildStoresToStaticDataStayInTheChild,
            "signal.forkexec.fork-separate-memory", "XSH fork()",
            "A child created by fork() has its own copy of the parent's memory: its stores to "
            "ordinary static data are not seen by the parent, and the parent's later stores "
            "are not seen by the child") {
  g_static_value = 1;
  Gate stored, checked;
  Child c([&stored, &checked] {
    g_static_value = 2;
    g_static_text[0] = 'C';
    stored.open();
    checked.wait();  // the parent has stored 3 by now
    CHILD_CHECK_EQ(g_static_value, 2);
    CHILD_CHECK_EQ(g_static_text[0], 'C');
  });
  stored.wait();  // the child's stores are done and it is still alive
  EXPECT_EQ(g_static_value, 1) << "the parent sees the child's store";
  EXPECT_EQ(g_static_text[0], 'p') << "the parent sees the child's store";
  g_static_value = 3;
  checked.open();
  EXPECT_CHILD_OK(c.wait());
}

}  // namespace
}  // namespace sigipc

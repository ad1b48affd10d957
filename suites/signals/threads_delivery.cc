// Which thread takes a signal: a process-directed one goes to a thread that
// does not block it (or one in sigwait), a thread-directed one stays with its
// thread, and the action it runs is the process's, whoever installed it.
// XSH 2.4.1 Signal Generation and Delivery, XSH sigwait(), XSH sigaction().
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::g_record;
using signals::ThreadSet;

void unblock_usr1_here() {
  sigset_t s = make_sigset({SIGUSR1});
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
}

SIGIPC_TEST(SignalThreads, ProcessSignalGoesToTheThreadNotBlockingIt,
            "signal.threads.process-signal-unblocked-thread",
            "XSH 2.4.1 Signal Generation and Delivery",
            "A signal sent to the process is delivered to a thread that does not block it, when "
            "every other thread blocks it") {
  SignalAction action(SIGUSR1, signals::record_handler);
  Pipe notify;
  signals::reset_record(&notify);
  SignalMask mask;
  mask.block(SIGUSR1);  // inherited by every thread below
  ThreadSet threads;
  threads.start([] {});
  threads.start(unblock_usr1_here);
  threads.start([] {});
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_TRUE(signals::readable_within(notify.rd())) << "the handler never ran";
  EXPECT_EQ(g_record.tid.load(), threads.tid(1)) << "the only thread that does not block SIGUSR1";
  EXPECT_EQ(g_record.count.load(), 1);
}

SIGIPC_TEST(SignalThreads, SigwaitInADedicatedThreadAcceptsProcessSignal,
            "signal.threads.sigwait-thread", "XSH sigwait()",
            "With the signal blocked in every thread, a thread in sigwait() accepts a signal "
            "sent to the process") {
  SignalMask mask;
  mask.block(SIGUSR1);
  Pipe notify;
  std::atomic<int> got{0};
  std::atomic<pid_t> waiter_tid{0};
  std::thread waiter([&] {
    waiter_tid = gettid();
    sigset_t set = make_sigset({SIGUSR1});
    int sig = 0;
    int e = sigwait(&set, &sig);
    got = e == 0 ? sig : -e;
    char c = 1;
    (void)!write(notify.wr(), &c, 1);
  });
  EXPECT_SUCCEEDS(kill(getpid(), SIGUSR1));
  bool returned = signals::readable_within(notify.rd());
  // Safety net: release a waiter that never got the signal, so it can join.
  if (!returned) pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  EXPECT_TRUE(returned) << "sigwait() in thread " << waiter_tid.load() << " never returned";
  if (returned) {
    EXPECT_EQ(got.load(), SIGUSR1) << "sigwait() result (negative: error number)";
  }
  EXPECT_EQ(signals::pending_member(SIGUSR1), 0) << "the accepted signal is still pending";
}

SIGIPC_TEST(SignalThreads, ThreadDirectedSignalStaysWithItsThread,
            "signal.threads.thread-signal-not-redirected",
            "XSH 2.4.1 Signal Generation and Delivery; XSH pthread_kill()",
            "A signal sent to a thread that blocks it stays pending for that thread; it is not "
            "delivered to another thread that does not block it") {
  SignalAction action(SIGUSR1, signals::record_handler);
  signals::reset_record(nullptr);
  Gate ready, go;
  std::atomic<int> pending_there{-1};
  std::thread target([&] {
    SignalMask mask;
    mask.block(SIGUSR1);
    ready.open();
    go.wait();
    pending_there = signals::pending_member(SIGUSR1);
    sigset_t set = make_sigset({SIGUSR1});
    timespec zero{0, 0};
    sigtimedwait(&set, nullptr, &zero);  // take it, so the thread ends clean
  });
  ready.wait();
  int e = pthread_kill(target.native_handle(), SIGUSR1);
  // The main thread does not block SIGUSR1: had the signal been redirected
  // here, it would have been delivered before pthread_kill() returned.
  int ran_in_main = g_record.count.load();
  go.open();
  target.join();
  ASSERT_EQ(e, 0) << ErrnoText(e);
  EXPECT_EQ(ran_in_main, 0) << "the handler ran in thread " << g_record.tid.load();
  EXPECT_EQ(pending_there.load(), 1) << "not pending for the thread it was sent to";
}

SIGIPC_TEST(SignalThreads, SignalActionsAreSharedByAllThreads,
            "signal.threads.dispositions-process-wide",
            "XSH sigaction(); XSH 2.4.3 Signal "
            "Actions",
            "A signal action installed by one thread is the action of every thread of the "
            "process") {
  SignalAction guard(SIGUSR1);
  signals::reset_record(nullptr);
  ThreadSet threads;
  int rc = -1;
  threads.start([&rc] {
    struct sigaction sa {};
    sa.sa_handler = signals::record_handler;
    sigemptyset(&sa.sa_mask);
    rc = sigaction(SIGUSR1, &sa, nullptr);
  });
  ASSERT_EQ(rc, 0) << "sigaction() in the other thread";
  struct sigaction seen {};
  ASSERT_SUCCEEDS(sigaction(SIGUSR1, nullptr, &seen));
  EXPECT_EQ(seen.sa_handler, &signals::record_handler) << "the action the main thread sees";
  ASSERT_EQ(raise(SIGUSR1), 0);  // under SIG_DFL this would end the test
  EXPECT_EQ(g_record.count.load(), 1);
  EXPECT_EQ(g_record.tid.load(), gettid()) << "the handler ran in the main thread";
}

}  // namespace
}  // namespace sigipc

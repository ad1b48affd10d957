// Per-thread signal state: each thread has its own mask (inherited from its
// creator) and its own pending set, and sigpending() shows the caller's
// thread set together with the process's.
// XSH pthread_create(), XSH pthread_sigmask(), XSH sigpending().
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::SameSignals;
using signals::ThreadSet;

SIGIPC_TEST(SignalThreads, NewThreadInheritsTheCreatorsMask, "signal.threads.create-inherits-mask",
            "XSH pthread_create()",
            "A new thread starts with the signal mask of the thread that created it") {
  SignalMask mask;
  for (int sig : {SIGUSR1, SIGTERM, SIGHUP}) mask.block(sig);
  mask.block(SIGRTMIN + 1);
  const sigset_t creators = current_mask();
  sigset_t seen;
  sigemptyset(&seen);
  ThreadSet threads;
  threads.start([&seen] { pthread_sigmask(SIG_BLOCK, nullptr, &seen); });
  EXPECT_TRUE(SameSignals(seen, creators)) << "the new thread's mask";
}

SIGIPC_TEST(SignalThreads, NewThreadStartsWithNothingPending, "signal.threads.create-empty-pending",
            "XSH pthread_create()",
            "The set of signals pending for a new thread is empty, whatever is pending for its "
            "creator") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGUSR1), 0);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGUSR2), 0);
  ASSERT_TRUE(SameSignals(pending_set(), make_sigset({SIGUSR1, SIGUSR2})))
      << "setup: pending for the creating thread";
  sigset_t seen;
  sigfillset(&seen);
  ThreadSet threads;
  threads.start([&seen] { sigpending(&seen); });
  sigset_t none;
  sigemptyset(&none);
  EXPECT_TRUE(SameSignals(seen, none)) << "sigpending() in the new thread";
}

SIGIPC_TEST(SignalThreads, PthreadSigmaskChangesOnlyTheCallingThread,
            "signal.threads.mask-per-thread", "XSH pthread_sigmask()",
            "pthread_sigmask() in one thread changes that thread's mask only, not another "
            "thread's") {
  SignalMask mask;
  Gate changed, checked;
  sigset_t others_mask_after_main_changed;
  sigemptyset(&others_mask_after_main_changed);
  std::thread other([&] {
    sigset_t s = make_sigset({SIGUSR2});
    pthread_sigmask(SIG_BLOCK, &s, nullptr);
    changed.open();
    checked.wait();
    pthread_sigmask(SIG_BLOCK, nullptr, &others_mask_after_main_changed);
  });
  changed.wait();
  const sigset_t main_mask = current_mask();
  EXPECT_EQ(sigismember(&main_mask, SIGUSR2), 0)
      << "the other thread's SIG_BLOCK of SIGUSR2 reached the main thread";
  mask.block(SIGTERM);
  checked.open();
  other.join();
  EXPECT_EQ(sigismember(&others_mask_after_main_changed, SIGTERM), 0)
      << "the main thread's SIG_BLOCK of SIGTERM reached the other thread";
  EXPECT_EQ(sigismember(&others_mask_after_main_changed, SIGUSR2), 1)
      << "the other thread lost its own change";
}

SIGIPC_TEST(SignalThreads, ThreadPendingSignalIsInvisibleToOtherThreads,
            "signal.threads.thread-pending-private", "XSH sigpending()",
            "A signal pending for one thread is not in another thread's sigpending() set") {
  SignalMask mask;
  mask.block(SIGUSR1);
  Gate sent, looked;
  int seen_there = -1;
  std::thread target([&] {
    sent.wait();
    seen_there = signals::pending_member(SIGUSR1);
    sigset_t set = make_sigset({SIGUSR1});
    timespec zero{0, 0};
    sigtimedwait(&set, nullptr, &zero);  // take it: the thread ends clean
    looked.open();
  });
  EXPECT_EQ(pthread_kill(target.native_handle(), SIGUSR1), 0);
  int seen_here = signals::pending_member(SIGUSR1);
  sent.open();
  looked.wait();
  target.join();
  EXPECT_EQ(seen_here, 0) << "the main thread sees the other thread's pending SIGUSR1";
  EXPECT_EQ(seen_there, 1) << "setup: pending for the thread it was sent to";
}

SIGIPC_TEST(SignalThreads, ProcessPendingSignalIsVisibleInEveryThread,
            "signal.threads.process-pending-shared", "XSH sigpending()",
            "A signal pending for the process, blocked by every thread, is in every thread's "
            "sigpending() set") {
  SignalMask mask;
  mask.block(SIGUSR1);  // inherited: no thread can take it
  Gate sent, looked;
  int seen_there = -1;
  std::thread other([&] {
    sent.wait();
    seen_there = signals::pending_member(SIGUSR1);
    looked.open();
  });
  // No ASSERT while the thread runs: an early return would not join it.
  EXPECT_SUCCEEDS(kill(getpid(), SIGUSR1));
  sent.open();
  looked.wait();
  other.join();
  EXPECT_EQ(signals::pending_member(SIGUSR1), 1) << "in the main thread";
  EXPECT_EQ(seen_there, 1) << "in the other thread";
}

}  // namespace
}  // namespace sigipc

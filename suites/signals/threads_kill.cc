// Signals aimed at one thread: pthread_kill() and raise(). The handler
// records the kernel thread id it ran on (a lock-free atomic) and reports
// through a pipe, so the test waits for it without sleeping.
// XSH pthread_kill(), XSH raise().
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>
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

SIGIPC_TEST(SignalThreads, PthreadKillRunsTheHandlerInTheNamedThread,
            "signal.threads.pthread-kill-target", "XSH pthread_kill()",
            "pthread_kill(thread, sig) delivers sig to that thread: the handler runs there") {
  SignalAction action(SIGUSR1, signals::record_handler);
  Pipe notify;
  signals::reset_record(&notify);
  // No thread blocks SIGUSR1: a process-wide send could land on any of them,
  // the main thread first.
  ThreadSet threads;
  for (int i = 0; i < 3; ++i) threads.start([] {});
  ASSERT_EQ(pthread_kill(threads.handle(1), SIGUSR1), 0);
  ASSERT_TRUE(signals::readable_within(notify.rd())) << "the handler never ran";
  EXPECT_EQ(g_record.tid.load(), threads.tid(1))
      << "the handler ran in thread " << g_record.tid.load() << " (main thread " << gettid() << ")";
  EXPECT_EQ(g_record.count.load(), 1);
}

SIGIPC_TEST(SignalThreads, PthreadKillWithNullSignalOnlyChecks,
            "signal.threads.pthread-kill-null-signal", "XSH pthread_kill()",
            "pthread_kill(thread, 0) checks the thread ID and sends nothing: 0 for a live thread, "
            "no signal pending") {
  SignalMask mask;
  mask.block_all();  // anything sent would stay pending, visible below
  ThreadSet threads;
  threads.start([] {});
  EXPECT_EQ(pthread_kill(threads.handle(0), 0), 0);
  EXPECT_EQ(pthread_kill(pthread_self(), 0), 0);
  sigset_t none;
  sigemptyset(&none);
  EXPECT_TRUE(signals::SameSignals(pending_set(), none)) << "pending after pthread_kill(t, 0)";
}

SIGIPC_TEST(SignalThreads, PthreadKillReturnsEinvalForInvalidSignal,
            "signal.threads.pthread-kill-einval", "XSH pthread_kill()",
            "pthread_kill() with a number that is not a signal returns EINVAL (an error number, "
            "not -1)") {
  for (int sig : {-1, NSIG})
    EXPECT_RETURNS_ERRNO(pthread_kill(pthread_self(), sig), EINVAL) << "sig " << sig;
}

SIGIPC_TEST(SignalThreads, RaiseDeliversToTheCallingThread, "signal.threads.raise-calling-thread",
            "XSH raise()",
            "In a multi-threaded process raise(sig) acts as pthread_kill(pthread_self(), sig): "
            "the handler runs in the caller") {
  SignalAction action(SIGUSR1, signals::record_handler);
  signals::reset_record(nullptr);
  ThreadSet threads;
  pid_t raised_in = 0;
  int rc = -1;
  threads.start([&] {
    raised_in = gettid();
    rc = raise(SIGUSR1);
  });
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(g_record.count.load(), 1) << "the handler had not run when raise() returned";
  EXPECT_EQ(g_record.tid.load(), raised_in) << "main thread is " << gettid();
}

SIGIPC_TEST(SignalThreads, TerminatingSignalToOneThreadEndsTheProcess,
            "signal.threads.terminate-whole-process",
            "XSH pthread_kill(); XSH 2.4.3 Signal "
            "Actions",
            "A signal whose action is to terminate, sent to one thread, terminates the whole "
            "process") {
  Child c([] {
    Pipe never;
    std::thread other([&never] {
      char b;
      while (read(never.rd(), &b, 1) < 0 && errno == EINTR) {
      }
    });
    CHILD_CHECK_EQ(pthread_kill(other.native_handle(), SIGTERM), 0);
    // Returns only if the signal ended that thread alone: exit 0 says so.
    other.join();
  });
  EXPECT_TRUE(KilledBy(c.wait(), SIGTERM));
}

// The state letter of /proc/<pid>/task/<tid>/stat ('T' when stopped).
char task_state(pid_t pid, pid_t tid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  std::string line;
  std::getline(f, line);
  std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() ? line[paren + 2] : '?';
}

SIGIPC_TEST(SignalThreads, StopSignalToOneThreadStopsTheProcess,
            "signal.threads.stop-whole-process", "XSH pthread_kill(); XSH 2.4.3 Signal Actions",
            "A stop signal sent to one thread stops the whole process, every thread") {
  Pipe tids;
  Child c([&tids] {
    CHILD_CHECK_OK(setpgid(0, 0));
    Pipe never;
    Gate started;
    std::atomic<pid_t> other_tid{0};
    std::thread other([&] {
      other_tid = gettid();
      started.open();
      char b;
      while (read(never.rd(), &b, 1) < 0 && errno == EINTR) {
      }
    });
    started.wait();
    pid_t both[2] = {gettid(), other_tid.load()};
    CHILD_CHECK_EQ(write(tids.wr(), both, sizeof both), sizeof both);
    CHILD_CHECK_EQ(pthread_kill(other.native_handle(), SIGSTOP), 0);
    // Stopped with the whole process, the main thread stays in this wait
    // until the parent kills it; had only the other thread stopped, the wait
    // would time out and the child exit 3.
    CHILD_CHECK(!signals::readable_within(never.rd()));
    child_exit(3);
  });
  pid_t both[2] = {0, 0};
  ASSERT_EQ(read(tids.rd(), both, sizeof both), static_cast<ssize_t>(sizeof both));
  WaitStatus st = c.wait(WUNTRACED);
  ASSERT_TRUE(StoppedBy(st, SIGSTOP));
  EXPECT_EQ(task_state(c.pid(), both[0]), 'T') << "the main thread";
  EXPECT_EQ(task_state(c.pid(), both[1]), 'T') << "the thread that was sent SIGSTOP";
}

}  // namespace
}  // namespace sigipc

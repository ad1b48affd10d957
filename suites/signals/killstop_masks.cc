// SIGKILL and SIGSTOP against every way of holding signals off: the
// temporary mask of sigsuspend(), pthread_sigmask() in every thread, and
// SIG_IGN for every other signal. (masks.cc covers sigprocmask() in a
// single-threaded process.) XSH sigsuspend(), XSH pthread_sigmask(),
// XSH 2.4.3 Signal Actions.
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/flags_helpers.h"

namespace sigipc {
namespace {

using signals::KilledWithin;
using signals::StopsWithin;

// A child that blocks everything, then waits in sigsuspend() with a full
// mask. It never returns from there unless a signal was caught, and none is.
Child SuspendWithFullMask() {
  return Child([] {
    sigset_t all;
    sigfillset(&all);
    CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, &all, nullptr));
    sigsuspend(&all);
    CHILD_CHECK(!"sigsuspend() returned although no signal was caught");
  });
}

SIGIPC_TEST(SignalKillStop, SigkillEndsSigsuspendWithFullMask, "signal.killstop.sigsuspend-kill",
            "XSH sigsuspend()",
            "A thread waiting in sigsuspend() with every signal in its mask is still terminated "
            "by SIGKILL: the mask cannot block it, and no error is indicated") {
  Child c = SuspendWithFullMask();
  FLAGTEST_ASSERT_SLEEPING(c.pid(), "sigsuspend()");
  ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
  EXPECT_TRUE(KilledWithin(c, SIGKILL)) << "SIGKILL during sigsuspend(full mask)";
}

SIGIPC_TEST(SignalKillStop, SigstopStopsSigsuspendWithFullMask, "signal.killstop.sigsuspend-stop",
            "XSH sigsuspend()",
            "A thread waiting in sigsuspend() with every signal in its mask is still stopped by "
            "SIGSTOP") {
  Child c = SuspendWithFullMask();
  FLAGTEST_ASSERT_SLEEPING(c.pid(), "sigsuspend()");
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  EXPECT_TRUE(StopsWithin(c, SIGSTOP)) << "SIGSTOP during sigsuspend(full mask)";
}

// args: the write end of a pipe, for one byte once every thread exists.
// Blocks every signal with pthread_sigmask() before creating two threads,
// which inherit that mask; all three then wait on a pipe nobody writes.
// It never ends by itself; exit codes 2-7 name the setup step that failed.
SIGIPC_EXEC_HELPER(killstop_blocked_threads) {
  if (args.size() != 1) return 2;
  const int ready = std::stoi(args[0]);
  sigset_t all;
  sigfillset(&all);
  if (pthread_sigmask(SIG_BLOCK, &all, nullptr) != 0) return 3;
  static int never[2];
  if (pipe(never) != 0) return 4;
  auto wait_forever = [](void*) -> void* {
    char c;
    while (read(never[0], &c, 1) != 0) {
    }
    return nullptr;
  };
  for (int i = 0; i < 2; ++i) {
    pthread_t t;
    if (pthread_create(&t, nullptr, wait_forever, nullptr) != 0) return 5;
  }
  if (write(ready, "r", 1) != 1) return 6;
  wait_forever(nullptr);
  return 7;
}

// Starts the helper above in a child and waits for its byte.
Child StartBlockedThreads(Pipe& ready, const ExecArgv& argv) {
  Child c([&] {
    ready.close_rd();
    argv.exec();
    SafeBuf b;
    b.str("exec of killstop_blocked_threads failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  ready.close_wr();
  char byte = 0;
  if (read(ready.rd(), &byte, 1) != 1)
    setup_error(__FILE__, __LINE__, "the helper ended before starting its threads");
  return c;
}

// The state letters of every thread of pid, from /proc/<pid>/task.
std::string thread_states(pid_t pid) {
  std::string states;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) setup_error_errno(__FILE__, __LINE__, "opendir(/proc/<pid>/task)", errno);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    states += signals::process_state(static_cast<pid_t>(std::stol(e->d_name)));
  }
  closedir(d);
  return states;
}

SIGIPC_TEST(SignalKillStop, ThreadsBlockingEverythingAreStillStoppedAndKilled,
            "signal.killstop.pthread-sigmask-all-threads",
            "XSH pthread_sigmask(); XSH 2.4.3 Signal Actions",
            "A process whose every thread blocks all signals with pthread_sigmask() is still "
            "stopped by SIGSTOP and terminated by SIGKILL") {
  Pipe ready;
  ExecArgv argv("killstop_blocked_threads", {std::to_string(ready.wr())});
  Child c = StartBlockedThreads(ready, argv);
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  EXPECT_TRUE(StopsWithin(c, SIGSTOP)) << "three threads, each blocking every signal";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
  EXPECT_TRUE(KilledWithin(c, SIGKILL)) << "three threads, each blocking every signal";
}

SIGIPC_TEST(SignalKillStop, SigstopStopsEveryThread, "signal.killstop.sigstop-stops-all-threads",
            "XSH 2.4.3 Signal Actions",
            "SIGSTOP stops the whole process: once the stop is reported, every thread is stopped "
            "(observed in /proc/<pid>/task)") {
  Pipe ready;
  ExecArgv argv("killstop_blocked_threads", {std::to_string(ready.wr())});
  Child c = StartBlockedThreads(ready, argv);
  ASSERT_SUCCEEDS(kill(c.pid(), SIGSTOP));
  ASSERT_TRUE(StopsWithin(c, SIGSTOP));
  // The stop is reported once the whole group has stopped.
  const std::string states = thread_states(c.pid());
  ASSERT_EQ(states.size(), 3u) << "setup: the helper runs three threads";
  EXPECT_EQ(states, "TTT") << "thread states after the stop was reported";
}

SIGIPC_TEST(SignalKillStop, SigkillAndSigstopActDespiteEveryOtherSignalIgnored,
            "signal.killstop.act-despite-ignore", "XSH 2.4.3 Signal Actions; XSH sigaction()",
            "A process that set SIG_IGN for every signal it could is still stopped by SIGSTOP "
            "and terminated by SIGKILL") {
  Child c([] {
    // Refusals (SIGKILL, SIGSTOP, numbers the libc reserves) are expected
    // and ignored: what counts is that the attempt changes nothing for them.
    for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_IGN);
    CHILD_CHECK_OK(raise(SIGSTOP));
    CHILD_CHECK(!"raise(SIGSTOP) returned without stopping the process");
  });
  ASSERT_TRUE(StopsWithin(c, SIGSTOP)) << "with every other signal ignored";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
  EXPECT_TRUE(KilledWithin(c, SIGKILL)) << "with every other signal ignored";
}

}  // namespace
}  // namespace sigipc

// What an exec'd image inherits of the signal state: caught signals go back
// to SIG_DFL, ignored ones stay ignored, the mask and the pending set are
// kept (from the calling thread), the alarm keeps running, per-process timers
// are deleted. A forked child prepares the state and execs an exec helper
// (forkexec_helpers.cc) that checks it. XSH exec.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <thread>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::signals_arg;

[[noreturn]] void exec_or_report(const ExecArgv& argv) noexcept {
  argv.exec();
  SafeBuf b;
  b.str("exec of the helper failed: ").errno_text(errno);
  emit("error", b.c_str());
  child_exit(kChildSetupErrorExit);
}

// Forks; the child runs prepare() (async-signal-safe) and execs argv.
template <typename Prepare>
WaitStatus ExecAfter(const ExecArgv& argv, Prepare prepare) {
  Child c([&] {
    prepare();
    exec_or_report(argv);
  });
  return c.wait();
}

// Every signal of posix_signals() whose action can be set.
sigset_t settable_signals() {
  sigset_t s;
  sigemptyset(&s);
  const signals::SignalList all = signals::posix_signals();
  for (int i = 0; i < all.count; ++i)
    if (all.sigs[i] != SIGKILL && all.sigs[i] != SIGSTOP) sigaddset(&s, all.sigs[i]);
  return s;
}

void noop_handler(int) {}
void noop_action(int, siginfo_t*, void*) {}

SIGIPC_TEST(SignalForkExec, ExecResetsCaughtSignalsToDefault, "signal.forkexec.exec-resets-caught",
            "XSH exec",
            "Signals set to be caught by the calling image are set to SIG_DFL in the new image "
            "(every signal, plain and SA_SIGINFO handlers)") {
  const sigset_t caught = settable_signals();
  const signals::SignalList all = signals::posix_signals();
  ExecArgv argv(signals::kActionsHelper, {"D=" + signals_arg(caught)});
  WaitStatus st = ExecAfter(argv, [&] {
    for (int i = 0; i < all.count; ++i) {
      if (sigismember(&caught, all.sigs[i]) != 1) continue;
      struct sigaction sa {};
      sigemptyset(&sa.sa_mask);
      if (i % 2) {
        sa.sa_sigaction = noop_action;
        sa.sa_flags = SA_SIGINFO;
      } else {
        sa.sa_handler = noop_handler;
      }
      CHILD_CHECK_OK(sigaction(all.sigs[i], &sa, nullptr));
    }
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalForkExec, ExecKeepsIgnoredSignalsIgnored, "signal.forkexec.exec-keeps-ignored",
            "XSH exec",
            "Signals set to SIG_IGN by the calling image stay ignored in the new image (SIGCHLD, "
            "whose case is unspecified, excepted)") {
  sigset_t ignored = settable_signals();
  sigdelset(&ignored, SIGCHLD);
  const signals::SignalList all = signals::posix_signals();
  ExecArgv argv(signals::kActionsHelper, {"I=" + signals_arg(ignored)});
  WaitStatus st = ExecAfter(argv, [&] {
    for (int i = 0; i < all.count; ++i)
      if (sigismember(&ignored, all.sigs[i]) == 1)
        CHILD_CHECK(signal(all.sigs[i], SIG_IGN) != SIG_ERR);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalForkExec, ExecKeepsTheSignalMask, "signal.forkexec.exec-keeps-mask", "XSH exec",
            "The new image starts with the signal mask of the calling image") {
  // Every other signal blocked, so both blocked and unblocked ones are checked.
  const signals::SignalList all = signals::posix_signals();
  sigset_t mask;
  sigemptyset(&mask);
  for (int i = 0; i < all.count; i += 2)
    if (all.sigs[i] != SIGKILL && all.sigs[i] != SIGSTOP) sigaddset(&mask, all.sigs[i]);
  ExecArgv argv(signals::kMaskHelper, {signals_arg(mask)});
  WaitStatus st =
      ExecAfter(argv, [&] { CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, &mask, nullptr)); });
  EXPECT_CHILD_OK(st);
}

// raise() sends to the calling thread; the process-directed case is below.
SIGIPC_TEST(SignalForkExec, ExecKeepsPendingSignals, "signal.forkexec.exec-keeps-pending",
            "XSH exec",
            "Signals pending for the calling thread (raise()) are pending in the new image") {
  const sigset_t pending = make_sigset({SIGUSR1, SIGHUP, SIGRTMIN + 2});
  ExecArgv argv(signals::kPendingHelper, {signals_arg(pending)});
  const int rt = SIGRTMIN + 2;
  WaitStatus st = ExecAfter(argv, [&] {
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &pending, nullptr));
    for (int sig : {SIGUSR1, SIGHUP, rt}) CHILD_CHECK_OK(raise(sig));
  });
  EXPECT_CHILD_OK(st);
}

// kill() to the own pid is directed at the process, not at one thread (XSH
// 2.4.1): such signals are pending for the process, and exec must keep them
// too ("The new process shall inherit ... pending signals").
SIGIPC_TEST(SignalForkExec, ExecKeepsProcessDirectedPendingSignals,
            "signal.forkexec.exec-keeps-process-pending", "XSH exec; XSH 2.4.1",
            "Signals pending for the process (sent by kill() while blocked) are pending in the "
            "new image") {
  const int rt = SIGRTMIN + 3;
  const sigset_t pending = make_sigset({SIGUSR2, SIGWINCH, rt});
  ExecArgv argv(signals::kPendingHelper, {signals_arg(pending)});
  WaitStatus st = ExecAfter(argv, [&] {
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &pending, nullptr));
    for (int sig : {SIGUSR2, SIGWINCH, rt}) CHILD_CHECK_OK(kill(getpid(), sig));
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalForkExec, ExecFromAThreadKeepsThatThreadsMask, "signal.forkexec.exec-thread-mask",
            "XSH exec",
            "The new image's initial thread has the signal mask of the thread that called exec, "
            "not another thread's") {
  const sigset_t main_mask = make_sigset({SIGUSR1});
  const sigset_t thread_mask = make_sigset({SIGUSR2, SIGTERM});
  ExecArgv argv(signals::kMaskHelper, {signals_arg(thread_mask)});
  WaitStatus st = ExecAfter(argv, [&] {
    CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, &main_mask, nullptr));
    // Forked from the single-threaded test process: starting a thread is safe.
    std::thread caller([&] {
      CHILD_CHECK_EQ(pthread_sigmask(SIG_SETMASK, &thread_mask, nullptr), 0);
      exec_or_report(argv);
    });
    caller.join();
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SignalForkExec, ExecKeepsTheTimeLeftOnAnAlarm, "signal.forkexec.exec-keeps-alarm",
            "XSH exec; XSH alarm()",
            "The new image inherits the time left until the alarm clock signal") {
  ExecArgv argv(signals::kAlarmHelper, {"90", "100"});
  WaitStatus st = ExecAfter(argv, [] { CHILD_CHECK_EQ(alarm(100), 0); });
  EXPECT_CHILD_OK(st) << "the helper expected 90..100 s left on the alarm set before exec";
}

SIGIPC_TEST(SignalForkExec, ExecDeletesPerProcessTimers, "signal.forkexec.exec-deletes-timers",
            "XSH exec; XSH timer_create()",
            "Per-process timers created by the calling image are deleted: their IDs are invalid "
            "in the new image") {
  // The child makes the timer (fork does not pass timers on) and writes its
  // ID into a pipe whose read end the helper inherits and reads.
  Pipe id_pipe;
  ExecArgv argv(signals::kTimerHelper, {std::to_string(id_pipe.rd())});
  WaitStatus st = ExecAfter(argv, [&] {
    sigevent sev{};
    sev.sigev_notify = SIGEV_NONE;
    timer_t id{};
    CHILD_CHECK_OK(timer_create(CLOCK_MONOTONIC, &sev, &id));
    itimerspec v{};
    CHILD_CHECK_OK(timer_gettime(id, &v));  // precondition: valid before exec
    std::intptr_t raw = reinterpret_cast<std::intptr_t>(id);
    CHILD_CHECK_EQ(write(id_pipe.wr(), &raw, sizeof raw), sizeof raw);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc

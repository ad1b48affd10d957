// Shared by the signal suites: the POSIX default-action classes, a walkable
// list of every signal the platform defines, children that let a signal take
// its default action, and sigset comparisons that name the signals involved.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <string>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace signals {

// Default actions, XBD <signal.h> (POSIX.1-2017 table; SIGPOLL and SIGPROF
// are obsolescent there but still "T").
// T: abnormal termination of the process.
inline constexpr int kTerminateSignals[] = {SIGHUP,  SIGINT,  SIGKILL, SIGPIPE, SIGALRM,  SIGTERM,
                                            SIGUSR1, SIGUSR2, SIGPOLL, SIGPROF, SIGVTALRM};
// A: abnormal termination "with additional actions" (a core file is
// implementation-defined, so only the terminating signal is checked).
inline constexpr int kAbnormalSignals[] = {SIGQUIT, SIGILL,  SIGTRAP, SIGABRT, SIGBUS,
                                           SIGFPE,  SIGSEGV, SIGSYS,  SIGXCPU, SIGXFSZ};
// S: stop the process.
inline constexpr int kStopSignals[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
// I: ignore the signal.
inline constexpr int kIgnoreSignals[] = {SIGCHLD, SIGURG};
// The job-control stop signals that an orphaned process group discards.
inline constexpr int kTtyStopSignals[] = {SIGTSTP, SIGTTIN, SIGTTOU};

// Every signal POSIX names plus SIGRTMIN..SIGRTMAX, in a fixed array so a
// signal handler can walk it (SIGRTMIN is a function call under glibc; it is
// evaluated once, outside any handler). Signals a libc reserves for itself
// (glibc's 32 and 33) are deliberately absent: they are not the
// application's to set.
struct SignalList {
  int sigs[NSIG] = {};
  int count = 0;
};

inline SignalList posix_signals() {
  SignalList l;
  auto add = [&l](int s) { l.sigs[l.count++] = s; };
  for (int s : kTerminateSignals) add(s);
  for (int s : kAbnormalSignals) add(s);
  for (int s : kStopSignals) add(s);
  for (int s : kIgnoreSignals) add(s);
  add(SIGCONT);
  for (int s = SIGRTMIN; s <= SIGRTMAX; ++s) add(s);
  return l;
}

// Names of the signals in list whose membership differs between got and
// want, e.g. "SIGUSR1 (10) missing; SIGTERM (15) unexpected"; "" if none.
inline std::string set_difference_text(const sigset_t& got, const sigset_t& want) {
  std::string out;
  const SignalList all = posix_signals();
  for (int i = 0; i < all.count; ++i) {
    int s = all.sigs[i];
    int g = sigismember(&got, s), w = sigismember(&want, s);
    if (g == w) continue;
    if (!out.empty()) out += "; ";
    out += SignalText(s) + (w == 1 ? " missing" : " unexpected");
  }
  return out;
}

// got and want agree on every signal in posix_signals().
inline ::testing::AssertionResult SameSignals(const sigset_t& got, const sigset_t& want) {
  std::string diff = set_difference_text(got, want);
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "signal sets differ: " << diff;
}

// In a child: got and want agree on every signal in all; otherwise a check
// failure naming the first signal that differs. Async-signal-safe (all is
// built before fork).
#define CHILD_CHECK_SAME_SIGNALS(got, want, all) \
  ::sigipc::signals::child_check_same_signals(__FILE__, __LINE__, #got, got, want, all)

inline void child_check_same_signals(const char* file, int line, const char* what,
                                     const sigset_t& got, const sigset_t& want,
                                     const SignalList& all) noexcept {
  for (int i = 0; i < all.count; ++i) {
    int s = all.sigs[i];
    int g = sigismember(&got, s), w = sigismember(&want, s);
    if (g == w) continue;
    SafeBuf detail;
    detail.signal_text(s).str(w == 1 ? " missing" : " unexpected");
    check_fail(file, line, what, detail.c_str(), true);
  }
}

// The calling thread's mask as sigprocmask() reports it (set == NULL only
// queries, XSH pthread_sigmask()).
inline sigset_t mask_via_sigprocmask() {
  sigset_t m;
  sigemptyset(&m);
  if (sigprocmask(SIG_SETMASK, nullptr, &m) != 0)
    setup_error_errno(__FILE__, __LINE__, "sigprocmask(SIG_SETMASK, NULL, &m)", errno);
  return m;
}

// 1 if sig is in sigpending()'s set, 0 if not (a sigpending() failure is a
// setup error).
inline int pending_member(int sig) {
  sigset_t p;
  sigemptyset(&p);
  if (sigpending(&p) != 0) setup_error_errno(__FILE__, __LINE__, "sigpending()", errno);
  return sigismember(&p, sig);
}

// A `how` value that is none of SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK,
// whatever numbers the platform gives those.
inline int invalid_how() {
  int h = 0;
  while (h == SIG_BLOCK || h == SIG_UNBLOCK || h == SIG_SETMASK) ++h;
  return h;
}

// A child in a process group of its own that raises sig under its default
// action and exits 0 if it survives (or is continued). Being the only member
// of a group whose parent (the test process) is in another group of the same
// session keeps the group from being orphaned, where XSH 2.4.3 would discard
// SIGTSTP, SIGTTIN and SIGTTOU. Wait with WUNTRACED to see a stop.
// A survivor also checks that sig is not left pending: raise() of an
// unblocked signal delivers it before returning (XSH raise(), kill()), so
// "ignored" means discarded, not parked.
inline Child RaiseUnderDefaultAction(int sig) {
  return Child([sig] {
    CHILD_CHECK_OK(setpgid(0, 0));
    child_disable_core_dumps();
    ::sigipc::child_use_default_action(sig);
    coverage_flush();
    CHILD_CHECK_OK(raise(sig));
    sigset_t pending;
    CHILD_CHECK_OK(sigpending(&pending));
    CHILD_CHECK_EQ(sigismember(&pending, sig), 0);
  });
}

}  // namespace signals
}  // namespace sigipc

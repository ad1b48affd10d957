// Shared by the real-time signal suites (rt_*.cc) and the siginfo suites
// (siginfo_*.cc): a lock-free log that SA_SIGINFO handlers fill, receivers
// that block signals under an SA_SIGINFO handler and accept them with a
// safety net instead of a hang, sigval builders, a child with a signal-queue
// limit of its own, and a child that takes a hardware fault and passes its
// siginfo_t back.
#pragma once

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/rlimit.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace signals {

// How long to wait for a signal that is due: already sent, or caused by an
// event the test set off (a child's exit, a timer, a message). The wait only
// guards against a platform that lost it: a FAIL after this long instead of a
// hang until the runner's TIMEOUT. Scaled like the test's limit by
// SIGIPC_TIMEOUT_MUL; set once at start-up (children read a plain variable).
inline const time_t kSafetyWaitS = static_cast<time_t>(safety_net_seconds());

// Exit code of a forked child that found the environment unable to run the
// rule (the parent turns it into UNSUPPORTED).
constexpr int kChildUnsupportedExit = 93;

// SIGRTMIN..SIGRTMAX, evaluated once (both are function calls under glibc).
inline signals::SignalList rt_signals() {
  signals::SignalList l;
  for (int s = SIGRTMIN; s <= SIGRTMAX; ++s) l.sigs[l.count++] = s;
  return l;
}

// Every signal of posix_signals() that a process can catch or block.
inline signals::SignalList catchable_signals() {
  signals::SignalList all = signals::posix_signals(), l;
  for (int i = 0; i < all.count; ++i)
    if (all.sigs[i] != SIGKILL && all.sigs[i] != SIGSTOP) l.sigs[l.count++] = all.sigs[i];
  return l;
}

inline sigset_t set_of(const signals::SignalList& l) {
  sigset_t s;
  sigemptyset(&s);
  for (int i = 0; i < l.count; ++i) sigaddset(&s, l.sigs[i]);
  return s;
}

inline sigval int_value(int v) {
  sigval s{};
  s.sival_int = v;
  return s;
}

inline sigval ptr_value(void* p) {
  sigval s{};
  s.sival_ptr = p;
  return s;
}

// The siginfo_t fields the suites compare, copied out of a handler or a
// sigwaitinfo() result.
struct InfoRecord {
  int handler_sig;  // the handler's first argument (0 when not from a handler)
  int signo, code;
  pid_t pid;
  uid_t uid;
  sigval value;
};

inline InfoRecord record_of(const siginfo_t& i, int handler_sig = 0) {
  InfoRecord r{};
  r.handler_sig = handler_sig;
  r.signo = i.si_signo;
  r.code = i.si_code;
  r.pid = i.si_pid;
  r.uid = i.si_uid;
  r.value = i.si_value;
  return r;
}

// Deliveries in the order handlers were entered. A slot is claimed with one
// lock-free fetch_add, so even nested handlers never share an entry.
struct InfoLog {
  static constexpr int kCapacity = 256;
  std::atomic<int> count{0};
  InfoRecord entries[kCapacity];

  void reset() noexcept { count.store(0); }
  int size() const noexcept {
    int n = count.load();
    return n < kCapacity ? n : kCapacity;
  }
  const InfoRecord& operator[](int i) const noexcept { return entries[i]; }
  // How many logged deliveries were of sig.
  int count_of(int sig) const noexcept {
    int n = 0;
    for (int i = 0; i < size(); ++i) n += entries[i].handler_sig == sig;
    return n;
  }
};
static_assert(std::atomic<int>::is_always_lock_free, "the handler log needs a lock-free counter");

inline InfoLog g_log;

// An SA_SIGINFO handler that appends to g_log.
inline void log_siginfo(int sig, siginfo_t* info, void*) {
  int i = g_log.count.fetch_add(1);
  if (i < InfoLog::kCapacity) g_log.entries[i] = record_of(*info, sig);
}

// A plain (not SA_SIGINFO) handler that appends the signal number only.
inline void log_signal_only(int sig) {
  int i = g_log.count.fetch_add(1);
  if (i < InfoLog::kCapacity) {
    g_log.entries[i] = InfoRecord{};
    g_log.entries[i].handler_sig = sig;
  }
}

// Gives each signal of a list the logging handler and blocks them all, for
// the life of the object. The handler is installed with SA_SIGINFO because
// XSH sigqueue() promises queuing only for signals that have it, and a caught
// signal is never discarded as ignored while it waits. Each handler's sa_mask
// holds the whole list, so deliveries never nest and g_log records them in
// delivery order. Destruction discards what is still pending, restores the
// mask, then the actions.
class Receiver {
 public:
  explicit Receiver(const signals::SignalList& sigs, bool siginfo = true) : list_(sigs) {
    g_log.reset();
    const sigset_t all = set_of(sigs);
    for (int i = 0; i < sigs.count; ++i) {
      if (siginfo)
        actions_.push_back(std::make_unique<SignalAction>(sigs.sigs[i], log_siginfo, 0, &all));
      else
        actions_.push_back(std::make_unique<SignalAction>(sigs.sigs[i], log_signal_only, 0, &all));
    }
    mask_ = std::make_unique<SignalMask>();
    for (int i = 0; i < sigs.count; ++i) mask_->block(sigs.sigs[i]);
  }
  Receiver(std::initializer_list<int> sigs, bool siginfo = true)
      : Receiver(list_of(sigs), siginfo) {}

  // Unblocks every signal of the list at once: whatever is pending is
  // delivered before this returns (XSH sigprocmask()).
  void unblock_all() {
    const sigset_t all = set_of(list_);
    if (int e = pthread_sigmask(SIG_UNBLOCK, &all, nullptr))
      setup_error_errno(__FILE__, __LINE__, "pthread_sigmask(SIG_UNBLOCK)", e);
  }

 private:
  static signals::SignalList list_of(std::initializer_list<int> sigs) {
    signals::SignalList l;
    for (int s : sigs) l.sigs[l.count++] = s;
    return l;
  }

  signals::SignalList list_;
  std::vector<std::unique_ptr<SignalAction>> actions_;
  std::unique_ptr<SignalMask> mask_;  // destroyed before actions_
};

// Accepts one signal of set (blocked by the caller) into info, waiting at
// most kSafetyWaitS. Returns the signal, or -1 with errno (EAGAIN: none came).
inline int accept_signal(const sigset_t& set, siginfo_t* info) {
  timespec limit{kSafetyWaitS, 0};
  int r;
  do {
    r = sigtimedwait(&set, info, &limit);
  } while (r < 0 && errno == EINTR);
  return r;
}

inline int accept_signal(int sig, siginfo_t* info) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  return accept_signal(s, info);
}

// In a forked child: a signal-queue count of its own, limited to `limit`.
// RLIMIT_SIGPENDING counts the signals queued for every process of a real
// user (setrlimit(2)), so tests running in parallel as the same user would
// share one count; a fresh user namespace gives the child a count that only
// it and its own children use. Ends the child with kChildUnsupportedExit
// when user namespaces are unavailable. Async-signal-safe.
inline void child_private_queue_limit(rlim_t limit) noexcept {
  if (unshare(CLONE_NEWUSER) != 0) child_exit(kChildUnsupportedExit);
  CHILD_LOWER_LIMIT(RLIMIT_SIGPENDING, limit, limit);
}

// What a child's fault handler saw, passed back through shared memory.
struct FaultCapture {
  volatile sig_atomic_t caught;  // the signal the handler ran for; 0 if it never ran
  siginfo_t info;
  void* site;  // where the trigger expected the fault, if it records one
};

struct FaultResult {
  WaitStatus status;
  FaultCapture capture;
};

inline FaultCapture* g_capture = nullptr;

inline void capture_fault(int sig, siginfo_t* info, void*) {
  g_capture->info = *info;
  g_capture->caught = sig;
  // Returning would run the faulting instruction again.
  child_exit(0);
}

// Runs trigger in a child whose SA_SIGINFO handler for sig copies the
// siginfo_t out and ends the child with 0; a trigger that returns is a check
// failure (no fault). trigger may store the expected address in
// g_capture->site first.
inline FaultResult run_fault(int sig, const std::function<void()>& trigger) {
  Mapping shared = Mapping::shared_anonymous(sizeof(FaultCapture));
  g_capture = shared.as<FaultCapture>();
  g_capture->caught = 0;
  g_capture->site = nullptr;
  WaitStatus st = RunInChild([sig, &trigger] {
    // A handler that fails to catch the fault leaves a dying child.
    child_disable_core_dumps();
    struct sigaction sa {};
    sa.sa_sigaction = capture_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(sig, &sa, nullptr));
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    CHILD_CHECK_OK(sigprocmask(SIG_UNBLOCK, &s, nullptr));
    trigger();
    check_fail(__FILE__, __LINE__, "the faulting access completed without a signal", nullptr, true);
  });
  FaultResult r{st, *g_capture};
  g_capture = nullptr;
  return r;
}

// The child of run_fault() ended through the handler for sig.
#define ASSERT_FAULT_CAUGHT(r, sig)                                           \
  do {                                                                        \
    ASSERT_CHILD_OK((r).status) << "the child taking the fault";              \
    ASSERT_EQ((r).capture.caught, sig) << "the " #sig " handler did not run"; \
  } while (0)

#define SIGIPC_UNSUPPORTED_IF_CHILD_SAID(status, why)                                          \
  do {                                                                                         \
    if ((status).exited() && (status).exit_code() == ::sigipc::signals::kChildUnsupportedExit) \
      SIGIPC_UNSUPPORTED(why);                                                                 \
  } while (0)

}  // namespace signals
}  // namespace sigipc

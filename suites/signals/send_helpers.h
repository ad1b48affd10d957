// Shared by the sending, threads, fork/exec and job-control suites
// (send_*.cc, threads_*.cc, forkexec_*.cc, jobctl_*.cc): bounded waits for
// signals, witness children that say whether a signal reached them, uid
// switching, a handler that records which thread ran it, threads that are
// always released and joined, signal sets as exec-helper arguments, and
// pseudo-terminal sessions for job control.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/linux_calls.h"
#include "fixtures/process.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace signals {

// Upper bound on any wait for something that must happen: a safety net that
// turns a lost signal into a FAIL instead of a TIMEOUT, never a way to
// synchronise. Well under the 10 s test limit, well over any delay under load;
// scaled like that limit by SIGIPC_TIMEOUT_MUL (slow emulators). Set once at
// start-up, so the async-signal-safe helpers below read a plain variable.
inline const int kSafetyNetS = static_cast<int>(safety_net_seconds());

// Waits for one of `set` (blocked by the caller) for at most `seconds`.
// Returns the signal, or -1 when none came. Async-signal-safe.
inline int await_signal(const sigset_t& set, siginfo_t* info = nullptr,
                        int seconds = kSafetyNetS) noexcept {
  timespec ts{seconds, 0};
  int r;
  do {
    r = sigtimedwait(&set, info, &ts);
  } while (r < 0 && errno == EINTR);
  return r;
}

inline int await_signal(int sig, siginfo_t* info = nullptr, int seconds = kSafetyNetS) noexcept {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  return await_signal(s, info, seconds);
}

// In a child: add sig to the mask. Async-signal-safe.
inline void child_block(int sig) noexcept {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &s, nullptr));
}

// 1 if sig is in the caller's sigpending() set, 0 if not. Async-signal-safe.
inline int child_pending(int sig) noexcept {
  sigset_t p;
  sigemptyset(&p);
  CHILD_CHECK_OK(sigpending(&p));
  return sigismember(&p, sig);
}

// Reaps pid in a child; the child's body must have ended with exit 0.
inline void child_expect_exit0(pid_t pid) noexcept {
  int st = 0;
  pid_t r;
  do {
    r = waitpid(pid, &st, 0);
  } while (r < 0 && errno == EINTR);
  CHILD_CHECK_EQ(r, pid);
  CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

// Whether fd becomes readable within `seconds` (the safety net for a peer
// that reports through a pipe).
inline bool readable_within(int fd, int seconds = kSafetyNetS) noexcept {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, seconds * 1000);
  } while (r < 0 && errno == EINTR);
  return r == 1;
}

// Who must receive a signal in a sending test.
enum class Expect { kReceives, kNotReceives };

// A forked child witnessing a send. It blocks sig, joins process group
// `pgid` (0: a new group of its own, -1: stays in its parent's), opens
// `ready`, then either waits for sig (kReceives; FAIL after the safety net)
// or waits for `done` and checks that sig is not pending (kNotReceives).
// Blocking keeps the signal observable whatever its default action.
inline Child SignalWitness(int sig, Expect expect, Gate& ready, Gate* done, pid_t pgid = -1) {
  return Child([=, &ready] {
    child_block(sig);
    if (pgid >= 0) CHILD_CHECK_OK(setpgid(0, pgid));
    ready.open();
    if (expect == Expect::kReceives) {
      CHILD_CHECK_EQ(await_signal(sig), sig);
    } else {
      done->wait();
      CHILD_CHECK_EQ(child_pending(sig), 0);
    }
  });
}

// Exit status 0 of a witness (its own checks name what went wrong).
inline ::testing::AssertionResult WitnessOk(Child& c, const char* who) {
  WaitStatus st = c.wait();
  if (st.exited() && st.exit_code() == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << who << ": " << st.describe();
}

// In a child: drop to uids (real r, effective e, saved s) and nobody's gid.
inline void child_set_uids(uid_t r, uid_t e, uid_t s) noexcept {
  constexpr gid_t kNobodyGroup = 65534;
  CHILD_CHECK_OK(setgroups(0, nullptr));
  CHILD_CHECK_OK(setresgid(kNobodyGroup, kNobodyGroup, kNobodyGroup));
  CHILD_CHECK_OK(setresuid(r, e, s));
}

// A pid that no process (and no process group) has: a reaped child's. The
// runner's fresh PID namespace hands out pids in increasing order, so it is
// not reused during the test.
inline pid_t vanished_pid() {
  Child c([] { CHILD_CHECK_OK(setpgid(0, 0)); });
  pid_t pid = c.pid();
  WaitStatus st = c.wait();
  if (!st.exited() || st.exit_code() != 0)
    setup_error(__FILE__, __LINE__, "the short-lived child " + st.describe());
  return pid;
}

// ---- handlers that say where they ran ----

// What the recording handler saw; one test per process, so one instance.
struct HandlerRecord {
  std::atomic<int> count{0};
  std::atomic<pid_t> tid{0};
  std::atomic<int> notify_fd{-1};  // the handler writes one byte here
};
inline HandlerRecord g_record;
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free,
              "handlers may only touch lock-free atomics");

inline void record_handler(int) {
  g_record.tid.store(gettid());
  g_record.count.fetch_add(1);
  int fd = g_record.notify_fd.load();
  if (fd >= 0) {
    char c = 1;
    ssize_t r = write(fd, &c, 1);
    HANDLER_CHECK(r == 1);
  }
}

// Resets the record; the handler reports through `notify` (a Pipe).
inline void reset_record(const Pipe* notify) {
  g_record.count = 0;
  g_record.tid = 0;
  g_record.notify_fd = notify ? notify->wr() : -1;
}

// ---- threads ----

// Threads that run a body and then wait to be released, so the test can
// inspect them while they are alive. The destructor releases and joins, so
// an ASSERT that returns early never leaves a thread behind.
class ThreadSet {
 public:
  ThreadSet() = default;
  ThreadSet(const ThreadSet&) = delete;
  ThreadSet& operator=(const ThreadSet&) = delete;
  ~ThreadSet() {
    release();
    for (auto& t : threads_) t.join();
  }
  // Starts a thread and returns its index once body() has returned there;
  // the thread then waits, alive, until release() or destruction.
  int start(std::function<void()> body) {
    tids_.push_back(std::make_unique<std::atomic<pid_t>>(0));
    std::atomic<pid_t>* tid = tids_.back().get();
    threads_.emplace_back([this, tid, body = std::move(body)] {
      tid->store(gettid());
      body();
      started_.open();
      // Wait for release: EOF once the write end is closed.
      char c;
      while (read(release_.rd(), &c, 1) < 0 && errno == EINTR) {
      }
    });
    started_.wait();
    return static_cast<int>(threads_.size()) - 1;
  }
  pthread_t handle(int i) { return threads_[i].native_handle(); }
  pid_t tid(int i) const { return tids_[i]->load(); }
  void release() { release_.close_wr(); }

 private:
  Gate started_;
  Pipe release_;
  std::vector<std::unique_ptr<std::atomic<pid_t>>> tids_;
  std::vector<std::thread> threads_;
};

// ---- signal sets as exec-helper arguments ----

// "10,15,34": the members of set among posix_signals().
inline std::string signals_arg(const sigset_t& set) {
  std::string out;
  const signals::SignalList all = signals::posix_signals();
  for (int i = 0; i < all.count; ++i) {
    if (sigismember(&set, all.sigs[i]) != 1) continue;
    if (!out.empty()) out += ",";
    out += std::to_string(all.sigs[i]);
  }
  return out.empty() ? "-" : out;
}

inline sigset_t parse_signals_arg(const std::string& arg) {
  sigset_t s;
  sigemptyset(&s);
  if (arg == "-") return s;
  std::size_t pos = 0;
  while (pos < arg.size()) {
    std::size_t comma = arg.find(',', pos);
    if (comma == std::string::npos) comma = arg.size();
    sigaddset(&s, std::atoi(arg.substr(pos, comma - pos).c_str()));
    pos = comma + 1;
  }
  return s;
}

// Exec helpers (forkexec_helpers.cc) that check what a new image inherited.
// Their checks report to the runner like a forked child's; exit 0 is a pass.
// "D=<signals>" / "I=<signals>" (one or more): actions are SIG_DFL / SIG_IGN.
constexpr const char* kActionsHelper = "forkexec_actions";
constexpr const char* kMaskHelper = "forkexec_mask";         // <signals>: the mask
constexpr const char* kPendingHelper = "forkexec_pending";   // <signals>: sigpending()
constexpr const char* kAlarmHelper = "forkexec_alarm";       // <min> <max>: alarm(0)
constexpr const char* kTimerHelper = "forkexec_timer_gone";  // <fd with timer id>: EINVAL

// ---- job control ----

// A pseudo-terminal pair; the slave is opened by the child that makes it its
// controlling terminal.
struct Pty {
  UniqueFd master;
  std::string slave;
};

// Opens a pty; "" on success, else why it cannot be had here.
inline std::string open_pty(Pty& pty) {
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return "posix_openpt() failed with " + ErrnoText(errno) + ": no pseudo-terminals";
  pty.master.reset(m);
  if (grantpt(m) != 0) return "grantpt() failed with " + ErrnoText(errno);
  if (unlockpt(m) != 0) return "unlockpt() failed with " + ErrnoText(errno);
  char name[256];
  if (int e = ptsname_r(m, name, sizeof name)) return "ptsname_r() failed with " + ErrnoText(e);
  pty.slave = name;
  return "";
}

#define SIGIPC_REQUIRE_PTY(pty)                                 \
  do {                                                          \
    std::string sigipc_why_ = ::sigipc::signals::open_pty(pty); \
    if (!sigipc_why_.empty()) GTEST_SKIP() << sigipc_why_;      \
  } while (0)

// In a forked child: a new session whose controlling terminal is the slave
// (TIOCSCTTY), with this child's group in the foreground. Returns the fd.
inline int child_acquire_ctty(const char* slave) noexcept {
  CHILD_CHECK_OK(setsid());
  int fd = open(slave, O_RDWR | O_NOCTTY);
  CHILD_CHECK_OK(fd);
  CHILD_CHECK_OK(ioctl(fd, TIOCSCTTY, 0));
  return fd;
}

// In a forked child: sets or clears TOSTOP on the terminal.
inline void child_set_tostop(int fd, bool on) noexcept {
  termios t{};
  CHILD_CHECK_OK(tcgetattr(fd, &t));
  if (on)
    t.c_lflag |= TOSTOP;
  else
    t.c_lflag &= ~static_cast<tcflag_t>(TOSTOP);
  CHILD_CHECK_OK(tcsetattr(fd, TCSANOW, &t));
}

// In a session leader: forks a process into a new (background) process group
// of the same session; it runs body and exits 0. The leader stays its parent,
// so the group is not orphaned and job-control stops take effect.
template <typename Body>
pid_t child_fork_background(Body body) noexcept {
  pid_t p = fork();
  CHILD_CHECK_OK(p);
  if (p == 0) {
    CHILD_CHECK_OK(setpgid(0, 0));
    body();
    child_exit(0);
  }
  setpgid(p, p);  // also here, so the group exists when fork returns
  return p;
}

// In a child: waitpid() that retries EINTR; the raw status.
inline int child_wait_status(pid_t pid, int options) noexcept {
  int st = 0;
  pid_t r;
  do {
    r = waitpid(pid, &st, options);
  } while (r < 0 && errno == EINTR);
  CHILD_CHECK_EQ(r, pid);
  return st;
}

// In a child: ends pid (a child of the caller) and reaps it.
inline void child_kill_and_reap(pid_t pid) noexcept {
  kill(pid, SIGKILL);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
}

// A child in a process group of its own (so stop signals are not discarded
// as for an orphaned group: its parent, the test process, is in another group
// of the same session) that opens `ready`, waits for `release`, then exits
// with exit_code. Wait with WUNTRACED / WCONTINUED to see it stop and resume.
inline Child StoppableChild(Gate& ready, Gate& release, int exit_code = 0) {
  return Child([&ready, &release, exit_code] {
    CHILD_CHECK_OK(setpgid(0, 0));
    ready.open();
    release.wait();
    child_exit(exit_code);
  });
}

// Waits for pid (a child or an adopted orphan of the caller) to end, for at
// most `seconds`; on timeout kills and reaps it and returns raw status -1.
// A pidfd gives the bounded wait without signals or sleeps; without pidfds
// (ENOSYS: valgrind, kernels before 5.3) SIGCHLD does.
inline WaitStatus wait_within(pid_t pid, int seconds = kSafetyNetS) {
  UniqueFd pidfd(pidfd_open(pid, 0));
  if (!pidfd && errno == ENOSYS) {
    if (std::optional<WaitStatus> s = waitpid_bounded(pid, 0, seconds)) return *s;
    kill(pid, SIGKILL);
    xwaitpid(pid);
    return WaitStatus(-1);
  }
  if (!pidfd) setup_error_errno(__FILE__, __LINE__, "pidfd_open()", errno);
  if (!readable_within(pidfd.get(), seconds)) {
    kill(pid, SIGKILL);
    xwaitpid(pid);
    return WaitStatus(-1);
  }
  return xwaitpid(pid);
}

// The test process adopts orphaned descendants (PR_SET_CHILD_SUBREAPER), so
// it can reap them; being in another session than theirs, it does not keep
// their process group from being orphaned.
inline void become_subreaper() { SETUP_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)); }

}  // namespace signals
}  // namespace sigipc

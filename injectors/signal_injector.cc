// The sending side of the signal injector: a forked sender process (kill,
// tgkill, sigqueue, pidfd_send_signal) or a helper thread arming POSIX
// timers (Via::kTimer). Both follow the Stepper's schedule with absolute
// deadlines, so time spent sending never stretches the schedule.
//
// The sender process runs only async-signal-safe calls after fork() (the
// caller may have threads), and talks to its parent through three pipes:
// ready (one byte after the first send), stop (one byte from stop()), report
// (one Report struct, written in a single write of less than PIPE_BUF).
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#if __has_include(<sys/pidfd.h>)
// glibc 2.36's <sys/pidfd.h> has no extern "C" guards of its own.
extern "C" {
#include <sys/pidfd.h>
}
#define SIGIPC_HAVE_LIBC_PIDFD 1
#endif

#include "fixtures/errno_name.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "injectors/close_fds.h"
#include "injectors/signal_injector.h"
#include "injectors/signal_stepper.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

namespace sigipc::inject {

namespace {

constexpr std::uint64_t kReportMagic = 0x5349474a52505431ull;  // "SIGJRPT1"
constexpr int kNsig = _NSIG;
// Behind schedule by more than this: skip ahead instead of bursting.
constexpr std::int64_t kMaxLagNs = 5'000'000;
// Waits longer than this poll the stop pipe (and the target's pidfd) while
// sleeping, so stop() and the target's exit are noticed promptly.
constexpr std::int64_t kPollSleepNs = 2'000'000;

struct Report {
  std::uint64_t magic;
  std::uint64_t sent;
  std::uint64_t failed;
  std::int32_t first_error;
  std::int32_t target_gone;
  std::uint64_t per_signal[kNsig];
};
static_assert(sizeof(Report) <= PIPE_BUF, "the report must be one atomic pipe write");

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::int64_t to_ns(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

timespec from_ns(std::int64_t ns) {
  timespec t{};
  t.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  t.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return t;
}

std::int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return to_ns(t);
}

int open_pidfd(pid_t pid) {
#ifdef SIGIPC_HAVE_LIBC_PIDFD
  return pidfd_open(pid, 0);
#elif defined(SYS_pidfd_open)
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  errno = ENOSYS;
  return -1;
#endif
}

int send_pidfd(int pidfd, int sig) {
#ifdef SIGIPC_HAVE_LIBC_PIDFD
  return pidfd_send_signal(pidfd, sig, nullptr, 0);
#elif defined(SYS_pidfd_send_signal)
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
#else
  errno = ENOSYS;
  return -1;
#endif
}

int send_tgkill(pid_t pid, pid_t tid, int sig) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 30)
  return tgkill(pid, tid, sig);
#else
  return static_cast<int>(syscall(SYS_tgkill, pid, tid, sig));
#endif
}

enum class Wake { kDue, kStop, kTargetGone };

// Polls the stop pipe and the target's pidfd (-1: none) for timeout_ms.
Wake poll_events(int stop_fd, int pid_fd, int timeout_ms) {
  pollfd fds[2] = {{stop_fd, POLLIN, 0}, {pid_fd, POLLIN, 0}};
  const nfds_t n = pid_fd >= 0 ? 2 : 1;
  int r;
  do {
    r = poll(fds, n, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return Wake::kDue;
  if (fds[0].revents) return Wake::kStop;
  if (n == 2 && fds[1].revents) return Wake::kTargetGone;
  return Wake::kDue;
}

// Sleeps until the absolute CLOCK_MONOTONIC deadline (long waits watch the
// stop pipe and pidfd), then checks them once more without blocking.
Wake wait_until(std::int64_t deadline, int stop_fd, int pid_fd) {
  for (std::int64_t left = deadline - now_ns(); left > kPollSleepNs; left = deadline - now_ns()) {
    const Wake w = poll_events(stop_fd, pid_fd, static_cast<int>((left - 1'000'000) / 1'000'000));
    if (w != Wake::kDue) return w;
  }
  const timespec ts = from_ns(deadline);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
  return poll_events(stop_fd, pid_fd, 0);
}

// The next deadline; a schedule more than kMaxLagNs behind restarts from now.
std::int64_t advance(std::int64_t deadline, std::uint64_t delay_ns) {
  deadline += static_cast<std::int64_t>(delay_ns);
  const std::int64_t now = now_ns();
  return now - deadline > kMaxLagNs ? now : deadline;
}

struct SenderArgs {
  SignalPlan plan;
  pid_t pid, tid, parent;
  int pidfd, ready_fd, stop_fd, report_fd;
};

int send_one(const SenderArgs& a, int sig, std::uint64_t seq) {
  switch (a.plan.via) {
    case Via::kKill:
      return kill(a.pid, sig);
    case Via::kTgkill:
      return send_tgkill(a.pid, a.tid ? a.tid : a.pid, sig);
    case Via::kSigqueue: {
      sigval v{};
      v.sival_int = static_cast<int>(seq);
      return sigqueue(a.pid, sig, v);
    }
    case Via::kPidfd:
      return send_pidfd(a.pidfd, sig);
    case Via::kTimer:
      break;
  }
  errno = EINVAL;
  return -1;
}

[[noreturn]] void sender_main(const SenderArgs& a, detail::Stepper stepper) {
  // Die with the thread that forked us; if it is already gone, do not start.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != a.parent) child_exit(1);
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  prctl(PR_SET_TIMERSLACK, 1UL);  // 50 us of default slack would blur 20 us gaps
  int keep[4] = {a.pidfd, a.ready_fd, a.stop_fd, a.report_fd};
  std::sort(keep, keep + 4);
  close_all_but(keep, 4);

  Report r{};
  r.magic = kReportMagic;
  bool ready = false;
  // The pidfd also tells a kill/tgkill/sigqueue sender that the target ended,
  // before its pid can be reused by a process outside the test.
  std::int64_t deadline = now_ns();
  while (a.plan.max_signals == 0 || r.sent < a.plan.max_signals) {
    const auto step = stepper.next();
    deadline = advance(deadline, step.delay_ns);
    const Wake w = wait_until(deadline, a.stop_fd, a.pidfd);
    if (w == Wake::kTargetGone) r.target_gone = 1;
    if (w != Wake::kDue) break;
    if (send_one(a, step.signal, r.per_signal[step.signal]) == 0) {
      ++r.sent;
      ++r.per_signal[step.signal];
    } else if (errno == ESRCH) {
      r.target_gone = 1;
      break;
    } else {
      ++r.failed;
      if (r.first_error == 0) r.first_error = errno;
    }
    if (!ready) {
      char c = 1;
      write_all(a.ready_fd, &c, 1);
      ready = true;
    }
  }
  if (!ready) {
    char c = 1;
    write_all(a.ready_fd, &c, 1);
  }
  child_exit(write_all(a.report_fd, &r, sizeof r) ? 0 : 2);
}

SignalCounts counts_of(const Report& r) {
  SignalCounts c;
  c.sent = r.sent;
  c.failed = r.failed;
  c.first_error = r.first_error;
  c.target_gone = r.target_gone != 0;
  for (int s = 1; s < kNsig; ++s)
    if (r.per_signal[s]) c.per_signal[s] = r.per_signal[s];
  return c;
}

std::string status_text(int st) {
  if (WIFEXITED(st)) return "exited with " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) {
    const char* n = signal_name(WTERMSIG(st));
    return std::string("killed by ") + (n ? n : std::to_string(WTERMSIG(st)));
  }
  return "status " + std::to_string(st);
}

void make_pipe(UniqueFd& rd, UniqueFd& wr) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw_errno("pipe2()");
  rd.reset(p[0]);
  wr.reset(p[1]);
}

}  // namespace

// SignalInjector, in detail:
// - start() returns after the first send was made (so at low rates it blocks
//   for the first delay).
// - The sender closes every descriptor it does not need (so it never holds a
//   test's pipe open), blocks every signal, dies with the thread that called
//   start() (PR_SET_PDEATHSIG), and stops when the target ends (ESRCH, or its
//   pidfd turns readable, so a reused pid is never signalled).
// - A sender that falls more than 5 ms behind its schedule skips ahead rather
//   than bursting, so the rate bound holds under load; on a loaded machine
//   (wake-up latencies of milliseconds) the rate achieved is then well below
//   the rate asked: compare sent with the time it took.
// - Via::kTimer: POSIX timers of the calling process (16 per signal, used in
//   turn), armed one-shot at each step's deadline by a helper thread (all
//   signals blocked); a send is counted once its timer expired. A timer
//   signal never queues twice (XSH timer_getoverrun()), and Linux (measured
//   on 6.18) discards a timer's queued signal when the timer is re-armed
//   before the target took it: receipts fall short of sends when the target
//   lags 16 steps of one signal behind.
// - A waitpid(-1) of the caller may reap the sender; its report still
//   arrives through the pipe.
struct SignalInjector::State {
  SignalPlan plan;
  bool started = false, stopped = false;
  SignalCounts result;
  // Sender process.
  pid_t sender = -1;
  UniqueFd stop_wr, report_rd;
  // Our copy of the stop pipe's read end: a sender that already ended must
  // not turn stop()'s write into SIGPIPE for the caller.
  UniqueFd stop_rd_keep;
  // Timer thread.
  std::thread timer_thread;
  // Timers of one signal, used in turn: re-arming a timer whose last signal
  // is still queued discards that signal on Linux 6.13+ (before, it became
  // an overrun), so a timer is re-armed only kTimersPerSignal steps later.
  static constexpr int kTimersPerSignal = 16;
  struct SignalTimers {
    int sig;
    timer_t ids[kTimersPerSignal];
    int created = 0;
    unsigned next = 0;
  };
  std::vector<SignalTimers> timers;
  UniqueFd timer_stop_rd;
  UniqueFd timer_done_rd;  // readable when the timer thread has finished
  Report timer_report{};

  void start_sender(pid_t pid, pid_t tid);
  void start_timer(pid_t tid);
  void timer_main(int ready_fd, int done_fd);
  timer_t take_timer(int sig) {
    for (auto& t : timers)
      if (t.sig == sig) return t.ids[t.next++ % kTimersPerSignal];
    return timers.front().ids[0];
  }
  void delete_timers() {
    for (auto& t : timers)
      for (int i = 0; i < t.created; ++i) timer_delete(t.ids[i]);
    timers.clear();
  }
};

SignalInjector::SignalInjector(SignalPlan plan) : state_(std::make_unique<State>()) {
  validate(plan);
  state_->plan = std::move(plan);
}

SignalInjector::~SignalInjector() {
  try {
    stop();
  } catch (...) {
  }
}

void SignalInjector::State::start_sender(pid_t pid, pid_t tid) {
  UniqueFd pidfd(open_pidfd(pid));
  if (pidfd.get() < 0) {
    if (plan.via == Via::kPidfd) {
      const char* e = errno_name(errno);
      throw PlanError(std::string("via pidfd: pidfd_open() failed with ") + (e ? e : "?") +
                      " (needs Linux 5.3)");
    }
    if (errno == ESRCH) throw PlanError("target pid " + std::to_string(pid) + ": no such process");
  }
  UniqueFd ready_rd, ready_wr, report_wr;
  make_pipe(ready_rd, ready_wr);
  make_pipe(stop_rd_keep, stop_wr);
  UniqueFd& stop_rd = stop_rd_keep;
  make_pipe(report_rd, report_wr);
  SenderArgs args{plan,           pid, tid, getpid(), pidfd.get(), ready_wr.get(), stop_rd.get(),
                  report_wr.get()};
  detail::Stepper stepper(args.plan);
  const pid_t child = fork();
  if (child < 0) throw_errno("fork() of the signal sender");
  if (child == 0) sender_main(args, stepper);
  sender = child;
  ready_wr.reset();
  report_wr.reset();
  char c;
  if (read_all(ready_rd.get(), &c, 1) != 1) {
    // The sender died before sending: stop() reports how.
    stop_wr.reset();
  }
}

void SignalInjector::State::timer_main(int ready_fd, int done_fd) {
  prctl(PR_SET_TIMERSLACK, 1UL);
  detail::Stepper stepper(plan);
  Report& r = timer_report;
  bool ready = false;
  const auto mark_ready = [&] {
    if (!ready) {
      char c = 1;
      write_all(ready_fd, &c, 1);
      close(ready_fd);
      ready = true;
    }
  };
  std::int64_t deadline = now_ns();
  while (plan.max_signals == 0 || r.sent < plan.max_signals) {
    const auto step = stepper.next();
    deadline = advance(deadline, step.delay_ns);
    const timer_t t = take_timer(step.signal);
    itimerspec its{};
    its.it_value = from_ns(deadline);
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
    if (timer_settime(t, TIMER_ABSTIME, &its, nullptr) != 0) {
      ++r.failed;
      if (r.first_error == 0) r.first_error = errno;
      mark_ready();
      continue;
    }
    const Wake w = wait_until(deadline, timer_stop_rd.get(), -1);
    if (w != Wake::kDue) {
      // Disarm; the old value says whether it expired before that.
      itimerspec zero{}, old{};
      timer_settime(t, 0, &zero, &old);
      if (old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0) {
        ++r.sent;
        ++r.per_signal[step.signal];
      }
      break;
    }
    // Our sleep ended at the deadline; the timer expires at the same instant,
    // but is counted only once it has (a one-shot timer disarms on expiry).
    for (;;) {
      itimerspec cur{};
      if (timer_gettime(t, &cur) != 0) break;
      if (cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0) break;
      sched_yield();
    }
    ++r.sent;
    ++r.per_signal[step.signal];
    mark_ready();
  }
  mark_ready();
  // A byte, not just EOF: children the caller forks meanwhile hold copies.
  char c = 1;
  write_all(done_fd, &c, 1);
  close(done_fd);
}

void SignalInjector::State::start_timer(pid_t tid) {
  for (int sig : plan.signals) {
    bool have = false;
    for (const auto& t : timers) have = have || t.sig == sig;
    if (have) continue;
    sigevent sev{};
    sev.sigev_signo = sig;
    if (tid != 0) {
      sev.sigev_notify = SIGEV_THREAD_ID;
      sev.sigev_notify_thread_id = tid;
    } else {
      sev.sigev_notify = SIGEV_SIGNAL;
    }
    timers.push_back(SignalTimers{sig, {}, 0, 0});
    SignalTimers& st = timers.back();
    for (; st.created < kTimersPerSignal; ++st.created) {
      if (timer_create(CLOCK_MONOTONIC, &sev, &st.ids[st.created]) != 0) {
        const int e = errno;
        delete_timers();
        errno = e;
        throw_errno("timer_create()");
      }
    }
  }
  UniqueFd ready_rd, ready_wr, stop_rd, done_wr;
  try {
    make_pipe(ready_rd, ready_wr);
    make_pipe(stop_rd, stop_wr);
    make_pipe(timer_done_rd, done_wr);
  } catch (...) {
    delete_timers();
    throw;
  }
  timer_stop_rd.reset(stop_rd.release());
  // The helper thread blocks every signal, so a process-directed timer
  // signal (SIGEV_SIGNAL) lands in one of the caller's threads, not in it.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  const int ready_fd = ready_wr.release(), done_fd = done_wr.release();  // the thread closes both
  try {
    timer_thread = std::thread([this, ready_fd, done_fd] { timer_main(ready_fd, done_fd); });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    close(ready_fd);
    close(done_fd);
    delete_timers();
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  char c;
  read_all(ready_rd.get(), &c, 1);
}

void SignalInjector::start(pid_t pid, pid_t tid) {
  State& s = *state_;
  if (s.started) throw PlanError("this injector was already started");
  validate(s.plan, pid, tid);
  if (s.plan.via == Via::kTimer)
    s.start_timer(tid);
  else
    s.start_sender(pid, tid);
  s.started = true;
}

SignalCounts SignalInjector::stop() {
  State& s = *state_;
  if (!s.started || s.stopped) return s.result;
  s.stopped = true;
  if (s.stop_wr.get() >= 0) {
    char c = 1;
    write_all(s.stop_wr.get(), &c, 1);
  }
  if (s.plan.via == Via::kTimer) {
    if (s.timer_thread.joinable()) s.timer_thread.join();
    s.delete_timers();
    s.timer_stop_rd.reset();
    s.timer_done_rd.reset();
    s.stop_wr.reset();
    s.result = counts_of(s.timer_report);
    return s.result;
  }
  Report r{};
  const std::size_t got = read_all(s.report_rd.get(), &r, sizeof r);
  s.report_rd.reset();
  s.stop_wr.reset();
  s.stop_rd_keep.reset();
  int st = 0;
  pid_t w;
  do {
    w = waitpid(s.sender, &st, 0);
  } while (w < 0 && errno == EINTR);
  if (got == sizeof r && r.magic == kReportMagic) {
    s.result = counts_of(r);
  } else {
    s.result = SignalCounts{};
    s.result.problem = "the signal sender ended without reporting its counts (" +
                       (w == s.sender ? status_text(st) : std::string("already reaped")) + ")";
  }
  return s.result;
}

bool SignalInjector::wait_done(double safety_s) {
  State& s = *state_;
  if (!s.started || s.stopped) return true;
  // The sender's report, or the timer thread's closing its done pipe, makes
  // the descriptor readable.
  const int fd = s.plan.via == Via::kTimer ? s.timer_done_rd.get() : s.report_rd.get();
  if (fd < 0) return true;
  const std::int64_t end = now_ns() + static_cast<std::int64_t>(safety_s * 1e9);
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const std::int64_t left = end - now_ns();
    const int r = poll(&p, 1, left > 0 ? static_cast<int>(left / 1'000'000) + 1 : 0);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace sigipc::inject

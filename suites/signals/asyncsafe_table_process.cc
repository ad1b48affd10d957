// Rows of the async-signal-safety table (asyncsafe_table.h) for process
// identity, signals, time, timers, waiting, fork and the calls that end or
// replace the process. The engine's handlers (SIGUSR1 runs the op, SIGUSR2
// only counts) are installed without SA_RESTART, so an op that waits for a
// signal (pause(), sigsuspend(), sleep(), wait()) ends at the next one.
#include <fcntl.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites/signals/asyncsafe_table.h"

// Absent from glibc and musl (the Trace option): the weak reference is null.
extern "C" int posix_trace_event(int, const void*, size_t) __attribute__((weak));

namespace sigipc {
namespace {

using asyncsafe_table::g_deliveries;
using asyncsafe_table::kHandler;
using asyncsafe_table::kMain;

bool failed_with(long r, int err) { return r == -1 && errno == err; }

struct Ids {
  pid_t pid, ppid, pgrp;
  uid_t uid, euid;
  gid_t gid, egid;
  int ngroups;
  gid_t groups[64];
  utsname uts;
  pthread_t self;
} g_ids;
void save_ids() {
  g_ids.pid = getpid();
  g_ids.ppid = getppid();
  g_ids.pgrp = getpgrp();
  g_ids.uid = getuid();
  g_ids.euid = geteuid();
  g_ids.gid = getgid();
  g_ids.egid = getegid();
  g_ids.ngroups = getgroups(64, g_ids.groups);
  uname(&g_ids.uts);
  g_ids.self = pthread_self();
}

// 16 handlers inside: tests/shims/shim_asyncsafe_getpid_shared_slot.c is
// caught every time.
SIGIPC_ASYNCSAFE_ROW(
    Getpid, getpid, "signal.asyncsafe.table.getpid", [](int) { return getpid() == g_ids.pid; },
    save_ids, nullptr, nullptr, nullptr, false, 16)
SIGIPC_ASYNCSAFE_ROW(
    Getppid, getppid, "signal.asyncsafe.table.getppid", [](int) { return getppid() == g_ids.ppid; },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Getpgrp, getpgrp, "signal.asyncsafe.table.getpgrp", [](int) { return getpgrp() == g_ids.pgrp; },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Getuid, getuid, "signal.asyncsafe.table.getuid", [](int) { return getuid() == g_ids.uid; },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Geteuid, geteuid, "signal.asyncsafe.table.geteuid", [](int) { return geteuid() == g_ids.euid; },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Getgid, getgid, "signal.asyncsafe.table.getgid", [](int) { return getgid() == g_ids.gid; },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Getegid, getegid, "signal.asyncsafe.table.getegid", [](int) { return getegid() == g_ids.egid; },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Getgroups, getgroups, "signal.asyncsafe.table.getgroups",
    [](int) {
      gid_t g[64];
      const int n = getgroups(64, g);
      return n == g_ids.ngroups && n >= 0 && memcmp(g, g_ids.groups, n * sizeof(gid_t)) == 0;
    },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Uname, uname, "signal.asyncsafe.table.uname",
    [](int) {
      utsname u;
      return uname(&u) == 0 && strcmp(u.sysname, g_ids.uts.sysname) == 0 &&
             strcmp(u.release, g_ids.uts.release) == 0 &&
             strcmp(u.machine, g_ids.uts.machine) == 0 &&
             strcmp(u.nodename, g_ids.uts.nodename) == 0;
    },
    save_ids)
SIGIPC_ASYNCSAFE_ROW(
    PthreadSelf, pthread_self, "signal.asyncsafe.table.pthread_self",
    [](int) { return pthread_equal(pthread_self(), g_ids.self) != 0; }, save_ids)
// Setting the ids the process already has is allowed to any process.
SIGIPC_ASYNCSAFE_ROW(
    Setuid, setuid, "signal.asyncsafe.table.setuid",
    [](int) { return setuid(g_ids.uid) == 0 && getuid() == g_ids.uid; }, save_ids)
SIGIPC_ASYNCSAFE_ROW(
    Setgid, setgid, "signal.asyncsafe.table.setgid",
    [](int) { return setgid(g_ids.gid) == 0 && getgid() == g_ids.gid; }, save_ids)
// XSH setpgid() [EINVAL]: a pgid below 0. (A pid of -1 is ESRCH by that
// page and EINVAL on Linux, so it is not used.)
SIGIPC_ASYNCSAFE_ROW(
    Setpgid, setpgid, "signal.asyncsafe.table.setpgid",
    [](int) {
      return setpgid(0, g_ids.pgrp) == 0 && getpgrp() == g_ids.pgrp &&
             failed_with(setpgid(0, -1), EINVAL);
    },
    save_ids)
// A process group leader cannot make a session (XSH setsid() [EPERM]).
SIGIPC_ASYNCSAFE_ROW(
    Setsid, setsid, "signal.asyncsafe.table.setsid",
    [](int) { return failed_with(setsid(), EPERM) && getpgrp() == g_ids.pgrp; }, save_ids, nullptr,
    nullptr,
    [] {
      return getpgrp() == getpid()
                 ? nullptr
                 : "the test process leads no process group: setsid() would succeed and take "
                   "it out of the runner's session";
    })

// Per side, the last reading: clocks must not go backwards for one caller.
long long g_last[2];
SIGIPC_ASYNCSAFE_ROW(Time, time, "signal.asyncsafe.table.time", [](int side) {
  time_t t2;
  const time_t t = time(&t2);
  const bool ok = t != static_cast<time_t>(-1) && t == t2 && t >= g_last[side];
  g_last[side] = t;
  return ok;
})
SIGIPC_ASYNCSAFE_ROW(ClockGettime, clock_gettime, "signal.asyncsafe.table.clock_gettime",
                     [](int side) {
                       timespec ts;
                       if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return false;
                       const long long ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
                       const bool ok = ns >= g_last[side] && ts.tv_nsec < 1000000000L;
                       g_last[side] = ns;
                       return ok &&
                              failed_with(clock_gettime(static_cast<clockid_t>(-99), &ts), EINVAL);
                     })
SIGIPC_ASYNCSAFE_ROW(Times, times, "signal.asyncsafe.table.times", [](int side) {
  tms t;
  const clock_t c = times(&t);
  const bool ok = c != static_cast<clock_t>(-1) && c >= g_last[side];
  g_last[side] = c;
  return ok;
})
// The main flow sets a 1000 s alarm and cancels it; a handler that
// interrupts it cancels and re-arms whatever alarm it found.
SIGIPC_ASYNCSAFE_ROW(
    Alarm, alarm, "signal.asyncsafe.table.alarm",
    [](int side) {
      if (side == kMain) {
        const unsigned before = alarm(1000);
        const unsigned left = alarm(0);
        return before == 0 && left >= 998 && left <= 1000;
      }
      const unsigned found = alarm(0);
      return alarm(found) == 0 && (found == 0 || (found >= 998 && found <= 1000));
    },
    nullptr, [] { alarm(0); })

// Each call waits for the next signal (the injector keeps sending).
SIGIPC_ASYNCSAFE_ROW(Pause, pause, "signal.asyncsafe.table.pause",
                     [](int) { return failed_with(pause(), EINTR); })
SIGIPC_ASYNCSAFE_ROW(Sleep, sleep, "signal.asyncsafe.table.sleep",
                     [](int) { return sleep(1) <= 1; })
bool usr1_blocked() {
  sigset_t now;
  return sigprocmask(SIG_BLOCK, nullptr, &now) == 0 && sigismember(&now, SIGUSR1) == 1;
}
// In the handler SIGUSR1 stays blocked (SIGUSR2 ends the wait); the mask in
// force before the call comes back.
SIGIPC_ASYNCSAFE_ROW(Sigsuspend, sigsuspend, "signal.asyncsafe.table.sigsuspend", [](int side) {
  sigset_t during;
  sigemptyset(&during);
  if (side == kHandler) sigaddset(&during, SIGUSR1);
  return failed_with(sigsuspend(&during), EINTR) && usr1_blocked() == (side == kHandler);
})
// sigpause() and sigset() are obsolescent XSI calls, still on the list.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
SIGIPC_ASYNCSAFE_ROW(Sigpause, sigpause, "signal.asyncsafe.table.sigpause", [](int side) {
  return failed_with(sigpause(side == kMain ? SIGUSR1 : SIGUSR2), EINTR) &&
         usr1_blocked() == (side == kHandler);
})

// XSH kill(): a signal a process sends itself, unblocked, is delivered (it
// or another pending unblocked one) before kill() returns; the same for
// sigqueue() and raise(). A handler that interrupted the SIGUSR2 handler has
// SIGUSR2 blocked: then it stays pending.
bool delivered_during(int (*send)()) {
  sigset_t mask, pending;
  const sig_atomic_t before = g_deliveries;
  if (sigprocmask(SIG_BLOCK, nullptr, &mask) != 0 || send() != 0) return false;
  if (sigismember(&mask, SIGUSR2) == 0) return g_deliveries != before;
  return sigpending(&pending) == 0 && sigismember(&pending, SIGUSR2) == 1;
}
SIGIPC_ASYNCSAFE_ROW(Kill, kill, "signal.asyncsafe.table.kill", [](int) {
  return delivered_during([] { return kill(getpid(), SIGUSR2); }) &&
         failed_with(kill(getpid(), 12345), EINVAL);
})
SIGIPC_ASYNCSAFE_ROW(Raise, raise, "signal.asyncsafe.table.raise",
                     [](int) { return delivered_during([] { return raise(SIGUSR2); }); })
SIGIPC_ASYNCSAFE_ROW(Sigqueue, sigqueue, "signal.asyncsafe.table.sigqueue", [](int) {
  return delivered_during([] { return sigqueue(getpid(), SIGUSR2, sigval{7}); });
})
SIGIPC_ASYNCSAFE_ROW(PthreadKill, pthread_kill, "signal.asyncsafe.table.pthread_kill", [](int) {
  return pthread_kill(pthread_self(), SIGUSR2) == 0 && pthread_kill(pthread_self(), 0) == 0;
})

bool mask_round_trip(int (*set)(int, const sigset_t*, sigset_t*), int side) {
  sigset_t winch, old, during, back;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  const bool ok = set(SIG_BLOCK, &winch, &old) == 0 && set(SIG_BLOCK, nullptr, &during) == 0 &&
                  sigismember(&during, SIGWINCH) == 1 && set(SIG_SETMASK, &old, &back) == 0;
  // Only the handler has SIGUSR1 blocked (it is the signal it runs for).
  // A handler may have interrupted the main flow with SIGWINCH blocked.
  return ok && (side == kHandler || sigismember(&old, SIGWINCH) == 0) &&
         sigismember(&old, SIGUSR1) == side && sigismember(&back, SIGWINCH) == 1;
}
SIGIPC_ASYNCSAFE_ROW(Sigprocmask, sigprocmask, "signal.asyncsafe.table.sigprocmask",
                     [](int side) { return mask_round_trip(sigprocmask, side); })
SIGIPC_ASYNCSAFE_ROW(PthreadSigmask, pthread_sigmask, "signal.asyncsafe.table.pthread_sigmask",
                     [](int side) { return mask_round_trip(pthread_sigmask, side); })
SIGIPC_ASYNCSAFE_ROW(Sigpending, sigpending, "signal.asyncsafe.table.sigpending", [](int) {
  sigset_t p;
  return sigpending(&p) == 0 && sigismember(&p, SIGWINCH) == 0;
})

// The disposition calls: SIGWINCH starts with on_winch_base; the main flow
// installs its own handler and puts back the one it found, which must be
// the base one; a handler that interrupts it does the same with whatever it
// found, so the main flow still finds the base handler and gets its own back.
void on_winch_base(int) {}
void on_winch_main(int) {}
void on_winch_handler(int) {}
using Disp = void (*)(int);
bool disposition_round_trip(Disp (*set)(int, Disp), int side) {
  const Disp mine = side == kMain ? on_winch_main : on_winch_handler;
  const Disp found = set(SIGWINCH, mine);
  const Disp back = set(SIGWINCH, found);
  if (back != mine) return false;
  return side == kMain ? found == on_winch_base : found == on_winch_base || found == on_winch_main;
}
struct sigaction g_winch_before;
void set_winch_base() {
  struct sigaction sa {};
  sa.sa_handler = on_winch_base;
  sigaction(SIGWINCH, &sa, &g_winch_before);
}
void restore_winch() { sigaction(SIGWINCH, &g_winch_before, nullptr); }
Disp sigaction_set(int sig, Disp h) {
  struct sigaction sa {
  }, old{};
  sa.sa_handler = h;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, &old) == 0 ? old.sa_handler : SIG_ERR;
}
SIGIPC_ASYNCSAFE_ROW(
    Sigaction, sigaction, "signal.asyncsafe.table.sigaction",
    [](int side) { return disposition_round_trip(sigaction_set, side); }, set_winch_base,
    restore_winch)
SIGIPC_ASYNCSAFE_ROW(
    Signal, signal, "signal.asyncsafe.table.signal",
    [](int side) { return disposition_round_trip(signal, side); }, set_winch_base, restore_winch)
SIGIPC_ASYNCSAFE_ROW(
    Sigset, sigset, "signal.asyncsafe.table.sigset",
    [](int side) { return disposition_round_trip(sigset, side); }, set_winch_base, restore_winch)

SIGIPC_ASYNCSAFE_ROW(Sigemptyset, sigemptyset, "signal.asyncsafe.table.sigemptyset", [](int) {
  sigset_t s;
  sigfillset(&s);
  return sigemptyset(&s) == 0 && sigismember(&s, SIGINT) == 0 && sigismember(&s, SIGTERM) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Sigfillset, sigfillset, "signal.asyncsafe.table.sigfillset", [](int) {
  sigset_t s;
  sigemptyset(&s);
  return sigfillset(&s) == 0 && sigismember(&s, SIGINT) == 1 && sigismember(&s, SIGRTMAX) == 1;
})
SIGIPC_ASYNCSAFE_ROW(Sigaddset, sigaddset, "signal.asyncsafe.table.sigaddset", [](int) {
  sigset_t s;
  sigemptyset(&s);
  return sigaddset(&s, SIGHUP) == 0 && sigismember(&s, SIGHUP) == 1 &&
         sigismember(&s, SIGINT) == 0 && failed_with(sigaddset(&s, 0), EINVAL);
})
SIGIPC_ASYNCSAFE_ROW(Sigdelset, sigdelset, "signal.asyncsafe.table.sigdelset", [](int) {
  sigset_t s;
  sigfillset(&s);
  return sigdelset(&s, SIGHUP) == 0 && sigismember(&s, SIGHUP) == 0 &&
         sigismember(&s, SIGINT) == 1 && failed_with(sigdelset(&s, -1), EINVAL);
})
SIGIPC_ASYNCSAFE_ROW(Sigismember, sigismember, "signal.asyncsafe.table.sigismember", [](int) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  return sigismember(&s, SIGTERM) == 1 && sigismember(&s, SIGQUIT) == 0;
})

// One timer per side. Armed for 100 s, it never expires within a row; its
// signal is SIGURG (ignored by default) all the same. Not SIGEV_NONE: Linux
// 6.18 still reports the old time left from timer_gettime() after a SIGEV_NONE
// timer was disarmed (a kernel deviation outside this table).
timer_t g_timer[2];
void make_timers() {
  for (timer_t& t : g_timer) {
    sigevent ev{};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGURG;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0) t = timer_t{};
  }
}
void drop_timers() {
  for (timer_t t : g_timer) timer_delete(t);
}
bool arm_and_disarm(int side) {
  const itimerspec arm{{0, 0}, {100, 0}}, off{};
  itimerspec old, now;
  return timer_settime(g_timer[side], 0, &arm, &old) == 0 && old.it_value.tv_sec == 0 &&
         old.it_value.tv_nsec == 0 && timer_gettime(g_timer[side], &now) == 0 &&
         now.it_value.tv_sec <= 100 && (now.it_value.tv_sec > 0 || now.it_value.tv_nsec > 0) &&
         timer_settime(g_timer[side], 0, &off, nullptr) == 0;
}
SIGIPC_ASYNCSAFE_ROW(TimerSettime, timer_settime, "signal.asyncsafe.table.timer_settime",
                     arm_and_disarm, make_timers, drop_timers)
SIGIPC_ASYNCSAFE_ROW(TimerGettime, timer_gettime, "signal.asyncsafe.table.timer_gettime",
                     arm_and_disarm, make_timers, drop_timers)
SIGIPC_ASYNCSAFE_ROW(
    TimerGetoverrun, timer_getoverrun, "signal.asyncsafe.table.timer_getoverrun",
    [](int side) { return timer_getoverrun(g_timer[side]) == 0; }, make_timers, drop_timers)

// A child that lives until the row ends: waiting for it finds it running.
pid_t g_child = -1;
int g_child_release = -1;
void start_child() {
  int p[2];
  if (pipe(p) != 0) return;
  g_child = fork();
  if (g_child == 0) {
    close(p[1]);
    char c;
    while (read(p[0], &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  close(p[0]);
  g_child_release = p[1];
}
void end_child() {
  close(g_child_release);
  int st;
  while (g_child > 0 && waitpid(g_child, &st, 0) < 0 && errno == EINTR) {
  }
}
SIGIPC_ASYNCSAFE_ROW(
    Waitpid, waitpid, "signal.asyncsafe.table.waitpid",
    [](int) {
      int st;
      return g_child > 0 && waitpid(g_child, &st, WNOHANG) == 0 &&
             failed_with(waitpid(getpid(), &st, WNOHANG), ECHILD);
    },
    start_child, end_child)
// Every child still runs: wait() waits until a signal ends it with EINTR.
SIGIPC_ASYNCSAFE_ROW(
    Wait, wait, "signal.asyncsafe.table.wait",
    [](int) {
      int st;
      return g_child > 0 && failed_with(wait(&st), EINTR);
    },
    start_child, end_child)

// The child only ends; the handler's wait for it may be interrupted.
SIGIPC_ASYNCSAFE_ROW(Fork, fork, "signal.asyncsafe.table.fork", [](int side) {
  const pid_t pid = fork();
  if (pid == 0) _exit(40 + side);
  if (pid < 0) return false;
  int st = 0;
  pid_t w;
  while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
  }
  return w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 40 + side;
})

SIGIPC_ASYNCSAFE_ROW(Longjmp, longjmp, "signal.asyncsafe.table.longjmp", [](int side) {
  jmp_buf jb;
  volatile int jumped = 0;
  const int got = setjmp(jb);
  if (got == 0) {
    jumped = 1;
    longjmp(jb, 5 + side);
  }
  return jumped == 1 && got == 5 + side;
})
SIGIPC_ASYNCSAFE_ROW(Siglongjmp, siglongjmp, "signal.asyncsafe.table.siglongjmp", [](int side) {
  sigjmp_buf jb;
  volatile int jumped = 0;
  const int got = sigsetjmp(jb, 1);
  if (got == 0) {
    jumped = 1;
    siglongjmp(jb, 5 + side);
  }
  return jumped == 1 && got == 5 + side && usr1_blocked() == (side == kHandler);
})

// The handler's posts accumulate (nothing takes them): at the end its
// semaphore's value is the number of posts.
sem_t g_sem[2];
volatile sig_atomic_t g_handler_posts = 0;
SIGIPC_ASYNCSAFE_ROW(
    SemPost, sem_post, "signal.asyncsafe.table.sem_post",
    [](int side) {
      if (sem_post(&g_sem[side]) != 0) return false;
      if (side == kHandler) {
        g_handler_posts = g_handler_posts + 1;
        return true;
      }
      return sem_trywait(&g_sem[kMain]) == 0 && failed_with(sem_trywait(&g_sem[kMain]), EAGAIN);
    },
    [] {
      g_handler_posts = 0;
      for (sem_t& s : g_sem) sem_init(&s, 0, 0);
    },
    [] {
      for (sem_t& s : g_sem) sem_destroy(&s);
    },
    []() -> const char* {
      int v = -1;
      sem_getvalue(&g_sem[kHandler], &v);
      return v == g_handler_posts ? nullptr : "the handler's semaphore lost posts";
    })

SIGIPC_ASYNCSAFE_ROW(
    PosixTraceEvent, posix_trace_event, "signal.asyncsafe.table.posix_trace_event",
    [](int) { return false; }, nullptr, nullptr, nullptr,
    []() -> const char* {
      return posix_trace_event ? "posix_trace_event() exists but this suite has no trace "
                                 "stream set-up for it"
                               : "the libc has no posix_trace_event() (the Trace option, "
                                 "withdrawn in POSIX.1-2024)";
    })

// The ending rows: /bin/sh -c 'exit 42' stands in for any program.
char* const g_argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"),
                        const_cast<char*>("exit 42"), nullptr};
char* const g_envp[] = {const_cast<char*>("PATH=/bin:/usr/bin"), nullptr};
int g_sh_fd = -1;
const char* need_sh() { return access("/bin/sh", X_OK) == 0 ? nullptr : "no /bin/sh to execute"; }
constexpr asyncsafe_table::Ending kExit42{42, 0};
SIGIPC_ASYNCSAFE_ENDING_ROW(UnderscoreExit, _exit, "signal.asyncsafe.table._exit", kExit42,
                            [](int) -> bool { _exit(42); })
SIGIPC_ASYNCSAFE_ENDING_ROW(UnderscoreUpperExit, _Exit, "signal.asyncsafe.table._exit-capital-e",
                            kExit42, [](int) -> bool { _Exit(42); })
SIGIPC_ASYNCSAFE_ENDING_ROW(Abort, abort, "signal.asyncsafe.table.abort",
                            (asyncsafe_table::Ending{-1, SIGABRT}), [](int) -> bool { abort(); })
SIGIPC_ASYNCSAFE_ENDING_ROW(
    Execl, execl, "signal.asyncsafe.table.execl", kExit42,
    [](int) { return execl("/bin/sh", "sh", "-c", "exit 42", static_cast<char*>(nullptr)) == 0; },
    nullptr, nullptr, nullptr, need_sh)
SIGIPC_ASYNCSAFE_ENDING_ROW(
    Execle, execle, "signal.asyncsafe.table.execle", kExit42,
    [](int) {
      return execle("/bin/sh", "sh", "-c", "exit 42", static_cast<char*>(nullptr), g_envp) == 0;
    },
    nullptr, nullptr, nullptr, need_sh)
SIGIPC_ASYNCSAFE_ENDING_ROW(
    Execv, execv, "signal.asyncsafe.table.execv", kExit42,
    [](int) { return execv("/bin/sh", g_argv) == 0; }, nullptr, nullptr, nullptr, need_sh)
SIGIPC_ASYNCSAFE_ENDING_ROW(
    Execve, execve, "signal.asyncsafe.table.execve", kExit42,
    [](int) { return execve("/bin/sh", g_argv, g_envp) == 0; }, nullptr, nullptr, nullptr, need_sh)
SIGIPC_ASYNCSAFE_ENDING_ROW(
    Fexecve, fexecve, "signal.asyncsafe.table.fexecve", kExit42,
    [](int) { return fexecve(g_sh_fd, g_argv, g_envp) == 0; },
    [] { g_sh_fd = open("/bin/sh", O_RDONLY); }, [] { close(g_sh_fd); }, nullptr, need_sh)

}  // namespace
}  // namespace sigipc

// Missing (ENOSYS) versus denied (EPERM) for calls libc makes that a kernel
// may lack (too old, or built without the feature) or a sandbox may refuse.
// Where the libc documents a fallback the test holds it to that; elsewhere it
// holds libc to one of two honest answers (a fallback that works, or the
// kernel's errno passed through unchanged) and notes which one it saw.
// glibc 2.36 / x86_64 (strace): pipe -> pipe2; eventfd -> eventfd2;
// signalfd -> signalfd4; nanosleep and clock_nanosleep -> clock_nanosleep;
// faccessat(AT_EACCESS) -> faccessat2; closefrom -> close_range;
// memfd_create, pidfd_open, pidfd_send_signal, mq_open, timer_create -> the
// syscalls of the same name. x86_64 has no *_time64 syscalls (those are the
// 32-bit ABIs'), so there is no time64-to-legacy fallback to test here;
// glibc 2.36 wraps neither membarrier nor openat2, so libc never makes them.
// Linux-specific. Each test names the glibc release from which the call is
// known to be made; other libcs are held to the outcome only
// (missing_denied_helpers.h).
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/linux_calls.h"
#include "fixtures/signal_guards.h"
#include "suites/injection/missing_denied_helpers.h"

namespace sigipc {
namespace {

using injection::Outcome;

void try_pipe(Outcome* o) {
  int fds[2] = {-1, -1};
  errno = 0;
  o->rc = pipe(fds);
  o->err = errno;
  if (o->rc == 0) {
    char c = 0;
    o->works = write(fds[1], "x", 1) == 1 && read(fds[0], &c, 1) == 1 && c == 'x';
    close(fds[0]);
    close(fds[1]);
  }
}

void try_eventfd(Outcome* o) {
  errno = 0;
  int fd = eventfd(2, EFD_CLOEXEC);
  o->rc = fd < 0 ? -1 : 0;
  o->err = errno;
  if (fd >= 0) {
    eventfd_t v = 0;
    o->works = eventfd_read(fd, &v) == 0 && v == 2;
    close(fd);
  }
}

void try_signalfd(Outcome* o) {
  // Blocked, or the SIGUSR1 that checks a descriptor from a fallback would
  // end the child by its default action instead of reaching the descriptor.
  SignalMask mask;
  mask.block(SIGUSR1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  errno = 0;
  int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  o->rc = fd < 0 ? -1 : 0;
  o->err = errno;
  if (fd >= 0) {
    signalfd_siginfo si{};
    o->works = kill(getpid(), SIGUSR1) == 0 && read(fd, &si, sizeof si) == sizeof si &&
               si.ssi_signo == SIGUSR1;
    close(fd);
  }
}

void try_pidfd_open(Outcome* o) {
  errno = 0;
  int fd = pidfd_open(getpid(), 0);
  o->rc = fd < 0 ? -1 : 0;
  o->err = errno;
  if (fd >= 0) {
    o->works = pidfd_send_signal(fd, 0, nullptr, 0) == 0;
    close(fd);
  }
}

void try_pidfd_send_signal(Outcome* o) {
  int fd = pidfd_open(getpid(), 0);
  if (fd < 0) {
    o->rc = -2;
    return;
  }
  errno = 0;
  o->rc = pidfd_send_signal(fd, 0, nullptr, 0);
  o->err = errno;
  o->works = o->rc == 0;
  close(fd);
}

void try_memfd(Outcome* o) {
  errno = 0;
  int fd = memfd_create("sigipc", MFD_CLOEXEC);
  o->rc = fd < 0 ? -1 : 0;
  o->err = errno;
  if (fd >= 0) {
    char c = 0;
    o->works = write(fd, "m", 1) == 1 && pread(fd, &c, 1, 0) == 1 && c == 'm';
    close(fd);
  }
}

void try_mq_open(Outcome* o) {
  // The name is unlinked by the test process's MqName guard; the queue never
  // comes to exist when the call fails.
  const char* name = getenv("SIGIPC_ERRPATH_MQ");
  mq_attr a{};
  a.mq_maxmsg = 2;
  a.mq_msgsize = 8;
  errno = 0;
  mqd_t d = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
  o->rc = d == static_cast<mqd_t>(-1) ? -1 : 0;
  o->err = errno;
  if (o->rc == 0) {
    char buf[8];
    o->works = mq_send(d, "q", 1, 0) == 0 && mq_receive(d, buf, sizeof buf, nullptr) == 1;
    mq_close(d);
    mq_unlink(name);
  }
}

void try_timer_create(Outcome* o) {
  sigevent ev{};
  ev.sigev_notify = SIGEV_NONE;
  timer_t t{};
  errno = 0;
  o->rc = timer_create(CLOCK_MONOTONIC, &ev, &t);
  o->err = errno;
  if (o->rc == 0) {
    itimerspec v{};
    o->works = timer_gettime(t, &v) == 0;
    timer_delete(t);
  }
}

void try_clock_nanosleep(Outcome* o) {
  timespec d{0, 1000};
  o->rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, nullptr);
  o->err = static_cast<int>(o->rc);
  o->works = o->rc == 0;
}

void try_nanosleep(Outcome* o) {
  timespec d{0, 1000};
  errno = 0;
  o->rc = nanosleep(&d, nullptr);
  o->err = errno;
  o->works = o->rc == 0;
}

void try_close_range(Outcome* o) {
  int fd = dup(0);
  errno = 0;
  o->rc = close_range(static_cast<unsigned>(fd), static_cast<unsigned>(fd), 0);
  o->err = errno;
  o->works = o->rc == 0 && fcntl(fd, F_GETFD) == -1;
  if (o->rc != 0) close(fd);
}

// since: the glibc release from which the function is known to make syscall
// (missing_denied_helpers.h), "" for every release.
#define MISSING_CASE(Name, id, clause, what, call, syscall, ERR, returns_errno, since)  \
  SIGIPC_TEST_T(MissingVsDenied, Name, injection::kSpawnTimeoutS, id, clause,           \
                what " under " syscall "=" #ERR                                         \
                     " either falls back to a call that works "                         \
                     "or reports " #ERR " unchanged (Linux-specific)") {                \
    ERRPATH_REQUIRE_FILTERS();                                                          \
    EXPECT_TRUE(injection::FellBackOrPassedThroughUnder(what, syscall, #ERR, ERR, call, \
                                                        returns_errno, since));         \
  }

// The same call under a missing (ENOSYS) and under a denied (EPERM) syscall:
// two tests, Base##Missing (id_enosys) and Base##Denied (id_eperm), held to
// the same rule.
#define MISSING_AND_DENIED(Base, id_enosys, id_eperm, clause, what, call, syscall, returns_errno, \
                           since)                                                                 \
  MISSING_CASE(Base##Missing, id_enosys, clause, what, call, syscall, ENOSYS, returns_errno,      \
               since)                                                                             \
  MISSING_CASE(Base##Denied, id_eperm, clause, what, call, syscall, EPERM, returns_errno, since)

MISSING_AND_DENIED(PipeWithPipe2, "injection.missing.pipe-pipe2-enosys",
                   "injection.missing.pipe-pipe2-eperm", "XSH pipe(); Linux pipe(2)", "pipe()",
                   try_pipe, "pipe2", false, "2.36")
MISSING_AND_DENIED(EventfdWithEventfd2, "injection.missing.eventfd-eventfd2-enosys",
                   "injection.missing.eventfd-eventfd2-eperm", "Linux-only, eventfd(2)",
                   "eventfd()", try_eventfd, "eventfd2", false, "")
MISSING_AND_DENIED(SignalfdWithSignalfd4, "injection.missing.signalfd-signalfd4-enosys",
                   "injection.missing.signalfd-signalfd4-eperm", "Linux-only, signalfd(2)",
                   "signalfd()", try_signalfd, "signalfd4", false, "")
MISSING_AND_DENIED(PidfdOpen, "injection.missing.pidfd-open-enosys",
                   "injection.missing.pidfd-open-eperm", "Linux-only, pidfd_open(2)",
                   "pidfd_open()", try_pidfd_open, "pidfd_open", false, "")
MISSING_AND_DENIED(PidfdSendSignal, "injection.missing.pidfd-send-signal-enosys",
                   "injection.missing.pidfd-send-signal-eperm", "Linux-only, pidfd_send_signal(2)",
                   "pidfd_send_signal()", try_pidfd_send_signal, "pidfd_send_signal", false, "")
MISSING_AND_DENIED(MemfdCreate, "injection.missing.memfd-create-enosys",
                   "injection.missing.memfd-create-eperm", "Linux-only, memfd_create(2)",
                   "memfd_create()", try_memfd, "memfd_create", false, "")
MISSING_CASE(TimerCreateMissing, "injection.missing.timer-create-enosys",
             "XSH timer_create(); Linux timer_create(2)", "timer_create()", try_timer_create,
             "timer_create", ENOSYS, false, "")
MISSING_AND_DENIED(ClockNanosleep, "injection.missing.clock-nanosleep-enosys",
                   "injection.missing.clock-nanosleep-eperm", "XSH clock_nanosleep() RETURN VALUE",
                   "clock_nanosleep()", try_clock_nanosleep, "clock_nanosleep", true, "")
MISSING_CASE(NanosleepWithClockNanosleepMissing,
             "injection.missing.nanosleep-clock-nanosleep-enosys", "XSH nanosleep()", "nanosleep()",
             try_nanosleep, "clock_nanosleep", ENOSYS, false, "2.31")
MISSING_CASE(CloseRangeMissing, "injection.missing.close-range-enosys",
             "Linux-only, close_range(2)", "close_range()", try_close_range, "close_range", ENOSYS,
             false, "")

// call under "syscall=ERR": the injection shows, and call failed with -1 and
// err unchanged (no fallback). since: as for MISSING_CASE.
void ExpectPassedThrough(const char* syscall, const char* err_name, int err, void (*call)(Outcome*),
                         const char* what, const char* since) {
  const injection::Tried t = injection::try_under(syscall, err_name, call);
  MISSING_REQUIRE_TRIED(t, what, syscall, err, since);
  EXPECT_INJECTED_AND_HELD(t.run, syscall, err);
  EXPECT_EQ(t.out.rc, -1);
  EXPECT_EQ(t.out.err, err) << what << " returned " << t.out.rc << " with " << ErrnoText(t.out.err);
}

// A queue name the test process owns (and unlinks), handed to the body.
struct MqNameEnv {
  MqName name{"missing"};
  MqNameEnv() { setenv("SIGIPC_ERRPATH_MQ", name.c_str(), 1); }
  ~MqNameEnv() { unsetenv("SIGIPC_ERRPATH_MQ"); }
};

SIGIPC_TEST(MissingVsDenied, MqOpenReportsEnosysWithoutPosixMqueue,
            "injection.missing.mq-open-enosys",
            "Linux mq_overview(7) (CONFIG_POSIX_MQUEUE); XSH 2.3 Error Numbers ENOSYS",
            "With the mq syscalls missing (a kernel without CONFIG_POSIX_MQUEUE), mq_open() "
            "fails with -1 and ENOSYS (there is nothing to fall back to)") {
  ERRPATH_REQUIRE_FILTERS();
  MqNameEnv name;
  ExpectPassedThrough("mq_open", "ENOSYS", ENOSYS, try_mq_open, "mq_open", "");
}

SIGIPC_TEST(MissingVsDenied, MqOpenPassesEpermThrough, "injection.missing.mq-open-eperm",
            "XSH mq_open() (Linux/glibc-specific)",
            "With mq_open denied (EPERM), mq_open() fails with -1 and EPERM unchanged") {
  ERRPATH_REQUIRE_FILTERS();
  MqNameEnv name;
  ExpectPassedThrough("mq_open", "EPERM", EPERM, try_mq_open, "mq_open", "");
}

void try_faccessat(Outcome* o) {
  errno = 0;
  o->rc = faccessat(AT_FDCWD, "/", R_OK, AT_EACCESS);
  o->err = errno;
  o->works = o->rc == 0;
}

SIGIPC_TEST(MissingVsDenied, FaccessatFallsBackFromFaccessat2OnEnosys,
            "injection.missing.faccessat-faccessat2-enosys",
            "glibc 2.33+ sysdeps/unix/sysv/linux/faccessat.c (Linux/glibc-specific)",
            "With faccessat2 missing (ENOSYS), faccessat(AT_EACCESS) falls back (faccessat or "
            "an emulation) and answers the access check") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_TRUE(injection::SucceededUnder("faccessat", "faccessat2", "ENOSYS", ENOSYS, try_faccessat,
                                        "faccessat returned 0 but is not marked working", "2.33"));
}

SIGIPC_TEST(MissingVsDenied, FaccessatPassesFaccessat2EpermThrough,
            "injection.missing.faccessat-faccessat2-eperm",
            "glibc 2.33+ sysdeps/unix/sysv/linux/faccessat.c (Linux/glibc-specific)",
            "With faccessat2 denied (EPERM), faccessat() does not fall back (only ENOSYS means "
            "missing): it fails with -1 and EPERM") {
  ERRPATH_REQUIRE_FILTERS();
  ExpectPassedThrough("faccessat2", "EPERM", EPERM, try_faccessat, "faccessat", "2.33");
}

// closefrom() is a glibc 2.34 (and BSD) function; musl and older glibc have
// none, and the closefrom tests say so as UNSUPPORTED.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
#define SIGIPC_LIBC_HAS_CLOSEFROM 1
#else
#define SIGIPC_LIBC_HAS_CLOSEFROM 0
#endif

// closefrom(fd) with fd and fd+1 open: both must be closed afterwards (rc -2:
// the set-up in the child failed).
void try_closefrom(Outcome* o) {
#if SIGIPC_LIBC_HAS_CLOSEFROM
  int a = fcntl(0, F_DUPFD, 200);
  int b = fcntl(0, F_DUPFD, 201);
  if (a < 0 || b < 0) {
    o->rc = -2;
    return;
  }
  closefrom(a);
  o->rc = 0;
  o->works = fcntl(a, F_GETFD) == -1 && fcntl(b, F_GETFD) == -1;
#else
  o->rc = -2;
#endif
}

// closefrom() under "close_range=ERR" closed every descriptor all the same.
void ExpectClosefromClosedAll(const char* err_name, int err) {
  if (!SIGIPC_LIBC_HAS_CLOSEFROM) SIGIPC_UNSUPPORTED("this libc has no closefrom() (glibc 2.34+)");
  EXPECT_TRUE(injection::SucceededUnder("closefrom", "close_range", err_name, err, try_closefrom,
                                        "closefrom left descriptors open", "2.34"));
}

SIGIPC_TEST(MissingVsDenied, ClosefromFallsBackFromCloseRangeOnEnosys,
            "injection.missing.closefrom-close-range-enosys",
            "glibc 2.34 NEWS (closefrom); glibc io/closefrom.c (Linux/glibc-specific)",
            "With close_range missing (ENOSYS), closefrom() still closes every descriptor from "
            "the given one up (glibc walks /proc/self/fd instead)") {
  ERRPATH_REQUIRE_FILTERS();
  ExpectClosefromClosedAll("ENOSYS", ENOSYS);
}

SIGIPC_TEST(MissingVsDenied, ClosefromFallsBackFromCloseRangeOnEperm,
            "injection.missing.closefrom-close-range-eperm",
            "glibc 2.34 NEWS (closefrom); glibc io/closefrom.c (Linux/glibc-specific)",
            "With close_range denied (EPERM), closefrom() (which returns nothing and cannot "
            "report a failure) still closes every descriptor from the given one up") {
  ERRPATH_REQUIRE_FILTERS();
  ExpectClosefromClosedAll("EPERM", EPERM);
}

}  // namespace
}  // namespace sigipc

// Error paths of the Linux descriptor interfaces: eventfd(), signalfd(),
// pidfd_open(), pidfd_send_signal() (all Linux-only). glibc 2.36 / x86_64
// (strace): eventfd -> eventfd2; signalfd -> signalfd4; pidfd_open and
// pidfd_send_signal -> the syscalls of the same name. A failed creation opens
// no descriptor; a failed read consumes nothing; a failed update keeps the
// mask; a failed send sends nothing.
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "fixtures/linux_calls.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

injection::Run failed_eventfd(const char* err_name, int err) {
  return injection::run({injection::rule("eventfd2", "", err_name)},
                        [err] { CHILD_CHECK_ERRNO_OPENS_NOTHING(eventfd(0, EFD_CLOEXEC), err); });
}

#define EVENTFD_CASE(Name, id, ERR)                           \
  ERRPATH_CASE(Name, id, "Linux eventfd(2) ERRORS",           \
               "eventfd() whose kernel call fails with " #ERR \
               " returns -1 with that errno "                 \
               "and opens no descriptor (Linux-only)",        \
               failed_eventfd, "eventfd2", ERR)

EVENTFD_CASE(EventfdEinvalOpensNothing, "injection.errpath.eventfd-einval", EINVAL)
EVENTFD_CASE(EventfdEmfileOpensNothing, "injection.errpath.eventfd-emfile", EMFILE)
EVENTFD_CASE(EventfdEnfileOpensNothing, "injection.errpath.eventfd-enfile", ENFILE)
EVENTFD_CASE(EventfdEnodevOpensNothing, "injection.errpath.eventfd-enodev", ENODEV)
EVENTFD_CASE(EventfdEnomemOpensNothing, "injection.errpath.eventfd-enomem", ENOMEM)

// The counter holds 5; eventfd_read fails with err; a read through another
// descriptor still gets 5.
injection::Run failed_eventfd_read(const char* err_name, int err) {
  UniqueFd efd(SETUP_OK(eventfd(5, EFD_CLOEXEC | EFD_NONBLOCK)));
  return injection::run({injection::rule("read", eq(0, efd.get()), err_name)}, [&efd, err] {
    eventfd_t v = 0;
    CHILD_CHECK_ERRNO(eventfd_read(efd.get(), &v), err);
    int again = dup(efd.get());
    CHILD_CHECK(again >= 0);
    CHILD_CHECK_OK(eventfd_read(again, &v));
    CHILD_CHECK_EQ(v, 5);
    close(again);
  });
}

#define EVENTFD_READ_CASE(Name, id, clause, ERR)                                                  \
  ERRPATH_CASE(Name, id, clause,                                                                  \
               "read() of an eventfd whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and leaves the counter as it was (Linux-only)",                                  \
               failed_eventfd_read, "read", ERR)

EVENTFD_READ_CASE(EventfdReadEagainConsumesNothing, "injection.errpath.eventfd-read-eagain",
                  "Linux eventfd(2) ERRORS", EAGAIN)
EVENTFD_READ_CASE(EventfdReadEintrConsumesNothing, "injection.errpath.eventfd-read-eintr",
                  "Linux eventfd(2), read(2)", EINTR)

// eventfd_write(3) fails with err; the counter stays 5.
injection::Run failed_eventfd_write(const char* err_name, int err) {
  UniqueFd efd(SETUP_OK(eventfd(5, EFD_CLOEXEC | EFD_NONBLOCK)));
  return injection::run({injection::rule("write", eq(0, efd.get()), err_name)}, [&efd, err] {
    CHILD_CHECK_ERRNO(eventfd_write(efd.get(), 3), err);
    eventfd_t v = 0;
    CHILD_CHECK_OK(eventfd_read(efd.get(), &v));
    CHILD_CHECK_EQ(v, 5);
  });
}

ERRPATH_CASE(EventfdWriteEagainAddsNothing, "injection.errpath.eventfd-write-eagain",
             "Linux eventfd(2) ERRORS",
             "write() to an eventfd whose kernel call fails with EAGAIN returns -1 with EAGAIN "
             "and leaves the counter as it was (Linux-only)",
             failed_eventfd_write, "write", EAGAIN)

injection::Run failed_signalfd_create(const char* err_name, int err) {
  return injection::run({injection::rule("signalfd4", "", err_name)}, [err] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHILD_CHECK_ERRNO_OPENS_NOTHING(signalfd(-1, &set, SFD_CLOEXEC), err);
  });
}

#define SIGNALFD_CASE(Name, id, ERR)                                  \
  ERRPATH_CASE(Name, id, "Linux signalfd(2) ERRORS",                  \
               "signalfd(-1, ...) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "that errno and opens no descriptor (Linux-only)",     \
               failed_signalfd_create, "signalfd4", ERR)

SIGNALFD_CASE(SignalfdEmfileOpensNothing, "injection.errpath.signalfd-emfile", EMFILE)
SIGNALFD_CASE(SignalfdEnfileOpensNothing, "injection.errpath.signalfd-enfile", ENFILE)
SIGNALFD_CASE(SignalfdEnodevOpensNothing, "injection.errpath.signalfd-enodev", ENODEV)
SIGNALFD_CASE(SignalfdEnomemOpensNothing, "injection.errpath.signalfd-enomem", ENOMEM)

// The "sigmask:" line of /proc/self/fdinfo/FD (hex), or "" when unreadable.
std::string fdinfo_sigmask(int fd) {
  std::ifstream f("/proc/self/fdinfo/" + std::to_string(fd));
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("sigmask:", 0) == 0) return line;
  return "";
}

// signalfd(fd, {SIGUSR1, SIGUSR2}) on a signalfd of SIGUSR1 fails with err;
// the descriptor keeps its mask.
injection::Run failed_signalfd_update(const char* err_name, int err) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  UniqueFd sfd(SETUP_OK(signalfd(-1, &one, SFD_CLOEXEC | SFD_NONBLOCK)));
  return injection::run({injection::rule("signalfd4", eq(0, sfd.get()), err_name)}, [&sfd, err] {
    std::string before = fdinfo_sigmask(sfd.get());
    CHILD_CHECK(!before.empty());
    sigset_t two;
    sigemptyset(&two);
    sigaddset(&two, SIGUSR1);
    sigaddset(&two, SIGUSR2);
    CHILD_CHECK_ERRNO(signalfd(sfd.get(), &two, 0), err);
    CHILD_CHECK(fdinfo_sigmask(sfd.get()) == before);
  });
}

#define SIGNALFD_UPDATE_CASE(Name, id, ERR)                                                \
  ERRPATH_CASE(Name, id, "Linux signalfd(2) ERRORS",                                       \
               "signalfd() on an existing signalfd whose kernel call fails with " #ERR     \
               " returns -1 with " #ERR " and the descriptor keeps its mask (Linux-only)", \
               failed_signalfd_update, "signalfd4", ERR)

SIGNALFD_UPDATE_CASE(SignalfdUpdateEinvalKeepsMask, "injection.errpath.signalfd-update-einval",
                     EINVAL)
SIGNALFD_UPDATE_CASE(SignalfdUpdateEbadfKeepsMask, "injection.errpath.signalfd-update-ebadf", EBADF)

// SIGUSR1 is pending; read of the signalfd fails with err; the signal is
// still pending and a read through another descriptor gets it.
injection::Run failed_signalfd_read(const char* err_name, int err) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  UniqueFd sfd(SETUP_OK(signalfd(-1, &one, SFD_CLOEXEC | SFD_NONBLOCK)));
  return injection::run_blocking(
      SIGUSR1, {injection::rule("read", eq(0, sfd.get()), err_name)}, [&sfd, err] {
        CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
        signalfd_siginfo si{};
        CHILD_CHECK_ERRNO(read(sfd.get(), &si, sizeof si), err);
        int again = dup(sfd.get());
        CHILD_CHECK(again >= 0);
        CHILD_CHECK_EQ(read(again, &si, sizeof si), static_cast<long>(sizeof si));
        CHILD_CHECK_EQ(si.ssi_signo, SIGUSR1);
        close(again);
      });
}

#define SIGNALFD_READ_CASE(Name, id, clause, ERR)                                                 \
  ERRPATH_CASE(Name, id, clause,                                                                  \
               "read() of a signalfd whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and the signal stays pending for a later read (Linux-only)",                     \
               failed_signalfd_read, "read", ERR)

SIGNALFD_READ_CASE(SignalfdReadEagainLeavesSignalPending, "injection.errpath.signalfd-read-eagain",
                   "Linux signalfd(2) ERRORS", EAGAIN)
SIGNALFD_READ_CASE(SignalfdReadEintrLeavesSignalPending, "injection.errpath.signalfd-read-eintr",
                   "Linux signalfd(2), read(2)", EINTR)

injection::Run failed_pidfd_open(const char* err_name, int err) {
  return injection::run({injection::rule("pidfd_open", "", err_name)},
                        [err] { CHILD_CHECK_ERRNO_OPENS_NOTHING(pidfd_open(getpid(), 0), err); });
}

#define PIDFD_OPEN_CASE(Name, id, ERR)                           \
  ERRPATH_CASE(Name, id, "Linux pidfd_open(2) ERRORS",           \
               "pidfd_open() whose kernel call fails with " #ERR \
               " returns -1 with that "                          \
               "errno and opens no descriptor (Linux-only)",     \
               failed_pidfd_open, "pidfd_open", ERR)

PIDFD_OPEN_CASE(PidfdOpenEinvalOpensNothing, "injection.errpath.pidfd-open-einval", EINVAL)
PIDFD_OPEN_CASE(PidfdOpenEmfileOpensNothing, "injection.errpath.pidfd-open-emfile", EMFILE)
PIDFD_OPEN_CASE(PidfdOpenEnfileOpensNothing, "injection.errpath.pidfd-open-enfile", ENFILE)
PIDFD_OPEN_CASE(PidfdOpenEsrchOpensNothing, "injection.errpath.pidfd-open-esrch", ESRCH)

// pidfd_send_signal(self, SIGUSR1) fails with err; nothing becomes pending.
injection::Run failed_pidfd_send(const char* err_name, int err) {
  return injection::run_blocking(
      SIGUSR1, {injection::rule("pidfd_send_signal", eq(1, SIGUSR1), err_name)}, [err] {
        int pfd = pidfd_open(getpid(), 0);
        CHILD_CHECK(pfd >= 0);
        CHILD_CHECK_ERRNO(pidfd_send_signal(pfd, SIGUSR1, nullptr, 0), err);
        sigset_t p;
        sigemptyset(&p);
        CHILD_CHECK_OK(sigpending(&p));
        CHILD_CHECK_EQ(sigismember(&p, SIGUSR1), 0);
        close(pfd);
      });
}

#define PIDFD_SEND_CASE(Name, id, ERR)                                  \
  ERRPATH_CASE(Name, id, "Linux pidfd_send_signal(2) ERRORS",           \
               "pidfd_send_signal() whose kernel call fails with " #ERR \
               " returns -1 with "                                      \
               "that errno and sends nothing (Linux-only)",             \
               failed_pidfd_send, "pidfd_send_signal", ERR)

PIDFD_SEND_CASE(PidfdSendSignalEpermSendsNothing, "injection.errpath.pidfd-send-eperm", EPERM)
PIDFD_SEND_CASE(PidfdSendSignalEsrchSendsNothing, "injection.errpath.pidfd-send-esrch", ESRCH)
PIDFD_SEND_CASE(PidfdSendSignalEinvalSendsNothing, "injection.errpath.pidfd-send-einval", EINVAL)

}  // namespace
}  // namespace sigipc

// Error paths of the Linux descriptor interfaces: eventfd(), signalfd(),
// pidfd_open(), pidfd_send_signal() (all Linux-only). glibc 2.36 / x86_64
// (strace): eventfd -> eventfd2; signalfd -> signalfd4; pidfd_open and
// pidfd_send_signal -> the syscalls of the same name, so each wrapper has
// only the failure to pass back: -1 and the errno. Descriptors, counters,
// masks and pending signals live in the kernel, which never ran the failed
// call: they are not checked afterwards.
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "fixtures/linux_calls.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

injection::Run failed_eventfd(const char* err_name, int err) {
  return injection::run({injection::rule("eventfd2", "", err_name)},
                        [err] { CHILD_CHECK_ERRNO(eventfd(0, EFD_CLOEXEC), err); });
}

#define EVENTFD_CASE(Name, id, ERR)                                                          \
  ERRPATH_CASE(Name, id, "Linux-only, eventfd(2) RETURN VALUE, ERRORS",                      \
               "eventfd() whose kernel call fails with " #ERR " returns -1 with errno " #ERR \
               " (Linux-only)",                                                              \
               failed_eventfd, "eventfd2", ERR)

EVENTFD_CASE(EventfdEinvalIsReported, "injection.errpath.eventfd-einval", EINVAL)
EVENTFD_CASE(EventfdEmfileIsReported, "injection.errpath.eventfd-emfile", EMFILE)
EVENTFD_CASE(EventfdEnfileIsReported, "injection.errpath.eventfd-enfile", ENFILE)
EVENTFD_CASE(EventfdEnodevIsReported, "injection.errpath.eventfd-enodev", ENODEV)
EVENTFD_CASE(EventfdEnomemIsReported, "injection.errpath.eventfd-enomem", ENOMEM)

// eventfd_read of a counter holding 5 fails with err.
injection::Run failed_eventfd_read(const char* err_name, int err) {
  UniqueFd efd(SETUP_OK(eventfd(5, EFD_CLOEXEC | EFD_NONBLOCK)));
  return injection::run({injection::rule("read", eq(0, efd.get()), err_name)}, [&efd, err] {
    eventfd_t v = 0;
    CHILD_CHECK_ERRNO(eventfd_read(efd.get(), &v), err);
  });
}

#define EVENTFD_READ_CASE(Name, id, clause, ERR)                         \
  ERRPATH_CASE(Name, id, clause,                                         \
               "read() of an eventfd whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR " (Linux-only)",           \
               failed_eventfd_read, "read", ERR)

EVENTFD_READ_CASE(EventfdReadEagainIsReported, "injection.errpath.eventfd-read-eagain",
                  "Linux-only, eventfd(2) RETURN VALUE, ERRORS", EAGAIN)
EVENTFD_READ_CASE(EventfdReadEintrIsReported, "injection.errpath.eventfd-read-eintr",
                  "Linux-only, eventfd(2), read(2)", EINTR)

// eventfd_write(3) fails with err.
injection::Run failed_eventfd_write(const char* err_name, int err) {
  UniqueFd efd(SETUP_OK(eventfd(5, EFD_CLOEXEC | EFD_NONBLOCK)));
  return injection::run({injection::rule("write", eq(0, efd.get()), err_name)},
                        [&efd, err] { CHILD_CHECK_ERRNO(eventfd_write(efd.get(), 3), err); });
}

ERRPATH_CASE(EventfdWriteEagainIsReported, "injection.errpath.eventfd-write-eagain",
             "Linux-only, eventfd(2) RETURN VALUE, ERRORS",
             "write() to an eventfd whose kernel call fails with EAGAIN returns -1 with errno "
             "EAGAIN (Linux-only)",
             failed_eventfd_write, "write", EAGAIN)

injection::Run failed_signalfd_create(const char* err_name, int err) {
  return injection::run({injection::rule("signalfd4", "", err_name)}, [err] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHILD_CHECK_ERRNO(signalfd(-1, &set, SFD_CLOEXEC), err);
  });
}

#define SIGNALFD_CASE(Name, id, ERR)                                     \
  ERRPATH_CASE(Name, id, "Linux-only, signalfd(2) RETURN VALUE, ERRORS", \
               "signalfd(-1, ...) whose kernel call fails with " #ERR    \
               " returns -1 with errno " #ERR " (Linux-only)",           \
               failed_signalfd_create, "signalfd4", ERR)

SIGNALFD_CASE(SignalfdEmfileIsReported, "injection.errpath.signalfd-emfile", EMFILE)
SIGNALFD_CASE(SignalfdEnfileIsReported, "injection.errpath.signalfd-enfile", ENFILE)
SIGNALFD_CASE(SignalfdEnodevIsReported, "injection.errpath.signalfd-enodev", ENODEV)
SIGNALFD_CASE(SignalfdEnomemIsReported, "injection.errpath.signalfd-enomem", ENOMEM)

// signalfd(fd, {SIGUSR1, SIGUSR2}) on a signalfd of SIGUSR1 fails with err.
injection::Run failed_signalfd_update(const char* err_name, int err) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  UniqueFd sfd(SETUP_OK(signalfd(-1, &one, SFD_CLOEXEC | SFD_NONBLOCK)));
  return injection::run({injection::rule("signalfd4", eq(0, sfd.get()), err_name)}, [&sfd, err] {
    sigset_t two;
    sigemptyset(&two);
    sigaddset(&two, SIGUSR1);
    sigaddset(&two, SIGUSR2);
    CHILD_CHECK_ERRNO(signalfd(sfd.get(), &two, 0), err);
  });
}

#define SIGNALFD_UPDATE_CASE(Name, id, ERR)                                            \
  ERRPATH_CASE(Name, id, "Linux-only, signalfd(2) RETURN VALUE, ERRORS",               \
               "signalfd() on an existing signalfd whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR " (Linux-only)",                         \
               failed_signalfd_update, "signalfd4", ERR)

SIGNALFD_UPDATE_CASE(SignalfdUpdateEinvalIsReported, "injection.errpath.signalfd-update-einval",
                     EINVAL)
SIGNALFD_UPDATE_CASE(SignalfdUpdateEbadfIsReported, "injection.errpath.signalfd-update-ebadf",
                     EBADF)

// SIGUSR1 is pending; read of the signalfd fails with err.
injection::Run failed_signalfd_read(const char* err_name, int err) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  UniqueFd sfd(SETUP_OK(signalfd(-1, &one, SFD_CLOEXEC | SFD_NONBLOCK)));
  return injection::run_blocking(SIGUSR1, {injection::rule("read", eq(0, sfd.get()), err_name)},
                                 [&sfd, err] {
                                   CHILD_CHECK_OK(kill(getpid(), SIGUSR1));
                                   signalfd_siginfo si{};
                                   CHILD_CHECK_ERRNO(read(sfd.get(), &si, sizeof si), err);
                                 });
}

#define SIGNALFD_READ_CASE(Name, id, clause, ERR)                        \
  ERRPATH_CASE(Name, id, clause,                                         \
               "read() of a signalfd whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR " (Linux-only)",           \
               failed_signalfd_read, "read", ERR)

SIGNALFD_READ_CASE(SignalfdReadEagainIsReported, "injection.errpath.signalfd-read-eagain",
                   "Linux-only, signalfd(2) RETURN VALUE, ERRORS", EAGAIN)
SIGNALFD_READ_CASE(SignalfdReadEintrIsReported, "injection.errpath.signalfd-read-eintr",
                   "Linux-only, signalfd(2), read(2)", EINTR)

injection::Run failed_pidfd_open(const char* err_name, int err) {
  return injection::run({injection::rule("pidfd_open", "", err_name)},
                        [err] { CHILD_CHECK_ERRNO(pidfd_open(getpid(), 0), err); });
}

#define PIDFD_OPEN_CASE(Name, id, ERR)                                                          \
  ERRPATH_CASE(Name, id, "Linux-only, pidfd_open(2) RETURN VALUE, ERRORS",                      \
               "pidfd_open() whose kernel call fails with " #ERR " returns -1 with errno " #ERR \
               " (Linux-only)",                                                                 \
               failed_pidfd_open, "pidfd_open", ERR)

PIDFD_OPEN_CASE(PidfdOpenEinvalIsReported, "injection.errpath.pidfd-open-einval", EINVAL)
PIDFD_OPEN_CASE(PidfdOpenEmfileIsReported, "injection.errpath.pidfd-open-emfile", EMFILE)
PIDFD_OPEN_CASE(PidfdOpenEnfileIsReported, "injection.errpath.pidfd-open-enfile", ENFILE)
PIDFD_OPEN_CASE(PidfdOpenEsrchIsReported, "injection.errpath.pidfd-open-esrch", ESRCH)

// pidfd_send_signal(self, SIGUSR1) fails with err (SIGUSR1 blocked, so a
// send that escaped the injection would not end the child).
injection::Run failed_pidfd_send(const char* err_name, int err) {
  return injection::run_blocking(
      SIGUSR1, {injection::rule("pidfd_send_signal", eq(1, SIGUSR1), err_name)}, [err] {
        int pfd = pidfd_open(getpid(), 0);
        CHILD_CHECK(pfd >= 0);
        CHILD_CHECK_ERRNO(pidfd_send_signal(pfd, SIGUSR1, nullptr, 0), err);
        close(pfd);
      });
}

#define PIDFD_SEND_CASE(Name, id, ERR)                                            \
  ERRPATH_CASE(Name, id, "Linux-only, pidfd_send_signal(2) RETURN VALUE, ERRORS", \
               "pidfd_send_signal() whose kernel call fails with " #ERR           \
               " returns -1 with errno " #ERR " (Linux-only)",                    \
               failed_pidfd_send, "pidfd_send_signal", ERR)

PIDFD_SEND_CASE(PidfdSendSignalEpermIsReported, "injection.errpath.pidfd-send-eperm", EPERM)
PIDFD_SEND_CASE(PidfdSendSignalEsrchIsReported, "injection.errpath.pidfd-send-esrch", ESRCH)
PIDFD_SEND_CASE(PidfdSendSignalEinvalIsReported, "injection.errpath.pidfd-send-einval", EINVAL)

}  // namespace
}  // namespace sigipc

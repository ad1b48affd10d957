// Error paths of semget(), semop(), semtimedop() and semctl(). glibc 2.36 /
// x86_64 (strace): semop -> semtimedop(id, ops, n, NULL); the others are the
// syscalls of the same name. Each wrapper has only the failure to pass back:
// -1 and the errno. The set is not checked afterwards: the kernel never ran
// the failed call, so its values cannot have changed.
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

// semget(key, 2, IPC_CREAT|IPC_EXCL) fails with err.
injection::Run failed_semget(const char* err_name, int err) {
  return injection::failed_sysv_create(
      SysvId::kSem, "semget", [](key_t k) { return semget(k, 2, IPC_CREAT | IPC_EXCL | 0600); },
      [](key_t k) { return semget(k, 0, 0); }, err_name, err);
}

#define SEMGET_CASE(Name, id, ERR)                                    \
  ERRPATH_CASE(Name, id, "XSH semget() RETURN VALUE, ERRORS",         \
               "semget(IPC_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "errno " #ERR,                                         \
               failed_semget, "semget", ERR)

SEMGET_CASE(SemgetEaccesIsReported, "injection.errpath.semget-eacces", EACCES)
SEMGET_CASE(SemgetEexistIsReported, "injection.errpath.semget-eexist", EEXIST)
SEMGET_CASE(SemgetEinvalIsReported, "injection.errpath.semget-einval", EINVAL)
SEMGET_CASE(SemgetEnoentIsReported, "injection.errpath.semget-enoent", ENOENT)
SEMGET_CASE(SemgetEnospcIsReported, "injection.errpath.semget-enospc", ENOSPC)
ERRPATH_CASE(SemgetEnomemIsReported, "injection.errpath.semget-enomem",
             "Linux-only, semget(2) RETURN VALUE, ERRORS",
             "semget(IPC_CREAT) whose kernel call fails with ENOMEM returns -1 with errno ENOMEM "
             "(Linux-only errno)",
             failed_semget, "semget", ENOMEM)

// semop (+1 on #0, -2 on #1) on a set at 3 and 5 fails with err.
injection::Run failed_semop(bool timed, const char* err_name, int err) {
  SysvId set(SysvId::kSem, create_sysv_sem(2));
  SETUP_OK(semctl(set.get(), 0, SETVAL, 3));
  SETUP_OK(semctl(set.get(), 1, SETVAL, 5));
  // semop() is semtimedop in glibc, the semop system call in musl (x86_64);
  // semtimedop() is always semtimedop.
  return injection::run(
      injection::rules_any({{"semtimedop", eq(0, set.get())}, {"semop", eq(0, set.get())}},
                           err_name),
      [&set, timed, err] {
        sembuf ops[2] = {{0, 1, 0}, {1, -2, 0}};
        timespec t{30, 0};
        CHILD_CHECK_ERRNO(timed ? semtimedop(set.get(), ops, 2, &t) : semop(set.get(), ops, 2),
                          err);
      });
}

injection::Run failed_semop_untimed(const char* err_name, int err) {
  return failed_semop(false, err_name, err);
}
injection::Run failed_semop_timed(const char* err_name, int err) {
  return failed_semop(true, err_name, err);
}

#define SEMOP_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH semop() RETURN VALUE, ERRORS",                                \
               "semop() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_semop_untimed, "semtimedop|semop", ERR)

SEMOP_CASE(SemopE2bigIsReported, "injection.errpath.semop-e2big", E2BIG)
SEMOP_CASE(SemopEaccesIsReported, "injection.errpath.semop-eacces", EACCES)
SEMOP_CASE(SemopEagainIsReported, "injection.errpath.semop-eagain", EAGAIN)
SEMOP_CASE(SemopEfbigIsReported, "injection.errpath.semop-efbig", EFBIG)
SEMOP_CASE(SemopEidrmIsReported, "injection.errpath.semop-eidrm", EIDRM)
SEMOP_CASE(SemopEintrIsReported, "injection.errpath.semop-eintr", EINTR)
SEMOP_CASE(SemopEinvalIsReported, "injection.errpath.semop-einval", EINVAL)
SEMOP_CASE(SemopEnospcIsReported, "injection.errpath.semop-enospc", ENOSPC)
SEMOP_CASE(SemopErangeIsReported, "injection.errpath.semop-erange", ERANGE)

#define SEMTIMEDOP_CASE(Name, id, ERR, why)                                \
  ERRPATH_CASE(Name, id, "Linux-only, semtimedop(2) RETURN VALUE, ERRORS", \
               "semtimedop() whose kernel call fails with " #ERR why       \
               " returns -1 with errno " #ERR " (Linux-only function)",    \
               failed_semop_timed, "semtimedop", ERR)

SEMTIMEDOP_CASE(SemtimedopEagainIsReported, "injection.errpath.semtimedop-eagain", EAGAIN,
                " (the time limit passed)")
SEMTIMEDOP_CASE(SemtimedopEintrIsReported, "injection.errpath.semtimedop-eintr", EINTR, "")

// semctl(SETVAL, 9) fails with err.
injection::Run failed_setval(const char* err_name, int err) {
  SysvId set(SysvId::kSem, create_sysv_sem(1));
  return injection::run(
      {injection::rule("semctl", eq(0, set.get()) + "," + eq(2, SETVAL), err_name)},
      [&set, err] { CHILD_CHECK_ERRNO(semctl(set.get(), 0, SETVAL, 9), err); });
}

#define SETVAL_CASE(Name, id, ERR)                                                                 \
  ERRPATH_CASE(Name, id, "XSH semctl() RETURN VALUE, ERRORS",                                      \
               "semctl(SETVAL) whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_setval, "semctl", ERR)

SETVAL_CASE(SemctlSetvalEaccesIsReported, "injection.errpath.semctl-setval-eacces", EACCES)
SETVAL_CASE(SemctlSetvalEinvalIsReported, "injection.errpath.semctl-setval-einval", EINVAL)
SETVAL_CASE(SemctlSetvalErangeIsReported, "injection.errpath.semctl-setval-erange", ERANGE)

injection::Run failed_sem_rmid(const char* err_name, int err) {
  SysvId set(SysvId::kSem, create_sysv_sem(1));
  return injection::run(
      {injection::rule("semctl", eq(0, set.get()) + "," + eq(2, IPC_RMID), err_name)},
      [&set, err] { CHILD_CHECK_ERRNO(semctl(set.get(), 0, IPC_RMID), err); });
}

ERRPATH_CASE(SemctlRmidEpermIsReported, "injection.errpath.semctl-rmid-eperm",
             "XSH semctl() RETURN VALUE, ERRORS",
             "semctl(IPC_RMID) whose kernel call fails with EPERM returns -1 with errno EPERM",
             failed_sem_rmid, "semctl", EPERM)

}  // namespace
}  // namespace sigipc

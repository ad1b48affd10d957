// Error paths of semget(), semop(), semtimedop() and semctl(). glibc 2.36 /
// x86_64 (strace): semop -> semtimedop(id, ops, n, NULL); the others are the
// syscalls of the same name. A failed semop changes no value (XSH semop():
// the operations are atomic, all or none), a failed semget(IPC_CREAT)
// creates no set, a failed SETVAL keeps the value, a failed IPC_RMID
// removes nothing.
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

// semget(key, 2, IPC_CREAT|IPC_EXCL) fails with err and no set has the key.
injection::Run failed_semget(const char* err_name, int err) {
  return injection::failed_sysv_create(
      SysvId::kSem, "semget", "set",
      [](key_t k) { return semget(k, 2, IPC_CREAT | IPC_EXCL | 0600); },
      [](key_t k) { return semget(k, 0, 0); }, err_name, err);
}

#define SEMGET_CASE(Name, id, ERR)                                    \
  ERRPATH_CASE(Name, id, "XSH semget() ERRORS",                       \
               "semget(IPC_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "that errno and creates no set for the key",           \
               failed_semget, "semget", ERR)

SEMGET_CASE(SemgetEaccesCreatesNoSet, "injection.errpath.semget-eacces", EACCES)
SEMGET_CASE(SemgetEexistCreatesNoSet, "injection.errpath.semget-eexist", EEXIST)
SEMGET_CASE(SemgetEinvalCreatesNoSet, "injection.errpath.semget-einval", EINVAL)
SEMGET_CASE(SemgetEnoentCreatesNoSet, "injection.errpath.semget-enoent", ENOENT)
SEMGET_CASE(SemgetEnospcCreatesNoSet, "injection.errpath.semget-enospc", ENOSPC)
ERRPATH_CASE(SemgetEnomemCreatesNoSet, "injection.errpath.semget-enomem", "Linux semget(2) ERRORS",
             "semget(IPC_CREAT) whose kernel call fails with ENOMEM returns -1 with ENOMEM and "
             "creates no set (Linux-only errno)",
             failed_semget, "semget", ENOMEM)

int value(int id, int n) { return semctl(id, n, GETVAL); }

// A set of two semaphores at 3 and 5; semop (+1 on #0, -2 on #1) fails with
// err and both values stay.
injection::Run failed_semop(bool timed, const char* err_name, int err) {
  SysvId set(SysvId::kSem, create_sysv_sem(2));
  SETUP_OK(semctl(set.get(), 0, SETVAL, 3));
  SETUP_OK(semctl(set.get(), 1, SETVAL, 5));
  // semop() is semtimedop in glibc, the semop system call in musl (x86_64);
  // semtimedop() is always semtimedop.
  auto r = injection::run(
      injection::rules_any({{"semtimedop", eq(0, set.get())}, {"semop", eq(0, set.get())}},
                           err_name),
      [&set, timed, err] {
        sembuf ops[2] = {{0, 1, 0}, {1, -2, 0}};
        timespec t{30, 0};
        CHILD_CHECK_ERRNO(timed ? semtimedop(set.get(), ops, 2, &t) : semop(set.get(), ops, 2),
                          err);
        CHILD_CHECK_EQ(value(set.get(), 0), 3);
        CHILD_CHECK_EQ(value(set.get(), 1), 5);
      });
  EXPECT_EQ(value(set.get(), 0), 3);
  EXPECT_EQ(value(set.get(), 1), 5);
  return r;
}

injection::Run failed_semop_untimed(const char* err_name, int err) {
  return failed_semop(false, err_name, err);
}
injection::Run failed_semop_timed(const char* err_name, int err) {
  return failed_semop(true, err_name, err);
}

#define SEMOP_CASE(Name, id, ERR)                              \
  ERRPATH_CASE(Name, id, "XSH semop() ERRORS",                 \
               "semop() whose kernel call fails with " #ERR    \
               " returns -1 with that errno "                  \
               "and changes no semaphore value (all or none)", \
               failed_semop_untimed, "semtimedop|semop", ERR)

SEMOP_CASE(SemopE2bigChangesNoValue, "injection.errpath.semop-e2big", E2BIG)
SEMOP_CASE(SemopEaccesChangesNoValue, "injection.errpath.semop-eacces", EACCES)
SEMOP_CASE(SemopEagainChangesNoValue, "injection.errpath.semop-eagain", EAGAIN)
SEMOP_CASE(SemopEfbigChangesNoValue, "injection.errpath.semop-efbig", EFBIG)
SEMOP_CASE(SemopEidrmChangesNoValue, "injection.errpath.semop-eidrm", EIDRM)
SEMOP_CASE(SemopEintrChangesNoValue, "injection.errpath.semop-eintr", EINTR)
SEMOP_CASE(SemopEinvalChangesNoValue, "injection.errpath.semop-einval", EINVAL)
SEMOP_CASE(SemopEnospcChangesNoValue, "injection.errpath.semop-enospc", ENOSPC)
SEMOP_CASE(SemopErangeChangesNoValue, "injection.errpath.semop-erange", ERANGE)

#define SEMTIMEDOP_CASE(Name, id, ERR, why)                                                   \
  ERRPATH_CASE(Name, id, "Linux semtimedop(2) ERRORS",                                        \
               "semtimedop() whose kernel call fails with " #ERR why " returns -1 with " #ERR \
               " and changes no semaphore value (Linux-only function)",                       \
               failed_semop_timed, "semtimedop", ERR)

SEMTIMEDOP_CASE(SemtimedopEagainChangesNoValue, "injection.errpath.semtimedop-eagain", EAGAIN,
                " (the time limit passed)")
SEMTIMEDOP_CASE(SemtimedopEintrChangesNoValue, "injection.errpath.semtimedop-eintr", EINTR, "")

// semctl(SETVAL, 9) fails with err and the value stays 3.
injection::Run failed_setval(const char* err_name, int err) {
  SysvId set(SysvId::kSem, create_sysv_sem(1));
  SETUP_OK(semctl(set.get(), 0, SETVAL, 3));
  auto r = injection::run(
      {injection::rule("semctl", eq(0, set.get()) + "," + eq(2, SETVAL), err_name)}, [&set, err] {
        CHILD_CHECK_ERRNO(semctl(set.get(), 0, SETVAL, 9), err);
        CHILD_CHECK_EQ(value(set.get(), 0), 3);
      });
  EXPECT_EQ(value(set.get(), 0), 3);
  return r;
}

#define SETVAL_CASE(Name, id, ERR)                                 \
  ERRPATH_CASE(Name, id, "XSH semctl() ERRORS",                    \
               "semctl(SETVAL) whose kernel call fails with " #ERR \
               " returns -1 with that "                            \
               "errno and the semaphore keeps its value",          \
               failed_setval, "semctl", ERR)

SETVAL_CASE(SemctlSetvalEaccesKeepsValue, "injection.errpath.semctl-setval-eacces", EACCES)
SETVAL_CASE(SemctlSetvalEinvalKeepsValue, "injection.errpath.semctl-setval-einval", EINVAL)
SETVAL_CASE(SemctlSetvalErangeKeepsValue, "injection.errpath.semctl-setval-erange", ERANGE)

injection::Run failed_sem_rmid(const char* err_name, int err) {
  SysvId set(SysvId::kSem, create_sysv_sem(1));
  auto r = injection::run(
      {injection::rule("semctl", eq(0, set.get()) + "," + eq(2, IPC_RMID), err_name)},
      [&set, err] { CHILD_CHECK_ERRNO(semctl(set.get(), 0, IPC_RMID), err); });
  EXPECT_EQ(value(set.get(), 0), 0)
      << "the set is gone after a failed IPC_RMID: " << ErrnoText(errno);
  return r;
}

ERRPATH_CASE(SemctlRmidEpermKeepsSet, "injection.errpath.semctl-rmid-eperm", "XSH semctl() ERRORS",
             "semctl(IPC_RMID) whose kernel call fails with EPERM returns -1 with EPERM and the "
             "set still exists",
             failed_sem_rmid, "semctl", EPERM)

}  // namespace
}  // namespace sigipc

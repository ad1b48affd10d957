// Error paths of shmget(), shmat(), shmdt() and shmctl(). glibc 2.36 /
// x86_64 (strace): the syscalls of the same name, so each wrapper has only
// the failure to pass back: -1 (shmat: (void *)-1) and the errno. The
// segment is not checked afterwards: the kernel never ran the failed call.
#include <sys/ipc.h>
#include <sys/shm.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

// shmget(key, 4096, IPC_CREAT|IPC_EXCL) fails with err.
injection::Run failed_shmget(const char* err_name, int err) {
  return injection::failed_sysv_create(
      SysvId::kShm, "shmget", [](key_t k) { return shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0600); },
      [](key_t k) { return shmget(k, 0, 0); }, err_name, err);
}

#define SHMGET_CASE(Name, id, ERR)                                    \
  ERRPATH_CASE(Name, id, "XSH shmget() RETURN VALUE, ERRORS",         \
               "shmget(IPC_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "errno " #ERR,                                         \
               failed_shmget, "shmget", ERR)

SHMGET_CASE(ShmgetEaccesIsReported, "injection.errpath.shmget-eacces", EACCES)
SHMGET_CASE(ShmgetEexistIsReported, "injection.errpath.shmget-eexist", EEXIST)
SHMGET_CASE(ShmgetEinvalIsReported, "injection.errpath.shmget-einval", EINVAL)
SHMGET_CASE(ShmgetEnoentIsReported, "injection.errpath.shmget-enoent", ENOENT)
SHMGET_CASE(ShmgetEnomemIsReported, "injection.errpath.shmget-enomem", ENOMEM)
SHMGET_CASE(ShmgetEnospcIsReported, "injection.errpath.shmget-enospc", ENOSPC)

injection::Run failed_shmat(const char* err_name, int err) {
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  return injection::run({injection::rule("shmat", eq(0, seg.get()), err_name)}, [&seg, err] {
    errno = 0;
    void* p = shmat(seg.get(), nullptr, 0);
    CHILD_CHECK(p == reinterpret_cast<void*>(-1));
    CHILD_CHECK_EQ(errno, err);
  });
}

#define SHMAT_CASE(Name, id, ERR)                            \
  ERRPATH_CASE(Name, id, "XSH shmat() RETURN VALUE, ERRORS", \
               "shmat() whose kernel call fails with " #ERR  \
               " returns (void *)-1 "                        \
               "with errno " #ERR,                           \
               failed_shmat, "shmat", ERR)

SHMAT_CASE(ShmatEaccesIsReported, "injection.errpath.shmat-eacces", EACCES)
SHMAT_CASE(ShmatEidrmIsReported, "injection.errpath.shmat-eidrm", EIDRM)
SHMAT_CASE(ShmatEinvalIsReported, "injection.errpath.shmat-einval", EINVAL)
SHMAT_CASE(ShmatEmfileIsReported, "injection.errpath.shmat-emfile", EMFILE)
SHMAT_CASE(ShmatEnomemIsReported, "injection.errpath.shmat-enomem", ENOMEM)

injection::Run failed_shmdt(const char* err_name, int err) {
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  return injection::run({injection::rule("shmdt", "", err_name)}, [&seg, err] {
    void* p = shmat(seg.get(), nullptr, 0);
    CHILD_CHECK(p != reinterpret_cast<void*>(-1));
    CHILD_CHECK_ERRNO(shmdt(p), err);
  });
}

ERRPATH_CASE(ShmdtEinvalIsReported, "injection.errpath.shmdt-einval",
             "XSH shmdt() RETURN VALUE, ERRORS",
             "shmdt() whose kernel call fails with EINVAL returns -1 with errno EINVAL",
             failed_shmdt, "shmdt", EINVAL)

injection::Run failed_shmctl_rmid(const char* err_name, int err) {
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  return injection::run(
      {injection::rule("shmctl", eq(0, seg.get()) + "," + eq(1, IPC_RMID), err_name)},
      [&seg, err] { CHILD_CHECK_ERRNO(shmctl(seg.get(), IPC_RMID, nullptr), err); });
}

#define SHMCTL_RMID_CASE(Name, id, ERR)                              \
  ERRPATH_CASE(Name, id, "XSH shmctl() RETURN VALUE, ERRORS",        \
               "shmctl(IPC_RMID) whose kernel call fails with " #ERR \
               " returns -1 with "                                   \
               "errno " #ERR,                                        \
               failed_shmctl_rmid, "shmctl", ERR)

SHMCTL_RMID_CASE(ShmctlRmidEpermIsReported, "injection.errpath.shmctl-rmid-eperm", EPERM)
SHMCTL_RMID_CASE(ShmctlRmidEinvalIsReported, "injection.errpath.shmctl-rmid-einval", EINVAL)

}  // namespace
}  // namespace sigipc

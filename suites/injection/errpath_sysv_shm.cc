// Error paths of shmget(), shmat(), shmdt() and shmctl(). glibc 2.36 /
// x86_64 (strace): the syscalls of the same name. A failed shmget(IPC_CREAT)
// creates no segment, a failed shmat attaches nothing (shm_nattch stays), a
// failed shmdt keeps the attachment, a failed IPC_RMID removes nothing.
#include <sys/ipc.h>
#include <sys/shm.h>

#include <cstring>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

long nattch(int id) {
  shmid_ds ds{};
  if (shmctl(id, IPC_STAT, &ds) != 0) return -1;
  return static_cast<long>(ds.shm_nattch);
}

// shmget(key, 4096, IPC_CREAT|IPC_EXCL) fails with err and no segment has
// the key.
injection::Run failed_shmget(const char* err_name, int err) {
  return injection::failed_sysv_create(
      SysvId::kShm, "shmget", "segment",
      [](key_t k) { return shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0600); },
      [](key_t k) { return shmget(k, 0, 0); }, err_name, err);
}

#define SHMGET_CASE(Name, id, ERR)                                    \
  ERRPATH_CASE(Name, id, "XSH shmget() ERRORS",                       \
               "shmget(IPC_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "that errno and creates no segment for the key",       \
               failed_shmget, "shmget", ERR)

SHMGET_CASE(ShmgetEaccesCreatesNoSegment, "injection.errpath.shmget-eacces", EACCES)
SHMGET_CASE(ShmgetEexistCreatesNoSegment, "injection.errpath.shmget-eexist", EEXIST)
SHMGET_CASE(ShmgetEinvalCreatesNoSegment, "injection.errpath.shmget-einval", EINVAL)
SHMGET_CASE(ShmgetEnoentCreatesNoSegment, "injection.errpath.shmget-enoent", ENOENT)
SHMGET_CASE(ShmgetEnomemCreatesNoSegment, "injection.errpath.shmget-enomem", ENOMEM)
SHMGET_CASE(ShmgetEnospcCreatesNoSegment, "injection.errpath.shmget-enospc", ENOSPC)

injection::Run failed_shmat(const char* err_name, int err) {
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  auto r = injection::run({injection::rule("shmat", eq(0, seg.get()), err_name)}, [&seg, err] {
    errno = 0;
    void* p = shmat(seg.get(), nullptr, 0);
    CHILD_CHECK(p == reinterpret_cast<void*>(-1));
    CHILD_CHECK_EQ(errno, err);
    CHILD_CHECK_EQ(nattch(seg.get()), 0);
  });
  EXPECT_EQ(nattch(seg.get()), 0);
  return r;
}

#define SHMAT_CASE(Name, id, ERR)                                   \
  ERRPATH_CASE(Name, id, "XSH shmat() ERRORS",                      \
               "shmat() whose kernel call fails with " #ERR         \
               " returns (void *)-1 with that "                     \
               "errno and attaches nothing (shm_nattch unchanged)", \
               failed_shmat, "shmat", ERR)

SHMAT_CASE(ShmatEaccesAttachesNothing, "injection.errpath.shmat-eacces", EACCES)
SHMAT_CASE(ShmatEidrmAttachesNothing, "injection.errpath.shmat-eidrm", EIDRM)
SHMAT_CASE(ShmatEinvalAttachesNothing, "injection.errpath.shmat-einval", EINVAL)
SHMAT_CASE(ShmatEmfileAttachesNothing, "injection.errpath.shmat-emfile", EMFILE)
SHMAT_CASE(ShmatEnomemAttachesNothing, "injection.errpath.shmat-enomem", ENOMEM)

injection::Run failed_shmdt(const char* err_name, int err) {
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  return injection::run({injection::rule("shmdt", "", err_name)}, [&seg, err] {
    void* p = shmat(seg.get(), nullptr, 0);
    CHILD_CHECK(p != reinterpret_cast<void*>(-1));
    std::memcpy(p, "data", 4);
    CHILD_CHECK_ERRNO(shmdt(p), err);
    CHILD_CHECK_EQ(nattch(seg.get()), 1);
    CHILD_CHECK(std::memcmp(p, "data", 4) == 0);
  });
}

ERRPATH_CASE(ShmdtEinvalKeepsAttachment, "injection.errpath.shmdt-einval", "XSH shmdt() ERRORS",
             "shmdt() whose kernel call fails with EINVAL returns -1 with EINVAL and the "
             "segment stays attached (shm_nattch 1, memory usable)",
             failed_shmdt, "shmdt", EINVAL)

injection::Run failed_shmctl_rmid(const char* err_name, int err) {
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  auto r = injection::run(
      {injection::rule("shmctl", eq(0, seg.get()) + "," + eq(1, IPC_RMID), err_name)},
      [&seg, err] { CHILD_CHECK_ERRNO(shmctl(seg.get(), IPC_RMID, nullptr), err); });
  EXPECT_EQ(nattch(seg.get()), 0) << "the segment is gone after a failed IPC_RMID";
  return r;
}

#define SHMCTL_RMID_CASE(Name, id, ERR)                                                       \
  ERRPATH_CASE(Name, id, "XSH shmctl() ERRORS",                                               \
               "shmctl(IPC_RMID) whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and the segment still exists",                                               \
               failed_shmctl_rmid, "shmctl", ERR)

SHMCTL_RMID_CASE(ShmctlRmidEpermKeepsSegment, "injection.errpath.shmctl-rmid-eperm", EPERM)
SHMCTL_RMID_CASE(ShmctlRmidEinvalKeepsSegment, "injection.errpath.shmctl-rmid-einval", EINVAL)

}  // namespace
}  // namespace sigipc

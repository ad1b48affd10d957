// Error paths of shm_open(), shm_unlink(), ftruncate(), mmap() and munmap()
// on a shared memory object. glibc 2.36 / x86_64 (strace): shm_open ->
// openat("/dev/shm/NAME", flags|O_NOFOLLOW|O_CLOEXEC); shm_unlink ->
// unlink("/dev/shm/NAME"). glibc's shm_unlink reports the kernel's EPERM as
// EACCES (posix/shm_unlink.c), the errno XSH lists. A name that is not a
// valid path component gives EINVAL from glibc itself (no syscall): not
// injected here. Each test holds the wrapper to passing the failure back (or
// to that mapping); the object is not checked afterwards, since the kernel
// never ran the failed call.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

// shm_open(O_CREAT|O_EXCL) fails with err (the name guard removes an object
// a call that escaped the injection made).
injection::Run failed_shm_create(const char* err_name, int err) {
  ShmName name("create");
  return injection::run(
      injection::rules_any(
          {{"openat", injection::has_flag(2, O_CREAT)}, {"open", injection::has_flag(1, O_CREAT)}},
          err_name),
      [&name, err] {
        CHILD_CHECK_ERRNO(shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600), err);
      });
}

#define SHM_CREATE_CASE(Name, id, ERR)                                \
  ERRPATH_CASE(Name, id, "XSH shm_open() RETURN VALUE, ERRORS",       \
               "shm_open(O_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "errno " #ERR,                                         \
               failed_shm_create, "openat|open", ERR)

SHM_CREATE_CASE(ShmOpenCreateEaccesIsReported, "injection.errpath.shm-open-create-eacces", EACCES)
SHM_CREATE_CASE(ShmOpenCreateEexistIsReported, "injection.errpath.shm-open-create-eexist", EEXIST)
SHM_CREATE_CASE(ShmOpenCreateEintrIsReported, "injection.errpath.shm-open-create-eintr", EINTR)
SHM_CREATE_CASE(ShmOpenCreateEmfileIsReported, "injection.errpath.shm-open-create-emfile", EMFILE)
SHM_CREATE_CASE(ShmOpenCreateEnametoolongIsReported,
                "injection.errpath.shm-open-create-enametoolong", ENAMETOOLONG)
SHM_CREATE_CASE(ShmOpenCreateEnfileIsReported, "injection.errpath.shm-open-create-enfile", ENFILE)
SHM_CREATE_CASE(ShmOpenCreateEnospcIsReported, "injection.errpath.shm-open-create-enospc", ENOSPC)

// An object of one page holding "data" at offset 0.
struct Object {
  ShmName name{"obj"};
  UniqueFd fd;
  Object() {
    fd.reset(SETUP_OK(shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)));
    SETUP_OK(ftruncate(fd.get(), 4096));
    SETUP_OK(pwrite(fd.get(), "data", 4, 0));
  }
};

// shm_unlink() fails with the injected errno.
injection::Run failed_shm_unlink(const char* err_name, int err) {
  Object o;
  return injection::run({injection::rule("unlink", "", err_name)},
                        [&o, err] { CHILD_CHECK_ERRNO(shm_unlink(o.name.c_str()), err); });
}

#define SHM_UNLINK_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH shm_unlink() RETURN VALUE, ERRORS",                                \
               "shm_unlink() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_shm_unlink, "unlink", ERR)

SHM_UNLINK_CASE(ShmUnlinkEaccesIsReported, "injection.errpath.shm-unlink-eacces", EACCES)
SHM_UNLINK_CASE(ShmUnlinkEnoentIsReported, "injection.errpath.shm-unlink-enoent", ENOENT)

SIGIPC_TEST(ErrorPaths, ShmUnlinkReportsKernelEpermAsEacces,
            "injection.errpath.shm-unlink-eperm-as-eacces",
            "XSH shm_unlink() ERRORS; glibc posix/shm_unlink.c (glibc-specific)",
            "shm_unlink() whose kernel unlink fails with EPERM returns -1 with EACCES, the "
            "errno XSH lists for permission denied (glibc translates it)") {
  ERRPATH_REQUIRE_FILTERS();
  Object o;
  auto r = injection::run({injection::rule("unlink", "", "EPERM")}, [&o] {
    errno = 0;
    int rc = shm_unlink(o.name.c_str());
    int err = errno;
    CHILD_CHECK_EQ(rc, -1);
    if (err == EPERM) injection::note("shm_unlink passed the kernel's EPERM through untranslated");
    CHILD_CHECK_EQ(err, EACCES);
  });
  EXPECT_INJECTED_AND_HELD(r, "unlink", EPERM);
}

// ftruncate(fd, 3 pages) fails with err.
injection::Run failed_ftruncate(const char* err_name, int err) {
  Object o;
  return injection::run({injection::rule("ftruncate", eq(0, o.fd.get()), err_name)},
                        [&o, err] { CHILD_CHECK_ERRNO(ftruncate(o.fd.get(), 3 * 4096), err); });
}

#define FTRUNCATE_CASE(Name, id, ERR)                                                     \
  ERRPATH_CASE(Name, id, "XSH ftruncate() RETURN VALUE, ERRORS",                          \
               "ftruncate() of a shared memory object whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR,                                            \
               failed_ftruncate, "ftruncate", ERR)

FTRUNCATE_CASE(FtruncateEintrIsReported, "injection.errpath.ftruncate-eintr", EINTR)
FTRUNCATE_CASE(FtruncateEinvalIsReported, "injection.errpath.ftruncate-einval", EINVAL)
FTRUNCATE_CASE(FtruncateEfbigIsReported, "injection.errpath.ftruncate-efbig", EFBIG)
FTRUNCATE_CASE(FtruncateEioIsReported, "injection.errpath.ftruncate-eio", EIO)

// mmap of the object fails with err: MAP_FAILED.
injection::Run failed_mmap(const char* err_name, int err) {
  Object o;
  return injection::run({injection::rule("mmap", eq(4, o.fd.get()), err_name)}, [&o, err] {
    errno = 0;
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, o.fd.get(), 0);
    CHILD_CHECK(p == MAP_FAILED);
    CHILD_CHECK_EQ(errno, err);
  });
}

#define MMAP_CASE(Name, id, ERR)                                                     \
  ERRPATH_CASE(Name, id, "XSH mmap() RETURN VALUE, ERRORS",                          \
               "mmap() of a shared memory object whose kernel call fails with " #ERR \
               " returns MAP_FAILED with errno " #ERR,                               \
               failed_mmap, "mmap", ERR)

MMAP_CASE(MmapEaccesIsReported, "injection.errpath.mmap-eacces", EACCES)
MMAP_CASE(MmapEagainIsReported, "injection.errpath.mmap-eagain", EAGAIN)
MMAP_CASE(MmapEmfileIsReported, "injection.errpath.mmap-emfile", EMFILE)
MMAP_CASE(MmapEnodevIsReported, "injection.errpath.mmap-enodev", ENODEV)
MMAP_CASE(MmapEnomemIsReported, "injection.errpath.mmap-enomem", ENOMEM)
MMAP_CASE(MmapEnxioIsReported, "injection.errpath.mmap-enxio", ENXIO)

// munmap of a 3-page mapping fails with err.
injection::Run failed_munmap(const char* err_name, int err) {
  Object o;
  SETUP_OK(ftruncate(o.fd.get(), 3 * 4096));
  return injection::run({injection::rule("munmap", eq(1, 3 * 4096), err_name)}, [&o, err] {
    void* p = mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, o.fd.get(), 0);
    CHILD_CHECK(p != MAP_FAILED);
    CHILD_CHECK_ERRNO(munmap(p, 3 * 4096), err);
  });
}

ERRPATH_CASE(MunmapEinvalIsReported, "injection.errpath.munmap-einval",
             "XSH munmap() RETURN VALUE, ERRORS",
             "munmap() whose kernel call fails with EINVAL returns -1 with errno EINVAL",
             failed_munmap, "munmap", EINVAL)

}  // namespace
}  // namespace sigipc

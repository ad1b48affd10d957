// Error paths of shm_open(), shm_unlink(), ftruncate(), mmap() and munmap()
// on a shared memory object. glibc 2.36 / x86_64 (strace): shm_open ->
// openat("/dev/shm/NAME", flags|O_NOFOLLOW|O_CLOEXEC); shm_unlink ->
// unlink("/dev/shm/NAME"). glibc's shm_unlink reports the kernel's EPERM as
// EACCES (posix/shm_unlink.c), the errno XSH lists. A name that is not a
// valid path component gives EINVAL from glibc itself (no syscall): not
// injected here.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

// shm_open(O_CREAT|O_EXCL) fails with err and leaves no object of the name.
injection::Run failed_shm_create(const char* err_name, int err) {
  ShmName name("create");
  auto r = injection::run(injection::rules_any({{"openat", injection::has_flag(2, O_CREAT)},
                                                {"open", injection::has_flag(1, O_CREAT)}},
                                               err_name),
                          [&name, err] {
                            CHILD_CHECK_ERRNO_OPENS_NOTHING(
                                shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600), err);
                          });
  int fd = shm_open(name.c_str(), O_RDONLY, 0);
  UniqueFd left(fd);
  EXPECT_EQ(fd, -1) << "a failed shm_open(O_CREAT) left an object";
  return r;
}

#define SHM_CREATE_CASE(Name, id, ERR)                                              \
  ERRPATH_CASE(Name, id, "XSH shm_open() ERRORS",                                   \
               "shm_open(O_CREAT) whose kernel call fails with " #ERR               \
               " returns -1 with "                                                  \
               "that errno, opens no descriptor and leaves no object of that name", \
               failed_shm_create, "openat|open", ERR)

SHM_CREATE_CASE(ShmOpenCreateEaccesLeavesNoObject, "injection.errpath.shm-open-create-eacces",
                EACCES)
SHM_CREATE_CASE(ShmOpenCreateEexistLeavesNoObject, "injection.errpath.shm-open-create-eexist",
                EEXIST)
SHM_CREATE_CASE(ShmOpenCreateEintrLeavesNoObject, "injection.errpath.shm-open-create-eintr", EINTR)
SHM_CREATE_CASE(ShmOpenCreateEmfileLeavesNoObject, "injection.errpath.shm-open-create-emfile",
                EMFILE)
SHM_CREATE_CASE(ShmOpenCreateEnametoolongLeavesNoObject,
                "injection.errpath.shm-open-create-enametoolong", ENAMETOOLONG)
SHM_CREATE_CASE(ShmOpenCreateEnfileLeavesNoObject, "injection.errpath.shm-open-create-enfile",
                ENFILE)
SHM_CREATE_CASE(ShmOpenCreateEnospcLeavesNoObject, "injection.errpath.shm-open-create-enospc",
                ENOSPC)

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

// shm_unlink() fails with the injected errno (reported as want) and the
// object keeps its name.
injection::Run failed_shm_unlink(const char* err_name, int want) {
  Object o;
  auto r = injection::run({injection::rule("unlink", "", err_name)},
                          [&o, want] { CHILD_CHECK_ERRNO(shm_unlink(o.name.c_str()), want); });
  UniqueFd again(shm_open(o.name.c_str(), O_RDONLY, 0));
  EXPECT_TRUE(again) << "after a failed shm_unlink the name is gone: " << ErrnoText(errno);
  return r;
}

#define SHM_UNLINK_CASE(Name, id, ERR)                                                    \
  ERRPATH_CASE(Name, id, "XSH shm_unlink() ERRORS",                                       \
               "shm_unlink() whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and the object keeps its name",                                          \
               failed_shm_unlink, "unlink", ERR)

SHM_UNLINK_CASE(ShmUnlinkEaccesKeepsObject, "injection.errpath.shm-unlink-eacces", EACCES)
SHM_UNLINK_CASE(ShmUnlinkEnoentKeepsObject, "injection.errpath.shm-unlink-enoent", ENOENT)

SIGIPC_TEST(ErrorPaths, ShmUnlinkReportsKernelEpermAsEacces,
            "injection.errpath.shm-unlink-eperm-as-eacces",
            "XSH shm_unlink() ERRORS; glibc posix/shm_unlink.c (glibc-specific)",
            "shm_unlink() whose kernel unlink fails with EPERM returns -1 with EACCES, the "
            "errno XSH lists for permission denied (glibc translates it), and the object keeps "
            "its name") {
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

off_t size_of(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return -1;
  return st.st_size;
}

// ftruncate(fd, 3 pages) fails with err; the object keeps its size and data.
injection::Run failed_ftruncate(const char* err_name, int err) {
  Object o;
  auto r = injection::run({injection::rule("ftruncate", eq(0, o.fd.get()), err_name)}, [&o, err] {
    CHILD_CHECK_ERRNO(ftruncate(o.fd.get(), 3 * 4096), err);
    CHILD_CHECK_EQ(size_of(o.fd.get()), 4096);
  });
  EXPECT_EQ(size_of(o.fd.get()), 4096);
  char buf[4] = {};
  EXPECT_EQ(pread(o.fd.get(), buf, 4, 0), 4);
  EXPECT_EQ(std::memcmp(buf, "data", 4), 0);
  return r;
}

#define FTRUNCATE_CASE(Name, id, ERR)                                                     \
  ERRPATH_CASE(Name, id, "XSH ftruncate() ERRORS",                                        \
               "ftruncate() of a shared memory object whose kernel call fails with " #ERR \
               " returns -1 with that errno and the object keeps its size and contents",  \
               failed_ftruncate, "ftruncate", ERR)

FTRUNCATE_CASE(FtruncateEintrKeepsSize, "injection.errpath.ftruncate-eintr", EINTR)
FTRUNCATE_CASE(FtruncateEinvalKeepsSize, "injection.errpath.ftruncate-einval", EINVAL)
FTRUNCATE_CASE(FtruncateEfbigKeepsSize, "injection.errpath.ftruncate-efbig", EFBIG)
FTRUNCATE_CASE(FtruncateEioKeepsSize, "injection.errpath.ftruncate-eio", EIO)

// mmap of the object fails with err: MAP_FAILED, and the object's data is
// untouched.
injection::Run failed_mmap(const char* err_name, int err) {
  Object o;
  return injection::run({injection::rule("mmap", eq(4, o.fd.get()), err_name)}, [&o, err] {
    errno = 0;
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, o.fd.get(), 0);
    CHILD_CHECK(p == MAP_FAILED);
    CHILD_CHECK_EQ(errno, err);
    char buf[4] = {};
    CHILD_CHECK_EQ(pread(o.fd.get(), buf, 4, 0), 4);
    CHILD_CHECK(std::memcmp(buf, "data", 4) == 0);
  });
}

#define MMAP_CASE(Name, id, ERR)                                                     \
  ERRPATH_CASE(Name, id, "XSH mmap() ERRORS",                                        \
               "mmap() of a shared memory object whose kernel call fails with " #ERR \
               " returns MAP_FAILED with that errno",                                \
               failed_mmap, "mmap", ERR)

MMAP_CASE(MmapEaccesReturnsMapFailed, "injection.errpath.mmap-eacces", EACCES)
MMAP_CASE(MmapEagainReturnsMapFailed, "injection.errpath.mmap-eagain", EAGAIN)
MMAP_CASE(MmapEmfileReturnsMapFailed, "injection.errpath.mmap-emfile", EMFILE)
MMAP_CASE(MmapEnodevReturnsMapFailed, "injection.errpath.mmap-enodev", ENODEV)
MMAP_CASE(MmapEnomemReturnsMapFailed, "injection.errpath.mmap-enomem", ENOMEM)
MMAP_CASE(MmapEnxioReturnsMapFailed, "injection.errpath.mmap-enxio", ENXIO)

// munmap of a 3-page mapping fails with err; the mapping stays usable.
injection::Run failed_munmap(const char* err_name, int err) {
  Object o;
  SETUP_OK(ftruncate(o.fd.get(), 3 * 4096));
  return injection::run({injection::rule("munmap", eq(1, 3 * 4096), err_name)}, [&o, err] {
    void* p = mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, o.fd.get(), 0);
    CHILD_CHECK(p != MAP_FAILED);
    CHILD_CHECK_ERRNO(munmap(p, 3 * 4096), err);
    CHILD_CHECK(std::memcmp(p, "data", 4) == 0);
  });
}

ERRPATH_CASE(MunmapEinvalKeepsMapping, "injection.errpath.munmap-einval", "XSH munmap() ERRORS",
             "munmap() whose kernel call fails with EINVAL returns -1 with EINVAL and the "
             "mapping stays usable",
             failed_munmap, "munmap", EINVAL)

}  // namespace
}  // namespace sigipc

// Names shm_open() accepts or rejects, and permission checks against an
// unprivileged process. XSH shm_open(), XSH shm_unlink(), XSH mmap().
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixShmNames, NameComponentLongerThanNameMaxFailsEnametoolong,
            "posix_shm.name.too-long-enametoolong", "XSH shm_open()",
            "A name whose component is longer than {NAME_MAX} fails with ENAMETOOLONG") {
  long name_max = pathconf("/", _PC_NAME_MAX);
  if (name_max <= 0 || name_max > 4000) SIGIPC_UNSUPPORTED("no usable {NAME_MAX}");
  std::string name = "/" + std::string(static_cast<std::size_t>(name_max) + 1, 'n');
  errno = 0;
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  int e = errno;
  if (fd >= 0) {
    shm_unlink(name.c_str());
    close(fd);
  }
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(e, ENAMETOOLONG) << ErrnoText(e);
}

// POSIX leaves names other than "/name" implementation-defined; glibc
// documents EINVAL for them (shm_open(3)).
SIGIPC_TEST(PosixShmNames, SlashAloneIsInvalid, "posix_shm.name.slash-alone-einval",
            "Linux-only, shm_open(3)", "The name \"/\" alone is rejected with EINVAL") {
  EXPECT_FAILS_WITH(shm_open("/", O_RDWR | O_CREAT, 0600), EINVAL);
}

SIGIPC_TEST(PosixShmNames, NameWithSecondSlashIsInvalid, "posix_shm.name.second-slash-einval",
            "Linux-only, shm_open(3)",
            "A name with a slash after the leading one is rejected with EINVAL") {
  ShmName base;
  std::string name = base.str() + "/sub";
  EXPECT_FAILS_WITH(shm_open(name.c_str(), O_RDWR | O_CREAT, 0600), EINVAL);
}

SIGIPC_TEST(PosixShmPerm, OpenWithoutPermissionFailsEacces, "posix_shm.perm.open-eacces",
            "XSH shm_open()",
            "Opening an existing object with an access mode its permission bits deny fails with "
            "EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0, 0600);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(shm_open(name.c_str(), O_RDONLY, 0), EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmPerm, ReadPermissionAllowsReadOnlyOpen, "posix_shm.perm.open-read-granted",
            "XSH shm_open()",
            "Read permission for others lets an unprivileged process open the object O_RDONLY") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  umask(0);
  UniqueFd fd = posix_shm::create_sized(name, 0, 0644);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    int ro = shm_open(name.c_str(), O_RDONLY, 0);
    CHILD_CHECK_OK(ro);
    close(ro);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmPerm, TruncWithoutWritePermissionFailsEacces, "posix_shm.perm.trunc-eacces",
            "XSH shm_open()",
            "O_TRUNC without write permission fails with EACCES and leaves the size unchanged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  umask(0);
  const off_t len = static_cast<off_t>(page_size());
  UniqueFd fd = posix_shm::create_sized(name, static_cast<std::size_t>(len), 0644);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(shm_open(name.c_str(), O_RDWR | O_TRUNC, 0), EACCES);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, len);
}

SIGIPC_TEST(PosixShmPerm, UnlinkWithoutPermissionFailsEacces, "posix_shm.perm.unlink-eacces",
            "XSH shm_unlink()",
            "shm_unlink() by a process without permission to remove the object fails with EACCES "
            "and the name stays") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0, 0600);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_ERRNO(shm_unlink(name.c_str()), EACCES); });
  EXPECT_CHILD_OK(st);
  int again = shm_open(name.c_str(), O_RDONLY, 0);
  EXPECT_SUCCEEDS(again) << "the name must still exist";
  if (again >= 0) close(again);
}

SIGIPC_TEST(PosixShmPerm, WritableSharedMapOfReadOnlyFdFailsEacces,
            "posix_shm.mmap.prot-write-rdonly-eacces", "XSH mmap()",
            "mmap() with PROT_WRITE and MAP_SHARED on a descriptor opened O_RDONLY fails with "
            "EACCES") {
  ShmName name;
  const std::size_t len = page_size();
  UniqueFd rw = posix_shm::create_sized(name, len);
  UniqueFd ro = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, ro.get(), 0);
  int e = errno;
  if (p != MAP_FAILED) munmap(p, len);
  EXPECT_EQ(p, MAP_FAILED);
  if (p == MAP_FAILED) {
    EXPECT_EQ(e, EACCES) << ErrnoText(e);
  }
}

SIGIPC_TEST(PosixShmPerm, ReadOnlyMapOfReadOnlyFdSucceeds, "posix_shm.mmap.prot-read-rdonly-ok",
            "XSH mmap()",
            "mmap() with PROT_READ of a descriptor opened O_RDONLY succeeds and reads the "
            "object's data") {
  ShmName name;
  const std::size_t len = page_size();
  UniqueFd rw = posix_shm::create_sized(name, len);
  Mapping w = posix_shm::map_or_setup_error(rw.get(), len);
  w.as<char>()[100] = 'r';
  UniqueFd ro = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  void* p = mmap(nullptr, len, PROT_READ, MAP_SHARED, ro.get(), 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  Mapping r(p, len);
  EXPECT_EQ(r.as<char>()[100], 'r');
}

SIGIPC_TEST(PosixShmPerm, ZeroLengthMapFailsEinval, "posix_shm.mmap.zero-length-einval",
            "XSH mmap()", "mmap() with len 0 fails with EINVAL") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, page_size());
  void* p = mmap(nullptr, 0, PROT_READ, MAP_SHARED, fd.get(), 0);
  int e = errno;
  EXPECT_EQ(p, MAP_FAILED);
  if (p == MAP_FAILED) {
    EXPECT_EQ(e, EINVAL) << ErrnoText(e);
  }
}

}  // namespace
}  // namespace sigipc

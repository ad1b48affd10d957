// Names shm_open() accepts or rejects; ownership and permission checks
// against an unprivileged process: which access mode needs which permission
// bit, fchmod()/fchown() restrictions. XSH shm_open(), XSH shm_unlink(),
// XSH mmap(), XSH fchmod(), XSH fchown().
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

SIGIPC_TEST(PosixShmMorePerm, ReadOnlyOpenNeedsReadPermission, "posix_shm.perm.rdonly-needs-read",
            "XSH shm_open()",
            "O_RDONLY on an object whose bits grant the caller write but not read permission "
            "fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd;
  WaitStatus st = posix_shm::AsNobodyOn(
      name, fd, 0602, [&] { CHILD_CHECK_ERRNO(shm_open(name.c_str(), O_RDONLY, 0), EACCES); });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmMorePerm, ReadWriteOpenNeedsWritePermission, "posix_shm.perm.rdwr-needs-write",
            "XSH shm_open()",
            "O_RDWR on an object whose bits grant the caller read but not write permission fails "
            "with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd;
  WaitStatus st = posix_shm::AsNobodyOn(
      name, fd, 0604, [&] { CHILD_CHECK_ERRNO(shm_open(name.c_str(), O_RDWR, 0), EACCES); });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmMorePerm, ReadWriteOpenWithBothPermissionsSucceeds,
            "posix_shm.perm.rdwr-granted", "XSH shm_open()",
            "O_RDWR by an unprivileged process succeeds when the bits grant it read and write, "
            "and its stores reach the object") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd;
  const std::size_t pg = page_size();
  WaitStatus st = posix_shm::AsNobodyOn(name, fd, 0606, [&] {
    int rw = shm_open(name.c_str(), O_RDWR, 0);
    CHILD_CHECK_OK(rw);
    void* p = mmap(nullptr, pg, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    CHILD_CHECK(p != MAP_FAILED);
    static_cast<char*>(p)[3] = 'n';
  });
  ASSERT_CHILD_OK(st);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ);
  EXPECT_EQ(m.as<volatile char>()[3], 'n');
}

// Permission is checked against the bits at open time, not at creation.
SIGIPC_TEST(PosixShmMorePerm, FchmodGrantsLaterOpen, "posix_shm.fchmod.governs-later-open",
            "XSH fchmod()",
            "After the owner's fchmod() adds read permission for others, an unprivileged "
            "process's O_RDONLY open that the old bits denied succeeds") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  umask(0);
  UniqueFd fd = posix_shm::create_sized(name, 0, 0600);
  ASSERT_SUCCEEDS(fchmod(fd.get(), 0604));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    int ro = shm_open(name.c_str(), O_RDONLY, 0);
    CHILD_CHECK_OK(ro);
    close(ro);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmMorePerm, FchmodByNonOwnerFailsEperm, "posix_shm.fchmod.non-owner-eperm",
            "XSH fchmod()",
            "fchmod() by a process that neither owns the object nor has privilege fails with "
            "EPERM and leaves the mode") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd;
  WaitStatus st = posix_shm::AsNobodyOn(name, fd, 0666, [&] {
    int rw = shm_open(name.c_str(), O_RDWR, 0);
    CHILD_CHECK_OK(rw);
    CHILD_CHECK_ERRNO(fchmod(rw, 0777), EPERM);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_mode & 0777, 0666u);
}

SIGIPC_TEST(PosixShmMorePerm, FchownOfOtherUsersObjectFailsEperm,
            "posix_shm.fchown.non-owner-eperm", "XSH fchown()",
            "fchown() by an unprivileged process that does not own the object fails with EPERM "
            "and leaves the owner") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  UniqueFd fd;
  WaitStatus st = posix_shm::AsNobodyOn(name, fd, 0666, [&] {
    int rw = shm_open(name.c_str(), O_RDWR, 0);
    CHILD_CHECK_OK(rw);
    CHILD_CHECK_ERRNO(fchown(rw, kNobodyUid, static_cast<gid_t>(-1)), EPERM);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_uid, geteuid());
}

// XSH fchown(): even with _POSIX_CHOWN_RESTRICTED the owner may set owner and
// group to the values they already have (group = its effective gid).
SIGIPC_TEST(PosixShmMorePerm, OwnerMayFchownToOwnIds, "posix_shm.fchown.owner-own-ids",
            "XSH fchown()",
            "An unprivileged owner's fchown() to its own uid and effective gid succeeds") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    CHILD_CHECK_OK(fd);
    CHILD_CHECK_OK(fchown(fd, kNobodyUid, kNobodyGid));
    struct stat s {};
    CHILD_CHECK_OK(fstat(fd, &s));
    CHILD_CHECK_EQ(s.st_uid, kNobodyUid);
    CHILD_CHECK_EQ(s.st_gid, kNobodyGid);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmMorePerm, PrivilegedFchownSetsOwnerAndGroup,
            "posix_shm.fchown.privileged-sets-ids", "XSH fchown()",
            "fchown() by a privileged process sets the object's owner and group, as fstat() "
            "through another descriptor reports") {
  if (!has_effective_cap(0 /* CAP_CHOWN */)) SIGIPC_UNSUPPORTED("needs CAP_CHOWN");
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  ASSERT_SUCCEEDS(fchown(fd.get(), kNobodyUid, kNobodyGid));
  UniqueFd other = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  struct stat s = posix_shm::stat_of(other.get());
  EXPECT_EQ(s.st_uid, kNobodyUid);
  EXPECT_EQ(s.st_gid, kNobodyGid);
}

}  // namespace
}  // namespace sigipc

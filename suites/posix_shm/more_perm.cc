// Ownership and permission rules of shared memory objects for an
// unprivileged process: which access mode needs which permission bit,
// fchmod()/fchown() restrictions. XSH shm_open(), XSH fchmod(), XSH fchown().
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_shm/more_helpers.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

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

// shm_open() creating and reopening objects: size, mode, owner, creation
// flag combinations (O_EXCL, O_TRUNC), FD_CLOEXEC, names, descriptor limits,
// and the object's lifetime beyond its creator. XSH shm_open().
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/rlimit.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixShmOpen, CreatedObjectHasSizeZero, "posix_shm.open.create-size-zero",
            "XSH shm_open()", "O_CREAT creates a new shared memory object of size zero") {
  ShmName name;
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_SUCCEEDS(fd);
  UniqueFd guard(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_size, 0);
}

SIGIPC_TEST(PosixShmOpen, CreatedModeIsModeMaskedByUmask, "posix_shm.open.create-mode-umask",
            "XSH shm_open()",
            "The permission bits of a created object are the mode argument without the bits set "
            "in the process's file mode creation mask") {
  ShmName name;
  umask(027);
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0666);
  ASSERT_SUCCEEDS(fd);
  UniqueFd guard(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_mode & 07777, 0640u);
}

SIGIPC_TEST(PosixShmOpen, CreatedOwnerIsEffectiveIds, "posix_shm.open.create-owner",
            "XSH shm_open()",
            "A created object's user ID is the effective user ID of the process and its group ID "
            "the effective group ID") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ShmName name;
  // As root the check could not tell the effective ids from a default of 0.
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    CHILD_CHECK_OK(fd);
    struct stat s {};
    CHILD_CHECK_OK(fstat(fd, &s));
    CHILD_CHECK_EQ(s.st_uid, kNobodyUid);
    CHILD_CHECK_EQ(s.st_gid, kNobodyGid);
    close(fd);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmOpen, ExclusiveCreateOfExistingNameFailsEexist, "posix_shm.open.excl-eexist",
            "XSH shm_open()", "O_CREAT|O_EXCL fails with EEXIST when the object already exists") {
  ShmName name;
  UniqueFd first = posix_shm::open_or_setup_error(name.c_str(), O_RDWR | O_CREAT | O_EXCL);
  errno = 0;
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  int e = errno;
  if (fd >= 0) close(fd);
  EXPECT_EQ(fd, -1) << "O_EXCL opened the existing object";
  EXPECT_EQ(e, EEXIST) << ErrnoText(e);
}

SIGIPC_TEST(PosixShmOpen, MissingNameWithoutCreateFailsEnoent, "posix_shm.open.missing-enoent",
            "XSH shm_open()",
            "Without O_CREAT, opening a name that does not exist fails with ENOENT") {
  ShmName name;
  EXPECT_FAILS_WITH(shm_open(name.c_str(), O_RDWR, 0), ENOENT);
}

SIGIPC_TEST(PosixShmOpen, CreateWithoutExclOpensExistingObject,
            "posix_shm.open.create-existing-same-object", "XSH shm_open()",
            "O_CREAT without O_EXCL on an existing name opens that object, keeping its size and "
            "contents") {
  ShmName name;
  const std::size_t len = page_size();
  UniqueFd first = posix_shm::create_sized(name, len);
  Mapping m1 = posix_shm::map_or_setup_error(first.get(), len);
  m1.as<char>()[7] = 'Q';
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_SUCCEEDS(fd);
  UniqueFd second(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_size, static_cast<off_t>(len));
  Mapping m2 = posix_shm::map_or_setup_error(fd, len);
  EXPECT_EQ(m2.as<char>()[7], 'Q');
}

SIGIPC_TEST(PosixShmOpen, TruncFlagTruncatesExistingToZero, "posix_shm.open.trunc-zero",
            "XSH shm_open()",
            "O_TRUNC on an existing object opened O_RDWR truncates it to zero length") {
  ShmName name;
  UniqueFd first = posix_shm::create_sized(name, 3 * page_size());
  int fd = shm_open(name.c_str(), O_RDWR | O_TRUNC, 0);
  ASSERT_SUCCEEDS(fd);
  UniqueFd second(fd);
  EXPECT_EQ(posix_shm::stat_of(first.get()).st_size, 0);
}

SIGIPC_TEST(PosixShmOpen, ReturnedDescriptorHasCloexec, "posix_shm.open.fd-cloexec",
            "XSH shm_open()", "The FD_CLOEXEC flag is set on the descriptor shm_open() returns") {
  ShmName name;
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_SUCCEEDS(fd);
  UniqueFd guard(fd);
  int flags = fcntl(fd, F_GETFD);
  ASSERT_SUCCEEDS(flags);
  EXPECT_NE(flags & FD_CLOEXEC, 0);
}

SIGIPC_TEST(PosixShmOpen, ReadOnlyDescriptorCannotBeTruncated, "posix_shm.open.rdonly-ftruncate",
            "XSH ftruncate()",
            "ftruncate() on a descriptor opened O_RDONLY fails with EBADF or EINVAL (not open for "
            "writing)") {
  ShmName name;
  UniqueFd rw = posix_shm::create_sized(name, page_size());
  int fd = shm_open(name.c_str(), O_RDONLY, 0);
  ASSERT_SUCCEEDS(fd);
  UniqueFd ro(fd);
  errno = 0;
  int r = ftruncate(fd, 2 * static_cast<off_t>(page_size()));
  int e = errno;
  EXPECT_EQ(r, -1);
  EXPECT_TRUE(e == EBADF || e == EINVAL) << "errno " << ErrnoText(e);
  EXPECT_EQ(posix_shm::stat_of(rw.get()).st_size, static_cast<off_t>(page_size()));
}

SIGIPC_TEST(PosixShmOpen, ObjectIsRegularFileOnLinux, "posix_shm.open.linux-regular-file",
            "Linux-only, shm_overview(7)",
            "On Linux a shared memory object is a file in a tmpfs: fstat() reports S_IFREG") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  EXPECT_TRUE(S_ISREG(posix_shm::stat_of(fd.get()).st_mode));
}

SIGIPC_TEST(PosixShmOpen, FstatReportsModeAndSize, "posix_shm.fstat.mode-and-size", "XSH fstat()",
            "fstat() on a shared memory object reports its permission bits and its current size") {
  ShmName name;
  umask(0);
  UniqueFd fd = posix_shm::create_sized(name, 5 * page_size() + 3, 0604);
  struct stat st {};
  ASSERT_SUCCEEDS(fstat(fd.get(), &st));
  EXPECT_EQ(st.st_mode & 0777, 0604u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(5 * page_size() + 3));
}

SIGIPC_TEST(PosixShmMoreOpen, ExclusiveCreateReadOnlyCreatesObject,
            "posix_shm.open.create-excl-rdonly", "XSH shm_open()",
            "O_CREAT|O_EXCL|O_RDONLY creates a new object and returns a read-only descriptor") {
  ShmName name;
  int fd = shm_open(name.c_str(), O_RDONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_SUCCEEDS(fd);
  UniqueFd ro(fd);
  EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
  int again = shm_open(name.c_str(), O_RDONLY, 0);
  EXPECT_SUCCEEDS(again) << "the object must exist under its name";
  if (again >= 0) close(again);
}

SIGIPC_TEST(PosixShmMoreOpen, CreateWithTruncOnNewNameCreatesEmptyObject,
            "posix_shm.open.create-trunc-new", "XSH shm_open()",
            "O_CREAT|O_TRUNC|O_RDWR on a name that does not exist creates the object with size 0") {
  ShmName name;
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  ASSERT_SUCCEEDS(fd);
  UniqueFd rw(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_size, 0);
}

// POSIX names follow pathname rules, which are case-sensitive.
SIGIPC_TEST(PosixShmMoreOpen, NamesDifferingInCaseAreDistinctObjects,
            "posix_shm.name.case-sensitive", "XSH shm_open()",
            "Names that differ only in letter case name different objects") {
  ShmName upper("CaseX");
  std::string lower_text = upper.str();
  lower_text.replace(lower_text.size() - 5, 5, "casex");
  posix_shm::DerivedName lower(lower_text);
  UniqueFd a = posix_shm::create_sized(upper, 0);
  EXPECT_FAILS_WITH(shm_open(lower.c_str(), O_RDONLY, 0), ENOENT);
  int fd = shm_open(lower.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_SUCCEEDS(fd) << "the lower-case name must be free";
  UniqueFd b(fd);
  EXPECT_FALSE(posix_shm::same_object(a.get(), b.get()));
}

SIGIPC_TEST(PosixShmMoreOpen, PortableFilenameCharactersAreAccepted,
            "posix_shm.name.portable-characters", "XSH shm_open()",
            "A name of the form /name using the portable filename characters '.', '-' and '_' "
            "is accepted and names the same object on every open") {
  ShmName name("a.b-c_D9");
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_SUCCEEDS(fd);
  UniqueFd first(fd);
  int again = shm_open(name.c_str(), O_RDWR, 0);
  ASSERT_SUCCEEDS(again);
  UniqueFd second(again);
  EXPECT_TRUE(posix_shm::same_object(first.get(), second.get()));
}

SIGIPC_TEST(PosixShmMoreOpen, NoFreeDescriptorFailsEmfile, "posix_shm.open.emfile",
            "XSH shm_open()",
            "With all {OPEN_MAX} descriptors in use, shm_open() fails with EMFILE") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  WaitStatus st = RunInChild([&] {
    // Occupy 0..2, then allow only those: no descriptor is free.
    for (int i = 0; i < 3; ++i)
      if (fcntl(i, F_GETFD) == -1) SETUP_OK(open("/dev/null", O_RDONLY));
    CHILD_LOWER_NOFILE(3);
    CHILD_CHECK_ERRNO(shm_open(name.c_str(), O_RDWR, 0), EMFILE);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixShmMoreOpen, ObjectOutlivesCreatingProcess, "posix_shm.object.outlives-creator",
            "XSH shm_open()",
            "An object created and written by a process that has exited still exists with its "
            "data until shm_unlink()") {
  ShmName name;
  const std::size_t pg = page_size();
  WaitStatus st = RunInChild([&] {
    int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    CHILD_CHECK_OK(fd);
    CHILD_CHECK_OK(ftruncate(fd, static_cast<off_t>(pg)));
    void* p = mmap(nullptr, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHILD_CHECK(p != MAP_FAILED);
    static_cast<char*>(p)[7] = 'c';
  });
  ASSERT_CHILD_OK(st);
  int fd = shm_open(name.c_str(), O_RDONLY, 0);
  ASSERT_SUCCEEDS(fd);
  UniqueFd ro(fd);
  ASSERT_EQ(posix_shm::stat_of(fd).st_size, static_cast<off_t>(pg));
  Mapping m = posix_shm::map_or_setup_error(fd, pg, PROT_READ);
  EXPECT_EQ(m.as<volatile char>()[7], 'c');
}

SIGIPC_TEST(PosixShmMoreOpen, OpensInTwoProcessesGiveSameObject,
            "posix_shm.open.same-object-across-processes", "XSH shm_open()",
            "shm_open() of one name in two unrelated opens (parent and child) refers to the same "
            "object: equal st_dev and st_ino") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  struct stat mine = posix_shm::stat_of(fd.get());
  WaitStatus st = RunInChild([&] {
    int other = shm_open(name.c_str(), O_RDONLY, 0);
    CHILD_CHECK_OK(other);
    struct stat s {};
    CHILD_CHECK_OK(fstat(other, &s));
    CHILD_CHECK(s.st_dev == mine.st_dev);
    CHILD_CHECK(s.st_ino == mine.st_ino);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc

// More shm_open() rules: creation flag combinations, names, descriptor limits,
// and the object's lifetime beyond its creator. XSH shm_open().
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/rlimit.h"
#include "suites/posix_shm/more_helpers.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

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

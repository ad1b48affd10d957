// Sizing an object with ftruncate() and what its mappings show: shared and
// private mappings, faults past the object and past the mapping.
// XSH ftruncate(), XSH mmap(), XSH munmap(), XSH close().
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

bool all_zero(const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

SIGIPC_TEST(PosixShmSize, FtruncateSetsSize, "posix_shm.ftruncate.sets-size", "XSH ftruncate()",
            "ftruncate() on a shared memory object sets its size to length (fstat st_size)") {
  ShmName name;
  UniqueFd fd = posix_shm::open_or_setup_error(name.c_str(), O_RDWR | O_CREAT | O_EXCL);
  const off_t len = 3 * static_cast<off_t>(page_size()) + 17;
  ASSERT_SUCCEEDS(ftruncate(fd.get(), len));
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, len);
}

SIGIPC_TEST(PosixShmSize, GrownBytesReadAsZero, "posix_shm.ftruncate.grow-zero-filled",
            "XSH ftruncate()",
            "Bytes added when ftruncate() grows an object read as zero, also where shrinking "
            "dropped earlier data") {
  ShmName name;
  const std::size_t len = 2 * page_size();
  UniqueFd fd = posix_shm::create_sized(name, len);
  {
    Mapping m = posix_shm::map_or_setup_error(fd.get(), len);
    memset(m.get(), 0x5a, len);
  }
  ASSERT_SUCCEEDS(ftruncate(fd.get(), 10));
  ASSERT_SUCCEEDS(ftruncate(fd.get(), static_cast<off_t>(len)));
  Mapping m = posix_shm::map_or_setup_error(fd.get(), len);
  EXPECT_EQ(m.as<char>()[9], 0x5a) << "bytes below the shrunk size are kept";
  EXPECT_TRUE(all_zero(m.as<char>() + 10, len - 10));
}

SIGIPC_TEST(PosixShmSize, NewObjectMappingIsZeroFilled, "posix_shm.ftruncate.new-object-zero",
            "XSH ftruncate()", "A new object extended by ftruncate() reads as all zero bytes") {
  ShmName name;
  const std::size_t len = 4 * page_size();
  UniqueFd fd = posix_shm::create_sized(name, len);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), len, PROT_READ);
  EXPECT_TRUE(all_zero(m.as<char>(), len));
}

SIGIPC_TEST(PosixShmMap, TwoSharedMappingsSeeEachOthersWrites, "posix_shm.mmap.shared-two-mappings",
            "XSH mmap()",
            "Two MAP_SHARED mappings of one object in one process see each other's stores") {
  ShmName name;
  const std::size_t len = page_size();
  UniqueFd fd = posix_shm::create_sized(name, len);
  Mapping a = posix_shm::map_or_setup_error(fd.get(), len);
  Mapping b = posix_shm::map_or_setup_error(fd.get(), len);
  ASSERT_NE(a.get(), b.get());
  a.as<volatile char>()[1] = 'a';
  b.as<volatile char>()[2] = 'b';
  EXPECT_EQ(b.as<volatile char>()[1], 'a');
  EXPECT_EQ(a.as<volatile char>()[2], 'b');
}

SIGIPC_TEST(PosixShmMap, PrivateMappingWritesAreNotShared, "posix_shm.mmap.private-not-shared",
            "XSH mmap()",
            "Stores through a MAP_PRIVATE mapping change neither the object nor other mappings") {
  ShmName name;
  const std::size_t len = page_size();
  UniqueFd fd = posix_shm::create_sized(name, len);
  Mapping shared = posix_shm::map_or_setup_error(fd.get(), len);
  shared.as<char>()[0] = 's';
  Mapping priv = posix_shm::map_or_setup_error(fd.get(), len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  EXPECT_EQ(priv.as<volatile char>()[0], 's') << "a private mapping starts with the object's data";
  priv.as<volatile char>()[0] = 'p';
  EXPECT_EQ(shared.as<volatile char>()[0], 's');
  Mapping later = posix_shm::map_or_setup_error(fd.get(), len, PROT_READ);
  EXPECT_EQ(later.as<volatile char>()[0], 's');
}

SIGIPC_TEST(PosixShmMap, AccessPastEndOfObjectRaisesSigbus, "posix_shm.mmap.past-eof-sigbus",
            "XSH mmap()",
            "A reference within the mapping to whole pages following the end of the object "
            "delivers SIGBUS") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), 2 * pg);
  volatile char* past = m.as<volatile char>() + pg;
  WaitStatus st = RunFaultingChild(SIGBUS, [&] { *past = 1; });
  EXPECT_TRUE(KilledBy(st, SIGBUS));
}

SIGIPC_TEST(PosixShmMap, AccessPastMappingRaisesSigsegv, "posix_shm.mmap.past-mapping-sigsegv",
            "XSH mmap()",
            "A reference past the mapped range (not mapped at all) delivers SIGSEGV even though "
            "the object continues there") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 2 * pg);
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] {
    // Reserve two pages, then map one page of the object over the first and
    // leave the second unmapped.
    void* r = mmap(nullptr, 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHILD_CHECK(r != MAP_FAILED);
    CHILD_CHECK_OK(munmap(static_cast<char*>(r) + pg, pg));
    void* p = mmap(r, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd.get(), 0);
    CHILD_CHECK(p == r);
    static_cast<volatile char*>(p)[0] = 1;
    static_cast<volatile char*>(p)[pg] = 1;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(PosixShmMap, AccessAfterMunmapRaisesSigsegv, "posix_shm.munmap.access-sigsegv",
            "XSH munmap()", "After munmap(), references to the removed pages deliver SIGSEGV") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] {
    void* p = mmap(nullptr, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    CHILD_CHECK(p != MAP_FAILED);
    static_cast<volatile char*>(p)[0] = 1;
    CHILD_CHECK_OK(munmap(p, pg));
    static_cast<volatile char*>(p)[0] = 2;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(PosixShmMap, MappingSurvivesCloseOfDescriptor, "posix_shm.close.mapping-persists",
            "XSH mmap()",
            "Closing the descriptor does not remove the mapping: it still reads and writes the "
            "object") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  m.as<char>()[0] = 'c';
  fd.reset();
  m.as<volatile char>()[1] = 'd';
  UniqueFd again = posix_shm::open_or_setup_error(name.c_str(), O_RDWR);
  Mapping check = posix_shm::map_or_setup_error(again.get(), pg, PROT_READ);
  EXPECT_EQ(check.as<volatile char>()[0], 'c');
  EXPECT_EQ(check.as<volatile char>()[1], 'd');
}

SIGIPC_TEST(PosixShmMap, SharedMappingInheritedAcrossForkBothWays,
            "posix_shm.fork.shared-both-ways", "XSH fork()",
            "A child inherits a MAP_SHARED mapping of the object: each side sees the other's "
            "stores") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  volatile char* p = m.as<volatile char>();
  ExpectSharedBothWaysAcrossFork(p);
}

SIGIPC_TEST(PosixShmMap, ForkedChildPrivateWritesStayPrivate, "posix_shm.fork.private-copy",
            "XSH fork()",
            "A child's stores to an inherited MAP_PRIVATE mapping are not seen by the parent") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  volatile char* p = m.as<volatile char>();
  p[0] = 'x';
  WaitStatus st = RunInChild([&] {
    p[0] = 'y';
    CHILD_CHECK_EQ(p[0], 'y');
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(p[0], 'x');
}

}  // namespace
}  // namespace sigipc

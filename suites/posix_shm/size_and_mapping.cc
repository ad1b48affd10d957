// Sizing an object with ftruncate() and what its mappings show: shared and
// private mappings, data kept or discarded, pages that appear or vanish
// under an existing mapping, faults past the object and past the mapping,
// the size as other descriptors see it. XSH ftruncate(), XSH mmap(),
// XSH munmap(), XSH close(), XSH fstat(), XSH dup().
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

SIGIPC_TEST(PosixShmMoreSize, GrowingKeepsExistingData, "posix_shm.ftruncate.grow-keeps-data",
            "XSH ftruncate()", "Increasing the size keeps the bytes already in the object") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  {
    Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
    m.as<char>()[0] = 'k';
    m.as<char>()[pg - 1] = 'e';
  }
  ASSERT_SUCCEEDS(ftruncate(fd.get(), static_cast<off_t>(4 * pg)));
  Mapping m = posix_shm::map_or_setup_error(fd.get(), 4 * pg, PROT_READ);
  EXPECT_EQ(m.as<volatile char>()[0], 'k');
  EXPECT_EQ(m.as<volatile char>()[pg - 1], 'e');
}

SIGIPC_TEST(PosixShmMoreSize, ShrinkDiscardsDataBeyondNewSize,
            "posix_shm.ftruncate.shrink-discards", "XSH ftruncate()",
            "Shrinking discards the data past the new size: after growing again those bytes "
            "read as zero, the bytes below the new size are kept") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 2 * pg);
  {
    Mapping m = posix_shm::map_or_setup_error(fd.get(), 2 * pg);
    m.as<char>()[10] = 'a';
    m.as<char>()[60] = 'b';
    m.as<char>()[pg + 5] = 'c';
  }
  ASSERT_SUCCEEDS(ftruncate(fd.get(), 50));
  ASSERT_SUCCEEDS(ftruncate(fd.get(), static_cast<off_t>(2 * pg)));
  // A fresh mapping: XSH mmap() leaves references through a mapping made
  // before a size change to resized portions unspecified.
  Mapping m = posix_shm::map_or_setup_error(fd.get(), 2 * pg, PROT_READ);
  const volatile char* c = m.as<const volatile char>();
  EXPECT_EQ(c[10], 'a');
  EXPECT_EQ(c[60], 0);
  EXPECT_EQ(c[pg + 5], 0);
}

SIGIPC_TEST(PosixShmMoreSize, SizeIsNotRoundedToPages, "posix_shm.ftruncate.exact-size",
            "XSH ftruncate()",
            "ftruncate() to a length that is not a page multiple sets st_size to exactly that "
            "length") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  ASSERT_SUCCEEDS(ftruncate(fd.get(), 123));
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, 123);
}

SIGIPC_TEST(PosixShmMoreSize, PartialLastPageReadsZeroPastEnd, "posix_shm.mmap.partial-page-zero",
            "XSH mmap()",
            "The part of the last mapped page beyond the end of the object is zero-filled") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 100);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ);
  const volatile char* c = m.as<const volatile char>();
  for (std::size_t i = 100; i < pg; ++i) {
    if (c[i] != 0) {
      ADD_FAILURE() << "byte " << i << " past the end is " << int(c[i]);
      break;
    }
  }
}

// XSH mmap(): stores to the partial page past the end "shall not be written
// out"; XSH ftruncate(): a grown area "shall appear as if it were
// zero-filled". So a store past the end must not reappear after growing.
SIGIPC_TEST(PosixShmMoreSize, StorePastEndIsNotInGrownArea,
            "posix_shm.ftruncate.grow-after-tail-store-zero", "XSH ftruncate()",
            "A store into the partial last page beyond the end of the object does not appear in "
            "the object when it is grown over that byte: the grown area reads as zero") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 100);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  m.as<volatile char>()[200] = 'x';
  ASSERT_SUCCEEDS(ftruncate(fd.get(), static_cast<off_t>(pg)));
  char byte = 1;
  ASSERT_EQ(pread(fd.get(), &byte, 1, 200), 1);
  EXPECT_EQ(byte, 0);
}

// XSH mmap() leaves the effect of a size change on an existing mapping
// unspecified; Linux maps the object's current pages (mmap(2): SIGBUS only
// beyond the current end), so these two rules are Linux-only.
SIGIPC_TEST(PosixShmMoreSize, GrowingMakesMappedPagesAccessible,
            "posix_shm.ftruncate.grow-extends-mapping", "Linux-only, mmap(2)",
            "Pages of an existing mapping past the end of the object become accessible once "
            "ftruncate() grows the object over them") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), 3 * pg);
  ASSERT_SUCCEEDS(ftruncate(fd.get(), static_cast<off_t>(3 * pg)));
  char* c = m.as<char>();
  // In a child: a SIGBUS here would otherwise kill the test process.
  WaitStatus st = RunFaultingChild(SIGBUS, [&] {
    c[2 * pg + 1] = 'g';
    CHILD_CHECK_EQ(c[2 * pg + 1], 'g');
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(m.as<volatile char>()[2 * pg + 1], 'g') << "the store must reach the shared object";
}

SIGIPC_TEST(PosixShmMoreSize, ShrinkingMakesMappedPagesRaiseSigbus,
            "posix_shm.ftruncate.shrink-sigbus", "Linux-only, mmap(2)",
            "After ftruncate() shrinks a mapped object, access to a whole mapped page past the "
            "new end raises SIGBUS") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 2 * pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), 2 * pg);
  m.as<char>()[pg + 1] = 'z';
  ASSERT_SUCCEEDS(ftruncate(fd.get(), static_cast<off_t>(pg)));
  volatile char* c = m.as<volatile char>();
  WaitStatus st = RunFaultingChild(SIGBUS, [&] {
    char v = c[pg + 1];
    (void)v;
  });
  EXPECT_TRUE(KilledBy(st, SIGBUS));
}

SIGIPC_TEST(PosixShmMoreSize, OtherProcessSeesNewSize, "posix_shm.fstat.size-seen-by-others",
            "XSH fstat()",
            "After ftruncate() in one process, fstat() on a descriptor another process opened "
            "earlier reports the new size") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  Gate opened, resized;
  Child child([&] {
    int own = shm_open(name.c_str(), O_RDONLY, 0);
    CHILD_CHECK_OK(own);
    opened.open();
    resized.wait();
    struct stat s {};
    CHILD_CHECK_OK(fstat(own, &s));
    CHILD_CHECK_EQ(s.st_size, 5000);
  });
  opened.wait();
  ASSERT_SUCCEEDS(ftruncate(fd.get(), 5000));
  resized.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(PosixShmMoreSize, DupRefersToSameObject, "posix_shm.dup.same-object", "XSH dup()",
            "A dup() of a shared memory descriptor refers to the same object: a size set and "
            "data stored through one are seen through the other") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 0);
  int d = dup(fd.get());
  ASSERT_SUCCEEDS(d);
  UniqueFd copy(d);
  ASSERT_SUCCEEDS(ftruncate(copy.get(), static_cast<off_t>(pg)));
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, static_cast<off_t>(pg));
  Mapping a = posix_shm::map_or_setup_error(copy.get(), pg);
  Mapping b = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ);
  a.as<char>()[9] = 'd';
  EXPECT_EQ(b.as<volatile char>()[9], 'd');
}

}  // namespace
}  // namespace sigipc

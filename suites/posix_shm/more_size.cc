// Size changes of a mapped object: data kept or discarded by ftruncate(),
// pages that appear or vanish under an existing mapping, the size as other
// descriptors see it. XSH ftruncate(), XSH mmap(), XSH fstat(), XSH dup().
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_shm/more_helpers.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

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

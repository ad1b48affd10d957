// mprotect(), msync() and munmap() on mappings of shared memory objects:
// protection changes and their errors, synchronisation flags, unmapping
// edge cases. XSH mprotect(), XSH msync(), XSH munmap().
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_shm/more_helpers.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixShmMoreProt, MprotectReadOnlyMakesStoresFault,
            "posix_shm.mprotect.read-only-store-sigsegv", "XSH mprotect()",
            "After mprotect(PROT_READ) on a writable shared mapping, a store raises SIGSEGV") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  ASSERT_SUCCEEDS(mprotect(m.get(), pg, PROT_READ));
  volatile char* c = m.as<volatile char>();
  WaitStatus st = pshm::RunFaultingChild(SIGSEGV, [&] { c[0] = 'w'; });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(PosixShmMoreProt, MprotectRestoresWriteAccess, "posix_shm.mprotect.write-restored",
            "XSH mprotect()",
            "mprotect(PROT_READ|PROT_WRITE) after PROT_READ allows stores again, and they reach "
            "the object") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  ASSERT_SUCCEEDS(mprotect(m.get(), pg, PROT_READ));
  ASSERT_SUCCEEDS(mprotect(m.get(), pg, PROT_READ | PROT_WRITE));
  char* c = m.as<char>();
  WaitStatus st = pshm::RunFaultingChild(SIGSEGV, [&] { c[5] = 'w'; });
  EXPECT_CHILD_OK(st);
  char byte = 0;
  ASSERT_EQ(pread(fd.get(), &byte, 1, 5), 1);
  EXPECT_EQ(byte, 'w');
}

SIGIPC_TEST(PosixShmMoreProt, MprotectWriteOnReadOnlyDescriptorFailsEacces,
            "posix_shm.mprotect.write-rdonly-eacces", "XSH mprotect()",
            "mprotect(PROT_WRITE) of a MAP_SHARED mapping made from an O_RDONLY descriptor fails "
            "with EACCES") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd rw = pshm::create_sized(name, pg);
  UniqueFd ro = pshm::open_or_setup_error(name.c_str(), O_RDONLY);
  Mapping m = pshm::map_or_setup_error(ro.get(), pg, PROT_READ);
  EXPECT_FAILS_WITH(mprotect(m.get(), pg, PROT_READ | PROT_WRITE), EACCES);
}

SIGIPC_TEST(PosixShmMoreProt, MprotectMisalignedAddressFailsEinval,
            "posix_shm.mprotect.misaligned-einval", "XSH mprotect()",
            "mprotect() with an address that is not a multiple of the page size fails with "
            "EINVAL") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  EXPECT_FAILS_WITH(mprotect(m.as<char>() + 1, 1, PROT_READ), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MprotectOfUnmappedRangeFailsEnomem,
            "posix_shm.mprotect.unmapped-enomem", "XSH mprotect()",
            "mprotect() of a range containing pages that are not mapped fails with ENOMEM") {
  const std::size_t pg = pshm::page_size();
  void* hole = pshm_more::unmapped_range(pg);
  EXPECT_FAILS_WITH(mprotect(hole, pg, PROT_READ), ENOMEM);
}

SIGIPC_TEST(PosixShmMoreProt, MsyncSyncOfSharedMappingSucceeds, "posix_shm.msync.ms-sync-ok",
            "XSH msync()",
            "msync(MS_SYNC) of a shared mapping returns 0 and the stored data is in the object") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  m.as<char>()[17] = 'y';
  EXPECT_EQ(msync(m.get(), pg, MS_SYNC), 0) << ErrnoText(errno);
  UniqueFd other = pshm::open_or_setup_error(name.c_str(), O_RDONLY);
  Mapping r = pshm::map_or_setup_error(other.get(), pg, PROT_READ);
  EXPECT_EQ(r.as<volatile char>()[17], 'y');
}

SIGIPC_TEST(PosixShmMoreProt, MsyncWithBothSyncAndAsyncFailsEinval,
            "posix_shm.msync.sync-and-async-einval", "XSH msync()",
            "msync() with both MS_SYNC and MS_ASYNC is an invalid flags value: EINVAL") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  EXPECT_FAILS_WITH(msync(m.get(), pg, MS_SYNC | MS_ASYNC), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MsyncMisalignedAddressFailsEinval,
            "posix_shm.msync.misaligned-einval", "XSH msync()",
            "msync() with an address that is not a multiple of the page size fails with EINVAL") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  EXPECT_FAILS_WITH(msync(m.as<char>() + 1, 1, MS_SYNC), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MsyncOfUnmappedRangeFailsEnomem, "posix_shm.msync.unmapped-enomem",
            "XSH msync()", "msync() of a range with pages that are not mapped fails with ENOMEM") {
  const std::size_t pg = pshm::page_size();
  void* hole = pshm_more::unmapped_range(pg);
  EXPECT_FAILS_WITH(msync(hole, pg, MS_SYNC), ENOMEM);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapZeroLengthFailsEinval, "posix_shm.munmap.zero-length-einval",
            "XSH munmap()", "munmap() with len 0 fails with EINVAL and leaves the mapping") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  EXPECT_FAILS_WITH(munmap(m.get(), 0), EINVAL);
  m.as<volatile char>()[0] = 'l';  // still mapped, or the test dies with SIGSEGV
}

SIGIPC_TEST(PosixShmMoreProt, MunmapMisalignedAddressFailsEinval,
            "posix_shm.munmap.misaligned-einval", "XSH munmap()",
            "munmap() with an address that is not a multiple of the page size fails with EINVAL") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  EXPECT_FAILS_WITH(munmap(m.as<char>() + 1, 1), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapOfRangeWithoutMappingsSucceeds,
            "posix_shm.munmap.no-mapping-ok", "XSH munmap()",
            "munmap() of a valid range that holds no mappings has no effect and returns 0") {
  const std::size_t pg = pshm::page_size();
  void* hole = pshm_more::unmapped_range(pg);
  EXPECT_EQ(munmap(hole, pg), 0) << ErrnoText(errno);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapOfPartRemovesOnlyThosePages,
            "posix_shm.munmap.partial-range", "XSH munmap()",
            "munmap() of the first page of a two-page mapping removes that page only: the second "
            "stays accessible, the first raises SIGSEGV") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, 2 * pg);
  void* p = mmap(nullptr, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  char* c = static_cast<char*>(p);
  Mapping rest(c + pg, pg);
  ASSERT_SUCCEEDS(munmap(c, pg));
  c[pg] = 'k';
  EXPECT_EQ(rest.as<volatile char>()[0], 'k');
  volatile char* gone = c;
  WaitStatus st = pshm::RunFaultingChild(SIGSEGV, [&] {
    char v = gone[0];
    (void)v;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(PosixShmMoreProt, MprotectCoversWholePages, "posix_shm.mprotect.whole-pages",
            "XSH mprotect()",
            "mprotect() of one byte changes the protection of the whole page holding it: a store "
            "to that page's last byte raises SIGSEGV") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  ASSERT_SUCCEEDS(mprotect(m.get(), 1, PROT_READ));
  volatile char* c = m.as<volatile char>();
  WaitStatus st = pshm::RunFaultingChild(SIGSEGV, [&] { c[pg - 1] = 'w'; });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(PosixShmMoreProt, MsyncAsyncOfSharedMappingSucceeds, "posix_shm.msync.ms-async-ok",
            "XSH msync()", "msync(MS_ASYNC) of a shared mapping of an object returns 0") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, pg);
  Mapping m = pshm::map_or_setup_error(fd.get(), pg);
  m.as<char>()[1] = 'a';
  EXPECT_EQ(msync(m.get(), pg, MS_ASYNC), 0) << ErrnoText(errno);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapRemovesWholePages, "posix_shm.munmap.whole-pages",
            "XSH munmap()",
            "munmap() of one byte removes the whole page holding it: its last byte raises "
            "SIGSEGV, the next page stays mapped") {
  ShmName name;
  const std::size_t pg = pshm::page_size();
  UniqueFd fd = pshm::create_sized(name, 2 * pg);
  void* p = mmap(nullptr, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  char* c = static_cast<char*>(p);
  Mapping rest(c + pg, pg);
  ASSERT_SUCCEEDS(munmap(c, 1));
  volatile char* last = c + pg - 1;
  WaitStatus st = pshm::RunFaultingChild(SIGSEGV, [&] {
    char v = *last;
    (void)v;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
  rest.as<volatile char>()[0] = 'n';  // still mapped, or the test dies with SIGSEGV
}

}  // namespace
}  // namespace sigipc

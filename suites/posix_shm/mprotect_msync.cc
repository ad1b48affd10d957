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
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

// A fresh object of `pages` pages, mapped shared and read-write; the name,
// the descriptor and the mapping (all of it, whatever a test unmapped of it
// itself) are released when it goes.
struct MappedObject {
  explicit MappedObject(std::size_t pages)
      : pg(page_size()),
        fd(posix_shm::create_sized(name, pages * pg)),
        map(posix_shm::map_or_setup_error(fd.get(), pages * pg)) {}
  ShmName name;
  std::size_t pg;
  UniqueFd fd;
  Mapping map;
};

// A store to (or a load from) p in a child process raises SIGSEGV.
::testing::AssertionResult StoreFaults(volatile char* p) {
  return KilledBy(RunFaultingChild(SIGSEGV, [p] { *p = 'w'; }), SIGSEGV);
}
::testing::AssertionResult LoadFaults(volatile char* p) {
  return KilledBy(RunFaultingChild(SIGSEGV,
                                   [p] {
                                     char v = *p;
                                     (void)v;
                                   }),
                  SIGSEGV);
}

SIGIPC_TEST(PosixShmMoreProt, MprotectReadOnlyMakesStoresFault,
            "posix_shm.mprotect.read-only-store-sigsegv", "XSH mprotect()",
            "After mprotect(PROT_READ) on a writable shared mapping, a store raises SIGSEGV") {
  MappedObject o(1);
  ASSERT_SUCCEEDS(mprotect(o.map.get(), o.pg, PROT_READ));
  EXPECT_TRUE(StoreFaults(o.map.as<volatile char>()));
}

SIGIPC_TEST(PosixShmMoreProt, MprotectRestoresWriteAccess, "posix_shm.mprotect.write-restored",
            "XSH mprotect()",
            "mprotect(PROT_READ|PROT_WRITE) after PROT_READ allows stores again, and they reach "
            "the object") {
  MappedObject o(1);
  ASSERT_SUCCEEDS(mprotect(o.map.get(), o.pg, PROT_READ));
  ASSERT_SUCCEEDS(mprotect(o.map.get(), o.pg, PROT_READ | PROT_WRITE));
  char* c = o.map.as<char>();
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] { c[5] = 'w'; });
  EXPECT_CHILD_OK(st);
  char byte = 0;
  ASSERT_EQ(pread(o.fd.get(), &byte, 1, 5), 1);
  EXPECT_EQ(byte, 'w');
}

SIGIPC_TEST(PosixShmMoreProt, MprotectWriteOnReadOnlyDescriptorFailsEacces,
            "posix_shm.mprotect.write-rdonly-eacces", "XSH mprotect()",
            "mprotect(PROT_WRITE) of a MAP_SHARED mapping made from an O_RDONLY descriptor fails "
            "with EACCES") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd rw = posix_shm::create_sized(name, pg);
  UniqueFd ro = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  Mapping m = posix_shm::map_or_setup_error(ro.get(), pg, PROT_READ);
  EXPECT_FAILS_WITH(mprotect(m.get(), pg, PROT_READ | PROT_WRITE), EACCES);
}

SIGIPC_TEST(PosixShmMoreProt, MprotectMisalignedAddressFailsEinval,
            "posix_shm.mprotect.misaligned-einval", "XSH mprotect()",
            "mprotect() with an address that is not a multiple of the page size fails with "
            "EINVAL") {
  MappedObject o(1);
  EXPECT_FAILS_WITH(mprotect(o.map.as<char>() + 1, 1, PROT_READ), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MprotectOfUnmappedRangeFailsEnomem,
            "posix_shm.mprotect.unmapped-enomem", "XSH mprotect()",
            "mprotect() of a range containing pages that are not mapped fails with ENOMEM") {
  const std::size_t pg = page_size();
  void* hole = posix_shm::unmapped_range(pg);
  EXPECT_FAILS_WITH(mprotect(hole, pg, PROT_READ), ENOMEM);
}

SIGIPC_TEST(PosixShmMoreProt, MsyncSyncOfSharedMappingSucceeds, "posix_shm.msync.ms-sync-ok",
            "XSH msync()",
            "msync(MS_SYNC) of a shared mapping returns 0 and the stored data is in the object") {
  MappedObject o(1);
  o.map.as<char>()[17] = 'y';
  EXPECT_EQ(msync(o.map.get(), o.pg, MS_SYNC), 0) << ErrnoText(errno);
  UniqueFd other = posix_shm::open_or_setup_error(o.name.c_str(), O_RDONLY);
  Mapping r = posix_shm::map_or_setup_error(other.get(), o.pg, PROT_READ);
  EXPECT_EQ(r.as<volatile char>()[17], 'y');
}

SIGIPC_TEST(PosixShmMoreProt, MsyncWithBothSyncAndAsyncFailsEinval,
            "posix_shm.msync.sync-and-async-einval", "XSH msync()",
            "msync() with both MS_SYNC and MS_ASYNC is an invalid flags value: EINVAL") {
  MappedObject o(1);
  EXPECT_FAILS_WITH(msync(o.map.get(), o.pg, MS_SYNC | MS_ASYNC), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MsyncMisalignedAddressFailsEinval,
            "posix_shm.msync.misaligned-einval", "XSH msync()",
            "msync() with an address that is not a multiple of the page size fails with EINVAL") {
  MappedObject o(1);
  EXPECT_FAILS_WITH(msync(o.map.as<char>() + 1, 1, MS_SYNC), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MsyncOfUnmappedRangeFailsEnomem, "posix_shm.msync.unmapped-enomem",
            "XSH msync()", "msync() of a range with pages that are not mapped fails with ENOMEM") {
  const std::size_t pg = page_size();
  void* hole = posix_shm::unmapped_range(pg);
  EXPECT_FAILS_WITH(msync(hole, pg, MS_SYNC), ENOMEM);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapZeroLengthFailsEinval, "posix_shm.munmap.zero-length-einval",
            "XSH munmap()", "munmap() with len 0 fails with EINVAL and leaves the mapping") {
  MappedObject o(1);
  EXPECT_FAILS_WITH(munmap(o.map.get(), 0), EINVAL);
  o.map.as<volatile char>()[0] = 'l';  // still mapped, or the test dies with SIGSEGV
}

SIGIPC_TEST(PosixShmMoreProt, MunmapMisalignedAddressFailsEinval,
            "posix_shm.munmap.misaligned-einval", "XSH munmap()",
            "munmap() with an address that is not a multiple of the page size fails with EINVAL") {
  MappedObject o(1);
  EXPECT_FAILS_WITH(munmap(o.map.as<char>() + 1, 1), EINVAL);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapOfRangeWithoutMappingsSucceeds,
            "posix_shm.munmap.no-mapping-ok", "XSH munmap()",
            "munmap() of a valid range that holds no mappings has no effect and returns 0") {
  const std::size_t pg = page_size();
  void* hole = posix_shm::unmapped_range(pg);
  EXPECT_EQ(munmap(hole, pg), 0) << ErrnoText(errno);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapOfPartRemovesOnlyThosePages, "posix_shm.munmap.partial-range",
            "XSH munmap()",
            "munmap() of the first page of a two-page mapping removes that page only: the second "
            "stays accessible, the first raises SIGSEGV") {
  MappedObject o(2);
  char* c = o.map.as<char>();
  ASSERT_SUCCEEDS(munmap(c, o.pg));
  c[o.pg] = 'k';
  EXPECT_EQ(static_cast<volatile char*>(c)[o.pg], 'k');
  EXPECT_TRUE(LoadFaults(c));
}

SIGIPC_TEST(PosixShmMoreProt, MprotectCoversWholePages, "posix_shm.mprotect.whole-pages",
            "XSH mprotect()",
            "mprotect() of one byte changes the protection of the whole page holding it: a store "
            "to that page's last byte raises SIGSEGV") {
  MappedObject o(1);
  ASSERT_SUCCEEDS(mprotect(o.map.get(), 1, PROT_READ));
  EXPECT_TRUE(StoreFaults(o.map.as<volatile char>() + o.pg - 1));
}

SIGIPC_TEST(PosixShmMoreProt, MsyncAsyncOfSharedMappingSucceeds, "posix_shm.msync.ms-async-ok",
            "XSH msync()", "msync(MS_ASYNC) of a shared mapping of an object returns 0") {
  MappedObject o(1);
  o.map.as<char>()[1] = 'a';
  EXPECT_EQ(msync(o.map.get(), o.pg, MS_ASYNC), 0) << ErrnoText(errno);
}

SIGIPC_TEST(PosixShmMoreProt, MunmapRemovesWholePages, "posix_shm.munmap.whole-pages",
            "XSH munmap()",
            "munmap() of one byte removes the whole page holding it: its last byte raises "
            "SIGSEGV, the next page stays mapped") {
  MappedObject o(2);
  char* c = o.map.as<char>();
  ASSERT_SUCCEEDS(munmap(c, 1));
  EXPECT_TRUE(LoadFaults(c + o.pg - 1));
  static_cast<volatile char*>(c)[o.pg] = 'n';  // still mapped, or the test dies with SIGSEGV
}

}  // namespace
}  // namespace sigipc

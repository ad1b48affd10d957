// mmap() arguments and protections on a shared memory object: offset and
// flag errors, private writable mappings of read-only descriptors, stores to
// read-only mappings, munmap() of one mapping. XSH mmap(), XSH munmap().
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

// mmap() that must fail: unmaps a mapping it got by mistake, returns errno
// (0 when it succeeded).
int mmap_errno(std::size_t len, int prot, int flags, int fd, off_t off) {
  errno = 0;
  void* p = mmap(nullptr, len, prot, flags, fd, off);
  if (p != MAP_FAILED) {
    munmap(p, len);
    return 0;
  }
  return errno;
}

SIGIPC_TEST(PosixShmMmap, UnalignedOffsetFailsEinval, "posix_shm.mmap.unaligned-offset-einval",
            "XSH mmap()",
            "mmap() with an offset that is not a multiple of the page size fails with EINVAL") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 2 * pg);
  int e = mmap_errno(pg, PROT_READ, MAP_SHARED, fd.get(), 1);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(PosixShmMmap, PageAlignedOffsetMapsThatPartOfObject, "posix_shm.mmap.offset-maps-part",
            "XSH mmap()", "mmap() with offset off maps the object's bytes starting at off") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, 2 * pg);
  Mapping whole = posix_shm::map_or_setup_error(fd.get(), 2 * pg);
  whole.as<char>()[pg + 9] = 'o';
  void* p = mmap(nullptr, pg, PROT_READ, MAP_SHARED, fd.get(), static_cast<off_t>(pg));
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  Mapping second(p, pg);
  EXPECT_EQ(second.as<volatile char>()[9], 'o');
}

SIGIPC_TEST(PosixShmMmap, NeitherSharedNorPrivateFailsEinval, "posix_shm.mmap.no-map-type-einval",
            "XSH mmap()",
            "mmap() whose flags set neither MAP_SHARED nor MAP_PRIVATE fails with EINVAL") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, page_size());
  int e = mmap_errno(page_size(), PROT_READ, 0, fd.get(), 0);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(PosixShmMmap, ClosedDescriptorFailsEbadf, "posix_shm.mmap.bad-fd-ebadf", "XSH mmap()",
            "mmap() of a descriptor that is not open fails with EBADF") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, page_size());
  int closed = fd.release();
  close(closed);
  int e = mmap_errno(page_size(), PROT_READ, MAP_SHARED, closed, 0);
  EXPECT_EQ(e, EBADF) << ErrnoText(e);
}

SIGIPC_TEST(PosixShmMmap, PrivateWritableMapOfReadOnlyFdSucceeds,
            "posix_shm.mmap.private-write-rdonly-ok", "XSH mmap()",
            "PROT_WRITE with MAP_PRIVATE on a descriptor opened O_RDONLY is allowed (EACCES is "
            "only for MAP_SHARED), and stores stay private") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd rw = posix_shm::create_sized(name, pg);
  UniqueFd ro = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  void* p = mmap(nullptr, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro.get(), 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  Mapping priv(p, pg);
  priv.as<volatile char>()[0] = 'w';
  Mapping check = posix_shm::map_or_setup_error(rw.get(), pg, PROT_READ);
  EXPECT_EQ(check.as<volatile char>()[0], 0);
}

SIGIPC_TEST(PosixShmMmap, StoreToReadOnlyMappingRaisesSigsegv,
            "posix_shm.mmap.prot-read-store-sigsegv", "XSH mmap()",
            "A store through a mapping made with PROT_READ only delivers SIGSEGV") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping ro = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ);
  volatile char* p = ro.as<volatile char>();
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] { p[0] = 1; });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
  Mapping check = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ);
  EXPECT_EQ(check.as<volatile char>()[0], 0) << "the store must not have reached the object";
}

SIGIPC_TEST(PosixShmMmap, MunmapOfOneMappingLeavesOthers, "posix_shm.munmap.other-mapping-kept",
            "XSH munmap()",
            "munmap() of one mapping leaves another mapping of the same object and its data "
            "intact") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping keep = posix_shm::map_or_setup_error(fd.get(), pg);
  void* gone = mmap(nullptr, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  ASSERT_NE(gone, MAP_FAILED);
  static_cast<volatile char*>(gone)[0] = 'u';
  ASSERT_SUCCEEDS(munmap(gone, pg));
  EXPECT_EQ(keep.as<volatile char>()[0], 'u');
  keep.as<volatile char>()[1] = 'v';
  EXPECT_EQ(keep.as<volatile char>()[1], 'v');
}

}  // namespace
}  // namespace sigipc

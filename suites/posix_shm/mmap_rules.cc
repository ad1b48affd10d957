// mmap() on shared memory objects and anonymous shared memory: offset, flag
// and address errors, MAP_FIXED, PROT_NONE, MAP_ANONYMOUS, private writable
// mappings of read-only descriptors, stores to read-only mappings, munmap()
// of one mapping; and the Linux-only file interface of an object
// (read/write/lseek on tmpfs). XSH mmap(), XSH munmap(), shm_overview(7).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>

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

SIGIPC_TEST(PosixShmMoreMmap, FixedMappingReplacesExistingOne, "posix_shm.mmap.fixed-replaces",
            "XSH mmap()",
            "MAP_FIXED at the address of an existing mapping places the new mapping exactly "
            "there and replaces the old one's pages") {
  ShmName name_a("a"), name_b("b");
  const std::size_t pg = page_size();
  UniqueFd fa = posix_shm::create_sized(name_a, pg);
  UniqueFd fb = posix_shm::create_sized(name_b, pg);
  {
    Mapping mb = posix_shm::map_or_setup_error(fb.get(), pg);
    mb.as<char>()[0] = 'b';
  }
  Mapping ma = posix_shm::map_or_setup_error(fa.get(), pg);
  ma.as<char>()[0] = 'a';
  void* p = mmap(ma.get(), pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fb.get(), 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  ASSERT_EQ(p, ma.get()) << "MAP_FIXED must use addr exactly";
  EXPECT_EQ(ma.as<volatile char>()[0], 'b');
}

SIGIPC_TEST(PosixShmMoreMmap, FixedMisalignedAddressFailsEinval,
            "posix_shm.mmap.fixed-misaligned-einval", "XSH mmap()",
            "MAP_FIXED with an address that is not a multiple of the page size fails with "
            "EINVAL") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping base = posix_shm::map_or_setup_error(fd.get(), 2 * pg);
  void* odd = base.as<char>() + 1;
  void* p = mmap(odd, pg, PROT_READ, MAP_SHARED | MAP_FIXED, fd.get(), 0);
  int e = errno;
  ASSERT_EQ(p, MAP_FAILED) << "mapped at " << p;
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(PosixShmMoreMmap, ProtNoneAccessRaisesSigsegv, "posix_shm.mmap.prot-none-sigsegv",
            "XSH mmap()", "A read of a PROT_NONE mapping of an object is not permitted: SIGSEGV") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg, PROT_NONE);
  const volatile char* c = m.as<const volatile char>();
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] {
    char v = c[0];
    (void)v;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(PosixShmMoreMmap, SharedAnonymousMemoryIsSharedWithChild,
            "posix_shm.mmap.anonymous-shared-fork", "XSH mmap() (POSIX.1-2024 MAP_ANONYMOUS)",
            "MAP_SHARED|MAP_ANONYMOUS memory is shared with a forked child: its store is seen by "
            "the parent") {
  const std::size_t pg = page_size();
  void* p = mmap(nullptr, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  Mapping m(p, pg);
  WaitStatus st = RunInChild([&] { m.as<volatile char>()[11] = 's'; });
  ASSERT_CHILD_OK(st);
  EXPECT_EQ(m.as<volatile char>()[11], 's');
}

SIGIPC_TEST(PosixShmMoreMmap, AnonymousMemoryIsZeroFilled, "posix_shm.mmap.anonymous-zero",
            "XSH mmap() (POSIX.1-2024 MAP_ANONYMOUS)",
            "A new MAP_ANONYMOUS mapping reads as all bits zero") {
  const std::size_t len = 4 * page_size();
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED) << ErrnoText(errno);
  Mapping m(p, len);
  const volatile unsigned char* c = m.as<const volatile unsigned char>();
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < len; ++i) nonzero += c[i] != 0;
  EXPECT_EQ(nonzero, 0u);
}

// Linux objects are tmpfs files (shm_overview(7)), so the file interface
// works on them and sees the same pages as mappings.
SIGIPC_TEST(PosixShmMoreMmap, WriteThroughDescriptorIsSeenInMapping,
            "posix_shm.linux.write-seen-in-mapping", "Linux-only, shm_overview(7)",
            "Bytes written with pwrite() to an object's descriptor appear in its shared mapping") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg, PROT_READ);
  ASSERT_EQ(pwrite(fd.get(), "wx", 2, 300), 2) << ErrnoText(errno);
  EXPECT_EQ(m.as<volatile char>()[300], 'w');
  EXPECT_EQ(m.as<volatile char>()[301], 'x');
}

SIGIPC_TEST(PosixShmMoreMmap, ReadThroughDescriptorSeesMappingStores,
            "posix_shm.linux.read-sees-mapping", "Linux-only, shm_overview(7)",
            "read() from an object's descriptor returns bytes stored through a shared mapping") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  m.as<char>()[0] = 'r';
  m.as<char>()[1] = 'm';
  char buf[2] = {0, 0};
  ASSERT_EQ(read(fd.get(), buf, 2), 2) << ErrnoText(errno);
  EXPECT_EQ(buf[0], 'r');
  EXPECT_EQ(buf[1], 'm');
}

SIGIPC_TEST(PosixShmMoreMmap, LseekEndReturnsObjectSize, "posix_shm.linux.lseek-end-size",
            "Linux-only, shm_overview(7)",
            "lseek(fd, 0, SEEK_END) on an object's descriptor returns the object's size") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 777);
  EXPECT_EQ(lseek(fd.get(), 0, SEEK_END), 777) << ErrnoText(errno);
}

}  // namespace
}  // namespace sigipc

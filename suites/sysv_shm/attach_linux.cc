// Linux-only shmat() flags (shmop(2)): SHM_REMAP replaces a mapping in the
// way, which without it is an error; SHM_EXEC maps the segment executable.
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/proc_util.h"
#include "fixtures/registry.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

// A private anonymous page filled with 'm', unmapped (or replaced) at the end.
Mapping anonymous_page() {
  void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap()", errno);
  *static_cast<char*>(p) = 'm';
  return Mapping(p, 4096);
}

SIGIPC_TEST(SysvShmAttachLinux, RemapReplacesTheMappingAtTheAddress,
            "sysv_shm.linux.attach-remap-replaces", "Linux-only, shmop(2) SHM_REMAP",
            "shmat() with SHM_REMAP at an address where memory is mapped attaches the segment "
            "there, replacing that mapping: the address then reads the segment's contents") {
  if (sysconf(_SC_PAGESIZE) != 4096 || SHMLBA != 4096)
    SIGIPC_UNSUPPORTED("the test maps single 4096-byte pages");
  sysv_shm::Segment seg(4096);
  ShmAttachment first(sysv_shm::attach_or_setup_error(seg.get()));
  *static_cast<char*>(first.get()) = 's';
  Mapping page = anonymous_page();
  void* p = shmat(seg.get(), page.get(), SHM_REMAP);
  ASSERT_NE(p, sysv_shm::kShmatFailed) << ErrnoText(errno);
  ShmAttachment second(p);
  EXPECT_EQ(p, page.get());
  EXPECT_EQ(*static_cast<volatile char*>(p), 's') << "the old mapping is still there";
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 2);
}

SIGIPC_TEST(SysvShmAttachLinux, AttachOverAMappingWithoutRemapFailsEinval,
            "sysv_shm.linux.attach-over-mapping-einval", "Linux-only, shmop(2) SHM_REMAP",
            "shmat() at an address where memory is already mapped, without SHM_REMAP, fails with "
            "EINVAL and leaves that mapping as it was") {
  if (sysconf(_SC_PAGESIZE) != 4096 || SHMLBA != 4096)
    SIGIPC_UNSUPPORTED("the test maps single 4096-byte pages");
  sysv_shm::Segment seg(4096);
  Mapping page = anonymous_page();
  void* p = shmat(seg.get(), page.get(), 0);
  int e = errno;
  if (p != sysv_shm::kShmatFailed) shmdt(p);
  EXPECT_EQ(p, sysv_shm::kShmatFailed);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
  EXPECT_EQ(*static_cast<volatile char*>(page.get()), 'm');
}

SIGIPC_TEST(SysvShmAttachLinux, RemapWithoutAddressFailsEinval,
            "sysv_shm.linux.attach-remap-null-einval", "Linux-only, shmop(2) SHM_REMAP",
            "shmat() with SHM_REMAP and a null address fails with EINVAL") {
  sysv_shm::Segment seg(4096);
  void* p = shmat(seg.get(), nullptr, SHM_REMAP);
  int e = errno;
  if (p != sysv_shm::kShmatFailed) shmdt(p);
  EXPECT_EQ(p, sysv_shm::kShmatFailed);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

// The permission letters of the /proc/self/maps line starting at addr.
std::string maps_perms(const void* addr) {
  const std::string line = mapping_line(addr);
  const std::size_t sp = line.find(' ');
  return sp == std::string::npos ? std::string() : line.substr(sp + 1, 4);
}

SIGIPC_TEST(SysvShmAttachLinux, ShmExecAttachesExecutable, "sysv_shm.linux.attach-shm-exec",
            "Linux-only, shmop(2) SHM_EXEC",
            "shmat() with SHM_EXEC on a segment the caller may execute maps it executable "
            "(/proc/self/maps shows x); without it, not") {
  sysv_shm::Segment seg(4096, 0700);
  ShmAttachment plain(sysv_shm::attach_or_setup_error(seg.get()));
  void* p = shmat(seg.get(), nullptr, SHM_EXEC);
  if (p == sysv_shm::kShmatFailed && (errno == EACCES || errno == EPERM))
    SIGIPC_UNSUPPORTED("executable shared memory is refused here: " + ErrnoText(errno));
  ASSERT_NE(p, sysv_shm::kShmatFailed) << ErrnoText(errno);
  ShmAttachment exec(p);
  EXPECT_EQ(maps_perms(p), "rwxs");
  EXPECT_EQ(maps_perms(plain.get()), "rw-s");
}

}  // namespace
}  // namespace sigipc

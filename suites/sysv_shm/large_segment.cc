// A large (256 MiB) segment attached in two processes. XSH shmget(),
// XSH shmat(): an attached segment is one memory for every process that
// attaches it, up to its last byte. Only four pages are touched.
#include <sys/ipc.h>
#include <sys/shm.h>

#include <fstream>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/registry.h"
#include "fixtures/shared_memory.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

constexpr std::size_t kLarge = std::size_t{256} << 20;

// A kernel limit from /proc/sys/kernel (Linux: shmmax in bytes, shmall in
// pages), or 0 when it cannot be read.
unsigned long long kernel_limit(const char* name) {
  std::ifstream in(std::string("/proc/sys/kernel/") + name);
  unsigned long long v = 0;
  return (in >> v) ? v : 0;
}

SIGIPC_TEST(SysvShmAttach, LargeSegmentIsSharedUpToItsLastByte,
            "sysv_shm.shmat.large-segment-shared", "XSH shmat()",
            "A 256 MiB segment attached in two processes: stores at its first byte, middle page, "
            "last page and last byte made by either are seen by the other") {
  const unsigned long long shmmax = kernel_limit("shmmax");
  const unsigned long long shmall = kernel_limit("shmall");
  if (shmmax != 0 && shmmax < kLarge)
    SIGIPC_UNSUPPORTED("SHMMAX is " + std::to_string(shmmax) + " bytes, less than " +
                       std::to_string(kLarge));
  if (shmall != 0 && shmall < kLarge / page_size())
    SIGIPC_UNSUPPORTED("SHMALL is " + std::to_string(shmall) + " pages, less than " +
                       std::to_string(kLarge / page_size()));
  SysvId seg(SysvId::kShm, shmget(IPC_PRIVATE, kLarge, IPC_CREAT | 0600));
  const int err = errno;
  ASSERT_NE(seg.get(), -1) << "shmget(IPC_PRIVATE, 256 MiB) within SHMMAX " << shmmax
                           << " failed: " << ErrnoText(err);
  ShmAttachment mine(sysv_shm::attach_or_setup_error(seg.get()));
  const int id = seg.get();
  ExpectLargeSharedBothWays(static_cast<volatile char*>(mine.get()), kLarge, page_size(), [id] {
    void* p = shmat(id, nullptr, 0);
    CHILD_CHECK(p != reinterpret_cast<void*>(-1));
    return static_cast<volatile char*>(p);
  });
}

}  // namespace
}  // namespace sigipc

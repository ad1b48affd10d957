// A large (256 MiB) object mapped in two processes. XSH shm_open(),
// XSH ftruncate(), XSH mmap(): a MAP_SHARED mapping of the whole object lets
// each process see the other's stores anywhere in it, the last page and the
// last byte included. tmpfs allocates only the pages touched, so the test
// touches four of them.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/registry.h"
#include "fixtures/shared_memory.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

constexpr std::size_t kLarge = std::size_t{256} << 20;

// Free bytes of the file system holding shared memory objects (Linux's
// /dev/shm), or -1 when it cannot be asked.
long long shm_fs_free() {
  struct statvfs v {};
  if (statvfs("/dev/shm", &v) != 0) return -1;
  return static_cast<long long>(v.f_bavail) * static_cast<long long>(v.f_frsize);
}

SIGIPC_TEST(PosixShmMap, LargeObjectIsSharedUpToItsLastByte, "posix_shm.mmap.large-object-shared",
            "XSH mmap()",
            "A 256 MiB shared memory object mapped in two processes: stores at its first byte, "
            "middle page, last page and last byte made by either are seen by the other") {
  const long long free_bytes = shm_fs_free();
  if (free_bytes >= 0 && free_bytes < static_cast<long long>(kLarge))
    SIGIPC_UNSUPPORTED("/dev/shm has " + std::to_string(free_bytes) +
                       " bytes free, less than the " + std::to_string(kLarge) + " of the object");
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, kLarge);
  Mapping mine = posix_shm::map_or_setup_error(fd.get(), kLarge);
  const int raw_fd = fd.get();
  ExpectLargeSharedBothWays(mine.as<volatile char>(), kLarge, page_size(), [raw_fd] {
    void* p = mmap(nullptr, kLarge, PROT_READ | PROT_WRITE, MAP_SHARED, raw_fd, 0);
    CHILD_CHECK(p != MAP_FAILED);
    return static_cast<volatile char*>(p);
  });
}

}  // namespace
}  // namespace sigipc

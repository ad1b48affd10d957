// Helpers shared by the System V shared memory tests: checked IPC_STAT and
// attach, a segment owned by the test.
#pragma once

#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cstddef>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/shared_memory.h"

namespace sigipc {
namespace sysv_shm {

// IPC_STAT whose failure is a setup error (for tests about something else).
inline struct shmid_ds stat_of(int id) {
  struct shmid_ds ds {};
  SETUP_OK(shmctl(id, IPC_STAT, &ds));
  return ds;
}

inline long nattch(int id) { return static_cast<long>(stat_of(id).shm_nattch); }

// shmat whose failure is a setup error; detached on destruction.
inline void* attach_or_setup_error(int id, int flags = 0, const void* at = nullptr) {
  void* p = shmat(id, at, flags);
  if (p == reinterpret_cast<void*>(-1)) setup_error_errno(__FILE__, __LINE__, "shmat()", errno);
  return p;
}

inline void* const kShmatFailed = reinterpret_cast<void*>(-1);

// A new private segment owned by the test, removed on destruction.
struct Segment {
  explicit Segment(std::size_t size, int mode = 0600)
      : size(size), id(SysvId::kShm, create_sysv_shm(size, mode)) {}
  std::size_t size;
  SysvId id;
  int get() const { return id.get(); }
};

}  // namespace sysv_shm
}  // namespace sigipc

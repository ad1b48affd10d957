// Helpers shared by the POSIX shared memory tests: fstat of a descriptor and a
// checked mapping of an object.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <functional>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/shared_memory.h"

namespace sigipc {
namespace posix_shm {

inline struct stat stat_of(int fd) {
  struct stat st {};
  SETUP_OK(fstat(fd, &st));
  return st;
}

// shm_open whose failure is a setup error (the rule under test is elsewhere).
inline UniqueFd open_or_setup_error(const char* name, int oflag, mode_t mode = 0600) {
  return UniqueFd(SETUP_OK(shm_open(name, oflag, mode)));
}

// A new read-write object of len bytes.
inline UniqueFd create_sized(const ShmName& name, std::size_t len, mode_t mode = 0600) {
  UniqueFd fd = open_or_setup_error(name.c_str(), O_RDWR | O_CREAT | O_EXCL, mode);
  SETUP_OK(ftruncate(fd.get(), static_cast<off_t>(len)));
  return fd;
}

// mmap whose failure is a setup error, unmapped on destruction.
inline Mapping map_or_setup_error(int fd, std::size_t len, int prot = PROT_READ | PROT_WRITE,
                                  int flags = MAP_SHARED) {
  void* p = mmap(nullptr, len, prot, flags, fd, 0);
  if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap()", errno);
  return Mapping(p, len);
}

}  // namespace posix_shm
}  // namespace sigipc

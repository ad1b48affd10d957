// Helpers shared by the POSIX shared memory tests: fstat of a descriptor, a
// checked mapping of an object, a raw name unlinked on destruction, object
// identity, and runs as the unprivileged user against an object created by
// root.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <functional>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
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

// A name derived from a ShmName (e.g. differing only in case), which the
// ShmName guard does not know about; shm_unlink()ed on destruction.
class DerivedName {
 public:
  explicit DerivedName(std::string name) : name_(std::move(name)) {}
  ~DerivedName() { shm_unlink(name_.c_str()); }
  DerivedName(const DerivedName&) = delete;
  DerivedName& operator=(const DerivedName&) = delete;
  const char* c_str() const { return name_.c_str(); }

 private:
  std::string name_;
};

// Same object: equal st_dev and st_ino (XSH <sys/stat.h>: the pair identifies
// a file, and shared memory objects are files on Linux).
inline bool same_object(int fd_a, int fd_b) {
  struct stat a = posix_shm::stat_of(fd_a);
  struct stat b = posix_shm::stat_of(fd_b);
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// A root-created object with exactly `mode` (umask cleared), then body run
// as nobody; returns nobody's status. The caller holds the descriptor.
inline WaitStatus AsNobodyOn(const ShmName& name, UniqueFd& fd_out, mode_t mode,
                             const std::function<void()>& body) {
  umask(0);
  fd_out = posix_shm::create_sized(name, page_size(), mode);
  return RunAsUser(kNobodyUid, kNobodyGid, body);
}

// An address range that was mapped and is now unmapped (single-threaded test
// process, so nothing maps it again before use).
inline void* unmapped_range(std::size_t len) {
  void* p = mmap(nullptr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap()", errno);
  SETUP_OK(munmap(p, len));
  return p;
}

}  // namespace posix_shm
}  // namespace sigipc

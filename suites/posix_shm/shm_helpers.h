// Helpers shared by the POSIX shared memory tests: page size, fstat of a
// descriptor, a checked mapping of an object, and a child that must die by a
// given memory-fault signal.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <functional>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"

namespace sigipc {
namespace pshm {

inline std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

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

// Runs body in a child without core dumps and with the default action for
// sig; the body is expected to be killed by sig at its faulting access.
inline WaitStatus RunFaultingChild(int sig, const std::function<void()>& body) {
  return RunInChild([&] {
    struct rlimit no_core {
      0, 0
    };
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    body();
  });
}

// Shared memory at p (at least 3 bytes), inherited by a forked child, is one
// memory: the child sees the parent's store made before fork and after, and
// the parent sees the child's. Used for POSIX mappings and SysV attaches.
inline void ExpectSharedBothWaysAcrossFork(volatile char* p) {
  p[0] = 'P';
  Gate parent_wrote;
  Child child([&] {
    parent_wrote.close_opener();
    CHILD_CHECK_EQ(p[0], 'P');
    p[1] = 'C';
    parent_wrote.wait();
    CHILD_CHECK_EQ(p[2], 'Q');
  });
  parent_wrote.close_waiter();
  p[2] = 'Q';
  parent_wrote.open();
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(p[1], 'C') << "the parent does not see the child's store";
}

}  // namespace pshm
}  // namespace sigipc

// Helpers shared by the Linux-extension tests (eventfd, signalfd, pidfd):
// 8-byte counter I/O, poll readiness, descriptor flags, fdinfo lookups and a
// bounded wait until a child sleeps in a blocking call.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <string>

#include "fixtures/check.h"
#include "fixtures/linux_calls.h"
#include "fixtures/process.h"

// pidfd_open(2) came with Linux 5.3 and is an optional extension: a platform
// that answers ENOSYS says it lacks the interface (UNSUPPORTED, shown as "not
// available" in the matrix). Any other failure is left to the test, so a
// broken pidfd_open() still fails it.
#define SIGIPC_REQUIRE_PIDFD()                                             \
  do {                                                                     \
    const int sigipc_pidfd_ = pidfd_open(getpid(), 0);                     \
    if (sigipc_pidfd_ >= 0)                                                \
      close(sigipc_pidfd_);                                                \
    else if (errno == ENOSYS)                                              \
      SIGIPC_UNSUPPORTED("pidfd_open() is not implemented here (ENOSYS)"); \
  } while (0)

namespace sigipc {
// The family's name: the build is ISO C++ (CMAKE_CXX_EXTENSIONS OFF), where
// `linux` is no predefined macro (GNU modes define it).
namespace linux {

// The largest value an eventfd counter can hold (eventfd(2)).
constexpr std::uint64_t kEventfdMax = 0xfffffffffffffffeull;

// One read()/write() of the whole 8-byte counter value (eventfd(2)); the
// caller checks the return value, errno is preserved.
inline ssize_t read_u64(int fd, std::uint64_t* v) noexcept { return read(fd, v, sizeof *v); }
inline ssize_t write_u64(int fd, std::uint64_t v) noexcept { return write(fd, &v, sizeof v); }

// revents of a zero-timeout poll() for events (0 when nothing is ready).
inline short poll_now(int fd, short events) noexcept {
  pollfd p{fd, events, 0};
  int r = poll(&p, 1, 0);
  return r > 0 ? p.revents : 0;
}

// Whether fd becomes ready for events within a generous safety-net timeout.
inline bool poll_ready(int fd, short events, int timeout_ms = 5000) noexcept {
  pollfd p{fd, events, 0};
  int r;
  do r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & events) != 0;
}

inline int fd_flags(int fd) { return SETUP_OK(fcntl(fd, F_GETFD)); }
inline int status_flags(int fd) { return SETUP_OK(fcntl(fd, F_GETFL)); }

// The value of "key:" in /proc/self/fdinfo/<fd>, or "" when absent.
inline std::string fdinfo_field(int fd, const std::string& key) {
  std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 1, key + ":") == 0) {
      auto v = line.substr(key.size() + 1);
      auto b = v.find_first_not_of(" \t");
      return b == std::string::npos ? "" : v.substr(b);
    }
  }
  return "";
}

using ::sigipc::wait_until_sleeping;

// Nothing readable on fd right now (a result pipe that a finished call would
// have written to).
inline bool nothing_to_read(int fd) noexcept { return (poll_now(fd, POLLIN) & POLLIN) == 0; }

// One signalfd_siginfo from a signalfd; -1/errno or the byte count.
inline ssize_t read_ssi(int sfd, signalfd_siginfo* si) noexcept {
  return read(sfd, si, sizeof *si);
}

}  // namespace linux
}  // namespace sigipc

// Helpers shared by the pipe tests: descriptor flags, and
// filling and draining a pipe with the byte pattern of fixtures/io.h, so that
// what a reader drains can be compared with what the writer's calls accepted
// (nothing lost, duplicated, reordered or split).
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/process.h"

namespace sigipc {
namespace pipes {

inline int status_flags(int fd) { return SETUP_OK(fcntl(fd, F_GETFL)); }
inline int descriptor_flags(int fd) { return SETUP_OK(fcntl(fd, F_GETFD)); }

// Writes chunk-byte pieces of the stream to the non-blocking write end fd until
// write() fails with EAGAIN. *total receives the bytes accepted by this fill.
// For chunk <= {PIPE_BUF} a count other than chunk is a partial write, which
// XSH write() forbids; the caller decides by passing strict.
inline ::testing::AssertionResult FillUntilEagain(PatternStream& s, int fd, std::size_t chunk,
                                                  std::size_t* total, bool strict) {
  constexpr std::uint64_t kSanityLimit = 256ull << 20;  // no pipe buffers this much
  *total = 0;
  for (;;) {
    ssize_t r = s.write_next(fd, chunk);
    if (r < 0) {
      if (errno == EAGAIN) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure()
             << "write() of " << chunk << " bytes while filling failed with " << ErrnoText(errno);
    }
    if (r == 0 || (strict && static_cast<std::size_t>(r) != chunk))
      return ::testing::AssertionFailure()
             << "non-blocking write() of " << chunk << " bytes (at most PIPE_BUF) returned " << r
             << " after " << *total << " bytes: neither all the data nor -1 with EAGAIN";
    *total += static_cast<std::size_t>(r);
    if (*total > kSanityLimit)
      return ::testing::AssertionFailure()
             << "the pipe accepted more than " << kSanityLimit << " bytes without EAGAIN";
  }
}

// Reads everything left in the pipe through a non-blocking read end and
// checks it is exactly the rest of the stream, in order.
inline ::testing::AssertionResult DrainMatches(PatternStream& s, int rd) {
  std::string why;
  for (;;) {
    ssize_t r = s.read_next(rd, 65536, &why);
    if (r > 0) continue;
    if (r == 0 || errno == EAGAIN) break;
    return ::testing::AssertionFailure()
           << "read() while draining failed with " << ErrnoText(errno);
  }
  if (!why.empty()) return ::testing::AssertionFailure() << why;
  if (s.in_pipe() != 0)
    return ::testing::AssertionFailure()
           << "writes accepted " << s.written() << " bytes but the pipe gave back " << s.consumed();
  return ::testing::AssertionSuccess();
}

// A page with no access: a transfer through it faults (EFAULT).
class InaccessiblePage {
 public:
  InaccessiblePage() {
    void* p = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap(PROT_NONE)", errno);
    addr_ = p;
  }
  ~InaccessiblePage() { munmap(addr_, 4096); }
  InaccessiblePage(const InaccessiblePage&) = delete;
  InaccessiblePage& operator=(const InaccessiblePage&) = delete;
  void* get() const { return addr_; }

 private:
  void* addr_ = nullptr;
};

}  // namespace pipes
}  // namespace sigipc

// Helpers shared by the pipe tests: PIPE_BUF of a pipe, descriptor flags, and
// a byte stream whose content depends only on its offset, so that what a reader
// drains can be compared with what the writer's calls accepted (nothing lost,
// duplicated, reordered or split).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/process.h"

namespace sigipc {
namespace pipes {

// {PIPE_BUF} for this pipe (XSH fpathconf(): "If path or fildes refers to a
// pipe or FIFO, the value returned shall apply to the referenced object").
// Returns -1 when the implementation reports no limit; an error is a setup
// error here (the limits test checks fpathconf() itself).
inline long pipe_buf_of(int fd) {
  errno = 0;
  long v = fpathconf(fd, _PC_PIPE_BUF);
  if (v == -1 && errno != 0)
    setup_error_errno(__FILE__, __LINE__, "fpathconf(_PC_PIPE_BUF)", errno);
  return v;
}

inline int status_flags(int fd) { return SETUP_OK(fcntl(fd, F_GETFL)); }
inline int descriptor_flags(int fd) { return SETUP_OK(fcntl(fd, F_GETFD)); }

inline void set_nonblocking(int fd, bool on) {
  int fl = status_flags(fd);
  SETUP_OK(fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK)));
}

// The stream: byte k of everything ever written is byte_at(k). A hash of the
// offset, so a shift by any amount (lost or repeated bytes) shows up at once.
class PatternStream {
 public:
  static unsigned char byte_at(std::uint64_t off) {
    std::uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ull;
    return static_cast<unsigned char>(x >> 56);
  }

  std::uint64_t written() const { return written_; }
  std::uint64_t consumed() const { return consumed_; }
  std::uint64_t in_pipe() const { return written_ - consumed_; }

  // One write() of the next n stream bytes to fd. Only the count write()
  // returns is taken as transferred. errno is preserved for the caller.
  ssize_t write_next(int fd, std::size_t n) {
    buf_.resize(n);
    for (std::size_t i = 0; i < n; ++i) buf_[i] = byte_at(written_ + i);
    errno = 0;
    ssize_t r = write(fd, buf_.data(), n);
    int e = errno;
    if (r > 0) written_ += static_cast<std::uint64_t>(r);
    errno = e;
    return r;
  }

  // One read() of at most n bytes from fd; the bytes must be the next ones of
  // the stream. Returns read()'s result (errno preserved); a mismatch is
  // described in *why.
  ssize_t read_next(int fd, std::size_t n, std::string* why) {
    buf_.resize(n);
    errno = 0;
    ssize_t r = read(fd, buf_.data(), n);
    int e = errno;
    if (r > 0) {
      for (ssize_t i = 0; i < r; ++i) {
        if (buf_[static_cast<std::size_t>(i)] !=
            byte_at(consumed_ + static_cast<std::uint64_t>(i))) {
          if (why && why->empty())
            *why = "byte at stream offset " +
                   std::to_string(consumed_ + static_cast<std::uint64_t>(i)) +
                   " is not the one written there (data lost, repeated or reordered)";
          break;
        }
      }
      consumed_ += static_cast<std::uint64_t>(r);
    }
    errno = e;
    return r;
  }

 private:
  std::uint64_t written_ = 0;
  std::uint64_t consumed_ = 0;
  std::vector<unsigned char> buf_;
};

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

// Async-signal-safe loops for forked children: write or read exactly n bytes
// (a blocking pipe write returns nbyte on normal completion, XSH write()).
inline bool write_exact(int fd, const void* p, std::size_t n) noexcept {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace pipes
}  // namespace sigipc

// The test needs a finite {PIPE_BUF}; a platform without one cannot run it.
#define SIGIPC_PIPE_BUF_OR_SKIP(var, fd)             \
  const long var = ::sigipc::pipes::pipe_buf_of(fd); \
  if (var <= 0) SIGIPC_UNSUPPORTED("fpathconf(_PC_PIPE_BUF) reports no limit for a pipe")

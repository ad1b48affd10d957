// Changing the capacity of a pipe that holds data (Linux-only, fcntl(2)
// F_SETPIPE_SZ): a new capacity that still holds the data succeeds, and the
// pipe keeps every unread byte in order, also when the unread data wraps
// around the end of the pipe's internal ring.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

constexpr unsigned kStream = 11;

// Writes and reads whole pages of one pattern stream, tracking offsets.
class PageStream {
 public:
  // The read end is nonblocking: every byte read was written before, so
  // lost data shows as a short read instead of a hang.
  explicit PageStream(const Pipe& p) : p_(p), page_(page_size()), buf_(page_) {
    set_nonblocking(p_.rd(), true);
  }
  bool write_pages(int n) {
    for (int i = 0; i < n; ++i) {
      fill_pattern(buf_.data(), page_, kStream, written_);
      if (!write_all(p_.wr(), buf_.data(), page_)) return false;
      written_ += page_;
    }
    return true;
  }
  // Reads n pages; the index of the first wrong byte from the start of the
  // stream, or -1.
  long long read_pages(int n) {
    for (int i = 0; i < n; ++i) {
      if (read_all(p_.rd(), buf_.data(), page_) != page_) return static_cast<long long>(read_);
      long long bad = pattern_mismatch(buf_.data(), page_, kStream, read_);
      if (bad >= 0) return static_cast<long long>(read_) + bad;
      read_ += page_;
    }
    return -1;
  }

 private:
  const Pipe& p_;
  std::size_t page_;
  std::vector<unsigned char> buf_;
  std::uint64_t written_ = 0, read_ = 0;
};

// The capacity in pages, or 0 when F_GETPIPE_SZ is unknown here.
int capacity_pages(const Pipe& p) {
  int cap = fcntl(p.wr(), F_GETPIPE_SZ);
  return cap < 0 ? 0 : static_cast<int>(cap / static_cast<long>(page_size()));
}

SIGIPC_TEST(PipeCapacity, ResizingAPipeWithDataKeepsIt, "pipe.capacity.resize-keeps-data",
            "fcntl(2) (Linux-only)",
            "F_SETPIPE_SZ to a larger capacity, then to a smaller one that still holds the data, "
            "succeeds and the pipe still gives every unread byte in order") {
  Pipe p;
  const int pages = capacity_pages(p);
  if (pages < 4) SIGIPC_UNSUPPORTED("F_GETPIPE_SZ unknown or a pipe below four pages");
  const long page = static_cast<long>(page_size());
  PageStream s(p);
  ASSERT_TRUE(s.write_pages(3));
  ASSERT_GE(fcntl(p.wr(), F_SETPIPE_SZ, static_cast<int>(2 * pages * page)), 2 * pages * page)
      << ErrnoText(errno);
  ASSERT_GE(fcntl(p.wr(), F_SETPIPE_SZ, static_cast<int>(4 * page)), 4 * page) << ErrnoText(errno);
  EXPECT_EQ(s.read_pages(3), -1) << "first wrong byte";
}

SIGIPC_TEST(PipeCapacity, ResizingKeepsDataThatWrapsAroundTheRing,
            "pipe.capacity.resize-keeps-wrapped-data", "fcntl(2) (Linux-only)",
            "F_SETPIPE_SZ on a pipe whose unread data started near the end of its capacity "
            "(written after earlier data was read) keeps every unread byte in order") {
  Pipe p;
  const int pages = capacity_pages(p);
  if (pages < 4) SIGIPC_UNSUPPORTED("F_GETPIPE_SZ unknown or a pipe below four pages");
  const long page = static_cast<long>(page_size());
  PageStream s(p);
  // Page-sized writes take one buffer each: after pages-1 in and out, the
  // next three occupy the last slot and the first two.
  ASSERT_TRUE(s.write_pages(pages - 1));
  ASSERT_EQ(s.read_pages(pages - 1), -1);
  ASSERT_TRUE(s.write_pages(3));
  ASSERT_GE(fcntl(p.wr(), F_SETPIPE_SZ, static_cast<int>(2 * pages * page)), 2 * pages * page)
      << ErrnoText(errno);
  EXPECT_EQ(s.read_pages(3), -1) << "first wrong byte";
}

}  // namespace
}  // namespace sigipc

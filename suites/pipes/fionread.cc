// FIONREAD on a pipe (Linux-only): "ioctl(fd, FIONREAD, &nbytes)" gives the
// number of unread bytes in the pipe, pipe(7) ("I/O on pipes and FIFOs") and
// ioctl(2).
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

// FIONREAD on fd, or -1 with errno.
int unread_bytes(int fd) {
  int n = -1;
  if (ioctl(fd, FIONREAD, &n) != 0) return -1;
  return n;
}

SIGIPC_TEST(PipeIoctl, FionreadOfAnEmptyPipeIsZero, "pipe.ioctl.fionread-empty",
            "pipe(7) (Linux-only)", "FIONREAD on the read end of an empty pipe gives 0") {
  Pipe p;
  EXPECT_EQ(unread_bytes(p.rd()), 0) << ErrnoText(errno);
}

SIGIPC_TEST(PipeIoctl, FionreadCountsEveryUnreadByte, "pipe.ioctl.fionread-counts-unread",
            "pipe(7) (Linux-only)",
            "FIONREAD gives the number of unread bytes, summed over every write (also across "
            "page boundaries) and lowered by what was read") {
  Pipe p;
  const std::string small(100, 'a'), large(5000, 'b');
  ASSERT_TRUE(write_all(p.wr(), small.data(), small.size()));
  ASSERT_TRUE(write_all(p.wr(), large.data(), large.size()));
  ASSERT_TRUE(write_all(p.wr(), "c", 1));
  EXPECT_EQ(unread_bytes(p.rd()), 5101) << ErrnoText(errno);
  char buf[150];
  ASSERT_EQ(read_all(p.rd(), buf, sizeof buf), sizeof buf);
  EXPECT_EQ(unread_bytes(p.rd()), 5101 - 150) << "after reading 150 bytes";
}

}  // namespace
}  // namespace sigipc

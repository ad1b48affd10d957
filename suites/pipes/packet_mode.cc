// Packet mode (Linux-only, pipe2(2) O_DIRECT): each write() is a packet,
// each read() takes at most one packet, a read shorter than the packet
// discards the rest of it, and writes above PIPE_BUF are split into packets.
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

// A packet-mode pipe; fds stay -1 when the kernel does not know O_DIRECT
// ("Older kernels ... indicate this via an EINVAL error").
struct PacketPipe {
  int fd[2] = {-1, -1};
  int err = 0;
  PacketPipe() {
    if (pipe2(fd, O_DIRECT) != 0) {
      err = errno;
      return;
    }
    // Every byte a test reads was written before: a read that would wait
    // is a lost packet, reported as EAGAIN instead of a hang.
    set_nonblocking(fd[0], true);
  }
  ~PacketPipe() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  PacketPipe(const PacketPipe&) = delete;
  PacketPipe& operator=(const PacketPipe&) = delete;
  int rd() const { return fd[0]; }
  int wr() const { return fd[1]; }
};

#define SIGIPC_PACKET_PIPE_OR_SKIP(p)                                                   \
  PacketPipe p;                                                                         \
  do {                                                                                  \
    if ((p).err == EINVAL) SIGIPC_UNSUPPORTED("pipe2(O_DIRECT) is not supported here"); \
    ASSERT_EQ((p).err, 0) << "pipe2(O_DIRECT) failed with " << ErrnoText((p).err);      \
  } while (0)

// One read() of at most n bytes as a string; "<error>" on failure.
std::string read_once(int fd, std::size_t n) {
  std::vector<char> buf(n);
  ssize_t r = read(fd, buf.data(), n);
  if (r < 0) return "<error " + ErrnoText(errno) + ">";
  return std::string(buf.data(), static_cast<std::size_t>(r));
}

SIGIPC_TEST(PipePacket, EachReadReturnsOnePacket, "pipe.pipe2.direct-one-packet-per-read",
            "pipe2(2) (Linux-only)",
            "In a pipe2(O_DIRECT) pipe each write() is a packet and a read() with room for more "
            "returns one packet only") {
  SIGIPC_PACKET_PIPE_OR_SKIP(p);
  ASSERT_EQ(write(p.wr(), "abc", 3), 3);
  ASSERT_EQ(write(p.wr(), "defgh", 5), 5);
  EXPECT_EQ(read_once(p.rd(), 100), "abc");
  EXPECT_EQ(read_once(p.rd(), 100), "defgh");
}

SIGIPC_TEST(PipePacket, ShortReadDiscardsTheRestOfThePacket,
            "pipe.pipe2.direct-short-read-discards", "pipe2(2) (Linux-only)",
            "A read() smaller than the next packet returns the requested bytes and discards the "
            "excess bytes of that packet") {
  SIGIPC_PACKET_PIPE_OR_SKIP(p);
  ASSERT_EQ(write(p.wr(), "0123456789", 10), 10);
  ASSERT_EQ(write(p.wr(), "xy", 2), 2);
  EXPECT_EQ(read_once(p.rd(), 4), "0123");
  EXPECT_EQ(read_once(p.rd(), 100), "xy") << "the rest of the first packet must be gone";
}

SIGIPC_TEST(PipePacket, WritesAbovePipeBufAreSplitIntoPackets,
            "pipe.pipe2.direct-split-above-pipe-buf", "pipe2(2) (Linux-only)",
            "A write of more than PIPE_BUF bytes to a packet-mode pipe is split into packets of "
            "at most PIPE_BUF bytes that together hold the data in order") {
  SIGIPC_PACKET_PIPE_OR_SKIP(p);
  const std::size_t total = PIPE_BUF + 100;
  std::vector<char> data(total);
  fill_pattern(data.data(), total, 7);
  ASSERT_TRUE(write_all(p.wr(), data.data(), total));
  std::string got;
  int packets = 0;
  std::vector<char> buf(2 * PIPE_BUF);
  while (got.size() < total && packets < 100) {
    ssize_t r = read(p.rd(), buf.data(), buf.size());
    ASSERT_GT(r, 0) << "read() after " << got.size() << " bytes: " << ErrnoText(errno);
    EXPECT_LE(r, static_cast<ssize_t>(PIPE_BUF)) << "packet " << packets;
    got.append(buf.data(), static_cast<std::size_t>(r));
    ++packets;
  }
  EXPECT_GE(packets, 2);
  ASSERT_EQ(got.size(), total);
  EXPECT_EQ(pattern_mismatch(got.data(), total, 7), -1) << "bytes lost or reordered";
}

SIGIPC_TEST(PipePacket, ZeroLengthReadIsANoOp, "pipe.pipe2.direct-zero-length-read",
            "pipe2(2) (Linux-only)",
            "In packet mode a read() with a buffer size of zero returns 0 and leaves the next "
            "packet whole") {
  SIGIPC_PACKET_PIPE_OR_SKIP(p);
  ASSERT_EQ(write(p.wr(), "packet", 6), 6);
  char c;
  EXPECT_EQ(read(p.rd(), &c, 0), 0);
  EXPECT_EQ(read_once(p.rd(), 100), "packet");
}

}  // namespace
}  // namespace sigipc

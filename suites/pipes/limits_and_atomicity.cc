// {PIPE_BUF} and the atomicity of pipe writes.
// XBD <limits.h> (Pathname Variable Values), XSH fpathconf(), XSH write().
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PipeLimits, PipeBufIsAtLeastPosixMinimum, "pipe.limits.pipe-buf-minimum",
            "XBD <limits.h>",
            "fpathconf(_PC_PIPE_BUF) on either end of a pipe is at least {_POSIX_PIPE_BUF} (512)") {
  // The minimum acceptable value of {PIPE_BUF} is {_POSIX_PIPE_BUF}, itself 512.
  EXPECT_EQ(_POSIX_PIPE_BUF, 512);
  Pipe p;
  for (int fd : {p.rd(), p.wr()}) {
    errno = 0;
    long v = fpathconf(fd, _PC_PIPE_BUF);
    int e = errno;
    if (v == -1 && e == 0) continue;  // "no limit" is above any minimum
    ASSERT_NE(v, -1) << "fpathconf(" << fd << ", _PC_PIPE_BUF) failed with " << ErrnoText(e);
    EXPECT_GE(v, _POSIX_PIPE_BUF) << "PIPE_BUF of pipe end " << fd;
#ifdef PIPE_BUF
    // A constant defined in <limits.h> is the value for every file it
    // applies to; pathconf() must not report a different one.
    EXPECT_EQ(v, PIPE_BUF) << "<limits.h> defines PIPE_BUF, fpathconf() disagrees";
#endif
  }
}

// ---- concurrent writers ----

constexpr int kWriters = 4;
constexpr std::uint32_t kRecordsPerWriter = 256;
constexpr std::uint32_t kMagic = 0x50495045;  // "PIPE"

struct RecordHeader {
  std::uint32_t magic;
  std::uint32_t writer;
  std::uint32_t seq;
  std::uint32_t len;  // whole record, header included
};

// Most records are exactly {PIPE_BUF} bytes, the largest write the rule covers;
// every fourth is shorter, so records start at varying offsets in the buffer.
std::size_t record_len(std::uint32_t seq, std::size_t pipe_buf) {
  if (seq % 4 != 3) return pipe_buf;
  return sizeof(RecordHeader) + (seq * 97u) % (pipe_buf - sizeof(RecordHeader));
}

unsigned char body_byte(std::uint32_t writer, std::uint32_t seq, std::size_t i) {
  std::uint64_t x =
      ((std::uint64_t{writer} << 40) ^ (std::uint64_t{seq} << 16) ^ i) * 0x9E3779B97F4A7C15ull;
  return static_cast<unsigned char>(x >> 56);
}

void build_record(unsigned char* buf, std::uint32_t writer, std::uint32_t seq,
                  std::size_t len) noexcept {
  RecordHeader h{kMagic, writer, seq, static_cast<std::uint32_t>(len)};
  std::memcpy(buf, &h, sizeof h);
  for (std::size_t i = sizeof h; i < len; ++i) buf[i] = body_byte(writer, seq, i);
}

SIGIPC_TEST(PipeAtomicity, WritesOfAtMostPipeBufAreNeverInterleaved,
            "pipe.write.atomic-up-to-pipe-buf", "XSH write()",
            "Writes of {PIPE_BUF} bytes or less from concurrent processes are not interleaved "
            "with data from other writers") {
  Pipe data;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, data.wr());
  ASSERT_GE(static_cast<std::size_t>(pipe_buf), 2 * sizeof(RecordHeader));
  const auto pb = static_cast<std::size_t>(pipe_buf);
  std::vector<unsigned char> scratch(pb);  // each child writes its own copy
  Pipe start;

  std::vector<Child> writers;
  writers.reserve(kWriters);
  for (std::uint32_t w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      data.close_rd();
      start.close_wr();
      char go;
      CHILD_CHECK_EQ(read(start.rd(), &go, 1), 1);
      for (std::uint32_t s = 0; s < kRecordsPerWriter; ++s) {
        std::size_t len = record_len(s, pb);
        build_record(scratch.data(), w, s, len);
        // No signal can interrupt this write, so it returns len in full.
        CHILD_CHECK_EQ(write(data.wr(), scratch.data(), len), len);
      }
    });
  }
  data.close_wr();
  start.close_rd();
  // Release every writer at once so their writes overlap.
  char go[kWriters] = {};
  ASSERT_EQ(write(start.wr(), go, kWriters), kWriters);

  std::vector<unsigned char> got;
  std::vector<unsigned char> chunk(1 << 16);
  for (;;) {
    ssize_t r = read(data.rd(), chunk.data(), chunk.size());
    if (r < 0 && errno == EINTR) continue;
    ASSERT_GE(r, 0) << "read() failed with " << ErrnoText(errno);
    if (r == 0) break;
    got.insert(got.end(), chunk.begin(), chunk.begin() + r);
  }
  for (auto& c : writers) EXPECT_CHILD_OK(c.wait());

  std::uint32_t next_seq[kWriters] = {};
  std::size_t pos = 0;
  while (pos < got.size()) {
    ASSERT_GE(got.size() - pos, sizeof(RecordHeader))
        << "stream ends inside a record header at offset " << pos;
    RecordHeader h;
    std::memcpy(&h, got.data() + pos, sizeof h);
    ASSERT_EQ(h.magic, kMagic) << "no record starts at offset " << pos
                               << ": another write was interleaved into the previous record";
    ASSERT_LT(h.writer, static_cast<std::uint32_t>(kWriters)) << "at offset " << pos;
    const std::uint32_t w = h.writer;
    ASSERT_EQ(h.seq, next_seq[w]) << "writer " << w << ": record out of order, lost or repeated";
    const std::size_t len = record_len(h.seq, pb);
    ASSERT_EQ(h.len, len) << "writer " << w << " record " << h.seq;
    ASSERT_LE(len, got.size() - pos) << "writer " << w << " record " << h.seq << " is cut short";
    for (std::size_t i = sizeof h; i < len; ++i) {
      ASSERT_EQ(got[pos + i], body_byte(w, h.seq, i))
          << "writer " << w << " record " << h.seq << " (" << len << " bytes) byte " << i
          << ": the record was split by another writer's data";
    }
    ++next_seq[w];
    pos += len;
  }
  for (int w = 0; w < kWriters; ++w)
    EXPECT_EQ(next_seq[w], kRecordsPerWriter) << "records of writer " << w << " that arrived";
}

SIGIPC_TEST(PipeAtomicity, BlockingWriteLargerThanCapacityReturnsFullCount,
            "pipe.write.blocking-returns-nbyte", "XSH write()",
            "With O_NONBLOCK clear, a pipe write may block but on normal completion returns nbyte, "
            "even when nbyte exceeds what the pipe can hold") {
  constexpr std::size_t kBytes = 1 << 20;  // larger than any default pipe capacity
  Pipe p;
  PatternStream expected;
  std::vector<unsigned char> buf(kBytes);
  fill_pattern(buf.data(), kBytes, 0);

  Child writer([&] {
    p.close_rd();
    ssize_t r = write(p.wr(), buf.data(), kBytes);
    CHILD_CHECK_EQ(r, kBytes);
  });
  p.close_wr();
  std::string why;
  for (;;) {
    ssize_t r = expected.read_next(p.rd(), 1 << 16, &why);
    if (r < 0 && errno == EINTR) continue;
    ASSERT_GE(r, 0) << "read() failed with " << ErrnoText(errno);
    if (r == 0) break;
  }
  EXPECT_CHILD_OK(writer.wait());
  EXPECT_TRUE(why.empty()) << why;
  EXPECT_EQ(expected.consumed(), kBytes);
}

}  // namespace
}  // namespace sigipc

// O_NONBLOCK on pipe ends: reads of an empty pipe, writes to a full one, and
// the two regimes of write() for nbyte <= {PIPE_BUF} and nbyte > {PIPE_BUF}.
// XSH read(), XSH write().
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

using pipes::DrainMatches;
using pipes::FillUntilEagain;

SIGIPC_TEST(PipeNonblocking, ReadOfEmptyPipeWithWriterFailsWithEagain,
            "pipe.nonblock.read-empty-eagain", "XSH read()",
            "read() with O_NONBLOCK on an empty pipe that is open for writing returns -1 with "
            "EAGAIN") {
  Pipe p;
  set_nonblocking(p.rd(), true);
  char c;
  EXPECT_FAILS_WITH(read(p.rd(), &c, 1), EAGAIN);
  // Once data arrives the same descriptor reads it: the EAGAIN meant "empty".
  ASSERT_EQ(write(p.wr(), "z", 1), 1);
  EXPECT_EQ(read(p.rd(), &c, 1), 1);
  EXPECT_FAILS_WITH(read(p.rd(), &c, 1), EAGAIN);
}

SIGIPC_TEST(PipeNonblocking, WriteToFullPipeFailsWithEagainAndTransfersNothing,
            "pipe.nonblock.write-full-eagain", "XSH write()",
            "write() with O_NONBLOCK to a pipe that cannot take another byte returns -1 with "
            "EAGAIN and transfers no data, for any nbyte") {
  Pipe p;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, p.wr());
  set_nonblocking(p.wr(), true);
  set_nonblocking(p.rd(), true);
  PatternStream s;
  std::size_t filled = 0, topped = 0;
  ASSERT_TRUE(FillUntilEagain(s, p.wr(), static_cast<std::size_t>(pipe_buf), &filled, true));
  // Single bytes top up whatever a {PIPE_BUF} write could not use.
  ASSERT_TRUE(FillUntilEagain(s, p.wr(), 1, &topped, true));
  ASSERT_GT(filled + topped, 0u);
  for (std::size_t n : {std::size_t{1}, static_cast<std::size_t>(pipe_buf),
                        static_cast<std::size_t>(pipe_buf) * 3}) {
    EXPECT_FAILS_WITH(s.write_next(p.wr(), n), EAGAIN) << "pipe full, nbyte " << n;
  }
  // Reading makes room again: the EAGAIN was about space, and nothing the
  // failed calls offered reached the pipe.
  std::string why;
  ASSERT_EQ(s.read_next(p.rd(), static_cast<std::size_t>(pipe_buf), &why), pipe_buf);
  EXPECT_EQ(s.write_next(p.wr(), 1), 1);
  EXPECT_TRUE(why.empty()) << why;
  EXPECT_TRUE(DrainMatches(s, p.rd()));
}

// Every attempt of nbyte <= {PIPE_BUF} must be all or nothing.
::testing::AssertionResult AllOrNothing(PatternStream& s, int wr, std::size_t n) {
  ssize_t r = s.write_next(wr, n);
  if (r == static_cast<ssize_t>(n)) return ::testing::AssertionSuccess();
  if (r == -1 && errno == EAGAIN) return ::testing::AssertionSuccess();
  auto f = ::testing::AssertionFailure();
  f << "non-blocking write() of " << n << " bytes (<= PIPE_BUF) with " << s.in_pipe()
    << " bytes in the pipe returned " << r;
  if (r == -1) f << " with " << ErrnoText(errno);
  return f << ": must transfer all the data or fail with EAGAIN";
}

SIGIPC_TEST(PipeNonblocking, WriteOfAtMostPipeBufIsAllOrNothing,
            "pipe.nonblock.write-le-pipe-buf-all-or-nothing", "XSH write()",
            "write() with O_NONBLOCK of nbyte <= {PIPE_BUF} either transfers all nbyte bytes or "
            "transfers nothing and fails with EAGAIN; it never writes part of the data") {
  Pipe probe;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, probe.wr());
  const auto pb = static_cast<std::size_t>(pipe_buf);
  // Fill sizes that leave the pipe's last block full, nearly full and half
  // full, so the probes below meet every kind of "some room, not enough".
  for (std::size_t chunk : {pb, pb - 1, pb / 2 + 1, std::size_t{100}, std::size_t{1}}) {
    SCOPED_TRACE("pipe filled with writes of " + std::to_string(chunk) + " bytes");
    Pipe p;
    set_nonblocking(p.wr(), true);
    set_nonblocking(p.rd(), true);
    PatternStream s;
    std::size_t filled = 0;
    // Every fill write is itself <= PIPE_BUF: all or nothing applies to it.
    ASSERT_TRUE(FillUntilEagain(s, p.wr(), chunk, &filled, true));
    std::string why;
    for (std::size_t freed : {std::size_t{0}, std::size_t{1}, pb / 2, pb - 1, pb, pb + 1}) {
      if (freed > s.in_pipe()) break;
      if (freed > 0) {
        ASSERT_EQ(s.read_next(p.rd(), freed, &why), static_cast<ssize_t>(freed));
      }
      for (std::size_t n : {pb, pb - 1, pb / 2 + 1, std::size_t{2}})
        EXPECT_TRUE(AllOrNothing(s, p.wr(), n)) << "after reading " << freed << " more bytes";
    }
    EXPECT_TRUE(why.empty()) << why;
    EXPECT_TRUE(DrainMatches(s, p.rd()));
    // With all earlier data read, there is room for {PIPE_BUF} bytes.
    EXPECT_EQ(s.write_next(p.wr(), pb), pipe_buf) << "empty pipe";
    EXPECT_TRUE(DrainMatches(s, p.rd()));
  }
}

SIGIPC_TEST(PipeNonblocking, WriteOverPipeBufWithSomeRoomTransfersWhatFits,
            "pipe.nonblock.write-gt-pipe-buf-partial", "XSH write()",
            "write() with O_NONBLOCK of nbyte > {PIPE_BUF} to a pipe with some but not enough room "
            "transfers what it can and returns that count (0 < count < nbyte), without EAGAIN") {
  Pipe p;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, p.wr());
  const auto pb = static_cast<std::size_t>(pipe_buf);
  set_nonblocking(p.wr(), true);
  set_nonblocking(p.rd(), true);
  PatternStream s;
  std::size_t filled = 0;
  ASSERT_TRUE(FillUntilEagain(s, p.wr(), pb, &filled, true));
  if (filled < 2 * pb)
    SIGIPC_UNSUPPORTED("the pipe holds fewer than two PIPE_BUF writes (" + std::to_string(filled) +
                       " bytes); no state with data left and room for a PIPE_BUF write");
  // A {PIPE_BUF} write failed, so less than {PIPE_BUF} was free; reading one
  // {PIPE_BUF} record leaves less than 2*{PIPE_BUF} free, data still queued,
  // and a request of 3*{PIPE_BUF} that cannot fit whole.
  std::string why;
  ASSERT_EQ(s.read_next(p.rd(), pb, &why), pipe_buf);
  const std::size_t n = 3 * pb;
  ssize_t r = s.write_next(p.wr(), n);
  int e = errno;
  ASSERT_NE(r, -1) << "failed with " << ErrnoText(e)
                   << ": at least one byte could be written, so write() must transfer it";
  EXPECT_GT(r, 0);
  EXPECT_LT(r, static_cast<ssize_t>(n)) << "more than the room left by one PIPE_BUF read";
  EXPECT_TRUE(why.empty()) << why;
  EXPECT_TRUE(DrainMatches(s, p.rd())) << "the count returned must be exactly what was queued";
}

SIGIPC_TEST(PipeNonblocking, WriteOverPipeBufToEmptyPipeTransfersAtLeastPipeBuf,
            "pipe.nonblock.write-gt-pipe-buf-empty", "XSH write()",
            "write() with O_NONBLOCK of nbyte > {PIPE_BUF}, after all data previously written has "
            "been read, transfers at least {PIPE_BUF} bytes") {
  Pipe p;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, p.wr());
  const auto pb = static_cast<std::size_t>(pipe_buf);
  set_nonblocking(p.wr(), true);
  set_nonblocking(p.rd(), true);
  PatternStream s;
  std::size_t filled = 0;
  ASSERT_TRUE(FillUntilEagain(s, p.wr(), pb, &filled, true));
  ASSERT_TRUE(DrainMatches(s, p.rd()));
  // Far more than the pipe took, so the write cannot simply take it all.
  const std::size_t n = 2 * filled + pb + 1;
  ssize_t r = s.write_next(p.wr(), n);
  int e = errno;
  ASSERT_NE(r, -1) << "failed with " << ErrnoText(e);
  EXPECT_GE(r, pipe_buf);
  EXPECT_LE(r, static_cast<ssize_t>(n));
  EXPECT_TRUE(DrainMatches(s, p.rd()));
}

}  // namespace
}  // namespace sigipc

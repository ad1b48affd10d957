// Reading and writing a FIFO: end-of-file, EAGAIN, blocking until data or
// space, EPIPE/SIGPIPE. XSH read(), XSH write().
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

using fifos::HangGuard;
using fifos::nothing_to_read;
using fifos::read_marker;
using fifos::wait_until_sleeping;
using fifos::write_marker;

SIGIPC_TEST(FifoReadWrite, ReadReturnsZeroWhenNoWriterEverOpened, "fifo.read.eof-no-writer",
            "XSH read()",
            "read() on an empty FIFO that no process has open for writing returns 0 "
            "(end-of-file), even on a descriptor opened with O_NONBLOCK") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  char b;
  EXPECT_EQ(read(rd.get(), &b, 1), 0) << ErrnoText(errno);
}

SIGIPC_TEST(FifoReadWrite, ReadReturnsDataThenZeroAfterLastWriterCloses,
            "fifo.read.eof-after-writer-close", "XSH read()",
            "After the last writer closes, read() returns the data still in the FIFO, then 0") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_EQ(write(e.wr.get(), "ab", 2), 2);
  e.wr.reset();
  char buf[4] = {};
  EXPECT_EQ(read(e.rd.get(), buf, sizeof buf), 2);
  EXPECT_EQ(std::string(buf, 2), "ab");
  EXPECT_EQ(read(e.rd.get(), buf, sizeof buf), 0);
}

SIGIPC_TEST(FifoReadWrite, NonblockingReadOnEmptyFifoWithWriterFailsWithEagain,
            "fifo.read.nonblock-eagain", "XSH read()",
            "read() with O_NONBLOCK on an empty FIFO that some process has open for writing "
            "fails with EAGAIN") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  char b;
  EXPECT_FAILS_WITH(read(e.rd.get(), &b, 1), EAGAIN);
}

SIGIPC_TEST(FifoReadWrite, ReadReturnsFewerBytesWhenLessAvailable, "fifo.read.short-count",
            "XSH read()",
            "A blocking read() of a FIFO holding fewer bytes than requested returns the bytes "
            "available instead of waiting for more") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path(), /*reader_nonblock=*/false);
  ASSERT_EQ(write(e.wr.get(), "xyz", 3), 3);
  HangGuard guard(5);
  char buf[100];
  EXPECT_EQ(read(e.rd.get(), buf, sizeof buf), 3) << ErrnoText(errno);
}

// A child blocks in read() on the empty FIFO and reports what it got.
SIGIPC_TEST(FifoReadWrite, BlockingReadWaitsForDataFromWriter, "fifo.read.blocks-until-data",
            "XSH read()",
            "A blocking read() of an empty FIFO with a writer waits until data is written, "
            "then returns it") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path(), false);
  Pipe status;
  Child c([&] {
    status.close_rd();
    e.wr.reset();
    char b = 0;
    CHILD_CHECK_EQ(read(e.rd.get(), &b, 1), 1);
    write_marker(status.wr(), b);
  });
  status.close_wr();
  ASSERT_TRUE(wait_until_sleeping(c.pid()));
  EXPECT_TRUE(nothing_to_read(status.rd())) << "read() returned before any data was written";
  ASSERT_EQ(write(e.wr.get(), "q", 1), 1);
  EXPECT_EQ(read_marker(status.rd()), 'q');
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(FifoReadWrite, BlockedReaderGetsEofWhenLastWriterCloses, "fifo.read.blocked-reader-eof",
            "XSH read()",
            "A reader blocked on an empty FIFO returns 0 once the last writer closes") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path(), false);
  Pipe status;
  Child c([&] {
    status.close_rd();
    e.wr.reset();
    char b;
    CHILD_CHECK_EQ(read(e.rd.get(), &b, 1), 0);
    write_marker(status.wr(), 'e');
  });
  status.close_wr();
  ASSERT_TRUE(wait_until_sleeping(c.pid()));
  EXPECT_TRUE(nothing_to_read(status.rd())) << "read() returned while a writer was open";
  e.wr.reset();
  EXPECT_EQ(read_marker(status.rd()), 'e');
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(FifoReadWrite, WriteToFullFifoBlocksUntilReaderMakesRoom, "fifo.write.blocks-when-full",
            "XSH write()",
            "Without O_NONBLOCK a write to a full FIFO blocks, and on normal completion returns "
            "nbyte once a reader has made room") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY | O_NONBLOCK));
  fifos::fill_until_eagain(e.wr.get(), 512);
  std::vector<char> chunk(512, 'f');
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY));
  Pipe status;
  Child c([&] {
    status.close_rd();
    e.rd.reset();
    CHILD_CHECK_EQ(write(e.wr.get(), chunk.data(), chunk.size()), 512);
    write_marker(status.wr(), 'w');
  });
  status.close_wr();
  ASSERT_TRUE(wait_until_sleeping(c.pid()));
  EXPECT_TRUE(nothing_to_read(status.rd())) << "write() to a full FIFO returned";
  // Drain everything: the blocked write completes while we read.
  std::vector<char> buf(65536);
  for (long i = 0; i < 10000000L; ++i) {  // bounded: a lost wake-up fails below
    if (!nothing_to_read(status.rd())) break;
    ssize_t r = read(e.rd.get(), buf.data(), buf.size());
    ASSERT_TRUE(r > 0 || (r < 0 && errno == EAGAIN)) << ErrnoText(errno);
  }
  ASSERT_FALSE(nothing_to_read(status.rd())) << "the blocked write never completed";
  EXPECT_EQ(read_marker(status.rd()), 'w');
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(FifoReadWrite, NonblockingWriteToFullFifoFailsWithEagain,
            "fifo.write.nonblock-full-eagain", "XSH write()",
            "A write of at most {PIPE_BUF} bytes with O_NONBLOCK to a FIFO without room for it "
            "fails with EAGAIN and writes nothing") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY | O_NONBLOCK));
  long total = fifos::fill_until_eagain(e.wr.get(), 1);
  EXPECT_FAILS_WITH(write(e.wr.get(), "z", 1), EAGAIN);
  EXPECT_EQ(fifos::drain_count(e.rd.get()), total)
      << "a write that failed with EAGAIN transferred data";
}

// The FIFO is filled, one {PIPE_BUF} taken out, then all but kLeft bytes of
// that put back: some room, less than the request. On Linux the room is the
// tail of the last page, which small writes may still fill.
SIGIPC_TEST(FifoReadWrite, NonblockingWriteLargerThanTheRoomLeftWritesAllOrNothing,
            "fifo.write.nonblock-partial-room-eagain", "XSH write()",
            "A write of at most {PIPE_BUF} bytes with O_NONBLOCK to a FIFO with some room, but "
            "less than the write needs, transfers no data and fails with EAGAIN (all of it "
            "where it fits after all, never a part)") {
  constexpr long kLeft = 100;
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  SIGIPC_PIPE_BUF_OR_SKIP(pb, e.wr.get());
  if (pb <= kLeft) SIGIPC_UNSUPPORTED("{PIPE_BUF} is too small to leave part of it free");
  set_nonblocking(e.wr.get(), true);
  PatternStream s;
  while (s.write_next(e.wr.get(), static_cast<std::size_t>(pb)) > 0) {
  }
  while (s.write_next(e.wr.get(), 1) > 0) {
  }
  if (errno != EAGAIN) setup_error_errno(__FILE__, __LINE__, "filling the FIFO", errno);
  std::string why;
  while (s.consumed() < static_cast<std::uint64_t>(pb))
    ASSERT_GT(s.read_next(e.rd.get(), static_cast<std::size_t>(pb) - s.consumed(), &why), 0)
        << "setup: reading {PIPE_BUF} bytes back: " << ErrnoText(errno);
  ASSERT_EQ(s.write_next(e.wr.get(), static_cast<std::size_t>(pb - kLeft)), pb - kLeft)
      << "setup: refilling all but " << kLeft << " bytes: " << ErrnoText(errno);

  const ssize_t w = s.write_next(e.wr.get(), static_cast<std::size_t>(pb));
  const int err = errno;
  const bool had_room = s.write_next(e.wr.get(), 1) == 1;
  if (w == -1 && !had_room)
    SIGIPC_UNSUPPORTED("the FIFO kept no room for a 1-byte write: the partial case is not reached");
  EXPECT_TRUE(w == pb || (w == -1 && err == EAGAIN))
      << "write() of {PIPE_BUF} = " << pb << " bytes returned " << w
      << (w == -1 ? " with " + ErrnoText(err) : std::string(" (a partial write)"));
  while (s.read_next(e.rd.get(), 4096, &why) > 0) {
  }
  EXPECT_EQ(errno, EAGAIN) << "draining: " << ErrnoText(errno);
  EXPECT_EQ(why, "") << "the FIFO's content";
  EXPECT_EQ(s.consumed(), s.written()) << "bytes in the FIFO, against the bytes write() reported";
}

SIGIPC_TEST(FifoReadWrite, WriteAfterReaderClosedFailsWithEpipeWhenIgnored,
            "fifo.write.epipe-ignored", "XSH write()",
            "With SIGPIPE ignored, a write to a FIFO that no process has open for reading any "
            "more fails with EPIPE") {
  SignalAction ignore(SIGPIPE, SIG_IGN);
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  e.rd.reset();
  EXPECT_FAILS_WITH(write(e.wr.get(), "x", 1), EPIPE);
}

SIGIPC_TEST(FifoReadWrite, WriteAfterReaderClosedRaisesSigpipe, "fifo.write.sigpipe-default",
            "XSH write()",
            "A write to a FIFO with no reader sends SIGPIPE; its default action terminates the "
            "writer") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  e.rd.reset();
  WaitStatus st = RunInChild([&] {
    child_use_default_action(SIGPIPE);
    coverage_flush();
    ssize_t r = write(e.wr.get(), "x", 1);
    SafeBuf b;
    b.str("write() with no reader returned ").num(r).str(" and the writer survived");
    emit("fail", b.c_str());
    child_exit(kChildCheckFailedExit);
  });
  EXPECT_TRUE(KilledBy(st, SIGPIPE));
}

}  // namespace
}  // namespace sigipc

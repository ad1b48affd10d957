// read() and write() are async-signal-safe (XSH 2.4.3 list): a handler may
// call them while the code it interrupted is blocked in the same function,
// and both streams come through intact. Also what the interrupted call
// returns: restarted under SA_RESTART, the byte count once data has moved,
// EINTR when none has (XSH read(), XSH write()).
//
// The main flow blocks on one pipe; a POSIX timer repeats the signal until
// the call returns (see wait_helpers.h), and the handler uses a second pipe.
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

constexpr long kTickUs = 1000;
constexpr int kSideLen = 256;  // what the handler moves on its own pipe
// Pattern streams (fixtures/io.h): disjoint byte values.
constexpr unsigned kFillTag = 0, kMainTag = 1, kSideTag = 2;

// Handler state: descriptors it uses (lock-free atomics, readable in a
// handler), whether the main flow is about to block, and the outcome.
std::atomic<int> g_side_fd{-1};
std::atomic<int> g_ack_fd{-1};
std::atomic<int> g_armed{0};
volatile sig_atomic_t g_side_done = 0;  // 1 done and intact, -1 failed
volatile sig_atomic_t g_ticks = 0;

void reset_handler_state() {
  g_side_fd = -1;
  g_ack_fd = -1;
  g_armed = 0;
  g_side_done = 0;
  g_ticks = 0;
}

void count_tick(int) { g_ticks = g_ticks + 1; }

// Once armed: writes kSideLen bytes of the side stream to the side pipe.
void write_side_stream(int) {
  if (g_armed.load() == 0 || g_side_done != 0) return;
  const int saved = errno;
  char buf[kSideLen];
  fill_pattern(buf, kSideLen, kSideTag);
  g_side_done = write(g_side_fd.load(), buf, kSideLen) == kSideLen ? 1 : -1;
  errno = saved;
}

// Once armed: reads the side stream from the side pipe, checks it, then
// acknowledges on the ack pipe.
void read_side_stream(int) {
  if (g_armed.load() == 0 || g_side_done != 0) return;
  const int saved = errno;
  char buf[kSideLen];
  bool ok = read_all(g_side_fd.load(), buf, kSideLen) == kSideLen &&
            pattern_mismatch(buf, kSideLen, kSideTag) == -1;
  g_side_done = ok ? 1 : -1;
  char ack = 1;
  HANDLER_CHECK(write(g_ack_fd.load(), &ack, 1) == 1);
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeIo, HandlerWriteDuringBlockedWriteKeepsBothStreams,
            "signal.asyncsafe.write-during-write", "XSH 2.4.3 Signal Actions",
            "A handler's write() to one pipe, interrupting a write() blocked on another, "
            "succeeds; the interrupted write then completes (SA_RESTART) and both streams arrive "
            "intact") {
  reset_handler_state();
  Pipe main_pipe, side, result;
  const long long capacity = fill_pipe(main_pipe.wr(), kFillTag);
  g_side_fd = side.wr();
  // The drainer empties the full pipe only after the handler's bytes have
  // arrived, so the main write stays blocked until the handler has run.
  Child drainer([&] {
    main_pipe.close_wr();
    side.close_wr();
    char buf[4096];
    CHILD_CHECK_EQ(read_all(side.rd(), buf, kSideLen), static_cast<std::size_t>(kSideLen));
    CHILD_CHECK_EQ(pattern_mismatch(buf, kSideLen, kSideTag), -1);
    long long total = 0;
    for (;;) {
      ssize_t n = read(main_pipe.rd(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      CHILD_CHECK(n >= 0);
      if (n == 0) break;
      for (ssize_t i = 0; i < n; ++i, ++total) {
        const unsigned char want =
            total < capacity ? pattern_byte(kFillTag, static_cast<std::uint64_t>(total))
                             : pattern_byte(kMainTag, static_cast<std::uint64_t>(total - capacity));
        CHILD_CHECK_EQ(static_cast<unsigned char>(buf[i]), want);
      }
    }
    CHILD_CHECK_EQ(write(result.wr(), &total, sizeof total), static_cast<ssize_t>(sizeof total));
  });
  main_pipe.close_rd();
  side.close_rd();
  result.close_wr();

  SignalAction action(SIGUSR1, write_side_stream, SA_RESTART);
  signals::Watchdog watchdog(5);
  // At most PIPE_BUF bytes: atomic, so nothing moves before the handler
  // runs and a restart repeats the whole request.
  char data[PIPE_BUF];
  fill_pattern(data, PIPE_BUF, kMainTag);
  ssize_t w;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    g_armed = 1;
    w = write(main_pipe.wr(), data, PIPE_BUF);
  }
  const int err = errno;
  main_pipe.close_wr();
  EXPECT_EQ(w, PIPE_BUF) << ErrnoText(err) << (watchdog.fired() ? " (ended by the watchdog)" : "");
  EXPECT_EQ(g_side_done, 1) << "the handler's write() (0: never ran while armed)";
  long long total = -1;
  EXPECT_EQ(read_all(result.rd(), &total, sizeof total), sizeof total);
  EXPECT_CHILD_OK(drainer.wait());
  EXPECT_EQ(total, capacity + PIPE_BUF) << "bytes that came out of the main pipe";
}

SIGIPC_TEST(SignalAsyncSafeIo, HandlerReadDuringBlockedReadKeepsBothStreams,
            "signal.asyncsafe.read-during-read", "XSH 2.4.3 Signal Actions",
            "A handler's read() from one pipe, interrupting a read() blocked on another, gets "
            "its data; the interrupted read then completes (SA_RESTART) with its own data") {
  reset_handler_state();
  Pipe main_pipe, side, ack;
  {
    char buf[kSideLen];
    fill_pattern(buf, kSideLen, kSideTag);
    ASSERT_EQ(write(side.wr(), buf, kSideLen), kSideLen) << "setup";
  }
  g_side_fd = side.rd();
  g_ack_fd = ack.wr();
  // The feeder writes the main stream only once the handler has read its
  // own, so the main read stays blocked until then.
  Child feeder([&] {
    main_pipe.close_rd();
    ack.close_wr();
    char c;
    CHILD_CHECK_EQ(read_all(ack.rd(), &c, 1), 1u);
    char data[PIPE_BUF];
    fill_pattern(data, PIPE_BUF, kMainTag);
    CHILD_CHECK_EQ(write(main_pipe.wr(), data, PIPE_BUF), PIPE_BUF);
  });
  main_pipe.close_wr();
  ack.close_rd();

  SignalAction action(SIGUSR1, read_side_stream, SA_RESTART);
  signals::Watchdog watchdog(5);
  std::vector<char> got(PIPE_BUF);
  ssize_t r;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    g_armed = 1;
    r = read(main_pipe.rd(), got.data(), PIPE_BUF);
  }
  const int err = errno;
  ASSERT_GT(r, 0) << ErrnoText(err) << (watchdog.fired() ? " (ended by the watchdog)" : "");
  // One atomic write of PIPE_BUF; a read may still take it in pieces.
  ASSERT_EQ(read_all(main_pipe.rd(), got.data() + r, PIPE_BUF - r),
            static_cast<std::size_t>(PIPE_BUF - r));
  EXPECT_EQ(pattern_mismatch(got.data(), PIPE_BUF, kMainTag), -1) << "the main stream was altered";
  EXPECT_EQ(g_side_done, 1) << "the handler's read() (0: never ran while armed)";
  EXPECT_CHILD_OK(feeder.wait());
}

SIGIPC_TEST(SignalAsyncSafeIo, WriteInterruptedAfterMovingDataReturnsTheCount,
            "signal.asyncsafe.write-partial-count", "XSH write()",
            "A write() interrupted by a handler after it has written some data returns the "
            "number of bytes written, not -1") {
  reset_handler_state();
  Pipe p;
  SignalAction action(SIGUSR1, count_tick);  // no SA_RESTART
  // Far more than any pipe holds: the write fills the pipe, then blocks.
  const long long size = 4 << 20;
  std::vector<char> data(size);
  fill_pattern(data.data(), size, kMainTag);
  ssize_t w;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    w = write(p.wr(), data.data(), size);
  }
  const int err = errno;
  ASSERT_NE(w, -1) << "data had moved, yet write() failed with " << ErrnoText(err);
  EXPECT_GT(w, 0);
  EXPECT_LT(w, size) << "nothing read the pipe, so the write cannot have completed";
  EXPECT_EQ(drain_pattern(p.rd(), kMainTag), w)
      << "bytes in the pipe (negative: altered at offset -1 - value)";
  EXPECT_GE(g_ticks, 1);
}

// Records of the pipe-records test (fixtures/io.h): writer 0 is the main
// flow, writer 1 the handler; lengths vary up to PIPE_BUF, so records start
// at every offset within a page of the pipe.
constexpr unsigned kMainWriter = 0, kHandlerWriter = 1;
constexpr int kMainRecords = 1500;
std::atomic<int> g_record_fd{-1};
volatile sig_atomic_t g_handler_records = 0;
volatile sig_atomic_t g_handler_record_errors = 0;

void write_handler_record(int) {
  const int saved = errno;
  char rec[PIPE_BUF];
  const auto seq = static_cast<std::uint32_t>(g_handler_records);
  const std::size_t len = record_length(kHandlerWriter, seq, PIPE_BUF);
  make_record(rec, len, kHandlerWriter, seq);
  if (write(g_record_fd.load(), rec, len) == static_cast<ssize_t>(len))
    g_handler_records = g_handler_records + 1;
  else
    g_handler_record_errors = g_handler_record_errors + 1;
  errno = saved;
}

// The reader: checks every record and its writer's sequence (ending the
// child with the failure otherwise), and reports the count per writer on
// result_fd.
void read_records(int fd, int result_fd) {
  long long counts[2] = {0, 0};
  char rec[PIPE_BUF];
  for (;;) {
    RecordHeader h{};
    const char* why = "";
    const int r = read_record(fd, rec, PIPE_BUF, &h, &why);
    if (r == 0) break;
    if (r < 0 || h.writer > kHandlerWriter || h.seq != counts[h.writer])
      check_fail(__FILE__, __LINE__, "the records read from the pipe",
                 r < 0 ? why : "a record out of its writer's sequence", true);
    ++counts[h.writer];
  }
  CHILD_CHECK_EQ(write(result_fd, counts, sizeof counts), static_cast<ssize_t>(sizeof counts));
}

// Pipe writes of at most PIPE_BUF bytes are atomic (XSH write()); a handler
// that writes the same pipe while the main flow's write is blocked on it
// must not split either record.
SIGIPC_TEST(SignalAsyncSafeIo, HandlerAndMainWritesToOnePipeStayWhole,
            "signal.asyncsafe.pipe-records-whole", "XSH write()",
            "Records of at most PIPE_BUF bytes (of varied lengths) written to one pipe by the "
            "main flow and by a handler interrupting it arrive whole, none split or lost") {
  g_handler_records = 0;
  g_handler_record_errors = 0;
  Pipe p, result;
#ifdef F_SETPIPE_SZ
  fcntl(p.wr(), F_SETPIPE_SZ, 4096);  // best effort: a small pipe blocks the writer often
#endif
  g_record_fd = p.wr();
  Child reader([&] {
    p.close_wr();
    read_records(p.rd(), result.wr());
  });
  p.close_rd();
  result.close_wr();

  SignalAction action(SIGUSR1, write_handler_record, SA_RESTART);
  // A reader that found a broken record has ended: EPIPE, not SIGPIPE.
  SignalAction no_sigpipe(SIGPIPE, SIG_IGN);
  char rec[PIPE_BUF];
  int short_writes = 0;
  std::uint32_t main_records = 0;
  {
    // At least kMainRecords, and on until the handler has written a few.
    signals::RepeatingSignal ticks(SIGUSR1, 500);
    while (main_records < kMainRecords ||
           (g_handler_records < 20 && main_records < 100 * kMainRecords)) {
      const std::size_t len = record_length(kMainWriter, main_records, PIPE_BUF);
      make_record(rec, len, kMainWriter, main_records);
      const ssize_t w = write(p.wr(), rec, len);
      if (w < 0 && errno == EPIPE) break;
      if (w != static_cast<ssize_t>(len)) ++short_writes;
      ++main_records;
    }
  }
  p.close_wr();
  long long counts[2] = {-1, -1};
  EXPECT_EQ(read_all(result.rd(), counts, sizeof counts), sizeof counts);
  EXPECT_CHILD_OK(reader.wait());
  EXPECT_EQ(short_writes, 0) << "main-flow writes that did not write a whole record";
  EXPECT_EQ(g_handler_record_errors, 0) << "handler writes that did not write a whole record";
  EXPECT_EQ(counts[0], main_records) << "main-flow records read";
  EXPECT_EQ(counts[1], g_handler_records) << "handler records read";
  EXPECT_GE(g_handler_records, 1) << "the handler never ran";
}

}  // namespace
}  // namespace sigipc

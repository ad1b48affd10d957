// Pipes and FIFOs under a signal storm: every process of the transfer takes
// SIGUSR1/SIGUSR2 from an injector while it writes or reads, with handlers
// installed with and without SA_RESTART, and the byte stream keeps its rules.
// XSH write() "Pipes and FIFOs" (writes of at most PIPE_BUF bytes are not
// interleaved with other writers' data), XSH write()/read() [EINTR] and the
// partial-transfer rule ("If write() is interrupted by a signal after it
// successfully writes some data, it shall return the number of bytes
// written"), signal(7) "Interruption of system calls".
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/storm_helpers.h"

namespace sigipc {
namespace {

using injection::TallyBoard;

constexpr int kWriters = 3;
constexpr std::uint32_t kRecordsPerWriter = 1500;

// A record: header, then payload bytes that depend on (writer, seq, index),
// so a record split by another writer's bytes, or one lost or repeated, shows.
struct RecordHeader {
  std::uint32_t writer, seq, len;  // len: whole record, header included
  std::uint32_t magic;
};
constexpr std::uint32_t kMagic = 0x53544f52;  // "STOR"

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

// 16 bytes to PIPE_BUF, spread so that many records are near PIPE_BUF.
std::uint32_t record_len(std::uint32_t writer, std::uint32_t seq, std::uint32_t pipe_buf) {
  const std::uint64_t h = mix((std::uint64_t{writer} << 32) | seq);
  const std::uint32_t min = sizeof(RecordHeader);
  return (h & 1) ? pipe_buf - static_cast<std::uint32_t>((h >> 8) % 64)
                 : min + static_cast<std::uint32_t>((h >> 8) % (pipe_buf - min + 1));
}

unsigned char payload_byte(std::uint32_t writer, std::uint32_t seq, std::uint32_t i) {
  return static_cast<unsigned char>(
      mix((std::uint64_t{writer} << 40) ^ (std::uint64_t{seq} << 16) ^ i));
}

// Writer child body: at least kRecordsPerWriter records of at most PIPE_BUF
// bytes, more until the storm hit it (t.items: how many), each one write();
// EINTR is retried; a short count breaks the atomicity rule.
void write_records(int fd, std::uint32_t writer, std::uint32_t pipe_buf, injection::Tally& t) {
  std::vector<unsigned char> buf(pipe_buf);
  const injection::WorkCap cap;
  t.begin();
  std::uint32_t seq = 0;
  for (; seq < kRecordsPerWriter || (!t.hit_enough() && !cap.passed()); ++seq) {
    const std::uint32_t len = record_len(writer, seq, pipe_buf);
    RecordHeader h{writer, seq, len, kMagic};
    std::memcpy(buf.data(), &h, sizeof h);
    for (std::uint32_t i = sizeof h; i < len; ++i) buf[i] = payload_byte(writer, seq, i);
    const ssize_t r = injection::retry_eintr([&] { return write(fd, buf.data(), len); });
    CHILD_CHECK_EQ(r, len);
  }
  t.items.store(seq);
  t.end();
}

// Reads records until EOF and checks each: whole, from a known writer, the
// next of that writer's sequence, payload intact. Returns "" or the problem.
std::string read_records(int fd, std::uint32_t pipe_buf, const TallyBoard& board,
                         injection::Tally& t) {
  std::vector<unsigned char> stream;
  std::vector<std::uint32_t> next(kWriters, 0);
  std::vector<unsigned char> chunk(65536);
  std::size_t pos = 0;
  t.begin();
  for (;;) {
    const ssize_t n = injection::retry_eintr([&] { return read(fd, chunk.data(), chunk.size()); });
    if (n < 0) return "read() failed with " + ErrnoText(errno);
    if (n == 0) break;
    stream.insert(stream.end(), chunk.begin(), chunk.begin() + n);
    while (stream.size() - pos >= sizeof(RecordHeader)) {
      RecordHeader h;
      std::memcpy(&h, stream.data() + pos, sizeof h);
      if (h.magic != kMagic || h.writer >= kWriters)
        return "bytes at stream offset " + std::to_string(pos) +
               " are not a record header: a record was split or interleaved";
      if (h.seq != next[h.writer])
        return "writer " + std::to_string(h.writer) + ": record " + std::to_string(h.seq) +
               " arrived where " + std::to_string(next[h.writer]) +
               " was due (lost, repeated or reordered)";
      if (h.len != record_len(h.writer, h.seq, pipe_buf))
        return "writer " + std::to_string(h.writer) + " record " + std::to_string(h.seq) +
               ": wrong length " + std::to_string(h.len);
      if (stream.size() - pos < h.len) break;
      for (std::uint32_t i = sizeof h; i < h.len; ++i)
        if (stream[pos + i] != payload_byte(h.writer, h.seq, i))
          return "writer " + std::to_string(h.writer) + " record " + std::to_string(h.seq) +
                 ": payload byte " + std::to_string(i) +
                 " differs: another writer's data inside a write of at most PIPE_BUF bytes";
      ++next[h.writer];
      pos += h.len;
    }
    if (pos > (1u << 20)) {
      stream.erase(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(pos));
      pos = 0;
    }
  }
  t.end();
  if (pos != stream.size()) return "EOF inside a record";
  // EOF: every writer has exited, after storing how many records it wrote.
  for (int w = 0; w < kWriters; ++w)
    if (next[static_cast<std::size_t>(w)] != board.at(w).items.load())
      return "writer " + std::to_string(w) + ": " +
             std::to_string(next[static_cast<std::size_t>(w)]) + " of " +
             std::to_string(board.at(w).items.load()) + " records arrived";
  return "";
}

// kWriters children write records to a pipe or FIFO, the test process reads
// them; all of them are stormed. open_writer() runs in each child.
template <class OpenWriter>
void run_records_under_storm(int rd, OpenWriter open_writer, std::uint32_t pipe_buf, bool restart,
                             Pipe* inherited) {
  TallyBoard board(kWriters + 1);
  Gate ready, go;
  std::vector<Child> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      injection::child_install_handlers(&board.at(w), restart);
      const int fd = open_writer();
      ready.open();
      go.wait();
      write_records(fd, static_cast<std::uint32_t>(w), pipe_buf, board.at(w));
    });
  }
  if (inherited) inherited->close_wr();  // EOF once the writers are done
  for (int w = 0; w < kWriters; ++w) ready.wait();
  injection::Handlers handlers(&board.at(kWriters), restart);
  injection::Storm storm;
  for (const Child& c : writers) storm.aim(c.pid());
  storm.aim(getpid());
  for (int w = 0; w < kWriters; ++w) go.open();
  const std::string problem = read_records(rd, pipe_buf, board, board.at(kWriters));
  storm.stop();
  // A receiver that stopped at a broken rule leaves the writers blocked.
  for (Child& c : writers) {
    if (!problem.empty()) kill(c.pid(), SIGKILL);
    const WaitStatus st = c.wait();
    if (problem.empty()) {
      EXPECT_CHILD_OK(st);
    }
  }
  EXPECT_EQ(problem, "");
  EXPECT_TRUE(injection::StormHitTheTransfer(board, storm));
}

void pipe_records(bool restart) {
  Pipe p;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, p.wr());
  const int wr = p.wr();
  run_records_under_storm(
      p.rd(), [wr] { return wr; }, static_cast<std::uint32_t>(pipe_buf), restart, &p);
}

void fifo_records(bool restart) {
  TempFifo fifo;
  // The read end first (O_NONBLOCK: no writer yet), so the writers' opens
  // do not block; then blocking reads.
  UniqueFd rd(SETUP_OK(open(fifo.path(), O_RDONLY | O_NONBLOCK)));
  set_nonblocking(rd.get(), false);
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, rd.get());
  const char* path = fifo.path();
  run_records_under_storm(
      rd.get(),
      [path] {
        const int fd = injection::retry_eintr([&] { return open(path, O_WRONLY); });
        CHILD_CHECK(fd >= 0);
        return fd;
      },
      static_cast<std::uint32_t>(pipe_buf), restart, nullptr);
}

SIGIPC_TEST(StormPipe, WritesUpToPipeBufStayWholeUnderStormWithSaRestart,
            "injection.storm.pipe-records.sa-restart", "XSH write() Pipes and FIFOs; signal(7)",
            "Under a signal storm (handlers with SA_RESTART), writes of at most PIPE_BUF bytes "
            "by several processes to one pipe arrive whole, in each writer's order, none lost "
            "or repeated") {
  pipe_records(true);
}

SIGIPC_TEST(StormPipe, WritesUpToPipeBufStayWholeUnderStormWithoutSaRestart,
            "injection.storm.pipe-records.no-sa-restart",
            "XSH write() Pipes and FIFOs, [EINTR]; signal(7)",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried), writes of at "
            "most PIPE_BUF bytes by several processes to one pipe arrive whole, in each writer's "
            "order, none lost or repeated, never short") {
  pipe_records(false);
}

SIGIPC_TEST(StormFifo, WritesUpToPipeBufStayWholeUnderStormWithSaRestart,
            "injection.storm.fifo-records.sa-restart",
            "XSH write() Pipes and FIFOs; XSH mkfifo(); signal(7)",
            "Under a signal storm (handlers with SA_RESTART), writes of at most PIPE_BUF bytes "
            "by several processes to one FIFO arrive whole, in each writer's order, none lost "
            "or repeated") {
  fifo_records(true);
}

SIGIPC_TEST(StormFifo, WritesUpToPipeBufStayWholeUnderStormWithoutSaRestart,
            "injection.storm.fifo-records.no-sa-restart",
            "XSH write() Pipes and FIFOs, [EINTR]; XSH mkfifo(); signal(7)",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried), writes of at "
            "most PIPE_BUF bytes by several processes to one FIFO arrive whole, in each writer's "
            "order, none lost or repeated, never short") {
  fifo_records(false);
}

// One writer, writes larger than PIPE_BUF: these may be split, and an
// interrupted one that already moved data returns the count moved. Continuing
// from that count must give the reader the exact stream.
constexpr std::size_t kLargeTotal = 8u << 20;  // at least; more until the storm hit

void large_writes(bool restart) {
  Pipe p;
  SIGIPC_PIPE_BUF_OR_SKIP(pipe_buf, p.wr());
  TallyBoard board(2);
  Gate ready, go;
  Child writer([&] {
    injection::Tally& t = board.at(0);
    injection::child_install_handlers(&t, restart);
    p.close_rd();
    std::vector<unsigned char> buf(256 * 1024);
    ready.open();
    go.wait();
    const injection::WorkCap cap;
    t.begin();
    std::uint64_t off = 0;
    std::uint64_t n = 0;
    while (off < kLargeTotal || (!t.hit_enough() && !cap.passed())) {
      // PIPE_BUF+1 up to 256 KiB, beyond the pipe's 64 KiB so writes block.
      const std::size_t len =
          static_cast<std::size_t>(pipe_buf) + 1 + mix(++n) % (buf.size() - pipe_buf);
      fill_pattern(buf.data(), len, 0, off);
      std::size_t done = 0;
      while (done < len) {
        const ssize_t r = write(p.wr(), buf.data() + done, len - done);
        if (r < 0 && errno == EINTR) {
          injection::note_eintr();
          continue;
        }
        CHILD_CHECK(r > 0);
        if (static_cast<std::size_t>(r) < len - done) t.short_io.fetch_add(1);
        done += static_cast<std::size_t>(r);
      }
      off += len;
    }
    t.items.store(off);
    t.end();
  });
  p.close_wr();
  ready.wait();
  injection::Handlers handlers(&board.at(1), restart);
  injection::Storm storm;
  storm.aim(writer.pid());
  storm.aim(getpid());
  go.open();
  injection::Tally& t = board.at(1);
  t.begin();
  std::vector<unsigned char> buf(7919);  // odd size: reads end mid-write
  std::uint64_t off = 0;
  std::string problem;
  for (;;) {
    const ssize_t r = injection::retry_eintr([&] { return read(p.rd(), buf.data(), buf.size()); });
    if (r <= 0) {
      if (r < 0) problem = "read() failed with " + ErrnoText(errno);
      break;
    }
    const long long at = pattern_mismatch(buf.data(), static_cast<std::size_t>(r), 0, off);
    if (at >= 0)
      problem = "byte at stream offset " + std::to_string(off + static_cast<std::uint64_t>(at)) +
                " is wrong: a short write was not continued from its count";
    off += static_cast<std::uint64_t>(r);
    if (!problem.empty()) break;
  }
  t.end();
  storm.stop();
  if (!problem.empty()) kill(writer.pid(), SIGKILL);  // blocked on the full pipe
  const WaitStatus st = writer.wait();
  if (problem.empty()) {
    EXPECT_CHILD_OK(st);
  }
  EXPECT_EQ(problem, "");
  EXPECT_EQ(off, board.at(0).items.load()) << "bytes lost or added";
  EXPECT_TRUE(injection::StormHitTheTransfer(board, storm));
}

SIGIPC_TEST(StormPipe, LargeWritesContinuedFromShortCountsWithSaRestart,
            "injection.storm.pipe-partial-writes.sa-restart", "XSH write() [EINTR]; signal(7)",
            "Under a signal storm (handlers with SA_RESTART), writes larger than PIPE_BUF that "
            "return a short count, continued from that count, deliver the exact byte stream") {
  large_writes(true);
}

SIGIPC_TEST(StormPipe, LargeWritesContinuedFromShortCountsWithoutSaRestart,
            "injection.storm.pipe-partial-writes.no-sa-restart", "XSH write() [EINTR]; signal(7)",
            "Under a signal storm (handlers without SA_RESTART), a write larger than PIPE_BUF "
            "interrupted after moving data returns that count; continuing from it delivers the "
            "exact byte stream") {
  large_writes(false);
}

}  // namespace
}  // namespace sigipc

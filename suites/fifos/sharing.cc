// A FIFO as a channel between processes that share nothing but its name:
// data flows, PIPE_BUF writes stay whole, and what is left when every
// descriptor closes is discarded. XSH mkfifo(), XSH write(), XSH close().
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/io.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

using fifos::HangGuard;

// Opens args[0] for writing (blocking) and writes args[1]: a separate program
// that knows only the FIFO's name.
SIGIPC_EXEC_HELPER(fifo_write_text) {
  if (args.size() != 2) return 3;
  int fd = open(args[0].c_str(), O_WRONLY);
  if (fd < 0) return 4;
  ssize_t w = write(fd, args[1].data(), args[1].size());
  close(fd);
  return w == static_cast<ssize_t>(args[1].size()) ? 0 : 5;
}

std::string read_to_eof(int fd) {
  std::string out;
  char buf[256];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r > 0) {
      out.append(buf, static_cast<size_t>(r));
      continue;
    }
    if (r < 0) out += "<" + ErrnoText(errno) + ">";
    return out;
  }
}

SIGIPC_TEST(FifoSharing, SiblingProcessesExchangeDataByPath, "fifo.share.siblings-by-path",
            "XSH mkfifo()",
            "Two processes that each open the FIFO by its path, one for writing and one for "
            "reading, exchange data through it") {
  TempFifo f;
  Child writer([&] {
    int fd = open(f.path(), O_WRONLY);
    CHILD_CHECK(fd >= 0);
    CHILD_CHECK_EQ(write(fd, "sibling", 7), 7);
    close(fd);
  });
  Child reader([&] {
    int fd = open(f.path(), O_RDONLY);
    CHILD_CHECK(fd >= 0);
    char buf[16];
    size_t got = 0;
    ssize_t r;
    while ((r = read(fd, buf + got, sizeof buf - got)) > 0) got += static_cast<size_t>(r);
    CHILD_CHECK_EQ(r, 0);
    CHILD_CHECK_EQ(got, 7);
    CHILD_CHECK(memcmp(buf, "sibling", 7) == 0);
    close(fd);
  });
  EXPECT_CHILD_OK(writer.wait());
  EXPECT_CHILD_OK(reader.wait());
}

SIGIPC_TEST(FifoSharing, UnrelatedProgramWritesThroughFifoByName, "fifo.share.exec-program",
            "XSH mkfifo()",
            "A separately executed program that opens the FIFO by name delivers its data to a "
            "reader in another process") {
  TempFifo f;
  ExecArgv argv("fifo_write_text", {f.path(), "from another program"});
  Child prog([&] {
    argv.exec();
    CHILD_CHECK(false);  // exec failed
  });
  HangGuard guard(8);
  UniqueFd rd(open(f.path(), O_RDONLY));
  ASSERT_TRUE(rd) << ErrnoText(errno);
  EXPECT_EQ(read_to_eof(rd.get()), "from another program");
  EXPECT_CHILD_OK(prog.wait());
}

// Each writer's records have lengths from the header's size up to
// {PIPE_BUF}, so records start at every offset within a page of the FIFO: a
// platform that splits a write where it crosses a page boundary would let
// another writer's bytes in between, and the record's checksum shows it.
SIGIPC_TEST(FifoSharing, ConcurrentWritesOfPipeBufBytesAreNotInterleaved,
            "fifo.write.pipe-buf-atomic", "XSH write()",
            "Writes of at most {PIPE_BUF} bytes (of varied lengths) to a FIFO by several "
            "processes at once are not interleaved with data from other writers") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  SIGIPC_PIPE_BUF_OR_SKIP(pb, rd.get());
  if (static_cast<std::size_t>(pb) < kRecordMin)
    SIGIPC_UNSUPPORTED("{PIPE_BUF} is smaller than a record header");
  set_nonblocking(rd.get(), false);
  const std::size_t max_len = std::min<std::size_t>(static_cast<std::size_t>(pb), 65535);
  constexpr int kWriters = 4, kRecords = 160;
  // Every writer reports its open() before any writes: a reader that found
  // no writer yet would see end-of-file.
  Pipe opened;
  Gate go;
  std::vector<Child> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      int fd = open(f.path(), O_WRONLY);
      CHILD_CHECK(fd >= 0);
      fifos::write_marker(opened.wr(), 'o');
      go.wait();
      std::vector<char> rec(max_len);
      for (std::uint32_t i = 0; i < kRecords; ++i) {
        const std::size_t len = record_length(w, i, max_len);
        make_record(rec.data(), len, w, i);
        CHILD_CHECK_EQ(write(fd, rec.data(), len), static_cast<ssize_t>(len));
      }
      close(fd);
    });
  }
  opened.close_wr();
  for (int w = 0; w < kWriters; ++w) ASSERT_EQ(fifos::read_marker(opened.rd()), 'o');
  for (int w = 0; w < kWriters; ++w) go.open();
  HangGuard guard(8);
  std::vector<char> rec(max_len);
  std::uint32_t next[kWriters] = {};
  long long offset = 0;
  for (int n = 0; n < kWriters * kRecords; ++n) {
    RecordHeader h{};
    const char* why = "end-of-file before every record came";
    ASSERT_EQ(read_record(rd.get(), rec.data(), max_len, &h, &why), 1)
        << "record " << n << " at byte " << offset << ": " << why;
    ASSERT_LT(h.writer, kWriters) << "record at byte " << offset;
    ASSERT_EQ(h.seq, next[h.writer]) << "writer " << h.writer << "'s records out of order";
    ++next[h.writer];
    offset += h.len;
  }
  for (auto& c : writers) EXPECT_CHILD_OK(c.wait());
  RecordHeader extra{};
  const char* why = "";
  EXPECT_EQ(read_record(rd.get(), rec.data(), max_len, &extra, &why), 0)
      << "bytes after the last record: " << why;
}

SIGIPC_TEST(FifoSharing, DataIsDiscardedWhenLastDescriptorCloses, "fifo.close.last-close-discards",
            "XSH close()",
            "When all file descriptors of a FIFO are closed, data remaining in it is discarded: "
            "a later reader finds it empty") {
  TempFifo f;
  {
    fifos::FifoEnds e = fifos::open_both(f.path());
    ASSERT_EQ(write(e.wr.get(), "stale", 5), 5);
  }
  fifos::FifoEnds e2 = fifos::open_both(f.path());
  char buf[8];
  EXPECT_FAILS_WITH(read(e2.rd.get(), buf, sizeof buf), EAGAIN)
      << "data from before the last close survived";
}

SIGIPC_TEST(FifoSharing, DataSurvivesWhileAWriterKeepsFifoOpen, "fifo.close.data-kept-while-open",
            "Linux-only, fifo(7)",
            "Data stays in the FIFO while any descriptor is open: a reader that closes and "
            "reopens (the writer still open) reads what was written before") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_EQ(write(e.wr.get(), "kept", 4), 4);
  e.rd.reset();
  UniqueFd rd2(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  char buf[8] = {};
  EXPECT_EQ(read(rd2.get(), buf, sizeof buf), 4) << ErrnoText(errno);
  EXPECT_EQ(std::string(buf, 4), "kept");
}

}  // namespace
}  // namespace sigipc

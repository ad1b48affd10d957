// A FIFO as a channel between processes that share nothing but its name:
// data flows, PIPE_BUF writes stay whole, and what is left when every
// descriptor closes is discarded. XSH mkfifo(), XSH write(), XSH close().
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
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

SIGIPC_TEST(FifoSharing, ConcurrentWritesOfPipeBufBytesAreNotInterleaved,
            "fifo.write.pipe-buf-atomic", "XSH write()",
            "Writes of at most {PIPE_BUF} bytes to a FIFO by several processes at once are not "
            "interleaved with data from other writers") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  errno = 0;
  long pb = fpathconf(rd.get(), _PC_PIPE_BUF);
  if (pb <= 0) SIGIPC_UNSUPPORTED("fpathconf(_PC_PIPE_BUF) reports no limit for a FIFO");
  SETUP_OK(fcntl(rd.get(), F_SETFL, O_RDONLY));
  const size_t rec = static_cast<size_t>(pb);
  constexpr int kWriters = 4, kRecords = 16;
  std::vector<char> bufs[kWriters];
  for (int w = 0; w < kWriters; ++w) bufs[w].assign(rec, static_cast<char>('A' + w));
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
      for (int i = 0; i < kRecords; ++i)
        CHILD_CHECK_EQ(write(fd, bufs[w].data(), rec), static_cast<ssize_t>(rec));
      close(fd);
    });
  }
  opened.close_wr();
  for (int w = 0; w < kWriters; ++w) ASSERT_EQ(fifos::read_marker(opened.rd()), 'o');
  for (int w = 0; w < kWriters; ++w) go.open();
  HangGuard guard(8);
  std::vector<char> all(rec * kWriters * kRecords);
  size_t got = 0;
  while (got < all.size()) {
    ssize_t r = read(rd.get(), all.data() + got, all.size() - got);
    ASSERT_GT(r, 0) << "after " << got << " bytes: " << ErrnoText(errno);
    got += static_cast<size_t>(r);
  }
  int counts[kWriters] = {};
  for (size_t off = 0; off < all.size(); off += rec) {
    char id = all[off];
    ASSERT_TRUE(id >= 'A' && id < 'A' + kWriters) << "record at " << off;
    for (size_t i = 1; i < rec; ++i)
      ASSERT_EQ(all[off + i], id) << "record at offset " << off << " mixes writers at byte " << i;
    ++counts[id - 'A'];
  }
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(counts[w], kRecords) << "writer " << w;
  for (auto& c : writers) EXPECT_CHILD_OK(c.wait());
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

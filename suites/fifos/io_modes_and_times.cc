// read() and write() on a FIFO by access mode and flags: large non-blocking
// writes, zero-length reads, the access mode of each end, the status flags
// it keeps, and the timestamps I/O marks. XSH read(), XSH write(), XSH fcntl().
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(FifoIo, NonblockingLargeWriteTransfersWhatFits, "fifo.write.nonblock-large-partial",
            "XSH write()",
            "A non-blocking write of more than {PIPE_BUF} bytes to a FIFO with some room "
            "transfers what it can and returns that count") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY | O_NONBLOCK));
  int cap = fcntl(e.wr.get(), F_GETPIPE_SZ);
  if (cap <= 0) cap = 1 << 20;  // no way to ask: write more than any FIFO holds
  std::vector<char> big(static_cast<size_t>(cap) * 2 + 4096, 'L');
  ssize_t w = write(e.wr.get(), big.data(), big.size());
  ASSERT_GT(w, 0) << ErrnoText(errno);
  EXPECT_LT(static_cast<size_t>(w), big.size()) << "more than the capacity was accepted";
  EXPECT_EQ(fifos::drain_count(e.rd.get()), w) << "the returned count is not what was transferred";
}

SIGIPC_TEST(FifoIo, NonblockingLargeWriteToFullFifoFailsWithEagain,
            "fifo.write.nonblock-large-full-eagain", "XSH write()",
            "A non-blocking write of more than {PIPE_BUF} bytes to a full FIFO transfers "
            "nothing and fails with EAGAIN") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY | O_NONBLOCK));
  long total = fifos::fill_until_eagain(e.wr.get(), 512);
  total += fifos::fill_until_eagain(e.wr.get(), 1);  // no room left at all
  std::vector<char> big(65536 + 1, 'B');
  EXPECT_FAILS_WITH(write(e.wr.get(), big.data(), big.size()), EAGAIN);
  EXPECT_EQ(fifos::drain_count(e.rd.get()), total);
}

SIGIPC_TEST(FifoIo, ZeroByteReadReturnsZeroAndConsumesNothing, "fifo.read.zero-nbyte", "XSH read()",
            "read() of 0 bytes from a FIFO holding data returns 0 and has no other result") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_EQ(write(e.wr.get(), "z", 1), 1);
  char b = 0;
  EXPECT_EQ(read(e.rd.get(), &b, 0), 0);
  EXPECT_EQ(read(e.rd.get(), &b, 1), 1) << "the byte was consumed by the empty read";
}

SIGIPC_TEST(FifoIo, ReadOnWriteOnlyEndFailsWithEbadf, "fifo.read.ebadf-write-end", "XSH read()",
            "read() on a FIFO descriptor opened write-only fails with EBADF (not open for "
            "reading)") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  char b;
  EXPECT_FAILS_WITH(read(e.wr.get(), &b, 1), EBADF);
}

SIGIPC_TEST(FifoIo, WriteOnReadOnlyEndFailsWithEbadf, "fifo.write.ebadf-read-end", "XSH write()",
            "write() on a FIFO descriptor opened read-only fails with EBADF (not open for "
            "writing)") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  EXPECT_FAILS_WITH(write(e.rd.get(), "x", 1), EBADF);
}

SIGIPC_TEST(FifoIo, GetflReportsAccessModeAndNonblock, "fifo.fcntl.getfl-flags", "XSH fcntl()",
            "F_GETFL on FIFO descriptors reports the access mode each was opened with and "
            "O_NONBLOCK when it was given to open()") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  UniqueFd wr(SETUP_OK(open(f.path(), O_WRONLY)));  // a reader exists: no wait
  int rfl = fcntl(rd.get(), F_GETFL);
  int wfl = fcntl(wr.get(), F_GETFL);
  EXPECT_EQ(rfl & O_ACCMODE, O_RDONLY);
  EXPECT_NE(rfl & O_NONBLOCK, 0);
  EXPECT_EQ(wfl & O_ACCMODE, O_WRONLY);
  EXPECT_EQ(wfl & O_NONBLOCK, 0);
}

// Timestamps are set far into the past first, so a later mark shows without
// depending on the clock's resolution.
void age_times(const char* path) {
  struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  SETUP_OK(utimensat(AT_FDCWD, path, old, 0));
}

SIGIPC_TEST(FifoIo, WriteMarksModificationTime, "fifo.write.marks-mtime", "XSH write()",
            "A successful write() of more than 0 bytes to a FIFO marks its last data "
            "modification timestamp for update") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  age_times(f.path());
  StampWindow w;
  ASSERT_EQ(write(e.wr.get(), "t", 1), 1);
  // Only st_mtime: utimensat() itself has just set st_ctime to now.
  EXPECT_STAMP_CURRENT(w, fifos::fstat_of(e.wr.get()).st_mtim.tv_sec);
}

SIGIPC_TEST(FifoIo, ReadMarksAccessTime, "fifo.read.marks-atime", "XSH read()",
            "A successful read() of more than 0 bytes from a FIFO marks its last data access "
            "timestamp for update") {
  TempFifo f;
  struct statvfs vfs {};
  SETUP_OK(statvfs(f.path(), &vfs));
  if (vfs.f_flag & ST_NOATIME) SIGIPC_UNSUPPORTED("the test folder is mounted noatime");
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_EQ(write(e.wr.get(), "a", 1), 1);
  age_times(f.path());
  StampWindow w;
  char b;
  ASSERT_EQ(read(e.rd.get(), &b, 1), 1);
  EXPECT_STAMP_CURRENT(w, fifos::fstat_of(e.rd.get()).st_atim.tv_sec);
}

}  // namespace
}  // namespace sigipc

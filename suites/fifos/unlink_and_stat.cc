// A FIFO's name and its open ends are separate: unlink() removes the name
// only (XSH unlink()). What fstat(), lseek() and fpathconf() say about open
// FIFO ends (XSH fstat(), XSH lseek(), XSH fpathconf()).
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(FifoUnlink, UnlinkWhileOpenKeepsDataFlowing, "fifo.unlink.open-ends-keep-working",
            "XSH unlink()",
            "After unlink() of an open FIFO's name, the open descriptors still carry data "
            "(removal is postponed until all references are closed)") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_SUCCEEDS(unlink(f.path()));
  ASSERT_EQ(write(e.wr.get(), "after", 5), 5);
  char buf[8] = {};
  EXPECT_EQ(read(e.rd.get(), buf, sizeof buf), 5);
  EXPECT_EQ(std::string(buf, 5), "after");
}

SIGIPC_TEST(FifoUnlink, UnlinkedFifoNameNoLongerOpens, "fifo.unlink.name-gone", "XSH unlink()",
            "Once unlink() returns, the FIFO's name is gone even while it is open: open() of it "
            "fails with ENOENT") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_SUCCEEDS(unlink(f.path()));
  EXPECT_FAILS_WITH(open(f.path(), O_RDONLY | O_NONBLOCK), ENOENT);
  EXPECT_EQ(fifos::fstat_of(e.rd.get()).st_nlink, 0u) << "the open FIFO has no links left";
}

SIGIPC_TEST(FifoUnlink, NewFifoUnderUnlinkedNameIsDistinct, "fifo.unlink.new-fifo-distinct",
            "XSH unlink()",
            "A FIFO made under the name of an unlinked but still open FIFO is a different FIFO: "
            "data written to one does not appear in the other") {
  TempFifo f;
  fifos::FifoEnds old_ends = fifos::open_both(f.path());
  ino_t old_ino = fifos::fstat_of(old_ends.rd.get()).st_ino;
  ASSERT_SUCCEEDS(unlink(f.path()));
  ASSERT_EQ(mkfifo(f.path(), 0600), 0);  // TempFifo unlinks this one
  fifos::FifoEnds new_ends = fifos::open_both(f.path());
  EXPECT_NE(fifos::fstat_of(new_ends.rd.get()).st_ino, old_ino);
  ASSERT_EQ(write(new_ends.wr.get(), "n", 1), 1);
  char b;
  EXPECT_FAILS_WITH(read(old_ends.rd.get(), &b, 1), EAGAIN) << "old FIFO got the new one's data";
  EXPECT_EQ(read(new_ends.rd.get(), &b, 1), 1);
}

SIGIPC_TEST(FifoStat, LseekOnFifoFailsWithEspipe, "fifo.lseek.espipe", "XSH lseek()",
            "lseek() on a descriptor open on a FIFO fails with ESPIPE") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  EXPECT_FAILS_WITH(lseek(e.rd.get(), 0, SEEK_CUR), ESPIPE);
  EXPECT_FAILS_WITH(lseek(e.wr.get(), 0, SEEK_SET), ESPIPE);
}

SIGIPC_TEST(FifoStat, FstatOnBothEndsReportsFifo, "fifo.fstat.is-fifo", "XSH fstat()",
            "fstat() on the read end and on the write end of an open FIFO reports a FIFO "
            "(S_ISFIFO)") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  EXPECT_TRUE(S_ISFIFO(fifos::fstat_of(e.rd.get()).st_mode));
  EXPECT_TRUE(S_ISFIFO(fifos::fstat_of(e.wr.get()).st_mode));
}

SIGIPC_TEST(FifoStat, FstatOfOpenFifoIsTheNamedFile, "fifo.fstat.same-file", "XSH fstat()",
            "fstat() on an open FIFO describes the file named by its path: same st_dev and "
            "st_ino as stat() of the path") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  struct stat by_path = fifos::stat_of(f.path());
  struct stat by_fd = fifos::fstat_of(e.wr.get());
  EXPECT_EQ(by_fd.st_dev, by_path.st_dev);
  EXPECT_EQ(by_fd.st_ino, by_path.st_ino);
  EXPECT_EQ(by_fd.st_mode, by_path.st_mode);
}

SIGIPC_TEST(FifoStat, FpathconfPipeBufOnFifoIsAtLeastPosixMinimum, "fifo.fpathconf.pipe-buf",
            "XSH fpathconf()",
            "fpathconf(_PC_PIPE_BUF) on a FIFO and pathconf() on its path give the same "
            "{PIPE_BUF}, at least _POSIX_PIPE_BUF (512), or -1 with errno unchanged for no limit") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  errno = 0;
  long by_fd = fpathconf(rd.get(), _PC_PIPE_BUF);
  int e1 = errno;
  long by_path = pathconf(f.path(), _PC_PIPE_BUF);
  int e2 = errno;
  EXPECT_EQ(by_fd, by_path);
  if (by_fd == -1) {
    EXPECT_EQ(e1, 0) << "fpathconf failed: " << ErrnoText(e1);
    EXPECT_EQ(e2, 0) << "pathconf failed: " << ErrnoText(e2);
  } else {
    EXPECT_GE(by_fd, _POSIX_PIPE_BUF);
  }
}

SIGIPC_TEST(FifoStat, GetPipeSizeWorksOnBothEndsOfFifo, "fifo.fcntl.getpipe-sz",
            "Linux-only, fcntl(2)",
            "F_GETPIPE_SZ on either end of a FIFO returns its capacity, at least one page and "
            "the same through both ends") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  int rd_sz = fcntl(e.rd.get(), F_GETPIPE_SZ);
  int wr_sz = fcntl(e.wr.get(), F_GETPIPE_SZ);
  ASSERT_GT(rd_sz, 0) << ErrnoText(errno);
  EXPECT_EQ(rd_sz, wr_sz);
  EXPECT_GE(rd_sz, static_cast<int>(page_size()));
}

SIGIPC_TEST(FifoStat, SetPipeSizeOnFifoIsSeenByOtherEnd, "fifo.fcntl.setpipe-sz",
            "Linux-only, fcntl(2)",
            "F_SETPIPE_SZ on one end of a FIFO changes the capacity F_GETPIPE_SZ reports "
            "through the other end, and bounds what a non-blocking writer can queue") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  const long page = static_cast<long>(page_size());
  int set = fcntl(e.rd.get(), F_SETPIPE_SZ, static_cast<int>(page));
  ASSERT_GE(set, page) << ErrnoText(errno);
  EXPECT_EQ(fcntl(e.wr.get(), F_GETPIPE_SZ), set);
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY | O_NONBLOCK));
  long total = fifos::fill_until_eagain(e.wr.get(), 256);
  EXPECT_LE(total, set) << "the FIFO held more than its capacity";
  EXPECT_GT(total, 0);
}

}  // namespace
}  // namespace sigipc

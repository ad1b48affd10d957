// When open() of a FIFO waits for the other end, and when it does not.
// XSH open() (O_NONBLOCK, O_RDONLY/O_WRONLY on a FIFO); Linux-only fifo(7).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

using fifos::HangGuard;
using fifos::nothing_to_read;
using fifos::read_marker;
using fifos::wait_until_sleeping;
using fifos::write_marker;

// A child opens the FIFO with child_flags and writes 'o' to the status pipe
// only once open() has returned; then it moves one byte in the given
// direction. The parent shows the child is asleep and has not reported
// before it opens the other end itself.
void check_open_waits_for_peer(const char* path, int child_flags, int parent_flags) {
  Pipe status;
  Child c([&] {
    status.close_rd();
    int fd = open(path, child_flags);
    CHILD_CHECK(fd >= 0);
    write_marker(status.wr(), 'o');
    char b = 'x';
    if (child_flags == O_RDONLY) {
      CHILD_CHECK_EQ(read(fd, &b, 1), 1);
      CHILD_CHECK_EQ(b, 'd');
    } else {
      CHILD_CHECK_EQ(write(fd, "d", 1), 1);
    }
    close(fd);
  });
  status.close_wr();
  ASSERT_TRUE(wait_until_sleeping(c.pid())) << "the child never blocked";
  EXPECT_TRUE(nothing_to_read(status.rd()))
      << "open() returned before any process opened the other end";
  HangGuard guard(5);
  UniqueFd mine(open(path, parent_flags));
  ASSERT_TRUE(mine) << "parent open: " << ErrnoText(errno);
  EXPECT_EQ(read_marker(status.rd()), 'o') << "the child's open() did not return";
  char b = 0;
  if (parent_flags == O_WRONLY) {
    EXPECT_EQ(write(mine.get(), "d", 1), 1);
  } else {
    EXPECT_EQ(read(mine.get(), &b, 1), 1);
    EXPECT_EQ(b, 'd');
  }
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(FifoOpen, OpenReadOnlyBlocksUntilWriterOpens, "fifo.open.rdonly-blocks", "XSH open()",
            "Without O_NONBLOCK, open() of a FIFO for reading only blocks until a thread opens "
            "it for writing") {
  TempFifo f;
  check_open_waits_for_peer(f.path(), O_RDONLY, O_WRONLY);
}

SIGIPC_TEST(FifoOpen, OpenWriteOnlyBlocksUntilReaderOpens, "fifo.open.wronly-blocks", "XSH open()",
            "Without O_NONBLOCK, open() of a FIFO for writing only blocks until a thread opens "
            "it for reading") {
  TempFifo f;
  check_open_waits_for_peer(f.path(), O_WRONLY, O_RDONLY);
}

SIGIPC_TEST(FifoOpen, OpenReadOnlyNonblockReturnsWithoutWriter, "fifo.open.rdonly-nonblock",
            "XSH open()",
            "open() of a FIFO with O_RDONLY|O_NONBLOCK returns without delay when no process "
            "has it open for writing") {
  TempFifo f;
  HangGuard guard(5);
  UniqueFd fd(open(f.path(), O_RDONLY | O_NONBLOCK));
  EXPECT_TRUE(fd) << ErrnoText(errno);
}

SIGIPC_TEST(FifoOpen, OpenWriteOnlyNonblockWithoutReaderFailsWithEnxio,
            "fifo.open.wronly-nonblock-enxio", "XSH open()",
            "open() of a FIFO with O_WRONLY|O_NONBLOCK fails with ENXIO when no process has it "
            "open for reading") {
  TempFifo f;
  HangGuard guard(5);
  EXPECT_FAILS_WITH(open(f.path(), O_WRONLY | O_NONBLOCK), ENXIO);
}

SIGIPC_TEST(FifoOpen, OpenWriteOnlyNonblockAfterLastReaderClosedFailsWithEnxio,
            "fifo.open.wronly-nonblock-enxio-after-close", "XSH open()",
            "A reader that has closed no longer counts: O_WRONLY|O_NONBLOCK then fails with "
            "ENXIO") {
  TempFifo f;
  { UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK))); }
  HangGuard guard(5);
  EXPECT_FAILS_WITH(open(f.path(), O_WRONLY | O_NONBLOCK), ENXIO);
}

SIGIPC_TEST(FifoOpen, OpenWriteOnlyNonblockWithReaderSucceeds,
            "fifo.open.wronly-nonblock-with-reader", "XSH open()",
            "open() of a FIFO with O_WRONLY|O_NONBLOCK succeeds when a process has it open for "
            "reading") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  UniqueFd wr(open(f.path(), O_WRONLY | O_NONBLOCK));
  EXPECT_TRUE(wr) << ErrnoText(errno);
}

SIGIPC_TEST(FifoOpen, OpenReadOnlyReturnsAtOnceWhenWriterAlreadyOpen,
            "fifo.open.rdonly-writer-present", "XSH open()",
            "A blocking O_RDONLY open() of a FIFO that a process already has open for writing "
            "returns without waiting for another writer") {
  TempFifo f;
  fifos::FifoEnds ends = fifos::open_both(f.path());
  HangGuard guard(5);
  UniqueFd rd2(open(f.path(), O_RDONLY));
  EXPECT_TRUE(rd2) << ErrnoText(errno);
}

SIGIPC_TEST(FifoOpen, OpenReadWriteReturnsWithoutPeer, "fifo.open.rdwr-no-block",
            "Linux-only, fifo(7)",
            "Under Linux, open() of a FIFO with O_RDWR succeeds at once in blocking mode, with "
            "no other process having it open (POSIX leaves O_RDWR on a FIFO undefined)") {
  TempFifo f;
  HangGuard guard(5);
  UniqueFd fd(open(f.path(), O_RDWR));
  ASSERT_TRUE(fd) << ErrnoText(errno);
  // The one descriptor is both reader and writer.
  ASSERT_EQ(write(fd.get(), "r", 1), 1);
  char b = 0;
  EXPECT_EQ(read(fd.get(), &b, 1), 1);
  EXPECT_EQ(b, 'r');
}

SIGIPC_TEST(FifoOpen, OpenWithTruncOnFifoIsIgnored, "fifo.open.o-trunc-ignored", "XSH open()",
            "O_TRUNC is ignored for a FIFO: opening it for writing with O_TRUNC discards no "
            "buffered data") {
  TempFifo f;
  fifos::FifoEnds ends = fifos::open_both(f.path());
  ASSERT_EQ(write(ends.wr.get(), "keep", 4), 4);
  UniqueFd tr(open(f.path(), O_WRONLY | O_TRUNC | O_NONBLOCK));
  ASSERT_TRUE(tr) << ErrnoText(errno);
  char buf[8] = {};
  EXPECT_EQ(read(ends.rd.get(), buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "keep");
}

SIGIPC_TEST(FifoOpen, OpenWithCreatOnExistingFifoOpensIt, "fifo.open.o-creat-existing",
            "XSH open()",
            "O_CREAT without O_EXCL on an existing FIFO has no effect: the FIFO itself is "
            "opened, not replaced by a regular file") {
  TempFifo f;
  struct stat before = fifos::stat_of(f.path());
  UniqueFd fd(open(f.path(), O_RDONLY | O_NONBLOCK | O_CREAT, 0600));
  ASSERT_TRUE(fd) << ErrnoText(errno);
  struct stat st = fifos::fstat_of(fd.get());
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_ino, before.st_ino);
}

SIGIPC_TEST(FifoOpen, OpenWithCreatExclOnExistingFifoFailsWithEexist, "fifo.open.o-excl-eexist",
            "XSH open()",
            "open() with O_CREAT|O_EXCL fails with EEXIST when the path names an existing FIFO") {
  TempFifo f;
  EXPECT_FAILS_WITH(open(f.path(), O_RDONLY | O_NONBLOCK | O_CREAT | O_EXCL, 0600), EEXIST);
}

}  // namespace
}  // namespace sigipc

// What pipe() and pipe2() create: a read end and a write end in FIFO order,
// with O_NONBLOCK and FD_CLOEXEC clear unless pipe2() asks for them.
// XSH pipe() (pipe2() was added to that page in POSIX.1-2024).
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

using pipes::descriptor_flags;
using pipes::status_flags;

SIGIPC_TEST(Pipes, PipeEndsHaveNeitherNonblockNorCloexec, "pipe.pipe.flags-clear", "XSH pipe()",
            "pipe() creates both descriptors with O_NONBLOCK and FD_CLOEXEC clear") {
  int fds[2] = {-1, -1};
  ASSERT_SUCCEEDS(pipe(fds));
  UniqueFd rd(fds[0]), wr(fds[1]);
  for (int fd : {rd.get(), wr.get()}) {
    EXPECT_EQ(status_flags(fd) & O_NONBLOCK, 0) << "O_NONBLOCK on pipe end " << fd;
    EXPECT_EQ(descriptor_flags(fd) & FD_CLOEXEC, 0) << "FD_CLOEXEC on pipe end " << fd;
  }
}

SIGIPC_TEST(Pipes, DataWrittenToWriteEndIsReadFromReadEndInOrder, "pipe.pipe.fifo-order",
            "XSH pipe()",
            "fildes[0] is open for reading and fildes[1] for writing, and reads on fildes[0] "
            "return the data written to fildes[1] first-in-first-out") {
  int fds[2] = {-1, -1};
  ASSERT_SUCCEEDS(pipe(fds));
  UniqueFd rd(fds[0]), wr(fds[1]);
  // Whether each end is also open the other way is unspecified.
  int rmode = status_flags(rd.get()) & O_ACCMODE;
  int wmode = status_flags(wr.get()) & O_ACCMODE;
  EXPECT_TRUE(rmode == O_RDONLY || rmode == O_RDWR) << "fildes[0] access mode " << rmode;
  EXPECT_TRUE(wmode == O_WRONLY || wmode == O_RDWR) << "fildes[1] access mode " << wmode;
  ASSERT_EQ(write(wr.get(), "abc", 3), 3);
  ASSERT_EQ(write(wr.get(), "defg", 4), 4);
  char buf[8] = {};
  ASSERT_EQ(read(rd.get(), buf, 2), 2);
  EXPECT_EQ(std::string(buf, 2), "ab");
  ASSERT_EQ(read(rd.get(), buf, 5), 5);
  EXPECT_EQ(std::string(buf, 5), "cdefg");
}

SIGIPC_TEST(Pipes, Pipe2CloexecSetsFdCloexecOnBothEnds, "pipe.pipe2.cloexec",
            "XSH pipe() (pipe2(), POSIX.1-2024)",
            "pipe2() with O_CLOEXEC sets FD_CLOEXEC on both new descriptors and leaves O_NONBLOCK "
            "clear") {
  int fds[2] = {-1, -1};
  ASSERT_SUCCEEDS(pipe2(fds, O_CLOEXEC));
  UniqueFd rd(fds[0]), wr(fds[1]);
  for (int fd : {rd.get(), wr.get()}) {
    EXPECT_NE(descriptor_flags(fd) & FD_CLOEXEC, 0) << "FD_CLOEXEC on pipe end " << fd;
    EXPECT_EQ(status_flags(fd) & O_NONBLOCK, 0) << "O_NONBLOCK on pipe end " << fd;
  }
}

SIGIPC_TEST(Pipes, Pipe2NonblockSetsONonblockOnBothEnds, "pipe.pipe2.nonblock",
            "XSH pipe() (pipe2(), POSIX.1-2024)",
            "pipe2() with O_NONBLOCK sets O_NONBLOCK on both new open file descriptions and leaves "
            "FD_CLOEXEC clear") {
  int fds[2] = {-1, -1};
  ASSERT_SUCCEEDS(pipe2(fds, O_NONBLOCK));
  UniqueFd rd(fds[0]), wr(fds[1]);
  for (int fd : {rd.get(), wr.get()}) {
    EXPECT_NE(status_flags(fd) & O_NONBLOCK, 0) << "O_NONBLOCK on pipe end " << fd;
    EXPECT_EQ(descriptor_flags(fd) & FD_CLOEXEC, 0) << "FD_CLOEXEC on pipe end " << fd;
  }
  // The flag is in effect, not only reported: an empty pipe does not block.
  char c;
  EXPECT_FAILS_WITH(read(rd.get(), &c, 1), EAGAIN);
}

}  // namespace
}  // namespace sigipc

// The pipe() system call itself (pipe(2), Linux-only kernel interface):
// glibc implements pipe() with pipe2() where the kernel has it, so the older
// entry point is reached only through syscall(). It must create a pipe like
// pipe() does: the first descriptor the read end, the second the write end,
// neither with O_NONBLOCK nor FD_CLOEXEC.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

SIGIPC_TEST(Pipes, PipeSystemCallCreatesAPipe, "pipe.pipe.syscall-read-then-write-end",
            "pipe(2) (Linux-only)",
            "The pipe system call returns the read end in fd[0] and the write end in fd[1], "
            "neither nonblocking nor close-on-exec, and data written to fd[1] is read from "
            "fd[0]") {
#ifdef SYS_pipe
  int fd[2] = {-1, -1};
  ASSERT_SUCCEEDS(syscall(SYS_pipe, fd));
  UniqueFd rd(fd[0]), wr(fd[1]);
  EXPECT_EQ(fcntl(rd.get(), F_GETFL) & O_ACCMODE, O_RDONLY);
  EXPECT_EQ(fcntl(wr.get(), F_GETFL) & O_ACCMODE, O_WRONLY);
  EXPECT_EQ(fcntl(rd.get(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_EQ(fcntl(wr.get(), F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_TRUE(write_all(wr.get(), "through", 7));
  char buf[7];
  ASSERT_EQ(read_all(rd.get(), buf, 7), 7u);
  EXPECT_EQ(std::string(buf, 7), "through");
#else
  SIGIPC_UNSUPPORTED("this architecture has no pipe system call, only pipe2");
#endif
}

}  // namespace
}  // namespace sigipc

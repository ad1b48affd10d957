// Error paths of pipe(), pipe2(), and read()/write() on a pipe. glibc 2.36 /
// x86_64 (strace): pipe(fds) -> pipe2(fds, 0). The read and write rules
// match one descriptor number only, so a dup() of the same end reaches the
// pipe unhindered and shows what a failed call left behind: a failed read
// consumes nothing, a failed write adds nothing. EPIPE on write is left out:
// its SIGPIPE is the kernel's doing, which an injected errno skips.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using errpath::eq;

errpath::Run failed_pipe(bool two, const char* err_name, int err) {
  return errpath::run({errpath::rule("pipe2", "", err_name)}, [two, err] {
    int before = errpath::count_fds();
    int fds[2] = {-1, -1};
    CHILD_CHECK_ERRNO(two ? pipe2(fds, O_CLOEXEC) : pipe(fds), err);
    CHILD_CHECK_EQ(errpath::count_fds(), before);
  });
}

SIGIPC_TEST(ErrorPaths, PipeEmfileCreatesNoDescriptors, "injection.errpath.pipe-emfile",
            "XSH pipe() ERRORS",
            "pipe() whose kernel call fails with EMFILE returns -1 with errno EMFILE and opens "
            "no descriptor") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_INJECTED_AND_HELD(failed_pipe(false, "EMFILE", EMFILE), "pipe2", EMFILE);
}

SIGIPC_TEST(ErrorPaths, PipeEnfileCreatesNoDescriptors, "injection.errpath.pipe-enfile",
            "XSH pipe() ERRORS",
            "pipe() whose kernel call fails with ENFILE returns -1 with errno ENFILE and opens "
            "no descriptor") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_INJECTED_AND_HELD(failed_pipe(false, "ENFILE", ENFILE), "pipe2", ENFILE);
}

SIGIPC_TEST(ErrorPaths, Pipe2EinvalCreatesNoDescriptors, "injection.errpath.pipe2-einval",
            "Linux pipe2(2) ERRORS",
            "pipe2() whose kernel call fails with EINVAL returns -1 with errno EINVAL and opens "
            "no descriptor (Linux-only function)") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_INJECTED_AND_HELD(failed_pipe(true, "EINVAL", EINVAL), "pipe2", EINVAL);
}

int unread(int rd) {
  int n = -1;
  if (ioctl(rd, FIONREAD, &n) != 0) return -1;
  return n;
}

// "data" waits in the pipe; read(rd) fails with err; the bytes are still
// there for a read through another descriptor of the same end.
errpath::Run failed_read(const Pipe& p, const char* err_name, int err) {
  return errpath::run({errpath::rule("read", eq(0, p.rd()), err_name)}, [&p, err] {
    char buf[8] = {};
    CHILD_CHECK_ERRNO(read(p.rd(), buf, sizeof buf), err);
    CHILD_CHECK_EQ(unread(p.rd()), 4);
    int again = dup(p.rd());
    CHILD_CHECK(again >= 0);
    CHILD_CHECK_EQ(read(again, buf, sizeof buf), 4);
    CHILD_CHECK(std::memcmp(buf, "data", 4) == 0);
    close(again);
  });
}

SIGIPC_TEST(ErrorPaths, PipeReadEagainConsumesNothing, "injection.errpath.pipe-read-eagain",
            "XSH read() ERRORS",
            "read() on a pipe whose kernel call fails with EAGAIN returns -1 with errno EAGAIN "
            "and consumes no data: a later read gets all of it") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  ASSERT_EQ(write(p.wr(), "data", 4), 4);
  EXPECT_INJECTED_AND_HELD(failed_read(p, "EAGAIN", EAGAIN), "read", EAGAIN);
}

SIGIPC_TEST(ErrorPaths, PipeReadEintrConsumesNothing, "injection.errpath.pipe-read-eintr",
            "XSH read() ERRORS",
            "read() on a pipe whose kernel call fails with EINTR returns -1 with errno EINTR "
            "and consumes no data") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  ASSERT_EQ(write(p.wr(), "data", 4), 4);
  EXPECT_INJECTED_AND_HELD(failed_read(p, "EINTR", EINTR), "read", EINTR);
}

SIGIPC_TEST(ErrorPaths, PipeReadEioConsumesNothing, "injection.errpath.pipe-read-eio",
            "XSH read() ERRORS",
            "read() on a pipe whose kernel call fails with EIO returns -1 with errno EIO and "
            "consumes no data") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  ASSERT_EQ(write(p.wr(), "data", 4), 4);
  EXPECT_INJECTED_AND_HELD(failed_read(p, "EIO", EIO), "read", EIO);
}

SIGIPC_TEST(ErrorPaths, PipeReadEfaultConsumesNothing, "injection.errpath.pipe-read-efault",
            "Linux read(2) ERRORS",
            "read() on a pipe whose kernel call fails with EFAULT returns -1 with errno EFAULT "
            "and consumes no data (Linux-only errno)") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  ASSERT_EQ(write(p.wr(), "data", 4), 4);
  EXPECT_INJECTED_AND_HELD(failed_read(p, "EFAULT", EFAULT), "read", EFAULT);
}

// write(wr) fails with err; the pipe stays empty, and a write through another
// descriptor of the write end is all a reader gets.
errpath::Run failed_write(const Pipe& p, const char* err_name, int err) {
  return errpath::run({errpath::rule("write", eq(0, p.wr()), err_name)}, [&p, err] {
    CHILD_CHECK_ERRNO(write(p.wr(), "lost", 4), err);
    CHILD_CHECK_EQ(unread(p.rd()), 0);
    int again = dup(p.wr());
    CHILD_CHECK(again >= 0);
    CHILD_CHECK_EQ(write(again, "kept", 4), 4);
    close(again);
    char buf[16] = {};
    CHILD_CHECK_EQ(read(p.rd(), buf, sizeof buf), 4);
    CHILD_CHECK(std::memcmp(buf, "kept", 4) == 0);
  });
}

SIGIPC_TEST(ErrorPaths, PipeWriteEagainWritesNothing, "injection.errpath.pipe-write-eagain",
            "XSH write() ERRORS",
            "write() to a pipe whose kernel call fails with EAGAIN returns -1 with errno EAGAIN "
            "and puts no data in the pipe") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  EXPECT_INJECTED_AND_HELD(failed_write(p, "EAGAIN", EAGAIN), "write", EAGAIN);
}

SIGIPC_TEST(ErrorPaths, PipeWriteEintrWritesNothing, "injection.errpath.pipe-write-eintr",
            "XSH write() ERRORS",
            "write() to a pipe whose kernel call fails with EINTR returns -1 with errno EINTR "
            "and puts no data in the pipe") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  EXPECT_INJECTED_AND_HELD(failed_write(p, "EINTR", EINTR), "write", EINTR);
}

SIGIPC_TEST(ErrorPaths, PipeWriteEioWritesNothing, "injection.errpath.pipe-write-eio",
            "XSH write() ERRORS",
            "write() to a pipe whose kernel call fails with EIO returns -1 with errno EIO and "
            "puts no data in the pipe") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  EXPECT_INJECTED_AND_HELD(failed_write(p, "EIO", EIO), "write", EIO);
}

SIGIPC_TEST(ErrorPaths, PipeWriteEnospcWritesNothing, "injection.errpath.pipe-write-enospc",
            "XSH write() ERRORS",
            "write() to a pipe whose kernel call fails with ENOSPC returns -1 with errno ENOSPC "
            "and puts no data in the pipe") {
  ERRPATH_REQUIRE_FILTERS();
  Pipe p;
  EXPECT_INJECTED_AND_HELD(failed_write(p, "ENOSPC", ENOSPC), "write", ENOSPC);
}

}  // namespace
}  // namespace sigipc

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

using injection::eq;

injection::Run failed_pipe(bool two, const char* err_name, int err) {
  // pipe() is pipe2 in glibc 2.36, the pipe system call in musl and older
  // glibc; pipe2() is always pipe2.
  return injection::run(injection::rules_any({{"pipe2", ""}, {"pipe", ""}}, err_name), [two, err] {
    int fds[2] = {-1, -1};
    CHILD_CHECK_ERRNO_OPENS_NOTHING(two ? pipe2(fds, O_CLOEXEC) : pipe(fds), err);
  });
}
injection::Run failed_pipe1(const char* err_name, int err) {
  return failed_pipe(false, err_name, err);
}
injection::Run failed_pipe2(const char* err_name, int err) {
  return failed_pipe(true, err_name, err);
}

#define PIPE_CASE(Name, id, clause, call, fn, ERR, tail)                                 \
  ERRPATH_CASE(Name, id, clause,                                                         \
               call " whose kernel call fails with " #ERR " returns -1 with errno " #ERR \
                    " and opens no descriptor" tail,                                     \
               fn, "pipe2|pipe", ERR)

PIPE_CASE(PipeEmfileCreatesNoDescriptors, "injection.errpath.pipe-emfile", "XSH pipe() ERRORS",
          "pipe()", failed_pipe1, EMFILE, "")
PIPE_CASE(PipeEnfileCreatesNoDescriptors, "injection.errpath.pipe-enfile", "XSH pipe() ERRORS",
          "pipe()", failed_pipe1, ENFILE, "")
PIPE_CASE(Pipe2EinvalCreatesNoDescriptors, "injection.errpath.pipe2-einval",
          "Linux pipe2(2) ERRORS", "pipe2()", failed_pipe2, EINVAL, " (Linux-only function)")

int unread(int rd) {
  int n = -1;
  if (ioctl(rd, FIONREAD, &n) != 0) return -1;
  return n;
}

// "data" waits in the pipe; read(rd) fails with err; the bytes are still
// there for a read through another descriptor of the same end.
injection::Run failed_read(const char* err_name, int err) {
  Pipe p;
  if (write(p.wr(), "data", 4) != 4) setup_error(__FILE__, __LINE__, "could not fill the pipe");
  return injection::run({injection::rule("read", eq(0, p.rd()), err_name)}, [&p, err] {
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

#define PIPE_READ_CASE(Name, id, clause, ERR, tail)                  \
  ERRPATH_CASE(Name, id, clause,                                     \
               "read() on a pipe whose kernel call fails with " #ERR \
               " returns -1 with "                                   \
               "errno " #ERR " and consumes no data" tail,           \
               failed_read, "read", ERR)

PIPE_READ_CASE(PipeReadEagainConsumesNothing, "injection.errpath.pipe-read-eagain",
               "XSH read() ERRORS", EAGAIN, ": a later read gets all of it")
PIPE_READ_CASE(PipeReadEintrConsumesNothing, "injection.errpath.pipe-read-eintr",
               "XSH read() ERRORS", EINTR, "")
PIPE_READ_CASE(PipeReadEioConsumesNothing, "injection.errpath.pipe-read-eio", "XSH read() ERRORS",
               EIO, "")
PIPE_READ_CASE(PipeReadEfaultConsumesNothing, "injection.errpath.pipe-read-efault",
               "Linux read(2) ERRORS", EFAULT, " (Linux-only errno)")

// write(wr) fails with err; the pipe stays empty, and a write through another
// descriptor of the write end is all a reader gets.
injection::Run failed_write(const char* err_name, int err) {
  Pipe p;
  return injection::run({injection::rule("write", eq(0, p.wr()), err_name)}, [&p, err] {
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

#define PIPE_WRITE_CASE(Name, id, ERR)                                \
  ERRPATH_CASE(Name, id, "XSH write() ERRORS",                        \
               "write() to a pipe whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "errno " #ERR " and puts no data in the pipe",         \
               failed_write, "write", ERR)

PIPE_WRITE_CASE(PipeWriteEagainWritesNothing, "injection.errpath.pipe-write-eagain", EAGAIN)
PIPE_WRITE_CASE(PipeWriteEintrWritesNothing, "injection.errpath.pipe-write-eintr", EINTR)
PIPE_WRITE_CASE(PipeWriteEioWritesNothing, "injection.errpath.pipe-write-eio", EIO)
PIPE_WRITE_CASE(PipeWriteEnospcWritesNothing, "injection.errpath.pipe-write-enospc", ENOSPC)

}  // namespace
}  // namespace sigipc

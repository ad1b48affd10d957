// Error paths of pipe(), pipe2(), and read()/write() on a pipe: a kernel
// call failed by the injector comes back from the libc wrapper as -1 with
// that errno. The kernel never runs the failed call, so what the pipe holds
// afterwards says nothing about the platform and is not checked. glibc 2.36 /
// x86_64 (strace): pipe(fds) -> pipe2(fds, 0). The read and write rules
// match one descriptor number only. EPIPE on write is left out: its SIGPIPE
// is the kernel's doing, which an injected errno skips.
#include <fcntl.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

injection::Run failed_pipe(bool two, const char* err_name, int err) {
  // pipe() is pipe2 in glibc 2.36, the pipe system call in musl and older
  // glibc; pipe2() is always pipe2.
  return injection::run(injection::rules_any({{"pipe2", ""}, {"pipe", ""}}, err_name), [two, err] {
    int fds[2] = {-1, -1};
    CHILD_CHECK_ERRNO(two ? pipe2(fds, O_CLOEXEC) : pipe(fds), err);
  });
}
injection::Run failed_pipe1(const char* err_name, int err) {
  return failed_pipe(false, err_name, err);
}
injection::Run failed_pipe2(const char* err_name, int err) {
  return failed_pipe(true, err_name, err);
}

#define PIPE_CASE(Name, id, clause, call, fn, ERR, tail)                                           \
  ERRPATH_CASE(Name, id, clause,                                                                   \
               call " whose kernel call fails with " #ERR " returns -1 with errno " #ERR tail, fn, \
               "pipe2|pipe", ERR)

PIPE_CASE(PipeEmfileIsReported, "injection.errpath.pipe-emfile", "XSH pipe() RETURN VALUE, ERRORS",
          "pipe()", failed_pipe1, EMFILE, "")
PIPE_CASE(PipeEnfileIsReported, "injection.errpath.pipe-enfile", "XSH pipe() RETURN VALUE, ERRORS",
          "pipe()", failed_pipe1, ENFILE, "")
PIPE_CASE(Pipe2EinvalIsReported, "injection.errpath.pipe2-einval",
          "Linux-only, pipe2(2) RETURN VALUE, ERRORS", "pipe2()", failed_pipe2, EINVAL,
          " (Linux-only function)")

// "data" waits in the pipe; read(rd) fails with err.
injection::Run failed_read(const char* err_name, int err) {
  Pipe p;
  if (write(p.wr(), "data", 4) != 4) setup_error(__FILE__, __LINE__, "could not fill the pipe");
  return injection::run({injection::rule("read", eq(0, p.rd()), err_name)}, [&p, err] {
    char buf[8] = {};
    CHILD_CHECK_ERRNO(read(p.rd(), buf, sizeof buf), err);
  });
}

#define PIPE_READ_CASE(Name, id, clause, ERR, tail)                  \
  ERRPATH_CASE(Name, id, clause,                                     \
               "read() on a pipe whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR tail,                  \
               failed_read, "read", ERR)

PIPE_READ_CASE(PipeReadEagainIsReported, "injection.errpath.pipe-read-eagain",
               "XSH read() RETURN VALUE, ERRORS", EAGAIN, "")
PIPE_READ_CASE(PipeReadEintrIsReported, "injection.errpath.pipe-read-eintr",
               "XSH read() RETURN VALUE, ERRORS", EINTR, "")
PIPE_READ_CASE(PipeReadEioIsReported, "injection.errpath.pipe-read-eio",
               "XSH read() RETURN VALUE, ERRORS", EIO, "")
PIPE_READ_CASE(PipeReadEfaultIsReported, "injection.errpath.pipe-read-efault",
               "Linux-only, read(2) RETURN VALUE, ERRORS", EFAULT, " (Linux-only errno)")

// write(wr) fails with err.
injection::Run failed_write(const char* err_name, int err) {
  Pipe p;
  return injection::run({injection::rule("write", eq(0, p.wr()), err_name)},
                        [&p, err] { CHILD_CHECK_ERRNO(write(p.wr(), "lost", 4), err); });
}

#define PIPE_WRITE_CASE(Name, id, ERR)                                \
  ERRPATH_CASE(Name, id, "XSH write() RETURN VALUE, ERRORS",          \
               "write() to a pipe whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR,                        \
               failed_write, "write", ERR)

PIPE_WRITE_CASE(PipeWriteEagainIsReported, "injection.errpath.pipe-write-eagain", EAGAIN)
PIPE_WRITE_CASE(PipeWriteEintrIsReported, "injection.errpath.pipe-write-eintr", EINTR)
PIPE_WRITE_CASE(PipeWriteEioIsReported, "injection.errpath.pipe-write-eio", EIO)
PIPE_WRITE_CASE(PipeWriteEnospcIsReported, "injection.errpath.pipe-write-enospc", ENOSPC)

}  // namespace
}  // namespace sigipc

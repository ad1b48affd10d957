// Error paths of mkfifo() and of open() on a FIFO. glibc 2.36 / x86_64
// (strace): mkfifo -> mknodat(AT_FDCWD, path, S_IFIFO|mode, 0); open ->
// openat. musl 1.2.4 and glibc 2.31 make mknod(path, S_IFIFO|mode, 0), musl
// open(): both are failed too (rules_any). The open rules match O_NOCTTY, a flag with no effect on
// a FIFO that only the call under test passes, so no other open in the child is touched.
// Each test holds the libc wrapper to passing the kernel's failure back
// (-1 and that errno); the kernel never runs the failed call, so the file
// system and the descriptor table afterwards say nothing and are not checked.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

// mkfifo() fails with err.
injection::Run failed_mkfifo(const char* err_name, int err) {
  TempPath path("fifo");
  return injection::run(
      injection::rules_any({{"mknodat", "a2&=0xf000:0x1000"}, {"mknod", "a1&=0xf000:0x1000"}},
                           err_name),
      [&path, err] { CHILD_CHECK_ERRNO(mkfifo(path.c_str(), 0600), err); });
}

#define MKFIFO_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH mkfifo() RETURN VALUE, ERRORS",                                \
               "mkfifo() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_mkfifo, "mknodat|mknod", ERR)

MKFIFO_CASE(MkfifoEaccesIsReported, "injection.errpath.mkfifo-eacces", EACCES)
MKFIFO_CASE(MkfifoEexistIsReported, "injection.errpath.mkfifo-eexist", EEXIST)
MKFIFO_CASE(MkfifoEloopIsReported, "injection.errpath.mkfifo-eloop", ELOOP)
MKFIFO_CASE(MkfifoEnametoolongIsReported, "injection.errpath.mkfifo-enametoolong", ENAMETOOLONG)
MKFIFO_CASE(MkfifoEnoentIsReported, "injection.errpath.mkfifo-enoent", ENOENT)
MKFIFO_CASE(MkfifoEnospcIsReported, "injection.errpath.mkfifo-enospc", ENOSPC)
MKFIFO_CASE(MkfifoEnotdirIsReported, "injection.errpath.mkfifo-enotdir", ENOTDIR)
MKFIFO_CASE(MkfifoErofsIsReported, "injection.errpath.mkfifo-erofs", EROFS)

// open(fifo, flags|O_NOCTTY) fails with err.
injection::Run failed_fifo_open(int flags, const char* err_name, int err) {
  TempFifo fifo;
  return injection::run(injection::rules_any({{"openat", injection::has_flag(2, O_NOCTTY)},
                                              {"open", injection::has_flag(1, O_NOCTTY)}},
                                             err_name),
                        [&fifo, flags, err] {
                          CHILD_CHECK_ERRNO(open(fifo.path(), flags | O_NOCTTY | O_CLOEXEC), err);
                        });
}

injection::Run failed_nonblocking_writer_open(const char* err_name, int err) {
  return failed_fifo_open(O_WRONLY | O_NONBLOCK, err_name, err);
}
injection::Run failed_reader_open(const char* err_name, int err) {
  return failed_fifo_open(O_RDONLY, err_name, err);
}

ERRPATH_CASE(FifoOpenEnxioIsReported, "injection.errpath.fifo-open-enxio",
             "XSH open() RETURN VALUE, ERRORS",
             "open(O_WRONLY|O_NONBLOCK) of a FIFO whose kernel call fails with ENXIO returns -1 "
             "with errno ENXIO",
             failed_nonblocking_writer_open, "openat|open", ENXIO)
ERRPATH_CASE(FifoOpenEintrIsReported, "injection.errpath.fifo-open-eintr",
             "XSH open() RETURN VALUE, ERRORS",
             "A blocking open(O_RDONLY) of a FIFO whose kernel call fails with EINTR returns -1 "
             "with errno EINTR",
             failed_reader_open, "openat|open", EINTR)
#define FIFO_OPEN_CASE(Name, id, fn, ERR)                            \
  ERRPATH_CASE(Name, id, "XSH open() RETURN VALUE, ERRORS",          \
               "open() of a FIFO whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR,                       \
               fn, "openat|open", ERR)

FIFO_OPEN_CASE(FifoOpenEmfileIsReported, "injection.errpath.fifo-open-emfile",
               failed_nonblocking_writer_open, EMFILE)
FIFO_OPEN_CASE(FifoOpenEnfileIsReported, "injection.errpath.fifo-open-enfile", failed_reader_open,
               ENFILE)
FIFO_OPEN_CASE(FifoOpenEaccesIsReported, "injection.errpath.fifo-open-eacces", failed_reader_open,
               EACCES)

}  // namespace
}  // namespace sigipc

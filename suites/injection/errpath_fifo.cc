// Error paths of mkfifo() and of open() on a FIFO. glibc 2.36 / x86_64
// (strace): mkfifo -> mknodat(AT_FDCWD, path, S_IFIFO|mode, 0); open ->
// openat. musl 1.2.4 and glibc 2.31 make mknod(path, S_IFIFO|mode, 0), musl
// open(): both are failed too (rules_any). The open rules match O_NOCTTY, a flag with no effect on
// a FIFO that only the call under test passes, so no other open in the child is touched.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

// mkfifo() fails with err and leaves nothing at the path.
injection::Run failed_mkfifo(const char* err_name, int err) {
  TempPath path("fifo");
  auto r = injection::run(
      injection::rules_any({{"mknodat", "a2&=0xf000:0x1000"}, {"mknod", "a1&=0xf000:0x1000"}},
                           err_name),
      [&path, err] { CHILD_CHECK_ERRNO(mkfifo(path.c_str(), 0600), err); });
  struct stat st {};
  EXPECT_FAILS_WITH(lstat(path.c_str(), &st), ENOENT) << "a failed mkfifo() left a file";
  return r;
}

#define MKFIFO_CASE(Name, id, ERR)                           \
  ERRPATH_CASE(Name, id, "XSH mkfifo() ERRORS",              \
               "mkfifo() whose kernel call fails with " #ERR \
               " returns -1 with that errno "                \
               "and creates nothing at the path",            \
               failed_mkfifo, "mknodat|mknod", ERR)

MKFIFO_CASE(MkfifoEaccesCreatesNothing, "injection.errpath.mkfifo-eacces", EACCES)
MKFIFO_CASE(MkfifoEexistCreatesNothing, "injection.errpath.mkfifo-eexist", EEXIST)
MKFIFO_CASE(MkfifoEloopCreatesNothing, "injection.errpath.mkfifo-eloop", ELOOP)
MKFIFO_CASE(MkfifoEnametoolongCreatesNothing, "injection.errpath.mkfifo-enametoolong", ENAMETOOLONG)
MKFIFO_CASE(MkfifoEnoentCreatesNothing, "injection.errpath.mkfifo-enoent", ENOENT)
MKFIFO_CASE(MkfifoEnospcCreatesNothing, "injection.errpath.mkfifo-enospc", ENOSPC)
MKFIFO_CASE(MkfifoEnotdirCreatesNothing, "injection.errpath.mkfifo-enotdir", ENOTDIR)
MKFIFO_CASE(MkfifoErofsCreatesNothing, "injection.errpath.mkfifo-erofs", EROFS)

// open(fifo, flags|O_NOCTTY) fails with err and opens no descriptor.
injection::Run failed_fifo_open(int flags, const char* err_name, int err) {
  TempFifo fifo;
  return injection::run(injection::rules_any({{"openat", injection::has_flag(2, O_NOCTTY)},
                                              {"open", injection::has_flag(1, O_NOCTTY)}},
                                             err_name),
                        [&fifo, flags, err] {
                          CHILD_CHECK_ERRNO_OPENS_NOTHING(
                              open(fifo.path(), flags | O_NOCTTY | O_CLOEXEC), err);
                        });
}

injection::Run failed_nonblocking_writer_open(const char* err_name, int err) {
  return failed_fifo_open(O_WRONLY | O_NONBLOCK, err_name, err);
}
injection::Run failed_reader_open(const char* err_name, int err) {
  return failed_fifo_open(O_RDONLY, err_name, err);
}

ERRPATH_CASE(FifoOpenEnxioOpensNothing, "injection.errpath.fifo-open-enxio", "XSH open() ERRORS",
             "open(O_WRONLY|O_NONBLOCK) of a FIFO whose kernel call fails with ENXIO returns -1 "
             "with ENXIO and opens no descriptor",
             failed_nonblocking_writer_open, "openat|open", ENXIO)
ERRPATH_CASE(FifoOpenEintrOpensNothing, "injection.errpath.fifo-open-eintr", "XSH open() ERRORS",
             "A blocking open(O_RDONLY) of a FIFO whose kernel call fails with EINTR returns -1 "
             "with EINTR and opens no descriptor",
             failed_reader_open, "openat|open", EINTR)
#define FIFO_OPEN_CASE(Name, id, fn, ERR)                                                     \
  ERRPATH_CASE(Name, id, "XSH open() ERRORS",                                                 \
               "open() of a FIFO whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and opens no descriptor",                                                    \
               fn, "openat|open", ERR)

FIFO_OPEN_CASE(FifoOpenEmfileOpensNothing, "injection.errpath.fifo-open-emfile",
               failed_nonblocking_writer_open, EMFILE)
FIFO_OPEN_CASE(FifoOpenEnfileOpensNothing, "injection.errpath.fifo-open-enfile", failed_reader_open,
               ENFILE)
FIFO_OPEN_CASE(FifoOpenEaccesOpensNothing, "injection.errpath.fifo-open-eacces", failed_reader_open,
               EACCES)

}  // namespace
}  // namespace sigipc

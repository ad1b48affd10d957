// A pipe is a FIFO file without a file offset. XSH fstat() (<sys/stat.h>
// S_ISFIFO), XSH lseek().
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

SIGIPC_TEST(Pipes, FstatReportsFifo, "pipe.fstat-reports-fifo", "XSH fstat()",
            "fstat() on either end of a pipe reports a file type for which S_ISFIFO is true") {
  Pipe p;
  for (int fd : {p.rd(), p.wr()}) {
    struct stat st {};
    ASSERT_SUCCEEDS(fstat(fd, &st));
    EXPECT_TRUE(S_ISFIFO(st.st_mode))
        << "pipe end " << fd << " st_mode 0" << std::oct << st.st_mode;
  }
}

SIGIPC_TEST(Pipes, LseekFailsWithEspipe, "pipe.lseek-espipe", "XSH lseek()",
            "lseek() on either end of a pipe returns -1 with ESPIPE, whatever the whence") {
  Pipe p;
  // Data in the pipe changes nothing: a pipe has no file offset at all.
  ASSERT_EQ(write(p.wr(), "abc", 3), 3);
  for (int fd : {p.rd(), p.wr()}) {
    EXPECT_FAILS_WITH(lseek(fd, 0, SEEK_SET), ESPIPE) << "pipe end " << fd;
    EXPECT_FAILS_WITH(lseek(fd, 0, SEEK_CUR), ESPIPE) << "pipe end " << fd;
    EXPECT_FAILS_WITH(lseek(fd, 0, SEEK_END), ESPIPE) << "pipe end " << fd;
    EXPECT_FAILS_WITH(lseek(fd, 1, SEEK_SET), ESPIPE) << "pipe end " << fd;
  }
}

}  // namespace
}  // namespace sigipc

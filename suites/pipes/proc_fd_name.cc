// The name of a pipe in /proc (Linux-only): the link /proc/PID/fd/N of a
// pipe end reads "pipe:[inode]", inode being the pipe's inode number,
// proc(5) (/proc/pid/fd/).
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

// The text of /proc/self/fd/<fd>, or "" (errno set).
std::string fd_link(int fd) {
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  char buf[256];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return "";
  return std::string(buf, static_cast<std::size_t>(n));
}

SIGIPC_TEST(PipeProc, FdLinkOfAPipeNamesItsInode, "pipe.proc.fd-link-pipe-inode",
            "proc(5) (Linux-only)",
            "readlink() of /proc/self/fd/N for either end of a pipe gives \"pipe:[inode]\" with "
            "the inode number fstat() reports") {
  if (access("/proc/self/fd", F_OK) != 0) SIGIPC_UNSUPPORTED("/proc is not mounted");
  Pipe p;
  struct stat st {};
  ASSERT_SUCCEEDS(fstat(p.rd(), &st));
  const std::string want = "pipe:[" + std::to_string(st.st_ino) + "]";
  EXPECT_EQ(fd_link(p.rd()), want) << ErrnoText(errno);
  EXPECT_EQ(fd_link(p.wr()), want) << ErrnoText(errno);
}

}  // namespace
}  // namespace sigipc

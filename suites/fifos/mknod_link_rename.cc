// Other ways to make or name a FIFO: mknod() with S_IFIFO (the one portable
// use of mknod(), allowed without privileges: XSH mknod()), and extra names
// made with link() or moved with rename() still lead to the same FIFO.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

using fifos::UmaskGuard;

SIGIPC_TEST(FifoNames, MknodWithSIfifoCreatesFifo, "fifo.mknod.creates-fifo", "XSH mknod()",
            "mknod(path, S_IFIFO | mode, 0) creates a FIFO special file with mode's permission "
            "bits less the umask") {
  UmaskGuard um(022);
  TempPath p("mknod");
  ASSERT_EQ(mknod(p.c_str(), S_IFIFO | 0666, 0), 0) << ErrnoText(errno);
  struct stat st = fifos::stat_of(p.c_str());
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

SIGIPC_TEST(FifoNames, MknodOfFifoNeedsNoPrivilege, "fifo.mknod.unprivileged", "XSH mknod()",
            "An unprivileged process may create a FIFO with mknod(): EPERM is reserved for file "
            "types other than FIFO-special") {
  SIGIPC_REQUIRE_USER_SWITCH();
  UmaskGuard um(022);
  TempPath p("mknod-nobody");  // in the 1777 test folder
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_EQ(mknod(p.c_str(), S_IFIFO | 0600, 0), 0); });
  ASSERT_CHILD_OK(st);
  EXPECT_TRUE(S_ISFIFO(fifos::stat_of(p.c_str()).st_mode));
}

SIGIPC_TEST(FifoNames, MknodatCreatesFifoRelativeToDirectoryFd, "fifo.mknodat.dirfd-relative",
            "XSH mknodat()",
            "mknodat(fd, relative path, S_IFIFO | mode, 0) creates the FIFO in the directory "
            "open on fd") {
  UmaskGuard um(022);
  fifos::TempDir d(0700);
  UniqueFd dfd(SETUP_OK(open(d.c_str(), O_RDONLY | O_DIRECTORY)));
  fifos::OwnedPath f(d.sub("node"));
  ASSERT_EQ(mknodat(dfd.get(), "node", S_IFIFO | 0600, 0), 0) << ErrnoText(errno);
  EXPECT_TRUE(S_ISFIFO(fifos::stat_of(f.c_str()).st_mode));
}

SIGIPC_TEST(FifoNames, HardLinkNamesTheSameFifo, "fifo.link.same-fifo", "XSH link()",
            "A hard link to a FIFO is a second name for the same FIFO: a reader opened by one "
            "name gets data a writer opened by the other name writes") {
  TempFifo f;
  TempPath second("link");
  ASSERT_SUCCEEDS(link(f.path(), second.c_str()));
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  UniqueFd wr(open(second.c_str(), O_WRONLY | O_NONBLOCK));
  ASSERT_TRUE(wr) << "no reader seen through the other name: " << ErrnoText(errno);
  ASSERT_EQ(write(wr.get(), "L", 1), 1);
  char b = 0;
  EXPECT_EQ(read(rd.get(), &b, 1), 1);
  EXPECT_EQ(fifos::stat_of(f.path()).st_nlink, 2u);
}

SIGIPC_TEST(FifoNames, RenamedFifoKeepsOpenEndsConnected, "fifo.rename.same-fifo", "XSH rename()",
            "rename() of a FIFO moves its name: opening the new name reaches the FIFO whose "
            "ends are already open, and the old name is gone") {
  TempFifo f;
  TempPath moved("moved");
  fifos::FifoEnds e = fifos::open_both(f.path());
  ASSERT_SUCCEEDS(rename(f.path(), moved.c_str()));
  EXPECT_FAILS_WITH(access(f.path(), F_OK), ENOENT);
  UniqueFd wr2(open(moved.c_str(), O_WRONLY | O_NONBLOCK));
  ASSERT_TRUE(wr2) << ErrnoText(errno);
  ASSERT_EQ(write(wr2.get(), "R", 1), 1);
  char b = 0;
  EXPECT_EQ(read(e.rd.get(), &b, 1), 1);
  EXPECT_EQ(b, 'R');
}

}  // namespace
}  // namespace sigipc

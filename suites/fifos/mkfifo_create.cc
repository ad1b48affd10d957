// What mkfifo() and mkfifoat() create: a FIFO special file with the requested
// permissions less the umask, owned by the caller, empty. XSH mkfifo().
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

using fifos::stat_of;
using fifos::UmaskGuard;

SIGIPC_TEST(FifoCreate, MkfifoCreatesFifoSpecialFile, "fifo.mkfifo.creates-fifo", "XSH mkfifo()",
            "mkfifo() returns 0 and creates a new FIFO special file named by path") {
  UmaskGuard um(022);
  TempPath p("fifo");
  ASSERT_EQ(mkfifo(p.c_str(), 0600), 0);
  struct stat st = stat_of(p.c_str());
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "st_mode " << std::oct << st.st_mode;
}

SIGIPC_TEST(FifoCreate, MkfifoModeIsRequestedModeLessUmask, "fifo.mkfifo.mode-less-umask",
            "XSH mkfifo()",
            "The FIFO's permission bits are those of mode modified by the process' file mode "
            "creation mask") {
  UmaskGuard um(027);
  TempPath p("fifo");
  ASSERT_EQ(mkfifo(p.c_str(), 0666), 0);
  EXPECT_EQ(stat_of(p.c_str()).st_mode & 07777, 0640u) << "0666 & ~027";
}

SIGIPC_TEST(FifoCreate, MkfifoWithZeroUmaskKeepsEveryPermissionBit, "fifo.mkfifo.mode-zero-umask",
            "XSH mkfifo()",
            "With a umask of 0 the FIFO gets exactly the permission bits requested") {
  UmaskGuard um(0);
  TempPath p("fifo");
  ASSERT_EQ(mkfifo(p.c_str(), 0753), 0);
  EXPECT_EQ(stat_of(p.c_str()).st_mode & 0777, 0753u);
}

SIGIPC_TEST(FifoCreate, MkfifoNewFifoHasSizeZeroAndOneLink, "fifo.mkfifo.empty-one-link",
            "XSH mkfifo()",
            "A new FIFO is an empty special file (st_size 0) with a single directory entry") {
  UmaskGuard um(022);
  TempPath p("fifo");
  ASSERT_EQ(mkfifo(p.c_str(), 0600), 0);
  struct stat st = stat_of(p.c_str());
  EXPECT_EQ(st.st_size, 0);
  EXPECT_EQ(st.st_nlink, 1u);
}

SIGIPC_TEST(FifoCreate, MkfifoOwnerIsEffectiveUserOfCaller, "fifo.mkfifo.owner-euid",
            "XSH mkfifo()",
            "The FIFO's user ID is the effective user ID of the process; its group ID is the "
            "parent directory's or the process' effective group ID") {
  SIGIPC_REQUIRE_USER_SWITCH();
  UmaskGuard um(022);
  TempPath p("fifo");  // in the 1777 test folder, writable by nobody
  WaitStatus st =
      RunAsUser(kNobodyUid, kNobodyGid, [&] { CHILD_CHECK_EQ(mkfifo(p.c_str(), 0600), 0); });
  ASSERT_CHILD_OK(st);
  struct stat s = stat_of(p.c_str());
  struct stat dir = stat_of(TestTempDir().c_str());
  EXPECT_EQ(s.st_uid, kNobodyUid);
  EXPECT_TRUE(s.st_gid == kNobodyGid || s.st_gid == dir.st_gid) << "st_gid " << s.st_gid;
}

SIGIPC_TEST(FifoCreate, MkfifoUpdatesParentDirectoryMtime, "fifo.mkfifo.dir-mtime", "XSH mkfifo()",
            "mkfifo() marks for update the last data modification timestamp of the directory "
            "holding the new entry") {
  UmaskGuard um(022);
  fifos::TempDir d(0700);
  // Put the folder's times far in the past, so any update is visible without
  // depending on clock resolution.
  struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_SUCCEEDS(utimensat(AT_FDCWD, d.c_str(), old, 0));
  StampWindow w;
  fifos::OwnedPath f(d.sub("f"));
  ASSERT_EQ(mkfifo(f.c_str(), 0600), 0);
  // Only st_mtime: utimensat() itself has just set st_ctime to now.
  EXPECT_STAMP_CURRENT(w, stat_of(d.c_str()).st_mtim.tv_sec);
}

SIGIPC_TEST(FifoCreate, MkfifoatCreatesRelativeToDirectoryFd, "fifo.mkfifoat.dirfd-relative",
            "XSH mkfifoat()",
            "mkfifoat() resolves a relative path against the directory open on fd, not the "
            "current working directory") {
  UmaskGuard um(022);
  fifos::TempDir d(0700);
  UniqueFd dfd(SETUP_OK(open(d.c_str(), O_RDONLY | O_DIRECTORY)));
  fifos::OwnedPath f(d.sub("rel"));
  ASSERT_EQ(mkfifoat(dfd.get(), "rel", 0600), 0);
  struct stat st = stat_of(f.c_str());
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

SIGIPC_TEST(FifoCreate, MkfifoatWithAtFdcwdUsesWorkingDirectory, "fifo.mkfifoat.at-fdcwd",
            "XSH mkfifoat()",
            "mkfifoat(AT_FDCWD, path, mode) behaves like mkfifo(): a relative path is resolved "
            "from the current working directory") {
  UmaskGuard um(022);
  fifos::TempDir d(0700);
  UniqueFd saved_cwd(SETUP_OK(open(".", O_RDONLY | O_DIRECTORY)));
  SETUP_OK(chdir(d.c_str()));
  int r = mkfifoat(AT_FDCWD, "cwdfifo", 0600);
  int e = errno;
  SETUP_OK(fchdir(saved_cwd.get()));
  fifos::OwnedPath f(d.sub("cwdfifo"));
  ASSERT_EQ(r, 0) << ErrnoText(e);
  EXPECT_TRUE(S_ISFIFO(stat_of(f.c_str()).st_mode));
}

SIGIPC_TEST(FifoCreate, MkfifoatIgnoresFdForAbsolutePath, "fifo.mkfifoat.absolute-ignores-fd",
            "XSH mkfifoat()",
            "With an absolute path mkfifoat() ignores fd, even one that is not a directory") {
  UmaskGuard um(022);
  TempPath p("abs");
  UniqueFd notdir(SETUP_OK(open("/dev/null", O_RDONLY)));
  ASSERT_EQ(mkfifoat(notdir.get(), p.c_str(), 0600), 0);
  EXPECT_TRUE(S_ISFIFO(stat_of(p.c_str()).st_mode));
}

}  // namespace
}  // namespace sigipc

// The errors mkfifo() and mkfifoat() must report. XSH mkfifo() ERRORS.
#include <fcntl.h>
#include <limits.h>
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

using fifos::OwnedPath;
using fifos::TempDir;
using fifos::UmaskGuard;

SIGIPC_TEST(FifoMkfifoErrors, MkfifoOnExistingRegularFileFailsWithEexist, "fifo.mkfifo.eexist-file",
            "XSH mkfifo()",
            "mkfifo() fails with EEXIST when path names an existing regular file, which is left "
            "as it was") {
  UmaskGuard um(022);
  TempPath p("file");
  UniqueFd fd(SETUP_OK(open(p.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600)));
  EXPECT_FAILS_WITH(mkfifo(p.c_str(), 0600), EEXIST);
  EXPECT_TRUE(S_ISREG(fifos::stat_of(p.c_str()).st_mode));
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoOnExistingFifoFailsWithEexist, "fifo.mkfifo.eexist-fifo",
            "XSH mkfifo()", "mkfifo() fails with EEXIST when path names an existing FIFO") {
  UmaskGuard um(022);
  TempFifo f;
  EXPECT_FAILS_WITH(mkfifo(f.path(), 0600), EEXIST);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoOnDanglingSymlinkFailsWithEexist, "fifo.mkfifo.eexist-symlink",
            "XSH mkfifo()",
            "mkfifo() fails with EEXIST when path names a symbolic link, even one whose target "
            "does not exist (the link is not followed)") {
  UmaskGuard um(022);
  TempPath target("missing-target");
  TempPath link("link");
  SETUP_OK(symlink(target.c_str(), link.c_str()));
  EXPECT_FAILS_WITH(mkfifo(link.c_str(), 0600), EEXIST);
  EXPECT_FAILS_WITH(access(target.c_str(), F_OK), ENOENT) << "nothing created at the target";
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoWithMissingDirectoryFailsWithEnoent,
            "fifo.mkfifo.enoent-prefix", "XSH mkfifo()",
            "mkfifo() fails with ENOENT when a component of the path prefix does not exist") {
  UmaskGuard um(022);
  std::string p = UniqueTempPath("nodir") + "/fifo";
  EXPECT_FAILS_WITH(mkfifo(p.c_str(), 0600), ENOENT);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoWithEmptyPathFailsWithEnoent, "fifo.mkfifo.enoent-empty",
            "XSH mkfifo()", "mkfifo() fails with ENOENT when path is an empty string") {
  UmaskGuard um(022);
  EXPECT_FAILS_WITH(mkfifo("", 0600), ENOENT);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoWithFileAsPrefixFailsWithEnotdir, "fifo.mkfifo.enotdir-prefix",
            "XSH mkfifo()",
            "mkfifo() fails with ENOTDIR when a component of the path prefix names an existing "
            "file that is neither a directory nor a symbolic link to one") {
  UmaskGuard um(022);
  TempPath file("file");
  UniqueFd fd(SETUP_OK(open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600)));
  std::string p = std::string(file.c_str()) + "/fifo";
  EXPECT_FAILS_WITH(mkfifo(p.c_str(), 0600), ENOTDIR);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoWithOverlongComponentFailsWithEnametoolong,
            "fifo.mkfifo.enametoolong-component", "XSH mkfifo()",
            "mkfifo() fails with ENAMETOOLONG when a path component is longer than {NAME_MAX}") {
  UmaskGuard um(022);
  errno = 0;
  long name_max = pathconf(TestTempDir().c_str(), _PC_NAME_MAX);
  if (name_max <= 0) SIGIPC_UNSUPPORTED("pathconf(_PC_NAME_MAX) reports no limit here");
  std::string p = TestTempDir() + "/" + std::string(static_cast<size_t>(name_max) + 1, 'n');
  EXPECT_FAILS_WITH(mkfifo(p.c_str(), 0600), ENAMETOOLONG);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoThroughSymlinkLoopFailsWithEloop, "fifo.mkfifo.eloop",
            "XSH mkfifo()",
            "mkfifo() fails with ELOOP when a loop exists in symbolic links met while resolving "
            "the path") {
  UmaskGuard um(022);
  TempPath a("loop-a"), b("loop-b");
  SETUP_OK(symlink(b.c_str(), a.c_str()));
  SETUP_OK(symlink(a.c_str(), b.c_str()));
  std::string p = std::string(a.c_str()) + "/fifo";
  EXPECT_FAILS_WITH(mkfifo(p.c_str(), 0600), ELOOP);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoInUnwritableDirectoryFailsWithEacces,
            "fifo.mkfifo.eacces-dir-write", "XSH mkfifo()",
            "mkfifo() fails with EACCES when the parent directory denies write permission") {
  SIGIPC_REQUIRE_USER_SWITCH();
  UmaskGuard um(022);
  TempDir d(0555);  // root's, searchable but not writable by nobody
  OwnedPath f(d.sub("fifo"));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_ERRNO(mkfifo(f.c_str(), 0600), EACCES); });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoWithUnsearchablePrefixFailsWithEacces,
            "fifo.mkfifo.eacces-search", "XSH mkfifo()",
            "mkfifo() fails with EACCES when search permission is denied on a component of the "
            "path prefix") {
  SIGIPC_REQUIRE_USER_SWITCH();
  UmaskGuard um(022);
  TempDir outer(0700);  // root's: nobody may not search it

  std::string inner = outer.sub("inner");
  SETUP_OK(mkdir(inner.c_str(), 0777));
  SETUP_OK(chmod(inner.c_str(), 0777));
  std::string p = inner + "/fifo";
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_ERRNO(mkfifo(p.c_str(), 0600), EACCES); });
  unlink(p.c_str());
  rmdir(inner.c_str());
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoatWithInvalidDirfdFailsWithEbadf, "fifo.mkfifoat.ebadf",
            "XSH mkfifoat()",
            "mkfifoat() with a relative path fails with EBADF when fd is neither AT_FDCWD nor a "
            "valid descriptor") {
  UmaskGuard um(022);
  int fd;
  {
    UniqueFd tmp(SETUP_OK(open("/dev/null", O_RDONLY)));
    fd = tmp.get();
  }  // closed: now certainly not an open descriptor
  EXPECT_FAILS_WITH(mkfifoat(fd, "rel-ebadf", 0600), EBADF);
}

SIGIPC_TEST(FifoMkfifoErrors, MkfifoatWithNonDirectoryFdFailsWithEnotdir,
            "fifo.mkfifoat.enotdir-fd", "XSH mkfifoat()",
            "mkfifoat() with a relative path fails with ENOTDIR when fd refers to a file that is "
            "not a directory") {
  UmaskGuard um(022);
  TempPath file("file");
  UniqueFd fd(SETUP_OK(open(file.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600)));
  EXPECT_FAILS_WITH(mkfifoat(fd.get(), "rel-enotdir", 0600), ENOTDIR);
}

}  // namespace
}  // namespace sigipc

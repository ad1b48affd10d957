// pidfd_getfd(2): duplicating a descriptor of the process a pidfd refers to.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

// A child that opens an eventfd holding 42 after fork (so the parent has no
// copy of its own), reports the descriptor number and stays alive until
// released.
struct FdOwner {
  FdOwner()
      : child([this] {
          int fd = eventfd(42, EFD_NONBLOCK);
          CHILD_CHECK(fd >= 0);
          CHILD_CHECK_EQ(write(num.wr(), &fd, sizeof fd), static_cast<ssize_t>(sizeof fd));
          release.wait();
        }) {
    num.close_wr();
    if (read(num.rd(), &target, sizeof target) != static_cast<ssize_t>(sizeof target))
      setup_error(__FILE__, __LINE__, "the child did not report its descriptor");
    pidfd.reset(SETUP_OK(pidfd_open(child.pid(), 0)));
  }
  ~FdOwner() {
    release.open();
    child.wait();
  }
  Pipe num;
  Gate release;
  Child child;
  int target = -1;
  UniqueFd pidfd;
};

SIGIPC_TEST(LinuxPidfdGetfd, DuplicatesTargetDescriptor, "linux.pidfd.getfd-duplicates",
            "Linux-only, pidfd_getfd(2)",
            "pidfd_getfd() returns a new descriptor referring to the same open file description "
            "as targetfd in the process the pidfd refers to") {
  SIGIPC_REQUIRE_PIDFD();
  FdOwner o;
  int r = pidfd_getfd(o.pidfd.get(), o.target, 0);
  int e = errno;
  if (r < 0 && e == ENOSYS) SIGIPC_UNSUPPORTED("pidfd_getfd() is not implemented (ENOSYS)");
  ASSERT_GE(r, 0) << ErrnoText(e);
  UniqueFd dup(r);
  std::uint64_t v = 0;
  ASSERT_EQ(linux::read_u64(dup.get(), &v), 8) << ErrnoText(errno);
  EXPECT_EQ(v, 42u) << "not the child's eventfd";
  // Same open file description: the status flags came along.
  EXPECT_NE(linux::status_flags(dup.get()) & O_NONBLOCK, 0);
}

SIGIPC_TEST(LinuxPidfdGetfd, NewDescriptorIsCloseOnExec, "linux.pidfd.getfd-cloexec",
            "Linux-only, pidfd_getfd(2)",
            "the descriptor returned by pidfd_getfd() has FD_CLOEXEC set") {
  SIGIPC_REQUIRE_PIDFD();
  FdOwner o;
  int r = pidfd_getfd(o.pidfd.get(), o.target, 0);
  int e = errno;
  if (r < 0 && e == ENOSYS) SIGIPC_UNSUPPORTED("pidfd_getfd() is not implemented (ENOSYS)");
  ASSERT_GE(r, 0) << ErrnoText(e);
  UniqueFd dup(r);
  EXPECT_NE(linux::fd_flags(dup.get()) & FD_CLOEXEC, 0);
}

SIGIPC_TEST(LinuxPidfdGetfd, TargetFdNotOpenInTargetFailsWithEbadf,
            "linux.pidfd.getfd-bad-target-ebadf", "Linux-only, pidfd_getfd(2)",
            "pidfd_getfd() with a targetfd that is not open in the target process fails with "
            "EBADF") {
  SIGIPC_REQUIRE_PIDFD();
  FdOwner o;
  EXPECT_FAILS_WITH(pidfd_getfd(o.pidfd.get(), o.target + 100, 0), EBADF);
}

SIGIPC_TEST(LinuxPidfdGetfd, NonzeroFlagsFailWithEinval, "linux.pidfd.getfd-flags-einval",
            "Linux-only, pidfd_getfd(2)",
            "pidfd_getfd() with flags other than 0 fails with EINVAL") {
  SIGIPC_REQUIRE_PIDFD();
  FdOwner o;
  EXPECT_FAILS_WITH(pidfd_getfd(o.pidfd.get(), o.target, 1), EINVAL);
}

SIGIPC_TEST(LinuxPidfdGetfd, DescriptorThatIsNotPidfdFailsWithEbadf,
            "linux.pidfd.getfd-not-pidfd-ebadf", "Linux-only, pidfd_getfd(2)",
            "pidfd_getfd() with a pidfd argument that is not a PID file descriptor fails with "
            "EBADF") {
  SIGIPC_REQUIRE_PIDFD();
  Pipe p;
  EXPECT_FAILS_WITH(pidfd_getfd(p.rd(), 0, 0), EBADF);
}

SIGIPC_TEST(LinuxPidfdGetfd, WithoutPtracePermissionFailsWithEperm, "linux.pidfd.getfd-eperm",
            "Linux-only, pidfd_getfd(2)",
            "pidfd_getfd() fails with EPERM when the caller lacks PTRACE_MODE_ATTACH_REALCREDS "
            "permission over the target (unprivileged caller, root target)") {
  SIGIPC_REQUIRE_PIDFD();
  SIGIPC_REQUIRE_USER_SWITCH();
  UniqueFd self(SETUP_OK(pidfd_open(getpid(), 0)));
  Pipe p;  // a descriptor the root target certainly has open
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_ERRNO(pidfd_getfd(self.get(), p.rd(), 0), EPERM); });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(LinuxPidfdGetfd, ReapedTargetFailsWithEsrch, "linux.pidfd.getfd-reaped-esrch",
            "Linux-only, pidfd_getfd(2)",
            "pidfd_getfd() on a pidfd whose process has terminated and been waited on fails "
            "with ESRCH") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] {});
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  ASSERT_CHILD_OK(child.wait());
  EXPECT_FAILS_WITH(pidfd_getfd(fd.get(), 0, 0), ESRCH);
}

}  // namespace
}  // namespace sigipc

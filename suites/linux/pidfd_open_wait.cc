// pidfd_open(2) and waiting through a pidfd: the descriptor, its errors,
// poll() readiness on exit, waitid(P_PIDFD) and PIDFD_NONBLOCK, and signals
// to an exited but not yet reaped process.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(LinuxPidfdOpen, OpenOfChildReturnsFdReferringToIt, "linux.pidfd.open-refers-to-pid",
            "Linux-only, pidfd_open(2)",
            "pidfd_open(pid, 0) returns a descriptor that refers to process pid (fdinfo Pid: "
            "shows it)") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] { release.wait(); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  EXPECT_EQ(linux::fdinfo_field(fd.get(), "Pid"), std::to_string(child.pid()));
  release.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdOpen, PidfdIsCloseOnExec, "linux.pidfd.open-cloexec",
            "Linux-only, pidfd_open(2)",
            "the descriptor returned by pidfd_open() has FD_CLOEXEC set") {
  SIGIPC_REQUIRE_PIDFD();
  UniqueFd fd(SETUP_OK(pidfd_open(getpid(), 0)));
  EXPECT_NE(linux::fd_flags(fd.get()) & FD_CLOEXEC, 0);
}

SIGIPC_TEST(LinuxPidfdOpen, OpenOfReapedPidFailsWithEsrch, "linux.pidfd.open-esrch",
            "Linux-only, pidfd_open(2)",
            "pidfd_open() of a pid that names no process fails with ESRCH") {
  SIGIPC_REQUIRE_PIDFD();
  // A child's pid once reaped: the fresh PID namespace does not hand it out
  // again during the test.
  Child child([] {});
  ASSERT_CHILD_OK(child.wait());
  EXPECT_FAILS_WITH(pidfd_open(child.pid(), 0), ESRCH);
}

SIGIPC_TEST(LinuxPidfdOpen, InvalidFlagsFailWithEinval, "linux.pidfd.open-flags-einval",
            "Linux-only, pidfd_open(2)",
            "pidfd_open() with flags other than 0 or PIDFD_NONBLOCK "
            "fails with EINVAL") {
  SIGIPC_REQUIRE_PIDFD();
  EXPECT_FAILS_WITH(pidfd_open(getpid(), 1), EINVAL);
}

SIGIPC_TEST(LinuxPidfdOpen, NonPositivePidFailsWithEinval, "linux.pidfd.open-bad-pid-einval",
            "Linux-only, pidfd_open(2)",
            "pidfd_open() with a pid that is not valid (<= 0) "
            "fails with EINVAL") {
  SIGIPC_REQUIRE_PIDFD();
  EXPECT_FAILS_WITH(pidfd_open(0, 0), EINVAL);
  EXPECT_FAILS_WITH(pidfd_open(-1, 0), EINVAL);
}

SIGIPC_TEST(LinuxPidfdOpen, PidfdNonblockSetsONonblock, "linux.pidfd.open-nonblock-flag",
            "Linux-only, pidfd_open(2)",
            "pidfd_open() with PIDFD_NONBLOCK returns a descriptor with O_NONBLOCK set; "
            "without it O_NONBLOCK is clear") {
  SIGIPC_REQUIRE_PIDFD();
  UniqueFd with(SETUP_OK(pidfd_open(getpid(), PIDFD_NONBLOCK)));
  UniqueFd without(SETUP_OK(pidfd_open(getpid(), 0)));
  EXPECT_NE(linux::status_flags(with.get()) & O_NONBLOCK, 0);
  EXPECT_EQ(linux::status_flags(without.get()) & O_NONBLOCK, 0);
}

SIGIPC_TEST(LinuxPidfdOpen, PollReadableWhenProcessTerminates, "linux.pidfd.poll-readable-on-exit",
            "Linux-only, pidfd_open(2)",
            "poll() on a pidfd reports POLLIN once the process terminates, and not while it "
            "runs") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] { release.wait(); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  EXPECT_EQ(linux::poll_now(fd.get(), POLLIN) & POLLIN, 0) << "the child still runs";
  release.open();
  EXPECT_TRUE(linux::poll_ready(fd.get(), POLLIN)) << "no POLLIN after the child exited";
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdOpen, SignalToExitedUnreapedProcessSucceeds, "linux.pidfd.send-zombie-ok",
            "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() fails with ESRCH only once the target has terminated and been "
            "waited on: to a terminated, unreaped process it returns 0") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] {});
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  ASSERT_TRUE(linux::poll_ready(fd.get(), POLLIN)) << "the child never exited";
  // waitid WNOWAIT leaves it a zombie while proving it has terminated.
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  ASSERT_SUCCEEDS(waitid(P_PID, static_cast<id_t>(child.pid()), &si, WEXITED | WNOWAIT));
  ASSERT_EQ(si.si_pid, child.pid());
  EXPECT_SUCCEEDS(pidfd_send_signal(fd.get(), SIGUSR1, nullptr, 0));
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidPPidfdReapsChild, "linux.pidfd.waitid-reaps",
            "Linux-only, waitid(2) P_PIDFD",
            "waitid(P_PIDFD, pidfd, WEXITED) waits for and reaps the child the pidfd refers to, "
            "reporting its pid and exit status") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] {
    release.wait();
    _exit(9);
  });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  release.open();
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  int r = waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WEXITED);
  int e = errno;
  if (r == 0) child.mark_reaped(WaitStatus(9 << 8));
  ASSERT_EQ(r, 0) << ErrnoText(e);
  EXPECT_EQ(si.si_pid, child.pid());
  EXPECT_EQ(si.si_code, CLD_EXITED);
  EXPECT_EQ(si.si_status, 9);
  EXPECT_FAILS_WITH(waitpid(child.pid(), nullptr, WNOHANG), ECHILD) << "the child was not reaped";
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidWnohangOnRunningChildReturnsZeroPid,
            "linux.pidfd.waitid-wnohang-running", "Linux-only, waitid(2) P_PIDFD",
            "waitid(P_PIDFD, WEXITED|WNOHANG) on a running child returns 0 with si_pid 0") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] { release.wait(); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  si.si_pid = 12345;
  EXPECT_SUCCEEDS(waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WEXITED | WNOHANG));
  EXPECT_EQ(si.si_pid, 0);
  release.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidOnNonblockingPidfdOfRunningChildFailsWithEagain,
            "linux.pidfd.waitid-nonblock-eagain", "Linux-only, pidfd_open(2)",
            "waitid(P_PIDFD) on a PIDFD_NONBLOCK pidfd whose process has not terminated fails "
            "with EAGAIN instead of blocking") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] { release.wait(); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), PIDFD_NONBLOCK)));
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  EXPECT_FAILS_WITH(waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WEXITED), EAGAIN);
  release.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidOnPidfdOfNonChildFailsWithEchild,
            "linux.pidfd.waitid-nonchild-echild", "Linux-only, waitid(2) P_PIDFD",
            "waitid(P_PIDFD) on a pidfd of a process that is not a child of the caller fails "
            "with ECHILD") {
  SIGIPC_REQUIRE_PIDFD();
  UniqueFd self(SETUP_OK(pidfd_open(getpid(), 0)));
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  EXPECT_FAILS_WITH(waitid(P_PIDFD, static_cast<id_t>(self.get()), &si, WEXITED | WNOHANG), ECHILD);
}

SIGIPC_TEST(LinuxPidfdOpen, OpenOfExitedUnreapedProcessSucceeds, "linux.pidfd.open-zombie-ok",
            "Linux-only, pidfd_open(2)",
            "pidfd_open() of a terminated but not yet waited-for process succeeds (it still "
            "exists) and the descriptor is readable at once") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] {});
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  ASSERT_SUCCEEDS(waitid(P_PID, static_cast<id_t>(child.pid()), &si, WEXITED | WNOWAIT));
  int r = pidfd_open(child.pid(), 0);
  int e = errno;
  UniqueFd fd(r);
  ASSERT_GE(r, 0) << ErrnoText(e);
  EXPECT_NE(linux::poll_now(fd.get(), POLLIN) & POLLIN, 0);
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidWnowaitLeavesChildWaitable, "linux.pidfd.waitid-wnowait",
            "Linux-only, waitid(2) P_PIDFD",
            "waitid(P_PIDFD, WEXITED|WNOWAIT) reports the exited child but leaves it waitable") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] { _exit(4); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  ASSERT_SUCCEEDS(waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WEXITED | WNOWAIT));
  EXPECT_EQ(si.si_pid, child.pid());
  EXPECT_EQ(si.si_status, 4);
  EXPECT_TRUE(ExitedWith(child.wait(WNOHANG), 4)) << "WNOWAIT reaped the child";
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidWstoppedReportsStoppedChild, "linux.pidfd.waitid-wstopped",
            "Linux-only, waitid(2) P_PIDFD",
            "waitid(P_PIDFD, WSTOPPED) reports a child stopped by a signal with CLD_STOPPED and "
            "the stop signal") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] { raise(SIGSTOP); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  ASSERT_SUCCEEDS(waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WSTOPPED));
  EXPECT_EQ(si.si_pid, child.pid());
  EXPECT_EQ(si.si_code, CLD_STOPPED);
  EXPECT_EQ(si.si_status, SIGSTOP);
  ASSERT_SUCCEEDS(pidfd_send_signal(fd.get(), SIGKILL, nullptr, 0));
  EXPECT_TRUE(KilledBy(child.wait(), SIGKILL));
}

SIGIPC_TEST(LinuxPidfdOpen, WaitidReportsChildKilledBySignal, "linux.pidfd.waitid-killed",
            "Linux-only, waitid(2) P_PIDFD",
            "waitid(P_PIDFD, WEXITED) on a child ended by a signal reports CLD_KILLED and the "
            "signal in si_status") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] { release.wait(); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  ASSERT_SUCCEEDS(pidfd_send_signal(fd.get(), SIGKILL, nullptr, 0));
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  int r = waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WEXITED);
  int e = errno;
  if (r == 0) child.mark_reaped(WaitStatus(SIGKILL));
  ASSERT_EQ(r, 0) << ErrnoText(e);
  EXPECT_EQ(si.si_code, CLD_KILLED);
  EXPECT_EQ(si.si_status, SIGKILL);
}

SIGIPC_TEST(LinuxPidfdOpen, PidfdStaysReadableAfterReap, "linux.pidfd.poll-readable-after-reap",
            "Linux-only, pidfd_open(2)",
            "a pidfd whose process has terminated stays readable for poll() after the process "
            "has been waited for") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] {});
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  ASSERT_CHILD_OK(child.wait());
  EXPECT_NE(linux::poll_now(fd.get(), POLLIN) & POLLIN, 0);
}

}  // namespace
}  // namespace sigipc

// pidfd_send_signal(2): delivery to the process the pidfd refers to, the
// siginfo it carries, and its errors (exited/reaped target, bad signal,
// flags, descriptor, permission).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

// A child that blocks SIGUSR1, waits for one with sigwaitinfo() and writes the
// siginfo_t it got to out. The pidfd is opened by the parent after the child
// is ready.
struct Receiver {
  Receiver()
      : child([this] {
          sigset_t set = make_sigset({SIGUSR1});
          CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
          ready.open();
          siginfo_t si;
          std::memset(&si, 0, sizeof si);
          CHILD_CHECK_EQ(sigwaitinfo(&set, &si), SIGUSR1);
          CHILD_CHECK_EQ(write(out.wr(), &si, sizeof si), static_cast<ssize_t>(sizeof si));
        }) {
    out.close_wr();
    ready.wait();
    pidfd.reset(SETUP_OK(pidfd_open(child.pid(), 0)));
  }
  // The siginfo the child received; fails when none arrives.
  ::testing::AssertionResult received(siginfo_t* si) {
    if (!linux::poll_ready(out.rd(), POLLIN))
      return ::testing::AssertionFailure() << "the child received no signal";
    if (read(out.rd(), si, sizeof *si) != static_cast<ssize_t>(sizeof *si))
      return ::testing::AssertionFailure()
             << "the child ended without reporting a siginfo: " << child.wait().describe();
    return ::testing::AssertionSuccess();
  }
  Pipe out;
  Gate ready;
  Child child;
  UniqueFd pidfd;
};

SIGIPC_TEST(LinuxPidfdSignal, SendSignalDeliversToReferredProcess,
            "linux.pidfd.send-signal-delivers", "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() returns 0 and sends the signal to the process the pidfd refers "
            "to") {
  SIGIPC_REQUIRE_PIDFD();
  Receiver r;
  ASSERT_SUCCEEDS(pidfd_send_signal(r.pidfd.get(), SIGUSR1, nullptr, 0));
  siginfo_t si;
  ASSERT_TRUE(r.received(&si));
  EXPECT_EQ(si.si_signo, SIGUSR1);
  EXPECT_CHILD_OK(r.child.wait());
}

SIGIPC_TEST(LinuxPidfdSignal, NullInfoIsLikeKill, "linux.pidfd.null-info-si-user",
            "Linux-only, pidfd_send_signal(2)",
            "with info NULL the signal carries si_code SI_USER and the sender's pid and uid, as "
            "kill() would") {
  SIGIPC_REQUIRE_PIDFD();
  Receiver r;
  ASSERT_SUCCEEDS(pidfd_send_signal(r.pidfd.get(), SIGUSR1, nullptr, 0));
  siginfo_t si;
  ASSERT_TRUE(r.received(&si));
  EXPECT_EQ(si.si_code, SI_USER);
  EXPECT_EQ(si.si_pid, getpid());
  EXPECT_EQ(si.si_uid, getuid());
  EXPECT_CHILD_OK(r.child.wait());
}

SIGIPC_TEST(LinuxPidfdSignal, InfoWithSiQueueIsDeliveredAsGiven, "linux.pidfd.info-si-queue",
            "Linux-only, pidfd_send_signal(2)",
            "with a siginfo whose si_code is SI_QUEUE the target receives that si_code and "
            "si_value, as with rt_sigqueueinfo()") {
  SIGIPC_REQUIRE_PIDFD();
  Receiver r;
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR1;
  info.si_code = SI_QUEUE;
  info.si_pid = getpid();
  info.si_uid = getuid();
  info.si_value.sival_int = 4242;
  ASSERT_SUCCEEDS(pidfd_send_signal(r.pidfd.get(), SIGUSR1, &info, 0));
  siginfo_t si;
  ASSERT_TRUE(r.received(&si));
  EXPECT_EQ(si.si_code, SI_QUEUE);
  EXPECT_EQ(si.si_value.sival_int, 4242);
  EXPECT_CHILD_OK(r.child.wait());
}

SIGIPC_TEST(LinuxPidfdSignal, InfoWithKernelSiCodeToOtherProcessFailsWithEperm,
            "linux.pidfd.info-kernel-code-eperm", "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() to another process with an info whose si_code is not allowed "
            "from user space (SI_KERNEL, >= 0) fails with EPERM") {
  SIGIPC_REQUIRE_PIDFD();
  Receiver r;
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR1;
  info.si_code = SI_KERNEL;
  EXPECT_FAILS_WITH(pidfd_send_signal(r.pidfd.get(), SIGUSR1, &info, 0), EPERM);
  // Release the receiver with a plain signal.
  ASSERT_SUCCEEDS(pidfd_send_signal(r.pidfd.get(), SIGUSR1, nullptr, 0));
  siginfo_t si;
  ASSERT_TRUE(r.received(&si));
  EXPECT_EQ(si.si_code, SI_USER) << "the refused info reached the child";
  EXPECT_CHILD_OK(r.child.wait());
}

SIGIPC_TEST(LinuxPidfdSignal, InfoWithKernelSiCodeToSelfIsAllowed,
            "linux.pidfd.info-kernel-code-self-ok", "Linux-only, pidfd_send_signal(2)",
            "the si_code restriction applies only when the pidfd does not refer to the caller: "
            "to itself a process may send an info with si_code SI_KERNEL") {
  SIGIPC_REQUIRE_PIDFD();
  SignalMask mask;
  mask.block(SIGUSR2);
  UniqueFd self(SETUP_OK(pidfd_open(getpid(), 0)));
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR2;
  info.si_code = SI_KERNEL;
  ASSERT_SUCCEEDS(pidfd_send_signal(self.get(), SIGUSR2, &info, 0));
  sigset_t set = make_sigset({SIGUSR2});
  siginfo_t got;
  std::memset(&got, 0, sizeof got);
  timespec zero{0, 0};
  ASSERT_EQ(sigtimedwait(&set, &got, &zero), SIGUSR2) << ErrnoText(errno);
  EXPECT_EQ(got.si_code, SI_KERNEL);
}

SIGIPC_TEST(LinuxPidfdSignal, SignalZeroChecksLiveProcess, "linux.pidfd.signal-zero",
            "Linux-only, pidfd_send_signal(2)",
            "sig 0 performs the checks without sending: 0 for a live process, which keeps "
            "running") {
  SIGIPC_REQUIRE_PIDFD();
  Gate release;
  Child child([&] { release.wait(); });
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  EXPECT_SUCCEEDS(pidfd_send_signal(fd.get(), 0, nullptr, 0));
  EXPECT_TRUE(child.wait(WNOHANG).raw() == -1) << "sig 0 changed the child's state";
  release.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxPidfdSignal, SignalToReapedProcessFailsWithEsrch, "linux.pidfd.send-reaped-esrch",
            "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() to a process that has terminated and been waited for fails "
            "with ESRCH") {
  SIGIPC_REQUIRE_PIDFD();
  Child child([] {});
  UniqueFd fd(SETUP_OK(pidfd_open(child.pid(), 0)));
  ASSERT_CHILD_OK(child.wait());
  EXPECT_FAILS_WITH(pidfd_send_signal(fd.get(), SIGUSR1, nullptr, 0), ESRCH);
}

SIGIPC_TEST(LinuxPidfdSignal, InvalidSignalFailsWithEinval, "linux.pidfd.invalid-signal-einval",
            "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() with an invalid signal number fails "
            "with EINVAL") {
  SIGIPC_REQUIRE_PIDFD();
  UniqueFd self(SETUP_OK(pidfd_open(getpid(), 0)));
  EXPECT_FAILS_WITH(pidfd_send_signal(self.get(), _NSIG + 1, nullptr, 0), EINVAL);
  EXPECT_FAILS_WITH(pidfd_send_signal(self.get(), -1, nullptr, 0), EINVAL);
}

SIGIPC_TEST(LinuxPidfdSignal, UnknownFlagsFailWithEinval, "linux.pidfd.send-flags-einval",
            "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() with flags not defined fails with "
            "EINVAL") {
  SIGIPC_REQUIRE_PIDFD();
  SignalMask mask;
  mask.block(SIGUSR1);  // should the call wrongly send, nothing is lost
  UniqueFd self(SETUP_OK(pidfd_open(getpid(), 0)));
  EXPECT_FAILS_WITH(pidfd_send_signal(self.get(), SIGUSR1, nullptr, 0x100), EINVAL);
}

SIGIPC_TEST(LinuxPidfdSignal, DescriptorThatIsNotPidfdFailsWithEbadf,
            "linux.pidfd.send-not-pidfd-ebadf", "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() on a descriptor that is not a PID file descriptor fails with "
            "EBADF") {
  SIGIPC_REQUIRE_PIDFD();
  Pipe p;
  EXPECT_FAILS_WITH(pidfd_send_signal(p.rd(), 0, nullptr, 0), EBADF);
}

SIGIPC_TEST(LinuxPidfdSignal, UnprivilegedSenderToRootProcessFailsWithEperm,
            "linux.pidfd.send-eperm", "Linux-only, pidfd_send_signal(2)",
            "pidfd_send_signal() fails with EPERM when the caller lacks permission to signal the "
            "target (unprivileged sender, root target)") {
  SIGIPC_REQUIRE_PIDFD();
  SIGIPC_REQUIRE_USER_SWITCH();
  SignalMask mask;
  mask.block(SIGUSR1);  // a wrongly allowed signal stays pending instead of killing the test
  UniqueFd self(SETUP_OK(pidfd_open(getpid(), 0)));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(pidfd_send_signal(self.get(), SIGUSR1, nullptr, 0), EPERM);
  });
  EXPECT_CHILD_OK(st);
  sigset_t p = pending_set();
  EXPECT_FALSE(sigismember(&p, SIGUSR1)) << "the refused signal was delivered anyway";
}

SIGIPC_TEST(LinuxPidfdSignal, ProcDirectoryFdWorksAsPidfd, "linux.pidfd.send-via-proc-dir",
            "Linux-only, pidfd_send_signal(2)",
            "a descriptor from opening /proc/<pid> may be used as pidfd: the signal reaches "
            "that process") {
  SIGIPC_REQUIRE_PIDFD();
  Receiver r;
  std::string dir = "/proc/" + std::to_string(r.child.pid());
  UniqueFd procfd(SETUP_OK(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
  ASSERT_SUCCEEDS(pidfd_send_signal(procfd.get(), SIGUSR1, nullptr, 0));
  siginfo_t si;
  ASSERT_TRUE(r.received(&si));
  EXPECT_EQ(si.si_signo, SIGUSR1);
  EXPECT_EQ(si.si_pid, getpid());
  EXPECT_CHILD_OK(r.child.wait());
}

}  // namespace
}  // namespace sigipc

// signalfd(2): creation and the mask — errors, flags, changing the mask,
// SIGKILL/SIGSTOP, unblocked signals, blocking reads, poll, fork and threads.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

using linux::read_ssi;

constexpr ssize_t kSsiSize = static_cast<ssize_t>(sizeof(signalfd_siginfo));

SIGIPC_TEST(LinuxSignalfdMask, BlockingReadWaitsForSignal, "linux.signalfd.blocking-read-waits",
            "Linux-only, signalfd(2)",
            "without SFD_NONBLOCK a read() blocks until a signal of the mask is pending, then "
            "returns it") {
  Gate started;
  Pipe done;
  Child child([&] {
    sigset_t set = make_sigset({SIGUSR1});
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    int sfd = signalfd(-1, &set, 0);
    CHILD_CHECK(sfd >= 0);
    started.open();
    signalfd_siginfo si{};
    CHILD_CHECK_EQ(read_ssi(sfd, &si), kSsiSize);
    CHILD_CHECK_EQ(si.ssi_signo, SIGUSR1);
    CHILD_CHECK_EQ(write(done.wr(), "x", 1), 1);
  });
  done.close_wr();
  started.wait();
  ASSERT_TRUE(linux::wait_until_sleeping(child.pid())) << "the reader never blocked";
  EXPECT_TRUE(linux::nothing_to_read(done.rd())) << "read() returned with nothing pending";
  ASSERT_SUCCEEDS(kill(child.pid(), SIGUSR1));
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxSignalfdMask, PollReadableWhenMaskedSignalPending,
            "linux.signalfd.poll-readable-pending", "Linux-only, signalfd(2)",
            "poll() reports POLLIN on a signalfd exactly when a signal of its mask is pending") {
  SignalMask mask;
  mask.block(SIGUSR1);
  sigset_t set = make_sigset({SIGUSR1});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  EXPECT_EQ(linux::poll_now(fd.get(), POLLIN) & POLLIN, 0) << "nothing pending";
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  EXPECT_NE(linux::poll_now(fd.get(), POLLIN) & POLLIN, 0) << "SIGUSR1 pending";
}

SIGIPC_TEST(LinuxSignalfdMask, SignalfdOnExistingFdReplacesMask, "linux.signalfd.update-mask",
            "Linux-only, signalfd(2)",
            "signalfd(fd, mask) on an existing signalfd returns fd and replaces its mask with "
            "mask") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  sigset_t first = make_sigset({SIGUSR1});
  UniqueFd fd(SETUP_OK(signalfd(-1, &first, SFD_NONBLOCK)));
  sigset_t second = make_sigset({SIGUSR2});
  EXPECT_EQ(signalfd(fd.get(), &second, 0), fd.get()) << ErrnoText(errno);
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(fd.get(), &si), kSsiSize) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGUSR2));
  EXPECT_FAILS_WITH(read_ssi(fd.get(), &si), EAGAIN) << "SIGUSR1 left the mask";
}

SIGIPC_TEST(LinuxSignalfdMask, FdThatIsNotSignalfdFailsWithEinval,
            "linux.signalfd.not-signalfd-einval", "Linux-only, signalfd(2)",
            "signalfd() with an fd that is a valid descriptor but not a signalfd fails with "
            "EINVAL") {
  Pipe p;
  sigset_t set = make_sigset({SIGUSR1});
  EXPECT_FAILS_WITH(signalfd(p.rd(), &set, 0), EINVAL);
}

SIGIPC_TEST(LinuxSignalfdMask, InvalidDescriptorFailsWithEbadf, "linux.signalfd.bad-fd-ebadf",
            "Linux-only, signalfd(2)",
            "signalfd() with an fd that is neither -1 nor an open descriptor fails with EBADF") {
  int fd = SETUP_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
  SETUP_OK(close(fd));  // a number known to be closed now
  sigset_t set = make_sigset({SIGUSR1});
  EXPECT_FAILS_WITH(signalfd(fd, &set, 0), EBADF);
}

SIGIPC_TEST(LinuxSignalfdMask, InvalidFlagsFailWithEinval, "linux.signalfd.invalid-flags-einval",
            "Linux-only, signalfd(2)",
            "signalfd() with an invalid value in flags fails with "
            "EINVAL") {
  sigset_t set = make_sigset({SIGUSR1});
  EXPECT_FAILS_WITH(signalfd(-1, &set, 1), EINVAL);  // bit 0 is no SFD_* flag
}

SIGIPC_TEST(LinuxSignalfdMask, SfdCloexecSetsCloseOnExec, "linux.signalfd.sfd-cloexec",
            "Linux-only, signalfd(2)",
            "SFD_CLOEXEC sets FD_CLOEXEC on the new descriptor; without it FD_CLOEXEC is clear") {
  sigset_t set = make_sigset({SIGUSR1});
  UniqueFd with(SETUP_OK(signalfd(-1, &set, SFD_CLOEXEC)));
  UniqueFd without(SETUP_OK(signalfd(-1, &set, 0)));
  EXPECT_NE(linux::fd_flags(with.get()) & FD_CLOEXEC, 0);
  EXPECT_EQ(linux::fd_flags(without.get()) & FD_CLOEXEC, 0);
}

SIGIPC_TEST(LinuxSignalfdMask, SfdNonblockSetsONonblock, "linux.signalfd.sfd-nonblock",
            "Linux-only, signalfd(2)",
            "SFD_NONBLOCK sets O_NONBLOCK on the open file description; without it O_NONBLOCK "
            "is clear") {
  sigset_t set = make_sigset({SIGUSR1});
  UniqueFd with(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  UniqueFd without(SETUP_OK(signalfd(-1, &set, 0)));
  EXPECT_NE(linux::status_flags(with.get()) & O_NONBLOCK, 0);
  EXPECT_EQ(linux::status_flags(without.get()) & O_NONBLOCK, 0);
}

SIGIPC_TEST(LinuxSignalfdMask, SigkillAndSigstopInMaskAreSilentlyIgnored,
            "linux.signalfd.kill-stop-ignored", "Linux-only, signalfd(2)",
            "SIGKILL and SIGSTOP in the mask are silently ignored: signalfd() succeeds and the "
            "fd's mask does not contain them") {
  sigset_t set = make_sigset({SIGKILL, SIGSTOP, SIGUSR1});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, 0)));
  // fdinfo's sigmask is the mask the kernel keeps, in hex, bit (sig - 1).
  std::string m = linux::fdinfo_field(fd.get(), "sigmask");
  ASSERT_FALSE(m.empty()) << "no sigmask line in fdinfo";
  unsigned long long bits = std::stoull(m, nullptr, 16);
  EXPECT_EQ(bits & (1ull << (SIGKILL - 1)), 0u) << m;
  EXPECT_EQ(bits & (1ull << (SIGSTOP - 1)), 0u) << m;
  EXPECT_NE(bits & (1ull << (SIGUSR1 - 1)), 0u) << m;
}

SIGIPC_TEST(LinuxSignalfdMask, SigkillStillKillsReaderWithSigkillInMask,
            "linux.signalfd.sigkill-still-kills", "Linux-only, signalfd(2)",
            "a process blocked reading a signalfd whose mask names SIGKILL is still killed by "
            "SIGKILL") {
  Gate started;
  Child child([&] {
    sigset_t set = make_sigset({SIGKILL, SIGUSR1});
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    int sfd = signalfd(-1, &set, 0);
    CHILD_CHECK(sfd >= 0);
    started.open();
    signalfd_siginfo si{};
    ssize_t r = read_ssi(sfd, &si);
    // Reaching here means SIGKILL was read instead of killing.
    CHILD_CHECK_EQ(r, -2);
  });
  started.wait();
  ASSERT_TRUE(linux::wait_until_sleeping(child.pid()));
  ASSERT_SUCCEEDS(kill(child.pid(), SIGKILL));
  EXPECT_TRUE(KilledBy(child.wait(), SIGKILL));
}

SIGIPC_TEST(LinuxSignalfdMask, UnblockedSignalIsDeliveredNotRead,
            "linux.signalfd.unblocked-delivered-normally", "Linux-only, signalfd(2)",
            "a signal of the mask that is not blocked is handled according to its disposition "
            "and is not read from the signalfd") {
  static volatile sig_atomic_t handled = 0;
  handled = 0;
  SignalAction act(SIGUSR1, [](int) { handled = 1; });
  sigset_t set = make_sigset({SIGUSR1});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));  // delivered before kill() returns
  EXPECT_EQ(handled, 1);
  signalfd_siginfo si{};
  EXPECT_FAILS_WITH(read_ssi(fd.get(), &si), EAGAIN);
}

SIGIPC_TEST(LinuxSignalfdMask, ForkedChildReadsOwnSignalsNotParents,
            "linux.signalfd.fork-reads-own-signals", "Linux-only, signalfd(2)",
            "a signalfd inherited across fork() reads the signals of the process that reads it, "
            "not those of the creator") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  sigset_t set = make_sigset({SIGUSR1, SIGUSR2});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));  // the parent's own pending signal
  WaitStatus st = RunInChild([&] {
    signalfd_siginfo si{};
    CHILD_CHECK_ERRNO(read_ssi(fd.get(), &si), EAGAIN);  // the parent's SIGUSR1 is not ours
    CHILD_CHECK_OK(kill(getpid(), SIGUSR2));
    CHILD_CHECK_EQ(read_ssi(fd.get(), &si), kSsiSize);
    CHILD_CHECK_EQ(si.ssi_signo, SIGUSR2);
  });
  ASSERT_CHILD_OK(st);
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(fd.get(), &si), kSsiSize) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGUSR1));
  EXPECT_FAILS_WITH(read_ssi(fd.get(), &si), EAGAIN) << "the child's SIGUSR2 reached the parent";
}

SIGIPC_TEST(LinuxSignalfdMask, ThreadDirectedSignalReadOnlyByThatThread,
            "linux.signalfd.thread-directed", "Linux-only, signalfd(2)",
            "a signal directed at one thread is read only through a read() by that thread; "
            "another thread's read() does not see it") {
  SignalMask mask;
  mask.block(SIGUSR1);  // the new thread inherits the blocked mask
  sigset_t set = make_sigset({SIGUSR1});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  Pipe go, result;
  struct Ctx {
    int sfd, go, result;
  } ctx{fd.get(), go.rd(), result.wr()};
  pthread_t t;
  ASSERT_EQ(pthread_create(
                &t, nullptr,
                [](void* p) -> void* {
                  auto* c = static_cast<Ctx*>(p);
                  char b;
                  if (read(c->go, &b, 1) != 1) return nullptr;
                  signalfd_siginfo si{};
                  int got =
                      read_ssi(c->sfd, &si) == kSsiSize ? static_cast<int>(si.ssi_signo) : -errno;
                  (void)!write(c->result, &got, sizeof got);
                  return nullptr;
                },
                &ctx),
            0);
  ASSERT_EQ(pthread_kill(t, SIGUSR1), 0);
  signalfd_siginfo si{};
  EXPECT_FAILS_WITH(read_ssi(fd.get(), &si), EAGAIN) << "main thread read another thread's signal";
  ASSERT_EQ(write(go.wr(), "g", 1), 1);
  int got = 0;
  ASSERT_EQ(read(result.rd(), &got, sizeof got), static_cast<ssize_t>(sizeof got));
  pthread_join(t, nullptr);
  EXPECT_EQ(got, SIGUSR1) << "the target thread's read (negative: -errno)";
}

}  // namespace
}  // namespace sigipc

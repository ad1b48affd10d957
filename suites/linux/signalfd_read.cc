// signalfd(2): what a read() returns — the signalfd_siginfo fields, queued
// and coalesced signals, buffer sizes and consumption of the pending signal.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

using linux::read_ssi;

// A non-blocking signalfd for sigs, with sigs blocked for the test's lifetime
// (signalfd(2): the signals must be blocked so they stay pending for the fd).
struct BlockedSignalfd {
  explicit BlockedSignalfd(std::initializer_list<int> sigs, int flags = SFD_NONBLOCK) {
    set = make_sigset(sigs);
    for (int s : sigs) mask.block(s);
    fd.reset(SETUP_OK(signalfd(-1, &set, flags)));
  }
  SignalMask mask;
  sigset_t set;
  UniqueFd fd;
};

SIGIPC_TEST(LinuxSignalfdRead, ReadReturnsSiginfoOfPendingSignal, "linux.signalfd.read-signo",
            "Linux-only, signalfd(2)",
            "read() of a signalfd returns a signalfd_siginfo whose ssi_signo is the pending "
            "signal of its mask") {
  BlockedSignalfd s({SIGUSR1});
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGUSR1));
}

SIGIPC_TEST(LinuxSignalfdRead, KillGivesSiUserWithSenderPidAndUid,
            "linux.signalfd.kill-si-user-pid-uid", "Linux-only, signalfd(2)",
            "for a signal sent by kill() ssi_code is SI_USER and ssi_pid/ssi_uid are the "
            "sender's pid and real uid") {
  BlockedSignalfd s({SIGUSR2});
  Child sender([&] { CHILD_CHECK_OK(kill(getppid(), SIGUSR2)); });
  ASSERT_CHILD_OK(sender.wait());
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGUSR2));
  EXPECT_EQ(si.ssi_code, SI_USER);
  EXPECT_EQ(si.ssi_pid, static_cast<std::uint32_t>(sender.pid()));
  EXPECT_EQ(si.ssi_uid, static_cast<std::uint32_t>(getuid()));
}

SIGIPC_TEST(LinuxSignalfdRead, SigqueueGivesSiQueueAndSsiInt, "linux.signalfd.sigqueue-ssi-int",
            "Linux-only, signalfd(2)",
            "for a signal sent by sigqueue() ssi_code is SI_QUEUE and ssi_int carries "
            "sival_int") {
  BlockedSignalfd s({SIGRTMIN});
  sigval val{};
  val.sival_int = 0x5eed;
  ASSERT_SUCCEEDS(sigqueue(getpid(), SIGRTMIN, val));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_code, SI_QUEUE);
  EXPECT_EQ(si.ssi_int, 0x5eed);
  EXPECT_EQ(si.ssi_pid, static_cast<std::uint32_t>(getpid()));
}

SIGIPC_TEST(LinuxSignalfdRead, SigqueueSsiPtrCarriesSivalPtr, "linux.signalfd.sigqueue-ssi-ptr",
            "Linux-only, signalfd(2)",
            "for a signal sent by sigqueue() ssi_ptr carries sival_ptr as a 64-bit value") {
  BlockedSignalfd s({SIGRTMIN + 1});
  static int anchor;
  sigval val{};
  val.sival_ptr = &anchor;
  ASSERT_SUCCEEDS(sigqueue(getpid(), SIGRTMIN + 1, val));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_ptr, reinterpret_cast<std::uint64_t>(&anchor));
}

SIGIPC_TEST(LinuxSignalfdRead, ChildExitGivesSigchldFields, "linux.signalfd.sigchld-fields",
            "Linux-only, signalfd(2)",
            "a SIGCHLD read from a signalfd has ssi_code CLD_EXITED, ssi_pid the child and "
            "ssi_status its exit status") {
  BlockedSignalfd s({SIGCHLD}, 0);
  Child child([] { _exit(7); });
  signalfd_siginfo si{};
  ASSERT_TRUE(linux::poll_ready(s.fd.get(), POLLIN)) << "no SIGCHLD became readable";
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_TRUE(ExitedWith(child.wait(), 7));
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGCHLD));
  EXPECT_EQ(si.ssi_code, CLD_EXITED);
  EXPECT_EQ(si.ssi_pid, static_cast<std::uint32_t>(child.pid()));
  EXPECT_EQ(si.ssi_status, 7);
}

SIGIPC_TEST(LinuxSignalfdRead, RealtimeSignalsQueueAndReadInOrder,
            "linux.signalfd.rt-queued-in-order", "Linux-only, signalfd(2)",
            "several instances of a real-time signal are each read from the signalfd, in the "
            "order they were queued") {
  BlockedSignalfd s({SIGRTMIN + 2});
  for (int i = 1; i <= 3; ++i) {
    sigval v{};
    v.sival_int = i;
    ASSERT_SUCCEEDS(sigqueue(getpid(), SIGRTMIN + 2, v));
  }
  for (int i = 1; i <= 3; ++i) {
    signalfd_siginfo si{};
    ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si))
        << "instance " << i << ": " << ErrnoText(errno);
    EXPECT_EQ(si.ssi_int, i);
  }
  signalfd_siginfo si{};
  EXPECT_FAILS_WITH(read_ssi(s.fd.get(), &si), EAGAIN);
}

SIGIPC_TEST(LinuxSignalfdRead, ReadReturnsAsManySiginfosAsFit,
            "linux.signalfd.read-multiple-structs", "Linux-only, signalfd(2)",
            "a read() with room for several signalfd_siginfo structures returns as many pending "
            "signals as fit") {
  BlockedSignalfd s({SIGRTMIN + 3});
  for (int i = 1; i <= 3; ++i) {
    sigval v{};
    v.sival_int = i;
    ASSERT_SUCCEEDS(sigqueue(getpid(), SIGRTMIN + 3, v));
  }
  signalfd_siginfo si[2]{};
  ASSERT_EQ(read(s.fd.get(), si, sizeof si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si[0].ssi_int, 1);
  EXPECT_EQ(si[1].ssi_int, 2);
  signalfd_siginfo rest[2]{};
  EXPECT_EQ(read(s.fd.get(), rest, sizeof rest), static_cast<ssize_t>(sizeof rest[0]))
      << "one signal was left for the second read";
}

SIGIPC_TEST(LinuxSignalfdRead, StandardSignalInstancesCoalesce, "linux.signalfd.standard-coalesce",
            "Linux-only, signalfd(2)",
            "a standard signal sent twice while pending is read from the signalfd only once") {
  BlockedSignalfd s({SIGUSR1});
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_FAILS_WITH(read_ssi(s.fd.get(), &si), EAGAIN);
}

SIGIPC_TEST(LinuxSignalfdRead, ReadBufferSmallerThanSiginfoFailsWithEinval,
            "linux.signalfd.read-short-buffer-einval", "Linux-only, signalfd(2)",
            "read() with a buffer smaller than sizeof(struct signalfd_siginfo) fails with "
            "EINVAL") {
  BlockedSignalfd s({SIGUSR1});
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  char buf[sizeof(signalfd_siginfo) - 1];
  EXPECT_FAILS_WITH(read(s.fd.get(), buf, sizeof buf), EINVAL);
  sigset_t p = pending_set();
  EXPECT_TRUE(sigismember(&p, SIGUSR1)) << "the failed read consumed the signal";
}

SIGIPC_TEST(LinuxSignalfdRead, NonblockingReadWithNothingPendingFailsWithEagain,
            "linux.signalfd.nonblock-empty-eagain", "Linux-only, signalfd(2)",
            "with SFD_NONBLOCK a read() when no signal of the mask is pending fails with "
            "EAGAIN") {
  BlockedSignalfd s({SIGUSR1});
  signalfd_siginfo si{};
  EXPECT_FAILS_WITH(read_ssi(s.fd.get(), &si), EAGAIN);
}

SIGIPC_TEST(LinuxSignalfdRead, ReadSignalIsNoLongerPending, "linux.signalfd.read-consumes",
            "Linux-only, signalfd(2)",
            "a signal read from a signalfd is consumed: it is no longer pending for the "
            "process") {
  BlockedSignalfd s({SIGUSR2});
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  sigset_t before = pending_set();
  ASSERT_TRUE(sigismember(&before, SIGUSR2));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  sigset_t after = pending_set();
  EXPECT_FALSE(sigismember(&after, SIGUSR2));
}

SIGIPC_TEST(LinuxSignalfdRead, TgkillGivesSiTkill, "linux.signalfd.tgkill-si-tkill",
            "Linux-only, signalfd(2)",
            "a signal sent with tgkill() is read with ssi_code SI_TKILL (the analog of si_code, "
            "sigaction(2)) and the sender's pid") {
  BlockedSignalfd s({SIGUSR1});
  ASSERT_SUCCEEDS(tgkill(getpid(), gettid(), SIGUSR1));
  signalfd_siginfo si{};
  ASSERT_EQ(read_ssi(s.fd.get(), &si), static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_code, SI_TKILL);
  EXPECT_EQ(si.ssi_pid, static_cast<std::uint32_t>(getpid()));
}

SIGIPC_TEST(LinuxSignalfdRead, EpollReportsPendingSignal, "linux.signalfd.epoll-readable",
            "Linux-only, signalfd(2)",
            "epoll reports EPOLLIN for a signalfd added by the process when a signal of its "
            "mask is pending for that process") {
  BlockedSignalfd s({SIGUSR2});
  UniqueFd ep(SETUP_OK(epoll_create1(EPOLL_CLOEXEC)));
  epoll_event ev{};
  ev.events = EPOLLIN;
  SETUP_OK(epoll_ctl(ep.get(), EPOLL_CTL_ADD, s.fd.get(), &ev));
  epoll_event out{};
  EXPECT_EQ(epoll_wait(ep.get(), &out, 1, 0), 0) << "nothing pending";
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR2));
  ASSERT_EQ(epoll_wait(ep.get(), &out, 1, 0), 1) << "SIGUSR2 pending";
  EXPECT_NE(out.events & EPOLLIN, 0u);
}

}  // namespace
}  // namespace sigipc

// signalfd(2): signals from sources other than kill/sigqueue (POSIX timers)
// and a signalfd's life across execve.
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

// Exit codes of the helper: 0 = read SIGUSR1 from the inherited signalfd.
constexpr int kExecReadFailed = 10, kExecWrongSignal = 11;

SIGIPC_EXEC_HELPER(linux_signalfd_after_exec) {
  int fd = std::stoi(args.at(0));
  signalfd_siginfo si{};
  if (linux::read_ssi(fd, &si) != static_cast<ssize_t>(sizeof si)) return kExecReadFailed;
  return si.ssi_signo == static_cast<std::uint32_t>(SIGUSR1) ? 0 : kExecWrongSignal;
}

SIGIPC_TEST(LinuxSignalfdLifetime, PendingSignalStaysReadableAcrossExec,
            "linux.signalfd.survives-exec", "Linux-only, signalfd(2)",
            "a signalfd without close-on-exec stays open across execve() and signals readable "
            "before the execve() remain readable by the new program") {
  SignalMask mask;
  mask.block(SIGUSR1);
  sigset_t set = make_sigset({SIGUSR1});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  ExecArgv argv("linux_signalfd_after_exec", {std::to_string(fd.get())});
  WaitStatus st = RunInChild([&] {
    CHILD_CHECK_OK(kill(getpid(), SIGUSR1));  // pending in the child, mask inherited
    argv.exec();
    CHILD_CHECK(!"execvp of the helper failed");
  });
  EXPECT_TRUE(ExitedWith(st, 0)) << "helper: 10 = read failed, 11 = another signal";
}

SIGIPC_TEST(LinuxSignalfdLifetime, TimerSignalGivesSiTimerAndValue, "linux.signalfd.timer-fields",
            "Linux-only, signalfd(2)",
            "a POSIX timer expiry read from a signalfd has ssi_code SI_TIMER and carries the "
            "timer's sigev_value in ssi_int") {
  SignalMask mask;
  mask.block(SIGRTMIN);
  sigset_t set = make_sigset({SIGRTMIN});
  UniqueFd fd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  sigevent sev;
  std::memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGRTMIN;
  sev.sigev_value.sival_int = 0x77;
  timer_t timer;
  SETUP_OK(timer_create(CLOCK_MONOTONIC, &sev, &timer));
  itimerspec its{};
  its.it_value.tv_nsec = 1;  // one-shot, expires at once
  if (timer_settime(timer, 0, &its, nullptr) != 0) {
    timer_delete(timer);
    FAIL() << "timer_settime: " << ErrnoText(errno);
  }
  bool ready = linux::poll_ready(fd.get(), POLLIN);
  signalfd_siginfo si{};
  ssize_t r = ready ? linux::read_ssi(fd.get(), &si) : -1;
  timer_delete(timer);
  ASSERT_TRUE(ready) << "the timer signal never became readable";
  ASSERT_EQ(r, static_cast<ssize_t>(sizeof si)) << ErrnoText(errno);
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGRTMIN));
  EXPECT_EQ(si.ssi_code, SI_TIMER);
  EXPECT_EQ(si.ssi_int, 0x77);
}

SIGIPC_TEST(LinuxSignalfdLifetime, PassedDescriptorReadsReceiversSignals,
            "linux.signalfd.passed-fd-reads-receiver", "Linux-only, signalfd(2)",
            "a signalfd passed over a UNIX domain socket reads the signals queued to the "
            "receiving process, not the sender's") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGUSR2);
  int sv[2];
  SETUP_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  UniqueFd mine(sv[0]), theirs(sv[1]);
  // The child exists before the signalfd does, so it can only get it by passing.
  Child child([&] {
    char b;
    char ctl[CMSG_SPACE(sizeof(int))];
    iovec iov{&b, 1};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    CHILD_CHECK_EQ(recvmsg(theirs.get(), &m, 0), 1);
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    CHILD_CHECK(c != nullptr && c->cmsg_type == SCM_RIGHTS);
    int sfd;
    std::memcpy(&sfd, CMSG_DATA(c), sizeof sfd);
    signalfd_siginfo si{};
    CHILD_CHECK_ERRNO(linux::read_ssi(sfd, &si), EAGAIN);  // the sender's SIGUSR1
    CHILD_CHECK_OK(kill(getpid(), SIGUSR2));
    CHILD_CHECK_EQ(linux::read_ssi(sfd, &si), static_cast<ssize_t>(sizeof si));
    CHILD_CHECK_EQ(si.ssi_signo, SIGUSR2);
  });
  sigset_t set = make_sigset({SIGUSR1, SIGUSR2});
  UniqueFd sfd(SETUP_OK(signalfd(-1, &set, SFD_NONBLOCK)));
  ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
  char b = 'f';
  char ctl[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{&b, 1};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int fdv = sfd.get();
  std::memcpy(CMSG_DATA(c), &fdv, sizeof fdv);
  ASSERT_EQ(sendmsg(mine.get(), &m, 0), 1) << ErrnoText(errno);
  EXPECT_CHILD_OK(child.wait());
  signalfd_siginfo si{};
  ASSERT_EQ(linux::read_ssi(sfd.get(), &si), static_cast<ssize_t>(sizeof si));
  EXPECT_EQ(si.ssi_signo, static_cast<std::uint32_t>(SIGUSR1));
}

}  // namespace
}  // namespace sigipc

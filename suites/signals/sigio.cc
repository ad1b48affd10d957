// Signal-driven I/O: with O_ASYNC set on a descriptor and an owner named by
// F_SETOWN, data arriving on it sends SIGIO to the owner; F_SETSIG picks
// another signal, whose siginfo then names the descriptor (si_fd) and the
// event (si_code POLL_IN, si_band). POSIX has F_SETOWN for sockets only and
// no O_ASYNC: on pipes and FIFOs all of this is Linux-only (fcntl(2), since
// Linux 2.6). Each test runs in a child with the signal blocked, so a signal
// that comes is taken by sigtimedwait() and one that does not is a FAIL
// after the safety net.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

// In a child (sig blocked): writing one byte to wr sends sig for rd.
void child_expect_signal_on_write(int rd, int wr, int sig, siginfo_t* info = nullptr) noexcept {
  CHILD_CHECK_EQ(signals::child_pending(sig), 0);
  CHILD_CHECK_EQ(write(wr, "x", 1), 1);
  CHILD_CHECK_EQ(signals::await_signal(sig, info), sig);
  char c;
  CHILD_CHECK_EQ(read(rd, &c, 1), 1);
}

SIGIPC_TEST(SignalSigio, AsyncPipeSendsSigioToOwnerWhenDataArrives, "signal.sigio.pipe",
            "fcntl(2) F_SETOWN, O_ASYNC (Linux-only: pipes since Linux 2.6)",
            "With O_ASYNC set on a pipe's read end and F_SETOWN naming the process, a write "
            "into the pipe sends SIGIO to that process") {
  Pipe p;
  EXPECT_CHILD_OK(RunInChild([&p] {
    signals::child_block(SIGIO);
    child_make_async(p.rd());
    child_expect_signal_on_write(p.rd(), p.wr(), SIGIO);
  }));
}

SIGIPC_TEST(SignalSigio, AsyncFifoSendsSigioToOwnerWhenDataArrives, "signal.sigio.fifo",
            "fcntl(2) F_SETOWN, O_ASYNC (Linux-only: FIFOs since Linux 2.6)",
            "With O_ASYNC set on a FIFO's read descriptor and F_SETOWN naming the process, a "
            "write into the FIFO sends SIGIO to that process") {
  std::string path = UniqueTempPath("sigio.fifo");
  ASSERT_SUCCEEDS(mkfifo(path.c_str(), 0600));
  const char* name = path.c_str();
  EXPECT_CHILD_OK(RunInChild([name] {
    signals::child_block(SIGIO);
    int rd = open(name, O_RDONLY | O_NONBLOCK);
    CHILD_CHECK_OK(rd);
    int wr = open(name, O_WRONLY);
    CHILD_CHECK_OK(wr);
    child_make_async(rd);
    child_expect_signal_on_write(rd, wr, SIGIO);
  }));
  unlink(path.c_str());
}

SIGIPC_TEST(SignalSigio, AsyncPipeSignalsEveryProcessOfOwnerGroup, "signal.sigio.owner-group",
            "fcntl(2) F_SETOWN (Linux-only for pipes)",
            "F_SETOWN with a negative value names a process group: data arriving on the O_ASYNC "
            "pipe sends SIGIO to every process of that group") {
  Pipe p;
  EXPECT_CHILD_OK(RunInChild([&p] {
    CHILD_CHECK_OK(setpgid(0, 0));
    signals::child_block(SIGIO);
    Gate joined;
    pid_t member = fork();
    CHILD_CHECK_OK(member);
    if (member == 0) {  // same group, SIGIO blocked (inherited)
      joined.open();
      CHILD_CHECK_EQ(signals::await_signal(SIGIO), SIGIO);
      child_exit(0);
    }
    joined.wait();
    CHILD_CHECK_OK(fcntl(p.rd(), F_SETOWN, -getpgrp()));
    CHILD_CHECK_EQ(fcntl(p.rd(), F_GETOWN), -getpgrp());
    int flags = fcntl(p.rd(), F_GETFL);
    CHILD_CHECK_OK(fcntl(p.rd(), F_SETFL, flags | O_ASYNC));
    child_expect_signal_on_write(p.rd(), p.wr(), SIGIO);
    signals::child_expect_exit0(member);
  }));
}

SIGIPC_TEST(SignalSigio, SetsigSignalCarriesFdAndPollInBand, "signal.sigio.setsig-siginfo",
            "fcntl(2) F_SETSIG (Linux-only)",
            "After F_SETSIG names a real-time signal (its handler set with SA_SIGINFO), data "
            "arriving on an O_ASYNC pipe sends that signal instead of SIGIO, with si_code "
            "POLL_IN, si_fd the descriptor and POLLIN in si_band") {
  Pipe p;
  EXPECT_CHILD_OK(RunInChild([&p] {
    const int sig = SIGRTMIN + 1;
    child_set_info_handler(sig);
    signals::child_block(sig);
    signals::child_block(SIGIO);
    CHILD_CHECK_OK(fcntl(p.rd(), F_SETSIG, sig));
    CHILD_CHECK_EQ(fcntl(p.rd(), F_GETSIG), sig);
    child_make_async(p.rd());
    siginfo_t info{};
    child_expect_signal_on_write(p.rd(), p.wr(), sig, &info);
    CHILD_CHECK_EQ(info.si_signo, sig);
    CHILD_CHECK_EQ(info.si_code, POLL_IN);
    CHILD_CHECK_EQ(info.si_fd, p.rd());
    CHILD_CHECK((info.si_band & POLLIN) != 0);
    CHILD_CHECK_EQ(signals::child_pending(SIGIO), 0);
  }));
}

}  // namespace
}  // namespace sigipc

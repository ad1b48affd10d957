// Descriptor multiplexing: poll(), select(), pselect(), ppoll() and
// epoll_wait() waiting on an empty pipe. A handler makes each fail with EINTR
// (XSH poll() [EINTR] "A signal was caught during poll()"; XSH pselect()
// [EINTR]). Under SA_RESTART, XSH pselect() leaves the choice to the
// implementation, XSH poll() says nothing beyond sigaction()'s general
// restart rule; Linux never restarts any of them (signal(7), "File descriptor
// multiplexing interfaces"): Linux-only clauses. poll() and select() under
// SA_RESTART are in suites/signals/flags_restart.cc.
//
// The release writes a byte: a restarted call would report the descriptor
// ready instead of failing.
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

using WaitCall = int (*)(int fd);

int poll_forever(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, -1);
}

int select_forever(int fd) {
  fd_set r;
  FD_ZERO(&r);
  FD_SET(fd, &r);
  return select(fd + 1, &r, nullptr, nullptr, nullptr);
}

// pselect()/ppoll() with a null mask: the mask in effect is the caller's.
int pselect_forever(int fd) {
  fd_set r;
  FD_ZERO(&r);
  FD_SET(fd, &r);
  return pselect(fd + 1, &r, nullptr, nullptr, nullptr, nullptr);
}

int ppoll_forever(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ppoll(&p, 1, nullptr, nullptr);
}

int epoll_forever(int fd) {
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  CHILD_CHECK_OK(ep);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  CHILD_CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
  epoll_event out{};
  const int r = epoll_wait(ep, &out, 1, -1);
  const int saved = errno;
  close(ep);
  errno = saved;
  return r;
}

void ExpectEintr(int sa_flags, WaitCall call, const char* what) {
  Pipe data;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags, [&] { CHILD_CHECK_ERRNO(call(data.rd()), EINTR); },
      [&] { injection::put_byte(data.wr()); }, what));
}

SIGIPC_TEST(Interruption, PollFailsWithEintrWithoutSaRestart, "injection.interrupt.poll.eintr",
            "XSH poll() [EINTR]",
            "A poll() without timeout on an empty pipe, interrupted by a handler installed "
            "without SA_RESTART, fails with EINTR") {
  ExpectEintr(0, poll_forever, "poll() on an empty pipe");
}

SIGIPC_TEST(Interruption, SelectFailsWithEintrWithoutSaRestart, "injection.interrupt.select.eintr",
            "XSH pselect() [EINTR]",
            "A select() without timeout on an empty pipe, interrupted by a handler installed "
            "without SA_RESTART, fails with EINTR") {
  ExpectEintr(0, select_forever, "select() on an empty pipe");
}

SIGIPC_TEST(Interruption, PselectFailsWithEintrWithoutSaRestart,
            "injection.interrupt.pselect.eintr", "XSH pselect() [EINTR]",
            "A pselect() without timeout on an empty pipe, interrupted by a handler installed "
            "without SA_RESTART, fails with EINTR") {
  ExpectEintr(0, pselect_forever, "pselect() on an empty pipe");
}

SIGIPC_TEST(Interruption, PselectFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.pselect.eintr-despite-restart",
            "Linux-only, signal(7) (XSH pselect(): restart under SA_RESTART is "
            "implementation-defined)",
            "A pselect() interrupted by a handler installed with SA_RESTART still fails with "
            "EINTR") {
  ExpectEintr(SA_RESTART, pselect_forever, "pselect() on an empty pipe");
}

SIGIPC_TEST(Interruption, PpollFailsWithEintrWithoutSaRestart, "injection.interrupt.ppoll.eintr",
            "XSH poll() [EINTR] (ppoll() is in POSIX.1-2024); Linux ppoll(2)",
            "A ppoll() without timeout on an empty pipe, interrupted by a handler installed "
            "without SA_RESTART, fails with EINTR") {
  ExpectEintr(0, ppoll_forever, "ppoll() on an empty pipe");
}

SIGIPC_TEST(Interruption, PpollFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.ppoll.eintr-despite-restart", "Linux-only, signal(7)",
            "A ppoll() interrupted by a handler installed with SA_RESTART still fails with "
            "EINTR") {
  ExpectEintr(SA_RESTART, ppoll_forever, "ppoll() on an empty pipe");
}

SIGIPC_TEST(Interruption, EpollWaitFailsWithEintrWithoutSaRestart,
            "injection.interrupt.epoll-wait.eintr", "Linux-only, epoll_wait(2); signal(7)",
            "An epoll_wait() without timeout on an empty pipe, interrupted by a handler "
            "installed without SA_RESTART, fails with EINTR") {
  ExpectEintr(0, epoll_forever, "epoll_wait() on an empty pipe");
}

SIGIPC_TEST(Interruption, EpollWaitFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.epoll-wait.eintr-despite-restart", "Linux-only, signal(7)",
            "An epoll_wait() interrupted by a handler installed with SA_RESTART still fails with "
            "EINTR") {
  ExpectEintr(SA_RESTART, epoll_forever, "epoll_wait() on an empty pipe");
}

}  // namespace
}  // namespace sigipc

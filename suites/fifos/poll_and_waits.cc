// Readiness and waits on a FIFO: poll() events (XSH poll()), a blocked read()
// interrupted by a caught signal (XSH read() [EINTR]), and a blocking writer's
// open() when a reader is already there (XSH open()).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

short revents_now(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  int r = poll(&p, 1, 0);
  if (r < 0) setup_error_errno(__FILE__, __LINE__, "poll()", errno);
  return r == 0 ? 0 : p.revents;
}

SIGIPC_TEST(FifoPoll, PollReportsReadableOnlyWhenDataIsPresent, "fifo.poll.pollin", "XSH poll()",
            "poll() on a FIFO's read end reports POLLIN once data is in it, and not before "
            "(a writer being open)") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  EXPECT_EQ(revents_now(e.rd.get(), POLLIN) & POLLIN, 0) << "empty FIFO reported readable";
  ASSERT_EQ(write(e.wr.get(), "p", 1), 1);
  EXPECT_NE(revents_now(e.rd.get(), POLLIN) & POLLIN, 0);
}

SIGIPC_TEST(FifoPoll, PollReportsHangupAfterLastWriterCloses, "fifo.poll.pollhup", "XSH poll()",
            "poll() on a FIFO's read end reports POLLHUP once the last process that had it open "
            "for writing has closed it") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  EXPECT_EQ(revents_now(e.rd.get(), POLLIN) & POLLHUP, 0) << "hangup while a writer is open";
  e.wr.reset();
  EXPECT_NE(revents_now(e.rd.get(), POLLIN) & POLLHUP, 0);
}

SIGIPC_TEST(FifoPoll, PollReportsWritableWhileThereIsRoom, "fifo.poll.pollout", "XSH poll()",
            "poll() on a FIFO's write end reports POLLOUT while there is room, and not once the "
            "FIFO is full") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path());
  EXPECT_NE(revents_now(e.wr.get(), POLLOUT) & POLLOUT, 0);
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY | O_NONBLOCK));
  fifos::fill_until_eagain(e.wr.get(), 1);
  EXPECT_EQ(revents_now(e.wr.get(), POLLOUT) & POLLOUT, 0) << "full FIFO reported writable";
}

SIGIPC_TEST(FifoReadWrite, BlockedReadInterruptedByCaughtSignalFailsWithEintr, "fifo.read.eintr",
            "XSH read()",
            "A read() blocked on an empty FIFO that is interrupted by a caught signal (handler "
            "without SA_RESTART) before any data fails with EINTR") {
  TempFifo f;
  fifos::FifoEnds e = fifos::open_both(f.path(), false);
  Pipe status;
  Child c([&] {
    status.close_rd();
    fifos::child_catch_sigusr1(status.wr(), 0);
    char b;
    CHILD_CHECK_ERRNO(read(e.rd.get(), &b, 1), EINTR);
    fifos::write_marker(status.wr(), 'd');
  });
  status.close_wr();
  ASSERT_TRUE(fifos::interrupt_when_blocked(c.pid(), status.rd()));
  EXPECT_TRUE(fifos::call_returned_after_handler(status.rd()));
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(FifoOpen, OpenWriteOnlyReturnsAtOnceWhenReaderAlreadyOpen,
            "fifo.open.wronly-reader-present", "XSH open()",
            "A blocking O_WRONLY open() of a FIFO that a process already has open for reading "
            "returns without waiting for another reader") {
  TempFifo f;
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  fifos::HangGuard guard(5);
  UniqueFd wr(open(f.path(), O_WRONLY));
  EXPECT_TRUE(wr) << ErrnoText(errno);
}

}  // namespace
}  // namespace sigipc

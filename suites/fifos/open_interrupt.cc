// A signal caught while open() waits for the other end of a FIFO: EINTR
// without SA_RESTART (XSH open() [EINTR]), a restarted open with it
// (Linux-only, signal(7): "open(2), if it can block (e.g., when opening a
// FIFO)" is among the calls SA_RESTART restarts).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

using fifos::write_marker;

// The child catches SIGUSR1 with handler_flags and blocks in a reader's open().
void child_blocks_in_open(const char* path, Pipe& status, int handler_flags, bool expect_eintr) {
  status.close_rd();
  fifos::child_catch_sigusr1(status.wr(), handler_flags);
  if (expect_eintr) {
    CHILD_CHECK_ERRNO(open(path, O_RDONLY), EINTR);
    write_marker(status.wr(), 'd');
  } else {
    int fd = open(path, O_RDONLY);
    CHILD_CHECK(fd >= 0);
    char b = 0;
    CHILD_CHECK_EQ(read(fd, &b, 1), 1);
    CHILD_CHECK_EQ(b, 'r');
    close(fd);
  }
}

SIGIPC_TEST(FifoOpenInterrupt, BlockedOpenInterruptedByCaughtSignalFailsWithEintr,
            "fifo.open.eintr", "XSH open()",
            "A caught signal (handler without SA_RESTART) during an open() blocked on a FIFO "
            "makes open() fail with EINTR") {
  TempFifo f;
  Pipe status;
  Child c([&] { child_blocks_in_open(f.path(), status, 0, true); });
  status.close_wr();
  ASSERT_TRUE(fifos::interrupt_when_blocked(c.pid(), status.rd()));
  EXPECT_TRUE(fifos::call_returned_after_handler(status.rd()));
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(FifoOpenInterrupt, BlockedOpenIsRestartedUnderSaRestart, "fifo.open.sa-restart",
            "Linux-only, signal(7)",
            "With SA_RESTART, an open() blocked on a FIFO is restarted after the handler and "
            "completes when a writer opens") {
  TempFifo f;
  Pipe status;
  Child c([&] { child_blocks_in_open(f.path(), status, SA_RESTART, false); });
  status.close_wr();
  ASSERT_TRUE(fifos::interrupt_when_blocked(c.pid(), status.rd()));
  fifos::HangGuard guard(5);
  UniqueFd wr(open(f.path(), O_WRONLY));
  ASSERT_TRUE(wr) << "no reader came back: " << ErrnoText(errno);
  ASSERT_EQ(write(wr.get(), "r", 1), 1);
  EXPECT_CHILD_OK(c.wait());
}

}  // namespace
}  // namespace sigipc

// FIFO open(): a reader's open() waits for a writer and a writer's open()
// waits for a reader (XSH open(), O_NONBLOCK clear). Interrupted by a handler
// it fails with EINTR (XSH open() [EINTR] "A signal was caught during
// open()"), or, under SA_RESTART, restarts (XSH sigaction() SA_RESTART;
// signal(7): "open(2), if it can block (e.g., when opening a FIFO)").
//
// The release is an O_RDWR open by the test process, which on Linux never
// blocks and counts as both a reader and a writer (fifo(7)): it lets a
// restarted open() of either kind complete whenever it re-enters the wait,
// and never hangs the test when the child's open() has already failed.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

void ExpectOpenRestarted(int oflag, const char* what) {
  TempFifo fifo;
  UniqueFd other;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      SA_RESTART,
      [&] {
        int fd = -1;
        CHILD_CHECK_OK(fd = open(fifo.path(), oflag));
        close(fd);
      },
      [&] { other.reset(SETUP_OK(open(fifo.path(), O_RDWR | O_NONBLOCK))); }, what));
}

void ExpectOpenEintr(int oflag, const char* what) {
  TempFifo fifo;
  UniqueFd other;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      0, [&] { CHILD_CHECK_ERRNO(open(fifo.path(), oflag), EINTR); },
      [&] { other.reset(SETUP_OK(open(fifo.path(), O_RDWR | O_NONBLOCK))); }, what));
}

SIGIPC_TEST(Interruption, FifoReaderOpenRestartedUnderSaRestart,
            "injection.interrupt.fifo-open-reader.restart",
            "XSH sigaction() SA_RESTART; XSH open(); signal(7)",
            "An open(O_RDONLY) of a FIFO waiting for a writer, interrupted by a handler "
            "installed with SA_RESTART, is restarted and succeeds once a writer opens") {
  ExpectOpenRestarted(O_RDONLY, "open(O_RDONLY) of a FIFO without a writer");
}

SIGIPC_TEST(Interruption, FifoReaderOpenFailsWithEintrWithoutSaRestart,
            "injection.interrupt.fifo-open-reader.eintr", "XSH open() [EINTR]",
            "An open(O_RDONLY) of a FIFO waiting for a writer, interrupted by a handler "
            "installed without SA_RESTART, fails with EINTR") {
  ExpectOpenEintr(O_RDONLY, "open(O_RDONLY) of a FIFO without a writer");
}

SIGIPC_TEST(Interruption, FifoWriterOpenRestartedUnderSaRestart,
            "injection.interrupt.fifo-open-writer.restart",
            "XSH sigaction() SA_RESTART; XSH open(); signal(7)",
            "An open(O_WRONLY) of a FIFO waiting for a reader, interrupted by a handler "
            "installed with SA_RESTART, is restarted and succeeds once a reader opens") {
  ExpectOpenRestarted(O_WRONLY, "open(O_WRONLY) of a FIFO without a reader");
}

SIGIPC_TEST(Interruption, FifoWriterOpenFailsWithEintrWithoutSaRestart,
            "injection.interrupt.fifo-open-writer.eintr", "XSH open() [EINTR]",
            "An open(O_WRONLY) of a FIFO waiting for a reader, interrupted by a handler "
            "installed without SA_RESTART, fails with EINTR") {
  ExpectOpenEintr(O_WRONLY, "open(O_WRONLY) of a FIFO without a reader");
}

}  // namespace
}  // namespace sigipc

// Transfers that fail on a pipe: a buffer outside the process's address
// space (EFAULT, read(2) and write(2)), and a writer blocked on a full pipe
// whose last reader goes away (EPIPE and SIGPIPE, XSH write()).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

using pipes::InaccessiblePage;

SIGIPC_TEST(Pipes, ReadIntoAnInaccessibleBufferFailsWithEfault, "pipe.read.bad-buffer-efault",
            "read(2) (Linux-only)",
            "read() from a pipe holding data into a buffer outside the accessible address space "
            "fails with EFAULT") {
  Pipe p;
  ASSERT_TRUE(write_all(p.wr(), "data", 4));
  InaccessiblePage page;
  EXPECT_FAILS_WITH(read(p.rd(), page.get(), 4), EFAULT);
}

SIGIPC_TEST(Pipes, WriteFromAnInaccessibleBufferFailsWithEfault, "pipe.write.bad-buffer-efault",
            "write(2) (Linux-only)",
            "write() to an empty pipe from a buffer outside the accessible address space fails "
            "with EFAULT") {
  Pipe p;
  InaccessiblePage page;
  EXPECT_FAILS_WITH(write(p.wr(), page.get(), 4), EFAULT);
}

SIGIPC_TEST(Pipes, WriteFromAnInaccessibleBufferFailsWithEfaultAfterData,
            "pipe.write.bad-buffer-efault-after-data", "write(2) (Linux-only)",
            "write() of a few bytes from a buffer outside the accessible address space to a pipe "
            "already holding data fails with EFAULT, and the data already there stays intact") {
  Pipe p;
  ASSERT_TRUE(write_all(p.wr(), "kept", 4));
  InaccessiblePage page;
  EXPECT_FAILS_WITH(write(p.wr(), page.get(), 4), EFAULT);
  ASSERT_TRUE(write_all(p.wr(), "!", 1));
  char buf[5];
  ASSERT_EQ(read_all(p.rd(), buf, 5), 5u);
  EXPECT_EQ(std::string(buf, 5), "kept!");
}

SIGIPC_TEST(Pipes, BlockedWriterGetsEpipeWhenTheLastReaderCloses, "pipe.write.blocked-writer-epipe",
            "XSH write()",
            "A write() blocked on a full pipe fails with EPIPE and generates SIGPIPE for the "
            "thread when the last reader closes the pipe before any byte was taken") {
  Pipe p;
  fill_pipe(p.wr(), 5);
  Child writer([&p] {
    p.close_rd();
    sigset_t pipe_sig;
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &pipe_sig, nullptr));
    CHILD_CHECK_ERRNO(write(p.wr(), "x", 1), EPIPE);
    sigset_t pending;
    CHILD_CHECK_OK(sigpending(&pending));
    CHILD_CHECK_EQ(sigismember(&pending, SIGPIPE), 1);
  });
  p.close_wr();
  ASSERT_TRUE(wait_until_sleeping(writer.pid())) << "the writer never blocked";
  p.close_rd();
  EXPECT_CHILD_OK(writer.wait());
}

}  // namespace
}  // namespace sigipc

// End of file for readers and EPIPE/SIGPIPE for writers: what happens when the
// other side of a pipe has gone. XSH read(), XSH write().
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(Pipes, ReadReturnsBufferedDataThenZeroWhenNoWriter, "pipe.read.eof-after-data",
            "XSH read()",
            "With no writer left, read() first returns the data still in the pipe, then 0 "
            "(end-of-file) on every further call") {
  Pipe p;
  ASSERT_EQ(write(p.wr(), "abc", 3), 3);
  p.close_wr();
  char buf[8] = {};
  // Data written before the last close is not discarded.
  ASSERT_EQ(read(p.rd(), buf, 3), 3);
  EXPECT_EQ(std::string(buf, 3), "abc");
  EXPECT_EQ(read(p.rd(), buf, sizeof buf), 0) << "empty pipe, no writer: end-of-file";
  EXPECT_EQ(read(p.rd(), buf, sizeof buf), 0) << "end-of-file persists";
}

SIGIPC_TEST(Pipes, ReadReturnsZeroOnlyAfterWritersInEveryProcessClose,
            "pipe.read.eof-after-last-writer", "XSH read()",
            "read() on an empty pipe returns 0 only once no process has it open for writing; "
            "while another process holds a write end it does not report end-of-file") {
  Pipe p;
  Gate go1, go2;
  Child w1([&] {
    p.close_rd();
    go1.close_opener();
    go1.wait();
    CHILD_CHECK_EQ(write(p.wr(), "1", 1), 1);
  });
  Child w2([&] {
    p.close_rd();
    go2.close_opener();
    go2.wait();
    CHILD_CHECK_EQ(write(p.wr(), "2", 1), 1);
  });
  p.close_wr();
  // O_NONBLOCK tells "would block" (a writer exists) from end-of-file without
  // waiting: "If some process has the pipe open for writing and O_NONBLOCK is
  // set, read() shall return -1 and set errno to [EAGAIN]".
  set_nonblocking(p.rd(), true);
  char c = 0;
  EXPECT_FAILS_WITH(read(p.rd(), &c, 1), EAGAIN) << "two other processes hold write ends";

  go1.open();
  EXPECT_CHILD_OK(w1.wait());  // its write end is closed once it is reaped
  ASSERT_EQ(read(p.rd(), &c, 1), 1);
  EXPECT_EQ(c, '1');
  EXPECT_FAILS_WITH(read(p.rd(), &c, 1), EAGAIN) << "the second writer still holds a write end";

  go2.open();
  EXPECT_CHILD_OK(w2.wait());
  ASSERT_EQ(read(p.rd(), &c, 1), 1);
  EXPECT_EQ(c, '2');
  EXPECT_EQ(read(p.rd(), &c, 1), 0) << "every write end is closed: end-of-file";
}

SIGIPC_TEST(Pipes, WriteWithNoReaderKillsWithSigpipeByDefault, "pipe.write.no-reader-sigpipe",
            "XSH write()",
            "A write to a pipe no process has open for reading sends SIGPIPE to the thread; "
            "with the default action the process is terminated by it") {
  Pipe p;
  p.close_rd();
  WaitStatus st = RunInChild([&] {
    child_use_default_action(SIGPIPE);
    coverage_flush();  // the child is meant to die by the signal
    ssize_t r = write(p.wr(), "x", 1);
    int e = errno;
    SafeBuf b;
    b.str("write() with no reader returned ").num(r);
    if (r == -1) b.str(" with ").errno_text(e);
    b.str(" and the process survived SIGPIPE's default action");
    emit("fail", b.c_str());
    child_exit(kChildCheckFailedExit);
  });
  EXPECT_TRUE(KilledBy(st, SIGPIPE));
}

SIGIPC_TEST(Pipes, WriteWithNoReaderFailsWithEpipeWhenSigpipeIgnored,
            "pipe.write.no-reader-epipe-ignored", "XSH write()",
            "With SIGPIPE ignored, a write to a pipe with no reader fails with EPIPE and the "
            "process continues") {
  SignalAction ignore(SIGPIPE, SIG_IGN);
  Pipe p;
  p.close_rd();
  EXPECT_FAILS_WITH(write(p.wr(), "x", 1), EPIPE);
  // An ignored signal is discarded when generated (XSH 2.4.1), never pending.
  sigset_t pending = pending_set();
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

SIGIPC_TEST(Pipes, WriteWithNoReaderFailsWithEpipeAndLeavesBlockedSigpipePending,
            "pipe.write.no-reader-epipe-blocked", "XSH write()",
            "With SIGPIPE blocked, a write to a pipe with no reader fails with EPIPE and SIGPIPE "
            "stays pending for the thread") {
  SignalMask mask;  // restores the mask and discards the pending SIGPIPE
  mask.block(SIGPIPE);
  Pipe p;
  p.close_rd();
  sigset_t before = pending_set();
  ASSERT_EQ(sigismember(&before, SIGPIPE), 0) << "SIGPIPE was pending before the write";
  EXPECT_FAILS_WITH(write(p.wr(), "x", 1), EPIPE);
  sigset_t after = pending_set();
  EXPECT_EQ(sigismember(&after, SIGPIPE), 1) << "the write must generate SIGPIPE";
}

volatile sig_atomic_t g_sigpipe_count = 0;
void count_sigpipe(int sig) {
  HANDLER_CHECK_EQ(sig, SIGPIPE);
  g_sigpipe_count = g_sigpipe_count + 1;
}

SIGIPC_TEST(Pipes, WriteWithNoReaderFailsWithEpipeWhenSigpipeCaught,
            "pipe.write.no-reader-epipe-caught", "XSH write()",
            "With a SIGPIPE handler installed, a write to a pipe with no reader fails with EPIPE "
            "and SIGPIPE is delivered to the handler once") {
  g_sigpipe_count = 0;
  SignalAction catcher(SIGPIPE, count_sigpipe);
  SignalMask mask;  // declared after the action: discards a stray pending SIGPIPE first
  Pipe p;
  p.close_rd();
  EXPECT_FAILS_WITH(write(p.wr(), "x", 1), EPIPE);
  // The signal was generated during write(). If the platform has not delivered
  // it yet, it is pending, and unblocking it below (it is not blocked, so
  // blocking then unblocking) makes pthread_sigmask() deliver it before it
  // returns (XSH pthread_sigmask()).
  mask.block(SIGPIPE);
  mask.unblock(SIGPIPE);
  EXPECT_EQ(g_sigpipe_count, 1) << "SIGPIPE deliveries to the handler";
}

}  // namespace
}  // namespace sigipc

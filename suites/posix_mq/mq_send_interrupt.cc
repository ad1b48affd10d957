// Interruption of a blocked mq_send()/mq_receive() and their timed variants by
// a caught signal: EINTR without SA_RESTART; restarted with SA_RESTART on
// Linux (signal(7) lists mq_send, mq_receive and the timed variants among the
// calls SA_RESTART restarts). The signal comes from the test process while the
// child is seen blocked in the call. XSH mq_send(), XSH mq_receive(),
// XSH mq_timedsend(), XSH mq_timedreceive(), signal(7).
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::CallResult;
using posix_mq::Queue;

enum class Call { kSend, kReceive, kTimedSend, kTimedReceive };

bool is_send(Call c) { return c == Call::kSend || c == Call::kTimedSend; }
posix_mq::Wait wait_of(Call c) {
  return is_send(c) ? posix_mq::Wait::kSend : posix_mq::Wait::kReceive;
}

// A child that installs the noting handler for SIGUSR1 and makes one blocking
// call on q (full for sends, empty for receives), reporting its result.
Child blocked_caller(mqd_t q, Call call, bool restart, int handled_fd, int result_fd) {
  return Child([=] {
    posix_mq::child_install_noting_handler(SIGUSR1, handled_fd, restart);
    char buf[64] = {};
    timespec far = posix_mq::realtime_after_ms(60000);
    errno = 0;
    long r = -1;
    switch (call) {
      case Call::kSend:
        r = mq_send(q, "s", 1, 0);
        break;
      case Call::kReceive:
        r = mq_receive(q, buf, sizeof buf, nullptr);
        break;
      case Call::kTimedSend:
        r = mq_timedsend(q, "s", 1, 0, &far);
        break;
      case Call::kTimedReceive:
        r = mq_timedreceive(q, buf, sizeof buf, nullptr, &far);
        break;
    }
    posix_mq::report(result_fd, r, errno, 0, buf, r > 0 ? static_cast<size_t>(r) : 0);
  });
}

// Queue of one message slot, full for a send and empty for a receive.
void prepare(mqd_t q, Call call) {
  if (is_send(call)) posix_mq::fill(q, 1);
}

void expect_eintr(Call call) {
  Queue q(1, 64);
  prepare(q.get(), call);
  Pipe handled, res;
  Child c = blocked_caller(q.get(), call, false, handled.wr(), res.wr());
  CallResult r{};
  ASSERT_TRUE(
      posix_mq::interrupt_until_returns(c.pid(), q.get(), wait_of(call), SIGUSR1, res.rd(), &r))
      << "the blocked call never returned although signals kept arriving";
  EXPECT_EQ(r.ret, -1);
  EXPECT_EQ(r.err, EINTR) << ErrnoText(r.err);
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(posix_mq::curmsgs(q.get()), is_send(call) ? 1 : 0) << "the interrupted call moved data";
}

void expect_restart(Call call) {
  Queue q(1, 64);
  prepare(q.get(), call);
  Pipe handled, res;
  Child c = blocked_caller(q.get(), call, true, handled.wr(), res.wr());
  ASSERT_TRUE(posix_mq::blocked_in(c.pid(), q.get(), wait_of(call)));
  ASSERT_EQ(kill(c.pid(), SIGUSR1), 0);
  ASSERT_TRUE(posix_mq::await_byte(handled.rd())) << "the handler never ran";
  // Release the call: a restarted call now completes; one that was not
  // restarted has already reported EINTR.
  char buf[64];
  if (is_send(call))
    ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  else
    ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r));
  EXPECT_NE(r.ret, -1) << "not restarted: " << ErrnoText(r.err);
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(PosixMqSendInterrupt, BlockedSendFailsWithEintr, "posix_mq.send.eintr", "XSH mq_send()",
            "A blocked mq_send() interrupted by a caught signal (no SA_RESTART) fails with EINTR "
            "and queues nothing") {
  expect_eintr(Call::kSend);
}

SIGIPC_TEST(PosixMqSendInterrupt, BlockedReceiveFailsWithEintr, "posix_mq.receive.eintr",
            "XSH mq_receive()",
            "A blocked mq_receive() interrupted by a caught signal (no SA_RESTART) fails with "
            "EINTR") {
  expect_eintr(Call::kReceive);
}

SIGIPC_TEST(PosixMqSendInterrupt, BlockedTimedSendFailsWithEintr, "posix_mq.timed.send-eintr",
            "XSH mq_timedsend()",
            "A blocked mq_timedsend() interrupted by a caught signal (no SA_RESTART) fails with "
            "EINTR before its deadline") {
  expect_eintr(Call::kTimedSend);
}

SIGIPC_TEST(PosixMqSendInterrupt, BlockedTimedReceiveFailsWithEintr, "posix_mq.timed.receive-eintr",
            "XSH mq_timedreceive()",
            "A blocked mq_timedreceive() interrupted by a caught signal (no SA_RESTART) fails "
            "with EINTR before its deadline") {
  expect_eintr(Call::kTimedReceive);
}

SIGIPC_TEST(PosixMqSendInterrupt, SendRestartsUnderSaRestart, "posix_mq.send.sa-restart",
            "Linux-only, signal(7)",
            "On Linux a blocked mq_send() interrupted by a handler installed with SA_RESTART is "
            "restarted and completes once space is available") {
  expect_restart(Call::kSend);
}

SIGIPC_TEST(PosixMqSendInterrupt, ReceiveRestartsUnderSaRestart, "posix_mq.receive.sa-restart",
            "Linux-only, signal(7)",
            "On Linux a blocked mq_receive() interrupted by a handler installed with SA_RESTART "
            "is restarted and returns the message that arrives afterwards") {
  expect_restart(Call::kReceive);
}

SIGIPC_TEST(PosixMqSendInterrupt, TimedReceiveRestartsUnderSaRestart,
            "posix_mq.timed.receive-sa-restart", "Linux-only, signal(7)",
            "On Linux a blocked mq_timedreceive() interrupted by a handler installed with "
            "SA_RESTART is restarted (with the same absolute deadline) and returns the message") {
  expect_restart(Call::kTimedReceive);
}

}  // namespace
}  // namespace sigipc

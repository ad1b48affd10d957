// Blocking: a sender waits on a full queue until a receive frees space, a
// receiver waits on an empty one until a message arrives, and several waiters
// are served longest-waiting first. Blocking is proved without sleeps: the
// caller is seen asleep inside the system call and its result pipe is still
// empty; then the test releases it. XSH mq_send(), XSH mq_receive().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::CallResult;
using posix_mq::Queue;

// A child that sends one byte `c` (blocking) and reports the result.
Child blocking_sender(mqd_t q, char c, int result_fd) {
  return Child([=] {
    errno = 0;
    int r = mq_send(q, &c, 1, 0);
    posix_mq::report(result_fd, r, errno);
  });
}

// A child that receives one message (blocking) and reports it.
Child blocking_receiver(mqd_t q, int result_fd) {
  return Child([=] {
    char buf[64] = {};
    unsigned prio = 0;
    errno = 0;
    ssize_t r = mq_receive(q, buf, sizeof buf, &prio);
    posix_mq::report(result_fd, r, errno, prio, buf, r > 0 ? static_cast<size_t>(r) : 0);
  });
}

SIGIPC_TEST(PosixMqSendBlocking, SendToFullQueueBlocksUntilSpace,
            "posix_mq.send.full-blocks-until-space", "XSH mq_send()",
            "Without O_NONBLOCK, mq_send() to a full queue blocks until space becomes "
            "available, then queues the message") {
  Queue q(2, 64);
  posix_mq::fill(q.get(), 2);
  Pipe res;
  Child sender = blocking_sender(q.get(), 'z', res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_send(sender.pid(), q.get()))
      << "the sender never waited in mq_send()";
  EXPECT_TRUE(posix_mq::still_empty(res.rd())) << "mq_send() returned although the queue is full";
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 2);
  char buf[64];
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r)) << "the sender stayed blocked after a receive";
  EXPECT_EQ(r.ret, 0) << ErrnoText(r.err);
  EXPECT_CHILD_OK(sender.wait());
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 2);
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], 'z');
}

SIGIPC_TEST(PosixMqSendBlocking, ReceiveFromEmptyQueueBlocksUntilMessage,
            "posix_mq.receive.empty-blocks-until-message", "XSH mq_receive()",
            "Without O_NONBLOCK, mq_receive() on an empty queue blocks until a message is "
            "sent, then returns that message") {
  Queue q(2, 64);
  Pipe res;
  Child receiver = blocking_receiver(q.get(), res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_receive(receiver.pid(), q.get()))
      << "never waited in mq_receive()";
  EXPECT_TRUE(posix_mq::still_empty(res.rd())) << "mq_receive() returned on an empty queue";
  ASSERT_SUCCEEDS(mq_send(q.get(), "wake", 4, 12));
  CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r)) << "the receiver stayed blocked";
  EXPECT_EQ(r.ret, 4) << ErrnoText(r.err);
  EXPECT_EQ(memcmp(r.data, "wake", 4), 0);
  EXPECT_EQ(r.prio, 12u);
  EXPECT_CHILD_OK(receiver.wait());
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqSendBlocking, LongestWaitingReceiverGetsTheMessage,
            "posix_mq.receive.longest-waiter-first", "XSH mq_receive()",
            "When several receivers of equal scheduling priority wait on an empty queue, the "
            "one that has waited longest receives the arriving message") {
  Queue q(2, 64);
  Pipe first_res, second_res;
  Child first = blocking_receiver(q.get(), first_res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_receive(first.pid(), q.get()));
  Child second = blocking_receiver(q.get(), second_res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_receive(second.pid(), q.get()));
  ASSERT_SUCCEEDS(mq_send(q.get(), "1", 1, 0));
  ASSERT_SUCCEEDS(mq_send(q.get(), "2", 1, 0));
  CallResult a{}, b{};
  ASSERT_TRUE(posix_mq::await_result(first_res.rd(), &a));
  ASSERT_TRUE(posix_mq::await_result(second_res.rd(), &b));
  EXPECT_EQ(a.data[0], '1') << "the first waiter did not get the first message";
  EXPECT_EQ(b.data[0], '2');
  EXPECT_CHILD_OK(first.wait());
  EXPECT_CHILD_OK(second.wait());
}

SIGIPC_TEST(PosixMqSendBlocking, LongestWaitingSenderGetsTheSpace,
            "posix_mq.send.longest-waiter-first", "XSH mq_send()",
            "When several senders of equal scheduling priority wait on a full queue, the one "
            "that has waited longest is unblocked first to send its message") {
  Queue q(1, 64);
  posix_mq::fill(q.get(), 1);
  Pipe first_res, second_res;
  Child first = blocking_sender(q.get(), 'F', first_res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_send(first.pid(), q.get()));
  Child second = blocking_sender(q.get(), 'S', second_res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_send(second.pid(), q.get()));
  char buf[64];
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], 'a');
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], 'F') << "the sender that waited longest was not served first";
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], 'S');
  EXPECT_CHILD_OK(first.wait());
  EXPECT_CHILD_OK(second.wait());
}

SIGIPC_TEST(PosixMqSendBlocking, WokenReceiverGetsHighestPriorityMessage,
            "posix_mq.receive.blocked-gets-highest", "XSH mq_receive()",
            "A receiver that blocked on an empty queue returns a message with the priority it "
            "was sent with") {
  Queue q(2, 64);
  Pipe res;
  Child receiver = blocking_receiver(q.get(), res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_receive(receiver.pid(), q.get()));
  ASSERT_SUCCEEDS(mq_send(q.get(), "p", 1, 29));
  CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r));
  EXPECT_EQ(r.ret, 1) << ErrnoText(r.err);
  EXPECT_EQ(r.prio, 29u);
  EXPECT_CHILD_OK(receiver.wait());
}

}  // namespace
}  // namespace sigipc

// The absolute CLOCK_REALTIME deadline of mq_timedsend()/mq_timedreceive():
// the wait ends with ETIMEDOUT when it passes, never before; a call that can
// complete at once does so whatever the deadline. XSH mq_timedsend(),
// XSH mq_timedreceive().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

constexpr long kWaitMs = 50;

SIGIPC_TEST(PosixMqTimedWait, ReceiveTimesOutAtDeadlineNotBefore,
            "posix_mq.timed.receive-waits-until-deadline", "XSH mq_timedreceive()",
            "mq_timedreceive() on an empty queue waits until the absolute CLOCK_REALTIME "
            "deadline and then fails with ETIMEDOUT, never returning before the deadline") {
  Queue q(1, 8);
  char buf[8];
  timespec deadline = posix_mq::realtime_after_ms(kWaitMs);
  EXPECT_FAILS_WITH(mq_timedreceive(q.get(), buf, sizeof buf, nullptr, &deadline), ETIMEDOUT);
  timespec now = posix_mq::now_realtime();
  EXPECT_TRUE(posix_mq::reached(deadline, now))
      << "returned " << posix_mq::seconds_between(now, deadline) << " s before the deadline";
}

SIGIPC_TEST(PosixMqTimedWait, SendTimesOutAtDeadlineNotBefore,
            "posix_mq.timed.send-waits-until-deadline", "XSH mq_timedsend()",
            "mq_timedsend() to a full queue waits until the absolute CLOCK_REALTIME deadline and "
            "then fails with ETIMEDOUT, never before, queueing nothing") {
  Queue q(1, 8);
  posix_mq::fill(q.get(), 1);
  timespec deadline = posix_mq::realtime_after_ms(kWaitMs);
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "x", 1, 0, &deadline), ETIMEDOUT);
  timespec now = posix_mq::now_realtime();
  EXPECT_TRUE(posix_mq::reached(deadline, now))
      << "returned " << posix_mq::seconds_between(now, deadline) << " s before the deadline";
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

SIGIPC_TEST(PosixMqTimedWait, PastDeadlineOnEmptyQueueTimesOutAtOnce,
            "posix_mq.timed.receive-past-deadline-etimedout", "XSH mq_timedreceive()",
            "mq_timedreceive() on an empty queue with a deadline that has already passed fails "
            "with ETIMEDOUT") {
  Queue q(1, 8);
  char buf[8];
  timespec past{1, 0};
  EXPECT_FAILS_WITH(mq_timedreceive(q.get(), buf, sizeof buf, nullptr, &past), ETIMEDOUT);
}

SIGIPC_TEST(PosixMqTimedWait, PastDeadlineOnFullQueueTimesOutAtOnce,
            "posix_mq.timed.send-past-deadline-etimedout", "XSH mq_timedsend()",
            "mq_timedsend() to a full queue with a deadline that has already passed fails with "
            "ETIMEDOUT") {
  Queue q(1, 8);
  posix_mq::fill(q.get(), 1);
  timespec past{1, 0};
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "x", 1, 0, &past), ETIMEDOUT);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

SIGIPC_TEST(PosixMqTimedWait, AvailableMessageIgnoresPastDeadline,
            "posix_mq.timed.receive-available-ignores-deadline", "XSH mq_timedreceive()",
            "Under no circumstance does mq_timedreceive() fail with a timeout if a message can "
            "be removed from the queue immediately, even with a past deadline") {
  Queue q(1, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 4));
  char buf[8];
  unsigned prio = 0;
  timespec past{1, 0};
  EXPECT_EQ(mq_timedreceive(q.get(), buf, sizeof buf, &prio, &past), 1) << ErrnoText(errno);
  EXPECT_EQ(prio, 4u);
}

SIGIPC_TEST(PosixMqTimedWait, AvailableSpaceIgnoresPastDeadline,
            "posix_mq.timed.send-available-ignores-deadline", "XSH mq_timedsend()",
            "Under no circumstance does mq_timedsend() fail with a timeout if there is room on "
            "the queue immediately, even with a past deadline") {
  Queue q(1, 8);
  timespec past{1, 0};
  EXPECT_SUCCEEDS(mq_timedsend(q.get(), "m", 1, 0, &past));
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

SIGIPC_TEST(PosixMqTimedWait, WaitingReceiverTakesMessageBeforeDeadline,
            "posix_mq.timed.receive-wakes-on-message", "XSH mq_timedreceive()",
            "A mq_timedreceive() waiting on an empty queue returns the message that arrives "
            "before its deadline instead of timing out") {
  Queue q(1, 64);
  Pipe res;
  Child receiver([&] {
    char buf[64] = {};
    timespec far = posix_mq::realtime_after_ms(60000);
    errno = 0;
    ssize_t r = mq_timedreceive(q.get(), buf, sizeof buf, nullptr, &far);
    posix_mq::report(res.wr(), r, errno, 0, buf, r > 0 ? static_cast<size_t>(r) : 0);
  });
  ASSERT_TRUE(posix_mq::blocked_in_receive(receiver.pid(), q.get()));
  EXPECT_TRUE(posix_mq::still_empty(res.rd()));
  ASSERT_SUCCEEDS(mq_send(q.get(), "late", 4, 0));
  posix_mq::CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r));
  EXPECT_EQ(r.ret, 4) << ErrnoText(r.err);
  EXPECT_EQ(memcmp(r.data, "late", 4), 0);
  EXPECT_CHILD_OK(receiver.wait());
}

SIGIPC_TEST(PosixMqTimedWait, WaitingSenderCompletesWhenSpaceFrees,
            "posix_mq.timed.send-wakes-on-space", "XSH mq_timedsend()",
            "A mq_timedsend() waiting on a full queue completes when a receive frees space "
            "before its deadline") {
  Queue q(1, 64);
  posix_mq::fill(q.get(), 1);
  Pipe res;
  Child sender([&] {
    timespec far = posix_mq::realtime_after_ms(60000);
    errno = 0;
    int r = mq_timedsend(q.get(), "t", 1, 0, &far);
    posix_mq::report(res.wr(), r, errno);
  });
  ASSERT_TRUE(posix_mq::blocked_in_send(sender.pid(), q.get()));
  EXPECT_TRUE(posix_mq::still_empty(res.rd()));
  char buf[64];
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  posix_mq::CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r));
  EXPECT_EQ(r.ret, 0) << ErrnoText(r.err);
  EXPECT_CHILD_OK(sender.wait());
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

}  // namespace
}  // namespace sigipc

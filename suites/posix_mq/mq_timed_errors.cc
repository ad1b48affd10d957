// Errors of the timed variants: EINVAL for an invalid timeout when the call
// would block, EAGAIN (not a wait) with O_NONBLOCK, and the errors they share
// with mq_send()/mq_receive(). XSH mq_timedsend(), XSH mq_timedreceive().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

timespec with_nsec(long nsec) {
  timespec t = posix_mq::realtime_after_ms(10000);
  t.tv_nsec = nsec;
  return t;
}

SIGIPC_TEST(PosixMqTimedErrors, ReceiveNegativeNsecFailsWithEinval,
            "posix_mq.timed.receive-nsec-negative-einval", "XSH mq_timedreceive()",
            "mq_timedreceive() that would block with abs_timeout tv_nsec < 0 fails with EINVAL") {
  Queue q(1, 8);
  char buf[8];
  timespec bad = with_nsec(-1);
  EXPECT_FAILS_WITH(mq_timedreceive(q.get(), buf, sizeof buf, nullptr, &bad), EINVAL);
}

SIGIPC_TEST(PosixMqTimedErrors, ReceiveNsecOfOneSecondFailsWithEinval,
            "posix_mq.timed.receive-nsec-too-large-einval", "XSH mq_timedreceive()",
            "mq_timedreceive() that would block with abs_timeout tv_nsec >= 1000 million fails "
            "with EINVAL") {
  Queue q(1, 8);
  char buf[8];
  timespec bad = with_nsec(1000000000L);
  EXPECT_FAILS_WITH(mq_timedreceive(q.get(), buf, sizeof buf, nullptr, &bad), EINVAL);
}

SIGIPC_TEST(PosixMqTimedErrors, SendNegativeNsecFailsWithEinval,
            "posix_mq.timed.send-nsec-negative-einval", "XSH mq_timedsend()",
            "mq_timedsend() that would block with abs_timeout tv_nsec < 0 fails with EINVAL and "
            "queues nothing") {
  Queue q(1, 8);
  posix_mq::fill(q.get(), 1);
  timespec bad = with_nsec(-1);
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "x", 1, 0, &bad), EINVAL);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

SIGIPC_TEST(PosixMqTimedErrors, SendNsecOfOneSecondFailsWithEinval,
            "posix_mq.timed.send-nsec-too-large-einval", "XSH mq_timedsend()",
            "mq_timedsend() that would block with abs_timeout tv_nsec >= 1000 million fails "
            "with EINVAL") {
  Queue q(1, 8);
  posix_mq::fill(q.get(), 1);
  timespec bad = with_nsec(1000000000L);
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "x", 1, 0, &bad), EINVAL);
}

SIGIPC_TEST(PosixMqTimedErrors, NonblockingTimedReceiveFailsWithEagain,
            "posix_mq.timed.receive-nonblock-eagain", "XSH mq_timedreceive()",
            "With O_NONBLOCK, mq_timedreceive() on an empty queue fails with EAGAIN at once "
            "instead of waiting for the deadline") {
  Queue q(1, 8, O_RDWR | O_NONBLOCK);
  char buf[8];
  timespec far = posix_mq::realtime_after_ms(60000);
  EXPECT_FAILS_WITH(mq_timedreceive(q.get(), buf, sizeof buf, nullptr, &far), EAGAIN);
}

SIGIPC_TEST(PosixMqTimedErrors, NonblockingTimedSendFailsWithEagain,
            "posix_mq.timed.send-nonblock-eagain", "XSH mq_timedsend()",
            "With O_NONBLOCK, mq_timedsend() to a full queue fails with EAGAIN at once instead "
            "of waiting for the deadline") {
  Queue q(1, 8, O_RDWR | O_NONBLOCK);
  posix_mq::fill(q.get(), 1);
  timespec far = posix_mq::realtime_after_ms(60000);
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "x", 1, 0, &far), EAGAIN);
}

SIGIPC_TEST(PosixMqTimedErrors, TimedSendTooLongFailsWithEmsgsize, "posix_mq.timed.send-emsgsize",
            "XSH mq_timedsend()",
            "mq_timedsend() of msg_len greater than mq_msgsize fails with EMSGSIZE") {
  Queue q(1, 8);
  timespec far = posix_mq::realtime_after_ms(10000);
  char big[9] = {};
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), big, 9, 0, &far), EMSGSIZE);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqTimedErrors, TimedReceiveShortBufferFailsWithEmsgsize,
            "posix_mq.timed.receive-emsgsize", "XSH mq_timedreceive()",
            "mq_timedreceive() with msg_len less than mq_msgsize fails with EMSGSIZE and the "
            "message stays queued") {
  Queue q(1, 16);
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  char buf[16];
  timespec far = posix_mq::realtime_after_ms(10000);
  EXPECT_FAILS_WITH(mq_timedreceive(q.get(), buf, 15, nullptr, &far), EMSGSIZE);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

SIGIPC_TEST(PosixMqTimedErrors, TimedSendOnReadOnlyFailsWithEbadf,
            "posix_mq.timed.send-rdonly-ebadf", "XSH mq_timedsend()",
            "mq_timedsend() on a descriptor not open for writing fails with EBADF") {
  Queue q(1, 8);
  MqHandle ro(q.open_again(O_RDONLY));
  timespec far = posix_mq::realtime_after_ms(10000);
  EXPECT_FAILS_WITH(mq_timedsend(ro.get(), "x", 1, 0, &far), EBADF);
}

SIGIPC_TEST(PosixMqTimedErrors, TimedReceiveOnWriteOnlyFailsWithEbadf,
            "posix_mq.timed.receive-wronly-ebadf", "XSH mq_timedreceive()",
            "mq_timedreceive() on a descriptor not open for reading fails with EBADF") {
  Queue q(1, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  MqHandle wo(q.open_again(O_WRONLY));
  char buf[8];
  timespec far = posix_mq::realtime_after_ms(10000);
  EXPECT_FAILS_WITH(mq_timedreceive(wo.get(), buf, sizeof buf, nullptr, &far), EBADF);
}

SIGIPC_TEST(PosixMqTimedErrors, TimedSendPriorityTooLargeFailsWithEinval,
            "posix_mq.timed.send-prio-einval", "XSH mq_timedsend()",
            "mq_timedsend() with msg_prio >= {MQ_PRIO_MAX} fails with EINVAL") {
  long m = sysconf(_SC_MQ_PRIO_MAX);
  ASSERT_GT(m, 0) << ErrnoText(errno);
  Queue q(1, 8);
  timespec far = posix_mq::realtime_after_ms(10000);
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "x", 1, static_cast<unsigned>(m), &far), EINVAL);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

}  // namespace
}  // namespace sigipc

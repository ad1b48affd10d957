// mq_send() errors that leave the queue as it was: EMSGSIZE, EBADF (read-only
// descriptor, invalid descriptor, a descriptor that is no queue), EAGAIN with
// O_NONBLOCK. XSH mq_send().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

SIGIPC_TEST(PosixMqSendErrors, LongerThanMsgsizeFailsWithEmsgsize,
            "posix_mq.send.too-long-emsgsize", "XSH mq_send()",
            "mq_send() of msg_len greater than the queue's mq_msgsize fails with EMSGSIZE and "
            "the queue is unchanged") {
  Queue q(4, 16);
  char big[17] = {};
  EXPECT_FAILS_WITH(mq_send(q.get(), big, 17, 0), EMSGSIZE);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqSendErrors, ReadOnlyDescriptorFailsWithEbadf, "posix_mq.send.rdonly-ebadf",
            "XSH mq_send()",
            "mq_send() on a descriptor not open for writing (O_RDONLY) fails with EBADF") {
  Queue q(4, 8);
  MqHandle ro(q.open_again(O_RDONLY));
  EXPECT_FAILS_WITH(mq_send(ro.get(), "x", 1, 0), EBADF);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqSendErrors, InvalidDescriptorFailsWithEbadf, "posix_mq.send.invalid-ebadf",
            "XSH mq_send()", "mq_send() on an invalid message queue descriptor fails with EBADF") {
  EXPECT_FAILS_WITH(mq_send(static_cast<mqd_t>(-1), "x", 1, 0), EBADF);
}

SIGIPC_TEST(PosixMqSendErrors, ClosedDescriptorFailsWithEbadf, "posix_mq.send.closed-ebadf",
            "XSH mq_send(); XSH mq_close()",
            "mq_send() on a descriptor that mq_close() has closed fails with EBADF") {
  MqName name("closed");
  mq_attr attr{};
  attr.mq_maxmsg = 2;
  attr.mq_msgsize = 8;
  mqd_t d = mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
  ASSERT_NE(d, static_cast<mqd_t>(-1)) << ErrnoText(errno);
  ASSERT_SUCCEEDS(mq_close(d));
  // Single-threaded: nothing can reuse the number between close and send.
  EXPECT_FAILS_WITH(mq_send(d, "x", 1, 0), EBADF);
}

SIGIPC_TEST(PosixMqSendErrors, NonQueueDescriptorFailsWithEbadf, "posix_mq.send.not-a-queue-ebadf",
            "XSH mq_send()",
            "mq_send() on an open descriptor that is not a message queue (a pipe) fails with "
            "EBADF: it is not a valid message queue descriptor") {
  Pipe p;
  EXPECT_FAILS_WITH(mq_send(static_cast<mqd_t>(p.wr()), "x", 1, 0), EBADF);
}

SIGIPC_TEST(PosixMqSendErrors, NonblockingSendToFullQueueFailsWithEagain,
            "posix_mq.send.nonblock-full-eagain", "XSH mq_send()",
            "With O_NONBLOCK, mq_send() to a full queue fails with EAGAIN and queues nothing") {
  Queue q(2, 8, O_RDWR | O_NONBLOCK);
  posix_mq::fill(q.get(), 2);
  EXPECT_FAILS_WITH(mq_send(q.get(), "z", 1, 31), EAGAIN);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 2);
  // The high-priority message must not have been slipped in ahead.
  char buf[8];
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], 'a');
}

SIGIPC_TEST(PosixMqSendErrors, NonblockSetByMqSetattrAppliesToSend,
            "posix_mq.send.setattr-nonblock-eagain", "XSH mq_send(); XSH mq_setattr()",
            "O_NONBLOCK set on the open description with mq_setattr() makes mq_send() to a full "
            "queue fail with EAGAIN instead of blocking") {
  Queue q(1, 8);
  posix_mq::fill(q.get(), 1);
  mq_attr na{};
  na.mq_flags = O_NONBLOCK;
  ASSERT_SUCCEEDS(mq_setattr(q.get(), &na, nullptr));
  EXPECT_FAILS_WITH(mq_send(q.get(), "z", 1, 0), EAGAIN);
}

SIGIPC_TEST(PosixMqSendErrors, NonblockIsPerOpenDescription,
            "posix_mq.send.nonblock-per-description", "XSH mq_send(); XSH mq_open()",
            "O_NONBLOCK belongs to the open message queue description: a blocking descriptor "
            "of the same queue still waits, so the EAGAIN comes only through the non-blocking "
            "one") {
  Queue q(1, 8);
  posix_mq::fill(q.get(), 1);
  MqHandle nb(q.open_again(O_WRONLY | O_NONBLOCK));
  EXPECT_FAILS_WITH(mq_send(nb.get(), "z", 1, 0), EAGAIN);
  EXPECT_EQ(posix_mq::attr_of(q.get()).mq_flags & O_NONBLOCK, 0);
  // The blocking descriptor times out instead of failing with EAGAIN.
  timespec past = posix_mq::now_realtime();
  EXPECT_FAILS_WITH(mq_timedsend(q.get(), "z", 1, 0, &past), ETIMEDOUT);
}

}  // namespace
}  // namespace sigipc

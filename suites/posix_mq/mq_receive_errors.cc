// mq_receive() errors: EMSGSIZE for a buffer smaller than mq_msgsize (the
// message stays queued), EBADF, EAGAIN with O_NONBLOCK. XSH mq_receive().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

SIGIPC_TEST(PosixMqReceiveErrors, BufferSmallerThanMsgsizeFailsWithEmsgsize,
            "posix_mq.receive.short-buffer-emsgsize", "XSH mq_receive()",
            "mq_receive() with msg_len less than mq_msgsize fails with EMSGSIZE even when the "
            "message itself would fit, and the message stays queued") {
  Queue q(2, 32);
  ASSERT_SUCCEEDS(mq_send(q.get(), "tiny", 4, 3));
  char buf[32];
  EXPECT_FAILS_WITH(mq_receive(q.get(), buf, 31, nullptr), EMSGSIZE);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
  unsigned prio = 0;
  ASSERT_EQ(mq_receive(q.get(), buf, 32, &prio), 4) << ErrnoText(errno);
  EXPECT_EQ(memcmp(buf, "tiny", 4), 0);
  EXPECT_EQ(prio, 3u);
}

SIGIPC_TEST(PosixMqReceiveErrors, BufferLargerThanMsgsizeIsAccepted,
            "posix_mq.receive.large-buffer-ok", "XSH mq_receive()",
            "mq_receive() with msg_len greater than mq_msgsize succeeds: only a shorter buffer "
            "is an error") {
  Queue q(2, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "12345678", 8, 0));
  char buf[4096];
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 8) << ErrnoText(errno);
}

SIGIPC_TEST(PosixMqReceiveErrors, WriteOnlyDescriptorFailsWithEbadf,
            "posix_mq.receive.wronly-ebadf", "XSH mq_receive()",
            "mq_receive() on a descriptor not open for reading (O_WRONLY) fails with EBADF and "
            "the message stays queued") {
  Queue q(2, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  MqHandle wo(q.open_again(O_WRONLY));
  char buf[8];
  EXPECT_FAILS_WITH(mq_receive(wo.get(), buf, sizeof buf, nullptr), EBADF);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
}

SIGIPC_TEST(PosixMqReceiveErrors, InvalidDescriptorFailsWithEbadf, "posix_mq.receive.invalid-ebadf",
            "XSH mq_receive()",
            "mq_receive() on an invalid message queue descriptor fails with EBADF") {
  char buf[8192];
  EXPECT_FAILS_WITH(mq_receive(static_cast<mqd_t>(-1), buf, sizeof buf, nullptr), EBADF);
}

SIGIPC_TEST(PosixMqReceiveErrors, NonQueueDescriptorFailsWithEbadf,
            "posix_mq.receive.not-a-queue-ebadf", "XSH mq_receive()",
            "mq_receive() on an open descriptor that is not a message queue (a pipe) fails "
            "with EBADF") {
  Pipe p;
  char buf[8192];
  EXPECT_FAILS_WITH(mq_receive(static_cast<mqd_t>(p.rd()), buf, sizeof buf, nullptr), EBADF);
}

SIGIPC_TEST(PosixMqReceiveErrors, NonblockingReceiveFromEmptyFailsWithEagain,
            "posix_mq.receive.nonblock-empty-eagain", "XSH mq_receive()",
            "With O_NONBLOCK, mq_receive() on an empty queue fails with EAGAIN") {
  Queue q(2, 8, O_RDWR | O_NONBLOCK);
  char buf[8];
  EXPECT_FAILS_WITH(mq_receive(q.get(), buf, sizeof buf, nullptr), EAGAIN);
  // The EAGAIN meant "empty": once a message is there the same call takes it.
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
}

SIGIPC_TEST(PosixMqReceiveErrors, ReceiveRemovesTheMessage, "posix_mq.receive.removes-message",
            "XSH mq_receive()",
            "mq_receive() removes the message it returns: the next call returns the next "
            "message, and an emptied queue reports EAGAIN to a non-blocking receiver") {
  Queue q(2, 8, O_RDWR | O_NONBLOCK);
  ASSERT_SUCCEEDS(mq_send(q.get(), "1", 1, 0));
  ASSERT_SUCCEEDS(mq_send(q.get(), "2", 1, 0));
  char buf[8];
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], '1');
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 1);
  EXPECT_EQ(buf[0], '2');
  EXPECT_FAILS_WITH(mq_receive(q.get(), buf, sizeof buf, nullptr), EAGAIN);
}

}  // namespace
}  // namespace sigipc

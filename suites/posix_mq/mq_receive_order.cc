// Which message mq_receive() selects and what it reports about it: the oldest
// of the highest-priority messages, the priority in *msg_prio, the length as
// the return value, the content intact. XSH mq_receive(), XSH mq_send().
#include <mqueue.h>
#include <unistd.h>

#include <string>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

SIGIPC_TEST(PosixMqReceiveOrder, HighestPriorityMessageComesFirst,
            "posix_mq.receive.priority-order", "XSH mq_receive()",
            "mq_receive() removes the message of the highest priority first, whatever the "
            "order in which messages of different priorities were sent") {
  Queue q(8, 16);
  const unsigned prios[] = {3, 9, 1, 7, 0, 5};
  for (unsigned p : prios) {
    char c = static_cast<char>('0' + p);
    ASSERT_SUCCEEDS(mq_send(q.get(), &c, 1, p));
  }
  const unsigned expected[] = {9, 7, 5, 3, 1, 0};
  for (unsigned want : expected) {
    char buf[16];
    unsigned prio = 99;
    ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 1) << ErrnoText(errno);
    EXPECT_EQ(buf[0], static_cast<char>('0' + want));
    EXPECT_EQ(prio, want);
  }
}

SIGIPC_TEST(PosixMqReceiveOrder, SamePriorityIsFifo, "posix_mq.receive.same-priority-fifo",
            "XSH mq_send()",
            "Messages of equal priority are received in the order they were sent: a message "
            "is inserted after the other messages of its priority") {
  Queue q(8, 16);
  // Interleaving two priorities checks FIFO within each one, not overall.
  const char* sends[] = {"a1", "b1", "a2", "b2", "a3", "b3"};
  for (const char* s : sends) ASSERT_SUCCEEDS(mq_send(q.get(), s, 2, s[0] == 'a' ? 4 : 2));
  const char* expected[] = {"a1", "a2", "a3", "b1", "b2", "b3"};
  for (const char* want : expected) {
    char buf[16] = {};
    ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 2) << ErrnoText(errno);
    EXPECT_EQ(std::string(buf, 2), want);
  }
}

SIGIPC_TEST(PosixMqReceiveOrder, MsgPrioReceivesThePriority, "posix_mq.receive.msg-prio-stored",
            "XSH mq_receive()",
            "If msg_prio is not NULL, mq_receive() stores the priority of the selected message "
            "in *msg_prio") {
  Queue q(4, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "x", 1, 17));
  char buf[8];
  unsigned prio = 0;
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 1) << ErrnoText(errno);
  EXPECT_EQ(prio, 17u);
}

SIGIPC_TEST(PosixMqReceiveOrder, NullMsgPrioIsAllowed, "posix_mq.receive.msg-prio-null",
            "XSH mq_receive()",
            "msg_prio may be NULL: mq_receive() then receives the message without reporting its "
            "priority") {
  Queue q(4, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "yz", 2, 5));
  char buf[8] = {};
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 2) << ErrnoText(errno);
  EXPECT_EQ(std::string(buf, 2), "yz");
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqReceiveOrder, ReturnsLengthOfSelectedMessage, "posix_mq.receive.returns-length",
            "XSH mq_receive()",
            "mq_receive() returns the length in bytes of the selected message, not the buffer "
            "size") {
  Queue q(4, 64);
  ASSERT_SUCCEEDS(mq_send(q.get(), "hello", 5, 0));
  ASSERT_SUCCEEDS(mq_send(q.get(), "abc", 3, 0));
  char buf[64];
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 5);
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, nullptr), 3);
}

SIGIPC_TEST(PosixMqReceiveOrder, BinaryContentArrivesIntact, "posix_mq.receive.binary-intact",
            "XSH mq_send()",
            "A message is an array of msg_len arbitrary bytes: every byte value, NUL included, "
            "is received unchanged") {
  Queue q(2, 256);
  char out[256], in[256];
  for (int i = 0; i < 256; ++i) out[i] = static_cast<char>(255 - i);
  ASSERT_SUCCEEDS(mq_send(q.get(), out, sizeof out, 0));
  ASSERT_EQ(mq_receive(q.get(), in, sizeof in, nullptr), 256) << ErrnoText(errno);
  EXPECT_EQ(memcmp(in, out, sizeof out), 0);
}

SIGIPC_TEST(PosixMqReceiveOrder, ZeroLengthMessageIsAMessage, "posix_mq.send.zero-length",
            "XSH mq_send()",
            "mq_send() with msg_len 0 queues an empty message, which mq_receive() returns with "
            "length 0 and its priority") {
  Queue q(2, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "", 0, 6));
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1);
  char buf[8];
  unsigned prio = 0;
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 0) << ErrnoText(errno);
  EXPECT_EQ(prio, 6u);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqReceiveOrder, MessageOfExactlyMsgsizeIsAccepted, "posix_mq.send.exact-msgsize",
            "XSH mq_send()",
            "A message of exactly mq_msgsize bytes is not too long: mq_send() accepts it and "
            "mq_receive() returns all of it") {
  Queue q(2, 40);
  char out[40], in[40];
  for (int i = 0; i < 40; ++i) out[i] = static_cast<char>(i * 7);
  ASSERT_SUCCEEDS(mq_send(q.get(), out, 40, 0));
  ASSERT_EQ(mq_receive(q.get(), in, 40, nullptr), 40) << ErrnoText(errno);
  EXPECT_EQ(memcmp(in, out, 40), 0);
}

SIGIPC_TEST(PosixMqReceiveOrder, SendAndReceiveMoveTheMessageCount, "posix_mq.send.curmsgs-count",
            "XSH mq_send(); XSH mq_getattr()",
            "Each successful mq_send() adds one message to mq_curmsgs and each successful "
            "mq_receive() removes one") {
  Queue q(4, 8);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
  for (long n = 1; n <= 3; ++n) {
    ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
    EXPECT_EQ(posix_mq::curmsgs(q.get()), n);
  }
  char buf[8];
  for (long n = 2; n >= 0; --n) {
    ASSERT_SUCCEEDS(mq_receive(q.get(), buf, sizeof buf, nullptr));
    EXPECT_EQ(posix_mq::curmsgs(q.get()), n);
  }
}

SIGIPC_TEST(PosixMqReceiveOrder, MessagePassesBetweenProcesses, "posix_mq.receive.across-processes",
            "XSH mq_send(); XSH mq_receive()",
            "A message one process sends on a queue is received by another process holding a "
            "descriptor of the same queue, with its content and priority") {
  Queue q(2, 16);
  Child sender([&] { CHILD_CHECK_OK(mq_send(q.get(), "from-child", 10, 11)); });
  EXPECT_CHILD_OK(sender.wait());
  char buf[16] = {};
  unsigned prio = 0;
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 10) << ErrnoText(errno);
  EXPECT_EQ(std::string(buf, 10), "from-child");
  EXPECT_EQ(prio, 11u);
}

}  // namespace
}  // namespace sigipc

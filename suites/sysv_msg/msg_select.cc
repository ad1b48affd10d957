// msgrcv() message selection by msgtyp, and what msgsnd()/msgrcv() carry.
// XSH msgrcv(), XSH msgsnd(); MSG_EXCEPT is Linux-only, msgop(2).
#include <sys/ipc.h>
#include <sys/msg.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::recv;
using sysv_msg::send_str;

// Queue content shared by the selection tests: types out of order, with two
// of type 3 to show first-in-first-out within a type.
void fill_mixed(int id) {
  SETUP_OK(send_str(id, 5, "five"));
  SETUP_OK(send_str(id, 3, "three-a"));
  SETUP_OK(send_str(id, 7, "seven"));
  SETUP_OK(send_str(id, 2, "two"));
  SETUP_OK(send_str(id, 3, "three-b"));
}

SIGIPC_TEST(SysvMsgSelect, TypeZeroReceivesFirstMessage, "sysv_msg.rcv.type-zero-first",
            "XSH msgrcv()", "msgtyp 0 receives the first message on the queue, whatever its type") {
  Queue q;
  fill_mixed(q.get());
  auto r = recv(q.get(), 0);
  EXPECT_EQ(r.mtype, 5);
  EXPECT_TRUE(r.text_is("five"));
  r = recv(q.get(), 0);
  EXPECT_EQ(r.mtype, 3);
  EXPECT_TRUE(r.text_is("three-a"));
}

SIGIPC_TEST(SysvMsgSelect, PositiveTypeReceivesFirstOfThatType,
            "sysv_msg.rcv.type-positive-first-of-type", "XSH msgrcv()",
            "msgtyp > 0 receives the first message of type msgtyp, skipping earlier ones") {
  Queue q;
  fill_mixed(q.get());
  auto r = recv(q.get(), 7);
  EXPECT_EQ(r.mtype, 7);
  EXPECT_TRUE(r.text_is("seven"));
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 4u);
}

SIGIPC_TEST(SysvMsgSelect, SameTypeMessagesComeOutInSendOrder, "sysv_msg.rcv.fifo-within-type",
            "XSH msgrcv()",
            "Messages of one type are received in the order sent (\"the first message of type\")") {
  Queue q;
  fill_mixed(q.get());
  EXPECT_TRUE(recv(q.get(), 3).text_is("three-a"));
  EXPECT_TRUE(recv(q.get(), 3).text_is("three-b"));
}

SIGIPC_TEST(SysvMsgSelect, NegativeTypeReceivesLowestTypeAtMostAbs,
            "sysv_msg.rcv.type-negative-lowest", "XSH msgrcv()",
            "msgtyp < 0 receives the first message of the lowest type that is <= |msgtyp|") {
  Queue q;
  fill_mixed(q.get());
  auto r = recv(q.get(), -6);
  EXPECT_EQ(r.mtype, 2);
  EXPECT_TRUE(r.text_is("two"));
  // With type 2 gone, the lowest is 3, and its first message comes first.
  r = recv(q.get(), -6);
  EXPECT_EQ(r.mtype, 3);
  EXPECT_TRUE(r.text_is("three-a"));
}

SIGIPC_TEST(SysvMsgSelect, NegativeTypeIgnoresTypesAboveAbs, "sysv_msg.rcv.type-negative-bound",
            "XSH msgrcv()",
            "msgtyp < 0 never receives a message whose type exceeds |msgtyp|: with only such "
            "messages and IPC_NOWAIT it fails with ENOMSG") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 9, "nine"));
  ASSERT_SUCCEEDS(send_str(q.get(), 4, "four"));
  auto r = recv(q.get(), -3, IPC_NOWAIT);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, ENOMSG) << ErrnoText(r.err);
  r = recv(q.get(), -4, IPC_NOWAIT);
  EXPECT_EQ(r.mtype, 4);
}

SIGIPC_TEST(SysvMsgSelect, PositiveTypeWithoutMatchAndNowaitFailsWithEnomsg,
            "sysv_msg.rcv.nowait-enomsg", "XSH msgrcv()",
            "With IPC_NOWAIT and no message of the requested type, msgrcv() fails with ENOMSG and "
            "leaves the queue unchanged") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "one"));
  auto r = recv(q.get(), 2, IPC_NOWAIT);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, ENOMSG) << ErrnoText(r.err);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
}

SIGIPC_TEST(SysvMsgSelect, EmptyQueueWithNowaitFailsWithEnomsg, "sysv_msg.rcv.nowait-empty-enomsg",
            "XSH msgrcv()", "msgrcv(msgtyp 0, IPC_NOWAIT) on an empty queue fails with ENOMSG") {
  Queue q;
  auto r = recv(q.get(), 0, IPC_NOWAIT);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, ENOMSG) << ErrnoText(r.err);
}

SIGIPC_TEST(
    SysvMsgSelect, MsgExceptReceivesFirstMessageNotOfType, "sysv_msg.rcv.msg-except",
    "Linux-only, msgop(2)",
    "msgtyp > 0 with MSG_EXCEPT receives the first message whose type differs from msgtyp") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 4, "four-a"));
  ASSERT_SUCCEEDS(send_str(q.get(), 4, "four-b"));
  ASSERT_SUCCEEDS(send_str(q.get(), 8, "eight"));
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "one"));
  auto r = recv(q.get(), 4, MSG_EXCEPT);
  EXPECT_EQ(r.mtype, 8);
  EXPECT_TRUE(r.text_is("eight"));
}

SIGIPC_TEST(SysvMsgSelect, ReceiveReturnsTextLengthAndType, "sysv_msg.rcv.returns-length-and-type",
            "XSH msgrcv()",
            "msgrcv() returns the number of bytes placed in mtext and stores the message's type in "
            "mtype; the text is the one sent") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 42, "hello, queue"));
  auto r = recv(q.get(), 0);
  EXPECT_EQ(r.n, 12);
  EXPECT_EQ(r.mtype, 42);
  EXPECT_TRUE(r.text_is("hello, queue"));
}

SIGIPC_TEST(SysvMsgSelect, ReceivedMessageIsRemoved, "sysv_msg.rcv.removes-message", "XSH msgrcv()",
            "A received message is removed from the queue: msg_qnum drops by one and it is not "
            "received again") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "x"));
  ASSERT_EQ(sysv_msg::qnum_of(q.get()), 1u);
  EXPECT_EQ(recv(q.get(), 0).n, 1);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
  EXPECT_EQ(recv(q.get(), 0, IPC_NOWAIT).err, ENOMSG);
}

SIGIPC_TEST(SysvMsgSelect, ZeroLengthMessageIsSentAndReceived, "sysv_msg.snd.zero-length",
            "XSH msgsnd()",
            "A message with msgsz 0 is queued (msg_qnum counts it) and msgrcv() returns 0 with its "
            "type") {
  Queue q;
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 6, nullptr, 0));
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
  auto r = recv(q.get(), 0, IPC_NOWAIT);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.mtype, 6);
}

SIGIPC_TEST(SysvMsgSelect, SendPreservesArbitraryBytes, "sysv_msg.snd.binary-text", "XSH msgsnd()",
            "mtext is an arbitrary byte array: NUL and high bytes come back unchanged") {
  Queue q;
  const char bytes[] = {'\0', '\xff', 'a', '\0', '\x80', 'z'};
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 1, bytes, sizeof bytes));
  auto r = recv(q.get(), 0);
  ASSERT_EQ(r.n, static_cast<ssize_t>(sizeof bytes));
  EXPECT_EQ(std::memcmp(r.text, bytes, sizeof bytes), 0);
}

SIGIPC_TEST(SysvMsgSelect, MsgExceptWithOnlyThatTypeFailsWithEnomsg,
            "sysv_msg.rcv.msg-except-none-enomsg", "Linux-only, msgop(2)",
            "MSG_EXCEPT|IPC_NOWAIT for type t on a queue holding only type t fails with ENOMSG") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 4, "four"));
  auto r = recv(q.get(), 4, MSG_EXCEPT | IPC_NOWAIT);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, ENOMSG) << ErrnoText(r.err);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
}

SIGIPC_TEST(SysvMsgSelect, SuccessfulSendReturnsZero, "sysv_msg.snd.returns-zero", "XSH msgsnd()",
            "msgsnd() returns 0 on successful completion, blocking or not") {
  Queue q;
  EXPECT_EQ(send_str(q.get(), 1, "a"), 0);
  EXPECT_EQ(send_str(q.get(), 1, "b", IPC_NOWAIT), 0);
}

}  // namespace
}  // namespace sigipc

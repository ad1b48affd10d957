// Blocking msgsnd() and msgrcv(): who waits, what wakes them, and removal of
// the queue under a waiter. A child makes the blocking call and reports its
// outcome through a status pipe; the parent proves the call has not returned
// (child asleep in the kernel, pipe empty, queue unchanged) before releasing
// it. XSH msgsnd(), XSH msgrcv().
#include <sys/ipc.h>
#include <sys/msg.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Outcome;
using sysv_msg::Queue;
using sysv_msg::read_outcome;
using sysv_msg::readable_within;
using sysv_msg::send_str;
using sysv_msg::wait_until_sleeping;
using sysv_msg::write_outcome;

// A child blocked in msgsnd() of "late" (type 2) on a full queue, or in
// msgrcv(type). It opens gate right before the call.
struct Blocked {
  Pipe status;
  Gate gate;
  Child child;
  Blocked(int id, bool sender, long type)
      : child([this, id, sender, type] {
          status.close_rd();
          gate.open();
          if (sender) {
            errno = 0;
            long r = send_str(id, 2, "late");
            write_outcome(status.wr(), r, errno);
          } else {
            auto r = sysv_msg::recv(id, type);
            if (r.n >= 0) CHILD_CHECK_EQ(r.mtype, type > 0 ? type : r.mtype);
            write_outcome(status.wr(), r.n, r.err);
          }
        }) {
    status.close_wr();
    gate.wait();
  }
  // The call is in progress: the child sleeps and has reported nothing.
  ::testing::AssertionResult still_blocked() {
    if (!wait_until_sleeping(child.pid()))
      return ::testing::AssertionFailure() << "the child never blocked (call returned at once?)";
    if (readable_within(status.rd(), 0))
      return ::testing::AssertionFailure() << "the call returned although it had to block";
    return ::testing::AssertionSuccess();
  }
};

// A queue whose msg_qbytes is exactly one 4-byte message, holding one.
void fill_to_capacity(int id) {
  sysv_msg::set_qbytes(id, 4);
  SETUP_OK(sysv_msg::send(id, 1, "full", 4, IPC_NOWAIT));
}

SIGIPC_TEST(SysvMsgBlocking, FullQueueBlocksSenderUntilRoom, "sysv_msg.snd.blocks-until-room",
            "XSH msgsnd()",
            "Without IPC_NOWAIT, msgsnd() on a full queue blocks until a msgrcv() makes room, then "
            "queues the message") {
  Queue q;
  fill_to_capacity(q.get());
  Blocked b(q.get(), true, 0);
  ASSERT_TRUE(b.still_blocked());
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
  ASSERT_EQ(sysv_msg::recv(q.get(), 1, IPC_NOWAIT).n, 4);
  Outcome o = read_outcome(b.status.rd());
  EXPECT_EQ(o.ret, 0) << ErrnoText(o.err);
  EXPECT_CHILD_OK(b.child.wait());
  auto r = sysv_msg::recv(q.get(), 0, IPC_NOWAIT);
  EXPECT_EQ(r.mtype, 2);
  EXPECT_TRUE(r.text_is("late"));
}

SIGIPC_TEST(SysvMsgBlocking, EmptyQueueBlocksReceiverUntilMessage,
            "sysv_msg.rcv.blocks-until-message", "XSH msgrcv()",
            "Without IPC_NOWAIT, msgrcv() with no matching message blocks until one is placed on "
            "the queue, then receives it") {
  Queue q;
  Blocked b(q.get(), false, 0);
  ASSERT_TRUE(b.still_blocked());
  ASSERT_SUCCEEDS(send_str(q.get(), 3, "wake"));
  Outcome o = read_outcome(b.status.rd());
  EXPECT_EQ(o.ret, 4) << ErrnoText(o.err);
  EXPECT_CHILD_OK(b.child.wait());
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
  EXPECT_EQ(sysv_msg::stat_of(q.get()).msg_lrpid, b.child.pid());
}

SIGIPC_TEST(SysvMsgBlocking, BlockedTypedReceiverSkipsOtherTypes,
            "sysv_msg.rcv.blocked-waits-for-type", "XSH msgrcv()",
            "A msgrcv() blocked for type 5 is not satisfied by a message of type 3; it receives "
            "the type 5 message that arrives later, and type 3 stays queued") {
  Queue q;
  Blocked b(q.get(), false, 5);
  ASSERT_TRUE(b.still_blocked());
  ASSERT_SUCCEEDS(send_str(q.get(), 3, "other"));
  ASSERT_SUCCEEDS(send_str(q.get(), 5, "mine"));
  Outcome o = read_outcome(b.status.rd());
  EXPECT_EQ(o.ret, 4) << ErrnoText(o.err) << " (4 = length of the type 5 text)";
  EXPECT_CHILD_OK(b.child.wait());
  auto r = sysv_msg::recv(q.get(), 0, IPC_NOWAIT);
  EXPECT_EQ(r.mtype, 3);
  EXPECT_TRUE(r.text_is("other"));
}

SIGIPC_TEST(SysvMsgBlocking, RemovalWakesBlockedSenderWithEidrm, "sysv_msg.snd.rmid-eidrm",
            "XSH msgsnd()",
            "When the queue is removed while msgsnd() waits for room, msgsnd() fails with EIDRM") {
  Queue q;
  fill_to_capacity(q.get());
  Blocked b(q.get(), true, 0);
  ASSERT_TRUE(b.still_blocked());
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_RMID, nullptr));
  q.id.reset();
  Outcome o = read_outcome(b.status.rd());
  EXPECT_EQ(o.ret, -1);
  EXPECT_EQ(o.err, EIDRM) << ErrnoText(o.err);
  EXPECT_CHILD_OK(b.child.wait());
}

SIGIPC_TEST(SysvMsgBlocking, RemovalWakesBlockedReceiverWithEidrm, "sysv_msg.rcv.rmid-eidrm",
            "XSH msgrcv()",
            "When the queue is removed while msgrcv() waits for a message, msgrcv() fails with "
            "EIDRM") {
  Queue q;
  Blocked b(q.get(), false, 0);
  ASSERT_TRUE(b.still_blocked());
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_RMID, nullptr));
  q.id.reset();
  Outcome o = read_outcome(b.status.rd());
  EXPECT_EQ(o.ret, -1);
  EXPECT_EQ(o.err, EIDRM) << ErrnoText(o.err);
  EXPECT_CHILD_OK(b.child.wait());
}

SIGIPC_TEST(SysvMsgBlocking, RemovalWakesEveryBlockedReceiver, "sysv_msg.rcv.rmid-wakes-all",
            "XSH msgrcv()",
            "Removing the queue wakes all processes blocked in msgrcv() on it, each with EIDRM") {
  Queue q;
  Blocked b1(q.get(), false, 0);
  Blocked b2(q.get(), false, 7);
  ASSERT_TRUE(b1.still_blocked());
  ASSERT_TRUE(b2.still_blocked());
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_RMID, nullptr));
  q.id.reset();
  for (Blocked* b : {&b1, &b2}) {
    Outcome o = read_outcome(b->status.rd());
    EXPECT_EQ(o.ret, -1);
    EXPECT_EQ(o.err, EIDRM) << ErrnoText(o.err);
    EXPECT_CHILD_OK(b->child.wait());
  }
}

SIGIPC_TEST(SysvMsgBlocking, ReceiversOfDifferentTypesEachGetTheirs,
            "sysv_msg.rcv.waiters-matched-by-type", "XSH msgrcv()",
            "Two receivers blocked for types 1 and 2 each receive the message of their own type, "
            "whatever the order of arrival") {
  Queue q;
  Blocked b1(q.get(), false, 1);
  Blocked b2(q.get(), false, 2);
  ASSERT_TRUE(b1.still_blocked());
  ASSERT_TRUE(b2.still_blocked());
  ASSERT_SUCCEEDS(send_str(q.get(), 2, "two"));
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "one"));
  // Each child checks the type it got; the lengths tell them apart too.
  EXPECT_EQ(read_outcome(b1.status.rd()).ret, 3);
  EXPECT_EQ(read_outcome(b2.status.rd()).ret, 3);
  EXPECT_CHILD_OK(b1.child.wait());
  EXPECT_CHILD_OK(b2.child.wait());
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
}

SIGIPC_TEST(SysvMsgBlocking, RaisingQbytesUnblocksSender, "sysv_msg.snd.unblocks-on-qbytes-raise",
            "XSH msgsnd()",
            "A msgsnd() blocked on a full queue proceeds when the condition goes away because "
            "msg_qbytes is raised, without any message being received") {
  Queue q;
  fill_to_capacity(q.get());
  Blocked b(q.get(), true, 0);
  ASSERT_TRUE(b.still_blocked());
  sysv_msg::set_qbytes(q.get(), 64);
  Outcome o = read_outcome(b.status.rd());
  EXPECT_EQ(o.ret, 0) << ErrnoText(o.err);
  EXPECT_CHILD_OK(b.child.wait());
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 2u);
}

}  // namespace
}  // namespace sigipc

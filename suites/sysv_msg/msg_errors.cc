// Error returns of msgsnd() and msgrcv() that need no second process:
// invalid arguments, sizes, IPC_NOWAIT on a full queue, too-long messages.
// XSH msgsnd(), XSH msgrcv(); Linux-only details from msgop(2).
#include <sys/ipc.h>
#include <sys/msg.h>

#include <climits>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::recv;
using sysv_msg::send_str;

SIGIPC_TEST(SysvMsgErrors, SendWithTypeZeroFailsWithEinval, "sysv_msg.snd.type-zero-einval",
            "XSH msgsnd()", "msgsnd() with mtype 0 fails with EINVAL and queues nothing") {
  Queue q;
  EXPECT_FAILS_WITH(send_str(q.get(), 0, "z"), EINVAL);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
}

SIGIPC_TEST(SysvMsgErrors, SendWithNegativeTypeFailsWithEinval, "sysv_msg.snd.type-negative-einval",
            "XSH msgsnd()", "msgsnd() with mtype < 0 fails with EINVAL and queues nothing") {
  Queue q;
  EXPECT_FAILS_WITH(send_str(q.get(), -1, "z"), EINVAL);
  EXPECT_FAILS_WITH(send_str(q.get(), LONG_MIN, "z"), EINVAL);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
}

SIGIPC_TEST(SysvMsgErrors, SendLargerThanMsgmaxFailsWithEinval, "sysv_msg.snd.size-over-max-einval",
            "XSH msgsnd()",
            "msgsnd() with msgsz above the system limit (msgmax) fails with EINVAL; msgmax itself "
            "is accepted") {
  auto max = probe_limits().msgmax;
  if (!max) SIGIPC_UNSUPPORTED("/proc/sys/kernel/msgmax is absent: the limit is unknown");
  Queue q;
  const auto n = static_cast<std::size_t>(*max);
  std::vector<char> buf(sizeof(long) + n + 1, 'm');
  long type = 1;
  std::memcpy(buf.data(), &type, sizeof type);
  EXPECT_FAILS_WITH(msgsnd(q.get(), buf.data(), n + 1, IPC_NOWAIT), EINVAL);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
  if (sysv_msg::stat_of(q.get()).msg_qbytes >= n) {
    EXPECT_SUCCEEDS(msgsnd(q.get(), buf.data(), n, IPC_NOWAIT)) << "msgsz == msgmax";
  }
}

SIGIPC_TEST(SysvMsgErrors, SendToInvalidIdFailsWithEinval, "sysv_msg.snd.invalid-id-einval",
            "XSH msgsnd()",
            "msgsnd() on a value that is not a queue identifier fails with EINVAL") {
  EXPECT_FAILS_WITH(send_str(-1, 1, "z"), EINVAL);
}

SIGIPC_TEST(SysvMsgErrors, ReceiveFromInvalidIdFailsWithEinval, "sysv_msg.rcv.invalid-id-einval",
            "XSH msgrcv()",
            "msgrcv() on a value that is not a queue identifier fails with EINVAL") {
  auto r = recv(-1, 0, IPC_NOWAIT);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, EINVAL) << ErrnoText(r.err);
}

SIGIPC_TEST(SysvMsgErrors, ReceiveWithNegativeSizeFailsWithEinval,
            "sysv_msg.rcv.negative-size-einval", "Linux-only, msgop(2)",
            "msgrcv() with msgsz that is negative as a signed value fails with EINVAL") {
  // msgsz is size_t in POSIX; Linux treats it as long and rejects < 0.
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "x"));
  sysv_msg::SmallMsg m{};
  EXPECT_FAILS_WITH(msgrcv(q.get(), &m, static_cast<std::size_t>(-1), 0, IPC_NOWAIT), EINVAL);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
}

SIGIPC_TEST(SysvMsgErrors, TooLongMessageFailsWithE2bigAndStays, "sysv_msg.rcv.e2big-keeps-message",
            "XSH msgrcv()",
            "A message longer than msgsz without MSG_NOERROR: msgrcv() fails with E2BIG and the "
            "message stays on the queue") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 3, "0123456789"));
  auto r = recv(q.get(), 0, IPC_NOWAIT, 4);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, E2BIG) << ErrnoText(r.err);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
  EXPECT_TRUE(recv(q.get(), 0, IPC_NOWAIT).text_is("0123456789"));
}

SIGIPC_TEST(SysvMsgErrors, MsgNoerrorTruncatesAndRemoves, "sysv_msg.rcv.noerror-truncates",
            "XSH msgrcv()",
            "With MSG_NOERROR a message longer than msgsz is truncated to msgsz bytes, returned, "
            "and the truncated part is lost (the message is removed)") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 3, "0123456789"));
  auto r = recv(q.get(), 0, IPC_NOWAIT | MSG_NOERROR, 4);
  EXPECT_EQ(r.n, 4);
  EXPECT_EQ(r.mtype, 3);
  EXPECT_TRUE(r.text_is("0123"));
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
}

SIGIPC_TEST(SysvMsgErrors, SendNowaitToFullQueueFailsWithEagain, "sysv_msg.snd.nowait-full-eagain",
            "XSH msgsnd()",
            "msgsnd() with IPC_NOWAIT when the message would exceed msg_qbytes fails with EAGAIN "
            "and queues nothing") {
  Queue q;
  sysv_msg::set_qbytes(q.get(), 16);
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 1, "0123456789abcdef", 16, IPC_NOWAIT));
  EXPECT_FAILS_WITH(sysv_msg::send(q.get(), 1, "x", 1, IPC_NOWAIT), EAGAIN);
  msqid_ds ds = sysv_msg::stat_of(q.get());
  EXPECT_EQ(ds.msg_qnum, 1u);
  // Room made by a receive is usable again: the EAGAIN was about space.
  ASSERT_EQ(recv(q.get(), 0, IPC_NOWAIT).n, 16);
  EXPECT_SUCCEEDS(sysv_msg::send(q.get(), 1, "x", 1, IPC_NOWAIT));
}

SIGIPC_TEST(SysvMsgErrors, SendAfterRemovalFails, "sysv_msg.rmid.later-send-fails", "XSH msgctl()",
            "IPC_RMID removes the queue at once: a later msgsnd() on the id fails with EINVAL or "
            "EIDRM") {
  Queue q;
  int id = q.get();
  ASSERT_SUCCEEDS(msgctl(id, IPC_RMID, nullptr));
  q.id.reset();
  errno = 0;
  int r = send_str(id, 1, "z", IPC_NOWAIT);
  int e = errno;
  EXPECT_EQ(r, -1);
  EXPECT_TRUE(e == EINVAL || e == EIDRM) << ErrnoText(e);
}

SIGIPC_TEST(SysvMsgErrors, RemovalDiscardsQueuedMessages, "sysv_msg.rmid.discards-messages",
            "XSH msgctl()",
            "IPC_RMID destroys the queue with its messages: msgrcv() on the id then fails with "
            "EINVAL or EIDRM, not with a message") {
  Queue q;
  int id = q.get();
  ASSERT_SUCCEEDS(send_str(id, 1, "left"));
  ASSERT_SUCCEEDS(msgctl(id, IPC_RMID, nullptr));
  q.id.reset();
  auto r = recv(id, 0, IPC_NOWAIT);
  EXPECT_EQ(r.n, -1);
  EXPECT_TRUE(r.err == EINVAL || r.err == EIDRM) << ErrnoText(r.err);
}

SIGIPC_TEST(SysvMsgErrors, QbytesLimitsTotalTextBytes, "sysv_msg.snd.qbytes-total", "XSH msgsnd()",
            "msg_qbytes bounds the total text bytes of all queued messages: two 8-byte messages "
            "fill 16 bytes and a third send with IPC_NOWAIT fails with EAGAIN") {
  Queue q;
  sysv_msg::set_qbytes(q.get(), 16);
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 1, "01234567", 8, IPC_NOWAIT));
  EXPECT_SUCCEEDS(sysv_msg::send(q.get(), 1, "89abcdef", 8, IPC_NOWAIT));
  EXPECT_FAILS_WITH(sysv_msg::send(q.get(), 1, "g", 1, IPC_NOWAIT), EAGAIN);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 2u);
}

SIGIPC_TEST(SysvMsgErrors, StatIntoBadAddressFailsWithEfault, "sysv_msg.linux.ctl-efault",
            "Linux-only, msgctl(2)",
            "msgctl(IPC_STAT) with an inaccessible buf fails with EFAULT") {
  Queue q;
  EXPECT_FAILS_WITH(msgctl(q.get(), IPC_STAT, nullptr), EFAULT);
}

SIGIPC_TEST(SysvMsgErrors, SendFromBadAddressFailsWithEfault, "sysv_msg.linux.snd-efault",
            "Linux-only, msgop(2)",
            "msgsnd() with an inaccessible msgp fails with EFAULT and queues nothing") {
  Queue q;
  EXPECT_FAILS_WITH(msgsnd(q.get(), nullptr, 4, IPC_NOWAIT), EFAULT);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u);
}

SIGIPC_TEST(SysvMsgErrors, ReceiveIntoBadAddressFailsWithEfault, "sysv_msg.linux.rcv-efault",
            "Linux-only, msgop(2)",
            "msgrcv() of an available message into an inaccessible msgp fails with EFAULT") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "lost"));
  EXPECT_FAILS_WITH(msgrcv(q.get(), nullptr, 16, 0, IPC_NOWAIT), EFAULT);
}

}  // namespace
}  // namespace sigipc

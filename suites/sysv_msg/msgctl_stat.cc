// msgctl(IPC_STAT): the msqid_ds fields that msgsnd() and msgrcv() keep up to
// date, and msgctl()'s argument errors. XSH msgctl(), XSH msgsnd(),
// XSH msgrcv(), <sys/msg.h>; msg_cbytes is Linux-only, msgctl(2).
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <ctime>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::recv;
using sysv_msg::send_str;
using sysv_msg::stat_of;

SIGIPC_TEST(
    SysvMsgStat, QnumCountsQueuedMessages, "sysv_msg.stat.qnum", "XSH msgsnd()",
    "msg_qnum is incremented by each successful msgsnd() and decremented by each msgrcv()") {
  Queue q;
  for (unsigned i = 1; i <= 3; ++i) {
    ASSERT_SUCCEEDS(send_str(q.get(), i, "m"));
    EXPECT_EQ(stat_of(q.get()).msg_qnum, i);
  }
  ASSERT_EQ(recv(q.get(), 0).n, 1);
  EXPECT_EQ(stat_of(q.get()).msg_qnum, 2u);
}

SIGIPC_TEST(SysvMsgStat, LspidIsPidOfLastSender, "sysv_msg.stat.lspid", "XSH msgsnd()",
            "After msgsnd() msg_lspid is the calling process's id") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "m"));
  EXPECT_EQ(stat_of(q.get()).msg_lspid, getpid());
}

SIGIPC_TEST(SysvMsgStat, LspidFollowsASenderInAChild, "sysv_msg.stat.lspid-child", "XSH msgsnd()",
            "msg_lspid is the pid of the process that sent last, here a forked child; msg_lrpid "
            "is not touched by a send") {
  Queue q;
  int id = q.get();
  ASSERT_SUCCEEDS(send_str(id, 1, "parent"));
  ASSERT_EQ(recv(id, 0).n, 6);
  Child c([id] { CHILD_CHECK_OK(send_str(id, 1, "child")); });
  ASSERT_CHILD_OK(c.wait());
  msqid_ds ds = stat_of(id);
  EXPECT_EQ(ds.msg_lspid, c.pid());
  EXPECT_EQ(ds.msg_lrpid, getpid());
}

SIGIPC_TEST(SysvMsgStat, LrpidIsPidOfLastReceiver, "sysv_msg.stat.lrpid", "XSH msgrcv()",
            "After msgrcv() msg_lrpid is the receiving process's id, here a forked child") {
  Queue q;
  int id = q.get();
  ASSERT_SUCCEEDS(send_str(id, 1, "m"));
  Child c([id] { CHILD_CHECK_EQ(sysv_msg::recv(id, 0).n, 1); });
  ASSERT_CHILD_OK(c.wait());
  msqid_ds ds = stat_of(id);
  EXPECT_EQ(ds.msg_lrpid, c.pid());
  EXPECT_EQ(ds.msg_lspid, getpid());
}

SIGIPC_TEST(SysvMsgStat, SendSetsStime, "sysv_msg.stat.stime", "XSH msgsnd()",
            "msgsnd() sets msg_stime to the current time") {
  Queue q;
  StampWindow w;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "m"));
  msqid_ds ds = stat_of(q.get());
  EXPECT_STAMP_CURRENT(w, ds.msg_stime);
  EXPECT_EQ(ds.msg_rtime, 0) << "a send must not set msg_rtime";
}

SIGIPC_TEST(SysvMsgStat, ReceiveSetsRtime, "sysv_msg.stat.rtime", "XSH msgrcv()",
            "msgrcv() sets msg_rtime to the current time") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "m"));
  StampWindow w;
  ASSERT_EQ(recv(q.get(), 0).n, 1);
  EXPECT_STAMP_CURRENT(w, stat_of(q.get()).msg_rtime);
}

SIGIPC_TEST(SysvMsgStat, FailedSendChangesNothing, "sysv_msg.snd.failure-no-side-effects",
            "XSH msgsnd()",
            "A msgsnd() that fails (EAGAIN) leaves msg_qnum, msg_lspid and msg_stime unchanged") {
  Queue q;
  sysv_msg::set_qbytes(q.get(), 4);
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 1, "full", 4));
  // The full queue came from a child so that lspid differs from ours.
  ASSERT_EQ(recv(q.get(), 0).n, 4);
  int id = q.get();
  Child c([id] { CHILD_CHECK_OK(sysv_msg::send(id, 1, "full", 4)); });
  ASSERT_CHILD_OK(c.wait());
  msqid_ds before = stat_of(id);
  EXPECT_FAILS_WITH(send_str(id, 1, "more", IPC_NOWAIT), EAGAIN);
  msqid_ds after = stat_of(id);
  EXPECT_EQ(after.msg_qnum, before.msg_qnum);
  EXPECT_EQ(after.msg_lspid, c.pid());
  EXPECT_EQ(after.msg_stime, before.msg_stime);
}

SIGIPC_TEST(SysvMsgStat, CbytesCountsQueuedTextBytes, "sysv_msg.stat.cbytes",
            "Linux-only, msgctl(2)",
            "msg_cbytes is the number of text bytes currently on the queue") {
  Queue q;
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 1, "abc", 3));
  ASSERT_SUCCEEDS(sysv_msg::send(q.get(), 2, "defgh", 5));
  EXPECT_EQ(stat_of(q.get()).msg_cbytes, 8u);
  ASSERT_EQ(recv(q.get(), 2).n, 5);
  EXPECT_EQ(stat_of(q.get()).msg_cbytes, 3u);
}

SIGIPC_TEST(SysvMsgStat, StatOnInvalidIdFailsWithEinval, "sysv_msg.ctl.invalid-id-einval",
            "XSH msgctl()",
            "msgctl() on a value that is not a queue identifier fails with EINVAL") {
  msqid_ds ds{};
  EXPECT_FAILS_WITH(msgctl(-1, IPC_STAT, &ds), EINVAL);
}

SIGIPC_TEST(SysvMsgStat, InvalidCommandFailsWithEinval, "sysv_msg.ctl.invalid-cmd-einval",
            "XSH msgctl()", "msgctl() with a cmd that is not a valid command fails with EINVAL") {
  Queue q;
  msqid_ds ds{};
  EXPECT_FAILS_WITH(msgctl(q.get(), 0x7fff, &ds), EINVAL);
  EXPECT_FAILS_WITH(msgctl(q.get(), -1, &ds), EINVAL);
}

SIGIPC_TEST(SysvMsgStat, RemovedIdFailsStat, "sysv_msg.ctl.removed-id-fails", "XSH msgctl()",
            "After IPC_RMID the identifier is no longer valid: IPC_STAT on it fails with EINVAL or "
            "EIDRM") {
  Queue q;
  int id = q.get();
  ASSERT_SUCCEEDS(msgctl(id, IPC_RMID, nullptr));
  q.id.reset();
  msqid_ds ds{};
  errno = 0;
  int r = msgctl(id, IPC_STAT, &ds);
  int e = errno;
  EXPECT_EQ(r, -1);
  EXPECT_TRUE(e == EINVAL || e == EIDRM) << ErrnoText(e);
}

}  // namespace
}  // namespace sigipc

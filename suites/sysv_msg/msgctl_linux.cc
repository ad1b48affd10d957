// Linux-only msgctl() commands (IPC_INFO, MSG_INFO, MSG_STAT, MSG_STAT_ANY)
// and msgrcv(MSG_COPY). msgctl(2), msgop(2). Each test runs in its own IPC
// namespace, so the system-wide counts are this test's own queues.
#include <sys/ipc.h>
#include <sys/msg.h>

#include <cstring>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::send_str;

msqid_ds* as_ds(msginfo* i) { return reinterpret_cast<msqid_ds*>(i); }

SIGIPC_TEST(SysvMsgLinux, IpcInfoReportsSystemLimits, "sysv_msg.linux.ipc-info-limits",
            "Linux-only, msgctl(2)",
            "msgctl(IPC_INFO) fills struct msginfo with the limits msgmax, msgmnb and msgmni of "
            "/proc/sys/kernel") {
  Queue q;
  msginfo info{};
  ASSERT_SUCCEEDS(msgctl(0, IPC_INFO, as_ds(&info)));
  Limits l = probe_limits();
  if (!l.msgmax || !l.msgmnb || !l.msgmni) SIGIPC_UNSUPPORTED("/proc/sys/kernel/msg* absent");
  EXPECT_EQ(info.msgmax, *l.msgmax);
  EXPECT_EQ(info.msgmnb, *l.msgmnb);
  EXPECT_EQ(info.msgmni, *l.msgmni);
}

// The index of q in the kernel's table, found through MSG_STAT.
int index_of(int id) {
  msginfo info{};
  int max = SETUP_OK(msgctl(0, IPC_INFO, as_ds(&info)));
  for (int i = 0; i <= max; ++i) {
    msqid_ds ds{};
    if (msgctl(i, MSG_STAT, &ds) == id) return i;
  }
  return -1;
}

SIGIPC_TEST(SysvMsgLinux, IpcInfoReturnsHighestUsedIndex, "sysv_msg.linux.ipc-info-index",
            "Linux-only, msgctl(2)",
            "msgctl(IPC_INFO) returns the index of the highest used entry of the queue table") {
  // The table is the IPC namespace's: in a shared one the highest entry may
  // be another user's queue (MSG_STAT: EACCES) or appear between the calls.
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  Queue a, b;
  msginfo info{};
  int max = msgctl(0, IPC_INFO, as_ds(&info));
  ASSERT_SUCCEEDS(max);
  EXPECT_GE(max, 1) << "two queues exist";
  msqid_ds ds{};
  EXPECT_EQ(msgctl(max + 1, MSG_STAT, &ds), -1) << "nothing above the highest used index";
  EXPECT_SUCCEEDS(msgctl(max, MSG_STAT, &ds));
}

SIGIPC_TEST(SysvMsgLinux, MsgInfoCountsQueuesMessagesAndBytes, "sysv_msg.linux.msg-info-usage",
            "Linux-only, msgctl(2)",
            "msgctl(MSG_INFO) reports in msgpool the number of queues, in msgmap the number of "
            "messages and in msgtql the text bytes in all queues") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  Queue a, b;
  ASSERT_SUCCEEDS(sysv_msg::send(a.get(), 1, "abc", 3));
  ASSERT_SUCCEEDS(sysv_msg::send(a.get(), 1, "de", 2));
  ASSERT_SUCCEEDS(sysv_msg::send(b.get(), 1, "fghij", 5));
  msginfo info{};
  ASSERT_SUCCEEDS(msgctl(0, MSG_INFO, as_ds(&info)));
  EXPECT_EQ(info.msgpool, 2);
  EXPECT_EQ(info.msgmap, 3);
  EXPECT_EQ(info.msgtql, 10);
}

SIGIPC_TEST(SysvMsgLinux, MsgStatTakesIndexAndReturnsId, "sysv_msg.linux.msg-stat",
            "Linux-only, msgctl(2)",
            "msgctl(index, MSG_STAT) returns the id of the queue at that table index and its "
            "msqid_ds, as IPC_STAT would") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "x"));
  int idx = index_of(q.get());
  ASSERT_GE(idx, 0) << "no index gave the queue's id";
  msqid_ds ds{};
  EXPECT_EQ(msgctl(idx, MSG_STAT, &ds), q.get());
  EXPECT_EQ(ds.msg_qnum, 1u);
  EXPECT_EQ(ds.msg_perm.__key, q.key);
}

SIGIPC_TEST(SysvMsgLinux, MsgStatNeedsReadPermission, "sysv_msg.linux.msg-stat-eacces",
            "Linux-only, msgctl(2)",
            "msgctl(MSG_STAT) fails with EACCES without read permission on the queue") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0200);
  int idx = index_of(q.get());
  ASSERT_GE(idx, 0);
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [idx] {
    msqid_ds ds{};
    CHILD_CHECK_ERRNO(msgctl(idx, MSG_STAT, &ds), EACCES);
  });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgLinux, MsgStatAnyIgnoresReadPermission, "sysv_msg.linux.msg-stat-any",
            "Linux-only, msgctl(2)",
            "msgctl(MSG_STAT_ANY) returns the id and msqid_ds without checking read permission") {
#ifndef MSG_STAT_ANY
  SIGIPC_UNSUPPORTED("<sys/msg.h> has no MSG_STAT_ANY");
#else
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0200);
  int id = q.get();
  int idx = index_of(id);
  ASSERT_GE(idx, 0);
  msqid_ds probe{};
  if (msgctl(idx, MSG_STAT_ANY, &probe) == -1 && errno == EINVAL)
    SIGIPC_UNSUPPORTED(
        "EINVAL for MSG_STAT_ANY: a kernel older than 4.17 or an emulator "
        "without it");
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [idx, id] {
    msqid_ds ds{};
    CHILD_CHECK_EQ(msgctl(idx, MSG_STAT_ANY, &ds), id);
    CHILD_CHECK_EQ(ds.msg_perm.mode & 0777, 0200);
  });
  EXPECT_CHILD_OK(s);
#endif
}

SIGIPC_TEST(SysvMsgLinux, MsgCopyReadsByPositionWithoutRemoving, "sysv_msg.linux.msg-copy",
            "Linux-only, msgop(2)",
            "msgrcv(MSG_COPY|IPC_NOWAIT) copies the message at ordinal position msgtyp (from 0) "
            "and leaves the queue unchanged") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 7, "first"));
  ASSERT_SUCCEEDS(send_str(q.get(), 3, "second"));
  REQUIRE_MSG_COPY(q.get());
  auto r = sysv_msg::recv(q.get(), 1, IPC_NOWAIT | MSG_COPY);
  EXPECT_EQ(r.mtype, 3);
  EXPECT_TRUE(r.text_is("second"));
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 2u);
}

SIGIPC_TEST(SysvMsgLinux, MsgCopyPastEndFailsWithEnomsg, "sysv_msg.linux.msg-copy-enomsg",
            "Linux-only, msgop(2)",
            "msgrcv(MSG_COPY|IPC_NOWAIT) with a position past the last message fails with ENOMSG") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "only"));
  REQUIRE_MSG_COPY(q.get());
  auto r = sysv_msg::recv(q.get(), 1, IPC_NOWAIT | MSG_COPY);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, ENOMSG) << ErrnoText(r.err);
}

SIGIPC_TEST(SysvMsgLinux, MsgCopyWithoutNowaitFailsWithEinval,
            "sysv_msg.linux.msg-copy-needs-nowait", "Linux-only, msgop(2)",
            "msgrcv() with MSG_COPY but without IPC_NOWAIT fails with EINVAL") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "only"));
  REQUIRE_MSG_COPY(q.get());
  auto r = sysv_msg::recv(q.get(), 0, MSG_COPY);
  EXPECT_EQ(r.n, -1);
  EXPECT_EQ(r.err, EINVAL) << ErrnoText(r.err);
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u);
}

}  // namespace
}  // namespace sigipc

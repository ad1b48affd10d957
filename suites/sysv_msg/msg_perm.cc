// Access control on queues for an unprivileged process: which of the owner,
// group and other permission classes applies and what each operation needs.
// XSH msgget(), msgsnd(), msgrcv(), msgctl(); XBD 4.x "IPC permissions" via
// <sys/ipc.h>. Tests run as root, so a child drops to nobody.
#include <sys/ipc.h>
#include <sys/msg.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::send_str;

// Sets owner uid/gid and mode of the queue (root may do so).
void set_perm(int id, uid_t uid, gid_t gid, int mode) {
  msqid_ds ds = sysv_msg::stat_of(id);
  ds.msg_perm.uid = uid;
  ds.msg_perm.gid = gid;
  ds.msg_perm.mode = static_cast<unsigned short>(mode);
  SETUP_OK(msgctl(id, IPC_SET, &ds));
}

SIGIPC_TEST(SysvMsgPerm, MsggetRequestingUngrantedPermissionFailsWithEacces,
            "sysv_msg.perm.get-eacces", "XSH msgget()",
            "msgget() of an existing queue fails with EACCES when the permission in msgflg's low "
            "nine bits would not be granted (nobody asks for read of a 0600 queue)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0600);
  key_t key = q.key;
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [key] {
    CHILD_CHECK_ERRNO(msgget(key, 0400), EACCES);
    CHILD_CHECK_ERRNO(msgget(key, 0200), EACCES);
  });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, MsggetRequestingNothingSucceedsWithoutAccess,
            "sysv_msg.perm.get-no-request-ok", "XSH msgget()",
            "msgget(key, 0) returns the id of an existing queue even to a process without access: "
            "only the permissions requested in msgflg are checked") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0600);
  key_t key = q.key;
  int id = q.get();
  WaitStatus s =
      RunAsUser(kNobodyUid, kNobodyGid, [key, id] { CHILD_CHECK_EQ(msgget(key, 0), id); });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, SendWithoutWritePermissionFailsWithEacces, "sysv_msg.perm.snd-eacces",
            "XSH msgsnd()",
            "msgsnd() fails with EACCES when the caller lacks write permission (0444 queue, "
            "nobody)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0444);
  int id = q.get();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid,
                           [id] { CHILD_CHECK_ERRNO(send_str(id, 1, "no", IPC_NOWAIT), EACCES); });
  EXPECT_CHILD_OK(s);
  EXPECT_EQ(sysv_msg::qnum_of(id), 0u);
}

SIGIPC_TEST(
    SysvMsgPerm, ReceiveWithoutReadPermissionFailsWithEacces, "sysv_msg.perm.rcv-eacces",
    "XSH msgrcv()",
    "msgrcv() fails with EACCES when the caller lacks read permission (0222 queue, nobody), "
    "and the message stays") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0222);
  int id = q.get();
  ASSERT_SUCCEEDS(send_str(id, 1, "secret"));
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    auto r = sysv_msg::recv(id, 0, IPC_NOWAIT);
    CHILD_CHECK_EQ(r.n, -1);
    CHILD_CHECK_EQ(r.err, EACCES);
  });
  EXPECT_CHILD_OK(s);
  EXPECT_EQ(sysv_msg::qnum_of(id), 1u);
}

SIGIPC_TEST(SysvMsgPerm, OtherPermissionBitsGrantAccess, "sysv_msg.perm.other-bits-grant",
            "XSH msgsnd()",
            "A process that is neither owner nor in the group may send and receive when the "
            "\"other\" write and read bits are set (0606)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0606);
  int id = q.get();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    CHILD_CHECK_OK(send_str(id, 9, "hi", IPC_NOWAIT));
    CHILD_CHECK_EQ(sysv_msg::recv(id, 9, IPC_NOWAIT).n, 2);
  });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, GroupClassAppliesWhenGidMatches, "sysv_msg.perm.group-class",
            "XBD <sys/ipc.h>",
            "When the caller's group matches msg_perm.gid (and not the owner), the group bits "
            "decide, not the other bits: 0020 grants write, 0002 does not") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0600);
  int id = q.get();
  set_perm(id, 0, kNobodyGid, 0020);
  WaitStatus s =
      RunAsUser(kNobodyUid, kNobodyGid, [id] { CHILD_CHECK_OK(send_str(id, 1, "g", IPC_NOWAIT)); });
  EXPECT_CHILD_OK(s);
  set_perm(id, 0, kNobodyGid, 0002);
  s = RunAsUser(kNobodyUid, kNobodyGid,
                [id] { CHILD_CHECK_ERRNO(send_str(id, 1, "o", IPC_NOWAIT), EACCES); });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, OwnerClassAppliesWhenUidMatches, "sysv_msg.perm.owner-class",
            "XBD <sys/ipc.h>",
            "When the caller's uid is msg_perm.uid the owner bits decide: 0400 grants read, 0044 "
            "does not") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0600);
  int id = q.get();
  ASSERT_SUCCEEDS(send_str(id, 1, "a"));
  ASSERT_SUCCEEDS(send_str(id, 1, "b"));
  set_perm(id, kNobodyUid, kNobodyGid, 0400);
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid,
                           [id] { CHILD_CHECK_EQ(sysv_msg::recv(id, 0, IPC_NOWAIT).n, 1); });
  EXPECT_CHILD_OK(s);
  set_perm(id, kNobodyUid, kNobodyGid, 0044);
  s = RunAsUser(kNobodyUid, kNobodyGid,
                [id] { CHILD_CHECK_EQ(sysv_msg::recv(id, 0, IPC_NOWAIT).err, EACCES); });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, StatWithoutReadPermissionFailsWithEacces, "sysv_msg.perm.stat-eacces",
            "XSH msgctl()",
            "msgctl(IPC_STAT) fails with EACCES when the caller lacks read permission") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0600);
  int id = q.get();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    msqid_ds ds{};
    CHILD_CHECK_ERRNO(msgctl(id, IPC_STAT, &ds), EACCES);
  });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, StatWithReadPermissionSucceeds, "sysv_msg.perm.stat-read-ok",
            "XSH msgctl()",
            "msgctl(IPC_STAT) succeeds for a non-owner with read permission and reports the "
            "queue's owner") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0604);
  int id = q.get();
  uid_t owner = geteuid();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id, owner] {
    msqid_ds ds{};
    CHILD_CHECK_OK(msgctl(id, IPC_STAT, &ds));
    CHILD_CHECK_EQ(ds.msg_perm.uid, owner);
  });
  EXPECT_CHILD_OK(s);
}

SIGIPC_TEST(SysvMsgPerm, CreatOnExistingQueueStillChecksPermission,
            "sysv_msg.perm.get-creat-existing-eacces", "XSH msgget()",
            "IPC_CREAT does not bypass access checks: msgget(key, IPC_CREAT|0600) of an existing "
            "0600 queue fails with EACCES for a process without access") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0600);
  key_t key = q.key;
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid,
                           [key] { CHILD_CHECK_ERRNO(msgget(key, IPC_CREAT | 0600), EACCES); });
  EXPECT_CHILD_OK(s);
}

}  // namespace
}  // namespace sigipc

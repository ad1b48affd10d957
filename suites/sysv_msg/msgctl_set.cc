// msgctl(IPC_SET) and msgctl(IPC_RMID): what may be changed, by whom, and
// the msg_qbytes privilege rule. XSH msgctl(); Linux details in msgctl(2).
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <ctime>

#include "fixtures/check.h"
#include "fixtures/id_map.h"
#include "fixtures/isolation.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::send_str;
using sysv_msg::stat_of;

// Hands the queue to nobody (owner uid/gid) so that a nobody child is its
// owner but not its creator.
void give_to_nobody(int id, int mode = 0600) {
  msqid_ds ds = stat_of(id);
  ds.msg_perm.uid = kNobodyUid;
  ds.msg_perm.gid = kNobodyGid;
  ds.msg_perm.mode = static_cast<unsigned short>(mode);
  SETUP_OK(msgctl(id, IPC_SET, &ds));
}

SIGIPC_TEST(SysvMsgSet, SetChangesModeLowNineBits, "sysv_msg.set.mode", "XSH msgctl()",
            "IPC_SET sets the low nine bits of msg_perm.mode from the buffer and leaves the other "
            "mode bits alone") {
  Queue q(0600);
  msqid_ds ds = stat_of(q.get());
  const unsigned high_before = ds.msg_perm.mode & ~0777u;
  ds.msg_perm.mode = static_cast<unsigned short>(07000 | 0451);
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_SET, &ds));
  msqid_ds now = stat_of(q.get());
  EXPECT_EQ(now.msg_perm.mode & 0777u, 0451u);
  EXPECT_EQ(now.msg_perm.mode & ~0777u, high_before);
}

SIGIPC_TEST(SysvMsgSet, SetChangesOwnerButNotCreator, "sysv_msg.set.owner-not-creator",
            "XSH msgctl()",
            "IPC_SET sets msg_perm.uid and gid; cuid and cgid keep the creator's ids") {
  SIGIPC_REQUIRE_IDS(kNobodyUid, kNobodyGid);
  Queue q(0600);
  give_to_nobody(q.get());
  msqid_ds ds = stat_of(q.get());
  EXPECT_EQ(ds.msg_perm.uid, kNobodyUid);
  EXPECT_EQ(ds.msg_perm.gid, kNobodyGid);
  EXPECT_EQ(ds.msg_perm.cuid, geteuid());
  EXPECT_EQ(ds.msg_perm.cgid, getegid());
}

SIGIPC_TEST(SysvMsgSet, SetLowersQbytes, "sysv_msg.set.qbytes-lower", "XSH msgctl()",
            "IPC_SET sets msg_qbytes; lowering it needs no privilege and IPC_STAT reports it") {
  Queue q;
  unsigned long old = stat_of(q.get()).msg_qbytes;
  ASSERT_GT(old, 100u);
  sysv_msg::set_qbytes(q.get(), old - 100);
  EXPECT_EQ(stat_of(q.get()).msg_qbytes, old - 100);
}

SIGIPC_TEST_T(SysvMsgSet, SetUpdatesCtime, 15.0, "sysv_msg.set.ctime", "XSH msgctl()",
              "IPC_SET sets msg_ctime to the current time") {
  Queue q;
  msqid_ds ds = stat_of(q.get());
  StampWindow w = StampWindow::after(ds.msg_ctime);
  ds.msg_perm.mode = 0640;
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_SET, &ds));
  EXPECT_STAMP_CURRENT(w, stat_of(q.get()).msg_ctime);
}

SIGIPC_TEST(SysvMsgSet, SetByNonOwnerFailsWithEperm, "sysv_msg.set.non-owner-eperm", "XSH msgctl()",
            "IPC_SET by a process that is neither creator nor owner nor privileged fails with "
            "EPERM, even with read and write permission") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0666);
  int id = q.get();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    msqid_ds ds{};
    CHILD_CHECK_OK(msgctl(id, IPC_STAT, &ds));
    ds.msg_perm.mode = 0600;
    CHILD_CHECK_ERRNO(msgctl(id, IPC_SET, &ds), EPERM);
  });
  EXPECT_CHILD_OK(s);
  EXPECT_EQ(stat_of(id).msg_perm.mode & 0777u, 0666u);
}

SIGIPC_TEST(SysvMsgSet, RmidByNonOwnerFailsWithEperm, "sysv_msg.rmid.non-owner-eperm",
            "XSH msgctl()",
            "IPC_RMID by a process that is neither creator nor owner nor privileged fails with "
            "EPERM and the queue survives") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(0666);
  int id = q.get();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid,
                           [id] { CHILD_CHECK_ERRNO(msgctl(id, IPC_RMID, nullptr), EPERM); });
  EXPECT_CHILD_OK(s);
  EXPECT_SUCCEEDS(msgget(q.key, 0));
}

SIGIPC_TEST(SysvMsgSet, SetByOwnerWhoIsNotCreatorSucceeds, "sysv_msg.set.owner-allowed",
            "XSH msgctl()",
            "IPC_SET is allowed to the owner (msg_perm.uid) even if it is not the creator and "
            "unprivileged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q;
  int id = q.get();
  give_to_nobody(id, 0600);
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    msqid_ds ds{};
    CHILD_CHECK_OK(msgctl(id, IPC_STAT, &ds));
    ds.msg_perm.mode = 0640;
    CHILD_CHECK_OK(msgctl(id, IPC_SET, &ds));
  });
  EXPECT_CHILD_OK(s);
  EXPECT_EQ(stat_of(id).msg_perm.mode & 0777u, 0640u);
}

SIGIPC_TEST(SysvMsgSet, RmidByOwnerWhoIsNotCreatorSucceeds, "sysv_msg.rmid.owner-allowed",
            "XSH msgctl()",
            "IPC_RMID is allowed to the owner (msg_perm.uid) even if it is not the creator and "
            "unprivileged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q;
  int id = q.get();
  give_to_nobody(id, 0600);
  WaitStatus s =
      RunAsUser(kNobodyUid, kNobodyGid, [id] { CHILD_CHECK_OK(msgctl(id, IPC_RMID, nullptr)); });
  EXPECT_CHILD_OK(s);
  if (s.exited() && s.exit_code() == 0) q.id.reset();
  EXPECT_FAILS_WITH(msgget(q.key, 0), ENOENT);
}

SIGIPC_TEST(SysvMsgSet, UnprivilegedRaiseAboveMsgmnbFailsWithEperm,
            "sysv_msg.set.qbytes-above-msgmnb-eperm", "Linux-only, msgctl(2)",
            "An unprivileged owner setting msg_qbytes above the system limit msgmnb fails with "
            "EPERM") {
  SIGIPC_REQUIRE_USER_SWITCH();
  auto mnb = probe_limits().msgmnb;
  if (!mnb) SIGIPC_UNSUPPORTED("/proc/sys/kernel/msgmnb is absent");
  Queue q;
  int id = q.get();
  give_to_nobody(id);
  const unsigned long above = static_cast<unsigned long>(*mnb) + 1;
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id, above] {
    msqid_ds ds{};
    CHILD_CHECK_OK(msgctl(id, IPC_STAT, &ds));
    ds.msg_qbytes = above;
    CHILD_CHECK_ERRNO(msgctl(id, IPC_SET, &ds), EPERM);
  });
  EXPECT_CHILD_OK(s);
  EXPECT_LE(stat_of(id).msg_qbytes, static_cast<unsigned long>(*mnb));
}

SIGIPC_TEST(SysvMsgSet, UnprivilegedRaiseOfQbytesFailsWithEperm, "sysv_msg.set.qbytes-raise-eperm",
            "XSH msgctl()",
            "\"Only a process with appropriate privileges can raise the value of msg_qbytes\": an "
            "unprivileged owner raising it (even below msgmnb) fails with EPERM") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q;
  int id = q.get();
  sysv_msg::set_qbytes(id, 100);
  give_to_nobody(id);
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    msqid_ds ds{};
    CHILD_CHECK_OK(msgctl(id, IPC_STAT, &ds));
    ds.msg_qbytes = 200;
    CHILD_CHECK_ERRNO(msgctl(id, IPC_SET, &ds), EPERM);
  });
  EXPECT_CHILD_OK(s);
  EXPECT_EQ(stat_of(id).msg_qbytes, 100u);
}

SIGIPC_TEST(SysvMsgSet, CreatorKeepsControlAfterOwnerChange, "sysv_msg.set.creator-allowed",
            "XSH msgctl()",
            "The creator (msg_perm.cuid) may still use IPC_SET and IPC_RMID after the owner was "
            "changed to another user") {
  SIGIPC_REQUIRE_USER_SWITCH();
  key_t key = sysv_msg::free_key();
  WaitStatus s = RunAsUser(kNobodyUid, kNobodyGid,
                           [key] { CHILD_CHECK_OK(msgget(key, IPC_CREAT | IPC_EXCL | 0600)); });
  int id = msgget(key, 0);
  SysvId guard(SysvId::kMsg, id);
  ASSERT_CHILD_OK(s);
  ASSERT_SUCCEEDS(id);
  msqid_ds ds = stat_of(id);
  ASSERT_EQ(ds.msg_perm.cuid, kNobodyUid);
  ds.msg_perm.uid = 0;
  ds.msg_perm.gid = 0;
  ASSERT_SUCCEEDS(msgctl(id, IPC_SET, &ds));
  s = RunAsUser(kNobodyUid, kNobodyGid, [id] {
    msqid_ds mine{};
    mine.msg_perm.uid = 0;
    mine.msg_perm.gid = 0;
    mine.msg_perm.mode = 0640;
    mine.msg_qbytes = 64;
    CHILD_CHECK_OK(msgctl(id, IPC_SET, &mine));
    CHILD_CHECK_OK(msgctl(id, IPC_RMID, nullptr));
  });
  EXPECT_CHILD_OK(s);
  if (s.exited() && s.exit_code() == 0) guard.reset();
}

SIGIPC_TEST(SysvMsgSet, SetIgnoresFieldsItDoesNotList, "sysv_msg.set.only-listed-fields",
            "XSH msgctl()",
            "IPC_SET changes only uid, gid, mode and msg_qbytes: cuid, cgid, msg_qnum, msg_lspid "
            "and msg_stime in the buffer are ignored") {
  Queue q;
  ASSERT_SUCCEEDS(send_str(q.get(), 1, "m"));
  msqid_ds before = stat_of(q.get());
  msqid_ds ds = before;
  ds.msg_perm.cuid = kNobodyUid;
  ds.msg_perm.cgid = kNobodyGid;
  ds.msg_qnum = 99;
  ds.msg_lspid = 1;
  ds.msg_stime = 12345;
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_SET, &ds));
  msqid_ds now = stat_of(q.get());
  EXPECT_EQ(now.msg_perm.cuid, before.msg_perm.cuid);
  EXPECT_EQ(now.msg_perm.cgid, before.msg_perm.cgid);
  EXPECT_EQ(now.msg_qnum, 1u);
  EXPECT_EQ(now.msg_lspid, getpid());
  EXPECT_EQ(now.msg_stime, before.msg_stime);
}

}  // namespace
}  // namespace sigipc

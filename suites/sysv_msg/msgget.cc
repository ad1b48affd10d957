// msgget(): creating and looking up queues by key. XSH msgget(), XBD <sys/ipc.h>.
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::stat_of;

// msg_perm.mode of queue id. IPC_STAT needs read permission, which a queue
// created without it denies its unprivileged owner (EACCES, XSH msgctl());
// Linux's /proc/sysvipc/msg (proc(5)) shows every queue's mode regardless.
unsigned mode_of(int id) {
  msqid_ds ds{};
  if (msgctl(id, IPC_STAT, &ds) == 0) return ds.msg_perm.mode & 0777;
  if (errno != EACCES) setup_error_errno(__FILE__, __LINE__, "msgctl(IPC_STAT)", errno);
  std::ifstream f("/proc/sysvipc/msg");
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    std::istringstream in(line);
    long long key;
    int qid;
    unsigned perms;
    if (in >> key >> qid >> std::oct >> perms && qid == id) return perms & 0777;
  }
  setup_error(__FILE__, __LINE__,
              "IPC_STAT of queue " + std::to_string(id) +
                  " was denied and /proc/sysvipc/msg does not list it");
}

SIGIPC_TEST(SysvMsgGet, IpcPrivateAlwaysCreatesANewQueue, "sysv_msg.get.private-creates-new",
            "XSH msgget()",
            "msgget(IPC_PRIVATE, ...) creates a new queue each time: two calls give distinct ids") {
  int a = msgget(IPC_PRIVATE, 0600);
  ASSERT_SUCCEEDS(a);
  SysvId ga(SysvId::kMsg, a);
  int b = msgget(IPC_PRIVATE, 0600);
  ASSERT_SUCCEEDS(b);
  SysvId gb(SysvId::kMsg, b);
  EXPECT_NE(a, b);
}

SIGIPC_TEST(SysvMsgGet, IpcPrivateCreatesEvenWithIpcExcl, "sysv_msg.get.private-ignores-excl",
            "XSH msgget()",
            "IPC_PRIVATE creates a new queue regardless of IPC_CREAT|IPC_EXCL (no EEXIST)") {
  int a = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_SUCCEEDS(a);
  SysvId ga(SysvId::kMsg, a);
  int b = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_SUCCEEDS(b);
  SysvId gb(SysvId::kMsg, b);
  EXPECT_NE(a, b);
}

SIGIPC_TEST(SysvMsgGet, KeyWithIpcCreatCreatesThenReturnsSameId,
            "sysv_msg.get.creat-returns-existing", "XSH msgget()",
            "msgget(key, IPC_CREAT) creates a queue for a new key and returns the same id when "
            "called again for that key") {
  key_t key = sysv_msg::free_key();
  int a = msgget(key, IPC_CREAT | 0600);
  ASSERT_SUCCEEDS(a);
  SysvId ga(SysvId::kMsg, a);
  EXPECT_EQ(msgget(key, IPC_CREAT | 0600), a);
}

SIGIPC_TEST(SysvMsgGet, ExistingKeyWithoutFlagsReturnsItsId, "sysv_msg.get.lookup-existing",
            "XSH msgget()", "msgget(key, 0) returns the id of the queue that exists for key") {
  Queue q;
  EXPECT_EQ(msgget(q.key, 0), q.get());
}

SIGIPC_TEST(SysvMsgGet, CreatExclOnExistingKeyFailsWithEexist, "sysv_msg.get.excl-eexist",
            "XSH msgget()",
            "msgget(key, IPC_CREAT|IPC_EXCL) for a key that has a queue fails with EEXIST") {
  Queue q;
  EXPECT_FAILS_WITH(msgget(q.key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
}

SIGIPC_TEST(SysvMsgGet, MissingKeyWithoutCreatFailsWithEnoent, "sysv_msg.get.missing-enoent",
            "XSH msgget()",
            "msgget(key, 0) for a key without a queue (IPC_CREAT not set) fails with ENOENT") {
  key_t key = sysv_msg::free_key();
  EXPECT_FAILS_WITH(msgget(key, 0600), ENOENT);
}

SIGIPC_TEST(SysvMsgGet, RemovedQueueKeyIsFreeAgain, "sysv_msg.get.key-free-after-rmid",
            "XSH msgctl()",
            "After IPC_RMID the key no longer names a queue: msgget(key, 0) fails with ENOENT") {
  Queue q;
  ASSERT_SUCCEEDS(msgctl(q.get(), IPC_RMID, nullptr));
  q.id.reset();
  EXPECT_FAILS_WITH(msgget(q.key, 0), ENOENT);
}

SIGIPC_TEST(SysvMsgGet, CreationSetsOwnerAndCreatorToEffectiveIds,
            "sysv_msg.get.perm-ids-effective", "XSH msgget()",
            "A new queue's msg_perm.cuid and uid are the caller's effective user id, cgid and gid "
            "its effective group id") {
  Queue q;
  msqid_ds ds = stat_of(q.get());
  EXPECT_EQ(ds.msg_perm.cuid, geteuid());
  EXPECT_EQ(ds.msg_perm.uid, geteuid());
  EXPECT_EQ(ds.msg_perm.cgid, getegid());
  EXPECT_EQ(ds.msg_perm.gid, getegid());
}

SIGIPC_TEST(SysvMsgGet, CreationSetsModeFromLowNineBitsOfMsgflg, "sysv_msg.get.perm-mode",
            "XSH msgget()",
            "The low-order nine bits of msg_perm.mode are the low-order nine bits of msgflg") {
  for (int mode : {0600, 0640, 0444, 0751, 0000}) {
    int id = msgget(IPC_PRIVATE, IPC_CREAT | mode);
    ASSERT_SUCCEEDS(id);
    SysvId g(SysvId::kMsg, id);
    EXPECT_EQ(mode_of(id), static_cast<unsigned>(mode)) << std::oct << mode;
  }
}

SIGIPC_TEST(SysvMsgGet, CreationInitialisesCountsAndTimes, "sysv_msg.get.initial-state",
            "XSH msgget()",
            "A new queue has msg_qnum, msg_lspid, msg_lrpid, msg_stime and msg_rtime 0, msg_ctime "
            "the current time and msg_qbytes the system limit") {
  StampWindow w;
  Queue q;
  msqid_ds ds = stat_of(q.get());
  EXPECT_EQ(ds.msg_qnum, 0u);
  EXPECT_EQ(ds.msg_lspid, 0);
  EXPECT_EQ(ds.msg_lrpid, 0);
  EXPECT_EQ(ds.msg_stime, 0);
  EXPECT_EQ(ds.msg_rtime, 0);
  EXPECT_STAMP_CURRENT(w, ds.msg_ctime);
  auto mnb = probe_limits().msgmnb;
  if (mnb) {
    EXPECT_EQ(static_cast<long long>(ds.msg_qbytes), *mnb) << "msgmnb";
  }
  EXPECT_GT(ds.msg_qbytes, 0u);
}

SIGIPC_TEST(SysvMsgGet, CreatOnExistingKeyKeepsItsPermissions,
            "sysv_msg.get.creat-existing-keeps-mode", "XSH msgget()",
            "msgget(key, IPC_CREAT|mode) for an existing queue returns it without changing its "
            "msg_perm.mode") {
  Queue q(0600);
  EXPECT_EQ(msgget(q.key, IPC_CREAT | 0644), q.get());
  EXPECT_EQ(stat_of(q.get()).msg_perm.mode & 0777u, 0600u);
}

SIGIPC_TEST(SysvMsgGet, IpcExclWithoutCreatReturnsExistingId, "sysv_msg.get.excl-alone",
            "XSH msgget()",
            "EEXIST needs both IPC_CREAT and IPC_EXCL: msgget(key, IPC_EXCL) of an existing queue "
            "returns its id") {
  Queue q;
  EXPECT_EQ(msgget(q.key, IPC_EXCL | 0600), q.get());
}

}  // namespace
}  // namespace sigipc

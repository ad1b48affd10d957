// Segments between processes: found by key from an unrelated program image,
// attachments private to each process, and IPC_SET permissions governing
// later access. XSH shmget(), XSH shmdt(), XSH shmctl().
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

constexpr int kHelperOk = 0;
constexpr int kHelperBadArgs = 2;
constexpr int kHelperGetFailed = 10;
constexpr int kHelperAttachFailed = 11;
constexpr int kHelperWrongData = 12;

// args: key, the byte expected at offset 0. Writes 'H' at offset 1.
SIGIPC_EXEC_HELPER(sysv_shm_by_key) {
  if (args.size() != 2 || args[1].size() != 1) return kHelperBadArgs;
  int id = shmget(static_cast<key_t>(std::stol(args[0])), 0, 0600);
  if (id < 0) return kHelperGetFailed;
  void* p = shmat(id, nullptr, 0);
  if (p == reinterpret_cast<void*>(-1)) return kHelperAttachFailed;
  volatile char* c = static_cast<volatile char*>(p);
  int rc = c[0] == args[1][0] ? kHelperOk : kHelperWrongData;
  c[1] = 'H';
  shmdt(p);
  return rc;
}

SIGIPC_TEST(SysvShmShare, UnrelatedProcessFindsSegmentByKey, "sysv_shm.get.shared-by-key",
            "XSH shmget()",
            "A process with no inherited attachment (a new program image) gets the same segment "
            "from the key: each side sees the other's stores") {
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(4096, 0600, &key));
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  static_cast<volatile char*>(at.get())[0] = 'K';
  ExecArgv argv("sysv_shm_by_key", {std::to_string(key), "K"});
  Child child([&] {
    argv.exec();
    SafeBuf b;
    b.str("exec of sysv_shm_by_key failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  WaitStatus st = child.wait();
  EXPECT_TRUE(ExitedWith(st, kHelperOk))
      << kHelperGetFailed << ": shmget failed, " << kHelperAttachFailed << ": shmat failed, "
      << kHelperWrongData << ": the helper did not see the parent's byte";
  EXPECT_EQ(static_cast<volatile char*>(at.get())[1], 'H');
}

SIGIPC_TEST(SysvShmShare, ChildDetachLeavesParentAttached, "sysv_shm.detach.per-process",
            "XSH shmdt()",
            "shmdt() in a child detaches only the child's copy: the parent's attachment at the "
            "same address keeps working") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  volatile char* p = static_cast<volatile char*>(at.get());
  WaitStatus st = RunInChild([&] { CHILD_CHECK_OK(shmdt(const_cast<char*>(p))); });
  ASSERT_CHILD_OK(st);
  p[0] = 'k';
  EXPECT_EQ(p[0], 'k');
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 1);
}

SIGIPC_TEST(SysvShmShare, SetModeGovernsLaterAccess, "sysv_shm.set.mode-governs-access",
            "XSH shmctl()",
            "Permission bits set with IPC_SET decide later access checks: a process denied "
            "before is allowed after the mode grants it") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0600);
  WaitStatus before = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK(shmat(seg.get(), nullptr, SHM_RDONLY) == sysv_shm::kShmatFailed);
  });
  ASSERT_CHILD_OK(before);
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  ds.shm_perm.mode = 0604;
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_SET, &ds));
  WaitStatus after = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    void* p = shmat(seg.get(), nullptr, SHM_RDONLY);
    CHILD_CHECK(p != sysv_shm::kShmatFailed);
    CHILD_CHECK_OK(shmdt(p));
  });
  EXPECT_CHILD_OK(after);
}

SIGIPC_TEST(SysvShmShare, SetIgnoresNonPermissionFields, "sysv_shm.set.only-perm-fields",
            "XSH shmctl()",
            "IPC_SET changes only shm_perm.uid, gid and mode: a different shm_segsz or shm_cpid "
            "in the buffer is ignored") {
  sysv_shm::Segment seg(4096);
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  pid_t cpid = ds.shm_cpid;
  ds.shm_segsz = 8192;
  ds.shm_cpid = cpid + 1;
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_SET, &ds));
  struct shmid_ds after = sysv_shm::stat_of(seg.get());
  EXPECT_EQ(after.shm_segsz, 4096u);
  EXPECT_EQ(after.shm_cpid, cpid);
}

}  // namespace
}  // namespace sigipc

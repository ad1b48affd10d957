// shmctl(): IPC_STAT, IPC_SET and IPC_RMID, their permission rules and
// errors. XSH shmctl().
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/id_map.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvShmCtl, StatReportsSegmentSize, "sysv_shm.stat.segsz", "XSH shmctl()",
            "IPC_STAT reports shm_segsz, the size given when the segment was created") {
  const std::size_t len = 3 * page_size() + 1;
  sysv_shm::Segment seg(len);
  struct shmid_ds ds {};
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_STAT, &ds));
  EXPECT_EQ(ds.shm_segsz, len);
}

SIGIPC_TEST(SysvShmCtl, SetChangesOwnerGroupAndMode, "sysv_shm.set.uid-gid-mode", "XSH shmctl()",
            "IPC_SET by the owner sets shm_perm.uid, shm_perm.gid and the low nine mode bits, "
            "leaving cuid/cgid") {
  SIGIPC_REQUIRE_IDS(kNobodyUid, kNobodyGid);
  sysv_shm::Segment seg(4096, 0600);
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  ds.shm_perm.uid = kNobodyUid;
  ds.shm_perm.gid = kNobodyGid;
  ds.shm_perm.mode = 0640;
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_SET, &ds));
  struct shmid_ds after = sysv_shm::stat_of(seg.get());
  EXPECT_EQ(after.shm_perm.uid, kNobodyUid);
  EXPECT_EQ(after.shm_perm.gid, kNobodyGid);
  EXPECT_EQ(after.shm_perm.mode & 0777, 0640u);
  EXPECT_EQ(after.shm_perm.cuid, getuid());
  EXPECT_EQ(after.shm_perm.cgid, getgid());
}

SIGIPC_TEST_T(SysvShmCtl, SetUpdatesCtime, 15.0, "sysv_shm.set.ctime", "XSH shmctl()",
              "IPC_SET sets shm_ctime to the current time") {
  sysv_shm::Segment seg(4096, 0600);
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  StampWindow w = StampWindow::after(ds.shm_ctime);
  ds.shm_perm.mode = 0604;
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_SET, &ds));
  EXPECT_STAMP_CURRENT(w, sysv_shm::stat_of(seg.get()).shm_ctime);
}

SIGIPC_TEST(SysvShmCtl, SetByNonOwnerFailsEperm, "sysv_shm.set.non-owner-eperm", "XSH shmctl()",
            "IPC_SET by a process that is neither privileged nor the creator or owner fails with "
            "EPERM") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0666);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    struct shmid_ds ds {};
    CHILD_CHECK_OK(shmctl(seg.get(), IPC_STAT, &ds));
    ds.shm_perm.mode = 0600;
    CHILD_CHECK_ERRNO(shmctl(seg.get(), IPC_SET, &ds), EPERM);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(sysv_shm::stat_of(seg.get()).shm_perm.mode & 0777, 0666u);
}

SIGIPC_TEST(SysvShmCtl, RmidByNonOwnerFailsEperm, "sysv_shm.rmid.non-owner-eperm", "XSH shmctl()",
            "IPC_RMID by a process that is neither privileged nor the creator or owner fails "
            "with EPERM and the segment stays") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0666);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(shmctl(seg.get(), IPC_RMID, nullptr), EPERM);
  });
  EXPECT_CHILD_OK(st);
  struct shmid_ds ds {};
  EXPECT_SUCCEEDS(shmctl(seg.get(), IPC_STAT, &ds));
}

SIGIPC_TEST(SysvShmCtl, OwnerThatIsNotCreatorMayRemove, "sysv_shm.rmid.owner-allowed",
            "XSH shmctl()",
            "IPC_RMID by an unprivileged process whose effective uid equals shm_perm.uid (not "
            "the creator) succeeds") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0600);
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  ds.shm_perm.uid = kNobodyUid;
  SETUP_OK(shmctl(seg.get(), IPC_SET, &ds));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_OK(shmctl(seg.get(), IPC_RMID, nullptr)); });
  EXPECT_CHILD_OK(st);
  EXPECT_FAILS_WITH(shmctl(seg.get(), IPC_STAT, &ds), EINVAL);
}

SIGIPC_TEST(SysvShmCtl, StatWithoutReadPermissionFailsEacces, "sysv_shm.stat.no-read-eacces",
            "XSH shmctl()",
            "IPC_STAT by a process without read permission on the segment fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0600);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    struct shmid_ds ds {};
    CHILD_CHECK_ERRNO(shmctl(seg.get(), IPC_STAT, &ds), EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SysvShmCtl, InvalidIdFailsEinval, "sysv_shm.ctl.invalid-id-einval", "XSH shmctl()",
            "shmctl() with an id that is not a valid segment id fails with EINVAL") {
  struct shmid_ds ds {};
  EXPECT_FAILS_WITH(shmctl(-1, IPC_STAT, &ds), EINVAL);
  int id = create_sysv_shm(4096);
  SETUP_OK(shmctl(id, IPC_RMID, nullptr));
  EXPECT_FAILS_WITH(shmctl(id, IPC_STAT, &ds), EINVAL) << "a removed id";
}

SIGIPC_TEST(SysvShmCtl, InvalidCommandFailsEinval, "sysv_shm.ctl.invalid-cmd-einval",
            "XSH shmctl()", "shmctl() with a cmd that is not a valid command fails with EINVAL") {
  sysv_shm::Segment seg(4096);
  struct shmid_ds ds {};
  EXPECT_FAILS_WITH(shmctl(seg.get(), 0x7fff, &ds), EINVAL);
}

}  // namespace
}  // namespace sigipc

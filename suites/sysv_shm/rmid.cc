// IPC_RMID on a segment that is still attached: what stays usable and what is
// gone at once. XSH shmctl(); Linux's marked-for-destruction quirks are
// checked against shmctl(2).
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvShmRmid, AttachedMemoryStaysUsableAfterRmid, "sysv_shm.rmid.attached-usable",
            "XSH shmctl()",
            "After IPC_RMID, addresses already attached keep reading and writing the segment's "
            "data until detached") {
  sysv_shm::Segment seg(4096);
  ShmAttachment a(sysv_shm::attach_or_setup_error(seg.get()));
  ShmAttachment b(sysv_shm::attach_or_setup_error(seg.get()));
  static_cast<volatile char*>(a.get())[0] = 'd';
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  EXPECT_EQ(static_cast<volatile char*>(b.get())[0], 'd');
  static_cast<volatile char*>(b.get())[1] = 'e';
  EXPECT_EQ(static_cast<volatile char*>(a.get())[1], 'e');
}

SIGIPC_TEST(SysvShmRmid, RmidFreesKeyAtOnce, "sysv_shm.rmid.key-released", "XSH shmctl()",
            "After IPC_RMID the key no longer finds the segment, even while it is attached: "
            "shmget(key) without IPC_CREAT fails with ENOENT and IPC_CREAT|IPC_EXCL makes a new "
            "one") {
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(4096, 0600, &key));
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  EXPECT_FAILS_WITH(shmget(key, 0, 0600), ENOENT);
  int fresh = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  EXPECT_SUCCEEDS(fresh);
  SysvId fresh_guard(SysvId::kShm, fresh);
  EXPECT_NE(fresh, seg.get());
}

SIGIPC_TEST(SysvShmRmid, SegmentGoneAfterLastDetach, "sysv_shm.rmid.gone-after-last-detach",
            "XSH shmctl()",
            "A segment removed while attached is destroyed at the last detach: its id is then "
            "invalid (EINVAL)") {
  sysv_shm::Segment seg(4096);
  void* p = sysv_shm::attach_or_setup_error(seg.get());
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  ASSERT_SUCCEEDS(shmdt(p));
  struct shmid_ds ds {};
  EXPECT_FAILS_WITH(shmctl(seg.get(), IPC_STAT, &ds), EINVAL);
}

SIGIPC_TEST(SysvShmRmid, UnattachedSegmentRemovedImmediately, "sysv_shm.rmid.unattached-at-once",
            "XSH shmctl()",
            "IPC_RMID of a segment nobody has attached removes it at once: the id is invalid "
            "(EINVAL)") {
  int id = create_sysv_shm(4096);
  ASSERT_SUCCEEDS(shmctl(id, IPC_RMID, nullptr));
  struct shmid_ds ds {};
  EXPECT_FAILS_WITH(shmctl(id, IPC_STAT, &ds), EINVAL);
}

// POSIX: IPC_RMID "remove[s] the shared memory identifier ... from the
// system", so the id is invalid for shmat() from then on. Linux keeps the id
// usable while the segment is attached (shmctl(2) NOTES): expected to FAIL.
SIGIPC_TEST(SysvShmRmid, AttachByIdAfterRmidFails, "sysv_shm.rmid.attach-after-rmid-einval",
            "XSH shmctl()",
            "After IPC_RMID the identifier is removed: shmat() with it fails with EINVAL even "
            "while other attaches remain") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  void* p = shmat(seg.get(), nullptr, 0);
  int e = errno;
  if (p != sysv_shm::kShmatFailed) shmdt(p);
  EXPECT_EQ(p, sysv_shm::kShmatFailed) << "shmat() of a removed identifier succeeded";
  if (p == sysv_shm::kShmatFailed) {
    EXPECT_EQ(e, EINVAL) << ErrnoText(e);
  }
}

// Same POSIX text as above, for shmctl(IPC_STAT): Linux reports the marked
// segment (with SHM_DEST) while it is attached: expected to FAIL.
SIGIPC_TEST(SysvShmRmid, StatByIdAfterRmidFails, "sysv_shm.rmid.stat-after-rmid-einval",
            "XSH shmctl()",
            "After IPC_RMID the identifier and its shmid_ds are removed: IPC_STAT fails with "
            "EINVAL even while attaches remain") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  struct shmid_ds ds {};
  EXPECT_FAILS_WITH(shmctl(seg.get(), IPC_STAT, &ds), EINVAL);
}

SIGIPC_TEST(SysvShmRmid, LinuxAllowsAttachOfMarkedSegment, "sysv_shm.rmid.linux-attach-marked",
            "Linux-only, shmctl(2)",
            "Linux lets a process attach, by id, a segment marked for destruction that is still "
            "attached elsewhere, and it is the same memory") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  static_cast<volatile char*>(at.get())[0] = 'm';
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  void* p = shmat(seg.get(), nullptr, 0);
  ASSERT_NE(p, sysv_shm::kShmatFailed) << ErrnoText(errno);
  ShmAttachment second(p);
  EXPECT_EQ(static_cast<volatile char*>(p)[0], 'm');
}

SIGIPC_TEST(SysvShmRmid, LinuxMarksRemovedSegmentWithShmDest, "sysv_shm.rmid.linux-shm-dest",
            "Linux-only, shmctl(2)",
            "On Linux IPC_STAT of a segment removed while attached shows SHM_DEST in "
            "shm_perm.mode") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  EXPECT_EQ(sysv_shm::stat_of(seg.get()).shm_perm.mode & SHM_DEST, 0u) << "before IPC_RMID";
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_RMID, nullptr));
  struct shmid_ds ds {};
  ASSERT_SUCCEEDS(shmctl(seg.get(), IPC_STAT, &ds));
  EXPECT_NE(ds.shm_perm.mode & SHM_DEST, 0u);
}

}  // namespace
}  // namespace sigipc

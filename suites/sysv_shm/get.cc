// shmget(): creating and finding segments by key, size limits, the initial
// shmid_ds. XSH shmget().
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fstream>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvShmGet, PrivateKeyAlwaysCreatesNewSegment, "sysv_shm.get.ipc-private-new",
            "XSH shmget()",
            "shmget(IPC_PRIVATE, ...) creates a new segment on every call: distinct ids") {
  int a = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  ASSERT_SUCCEEDS(a);
  SysvId ga(SysvId::kShm, a);
  int b = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  ASSERT_SUCCEEDS(b);
  SysvId gb(SysvId::kShm, b);
  EXPECT_NE(a, b);
}

SIGIPC_TEST(SysvShmGet, CreateOnExistingKeyReturnsSameId, "sysv_shm.get.key-existing-same-id",
            "XSH shmget()",
            "shmget(key, ..., IPC_CREAT) for a key that has a segment returns that segment's id") {
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(4096, 0600, &key));
  EXPECT_EQ(shmget(key, 4096, IPC_CREAT | 0600), seg.get());
  EXPECT_EQ(shmget(key, 4096, 0), seg.get()) << "without IPC_CREAT too";
}

SIGIPC_TEST(SysvShmGet, ExclusiveCreateOnExistingKeyFailsEexist, "sysv_shm.get.excl-eexist",
            "XSH shmget()",
            "IPC_CREAT|IPC_EXCL for a key that already has a segment fails with EEXIST") {
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(4096, 0600, &key));
  EXPECT_FAILS_WITH(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
}

SIGIPC_TEST(SysvShmGet, MissingKeyWithoutCreateFailsEnoent, "sysv_shm.get.missing-enoent",
            "XSH shmget()",
            "shmget() without IPC_CREAT for a key that has no segment fails with ENOENT") {
  EXPECT_FAILS_WITH(shmget(UniqueKey(), 4096, 0600), ENOENT);
}

SIGIPC_TEST(SysvShmGet, SizeBelowMinimumFailsEinval, "sysv_shm.get.size-below-min-einval",
            "XSH shmget()",
            "Creating a segment of size 0 (below SHMMIN, which is 1) fails with EINVAL") {
  int id = shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600);
  int e = errno;
  if (id >= 0) shmctl(id, IPC_RMID, nullptr);
  EXPECT_EQ(id, -1);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(SysvShmGet, SizeAboveMaximumFailsEinval, "sysv_shm.get.size-above-max-einval",
            "XSH shmget()",
            "Creating a segment larger than the system maximum (SHMMAX) fails with EINVAL") {
  // probes.h saturates at LLONG_MAX; the default shmmax is above that.
  std::ifstream f("/proc/sys/kernel/shmmax");
  unsigned long long shmmax = 0;
  if (!(f >> shmmax)) SIGIPC_UNSUPPORTED("/proc/sys/kernel/shmmax is not readable");
  if (shmmax >= static_cast<unsigned long long>(SIZE_MAX))
    SIGIPC_UNSUPPORTED("SHMMAX is the largest size_t: no size exceeds it");
  int id = shmget(IPC_PRIVATE, static_cast<std::size_t>(shmmax) + 1, IPC_CREAT | 0600);
  int e = errno;
  if (id >= 0) shmctl(id, IPC_RMID, nullptr);
  EXPECT_EQ(id, -1) << "size SHMMAX+1 = " << shmmax + 1;
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(SysvShmGet, SizeLargerThanExistingFailsEinval,
            "sysv_shm.get.size-above-existing-einval", "XSH shmget()",
            "shmget() for an existing key with a size larger than the segment's fails with "
            "EINVAL") {
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(4096, 0600, &key));
  EXPECT_FAILS_WITH(shmget(key, 4097, 0600), EINVAL);
}

SIGIPC_TEST(SysvShmGet, SmallerOrZeroSizeFindsExisting, "sysv_shm.get.size-zero-or-smaller-ok",
            "XSH shmget()",
            "shmget() for an existing key with size 0 or a smaller size returns the segment") {
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(8192, 0600, &key));
  EXPECT_EQ(shmget(key, 0, 0600), seg.get());
  EXPECT_EQ(shmget(key, 100, 0600), seg.get());
}

SIGIPC_TEST(SysvShmGet, NewSegmentIsZeroFilled, "sysv_shm.get.zero-initialised",
            "Linux-only, shmget(2)",
            "The contents of a newly created segment are initialised to zero") {
  const std::size_t len = 3 * page_size() + 5;
  sysv_shm::Segment seg(len);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get(), SHM_RDONLY));
  const volatile char* p = static_cast<const volatile char*>(at.get());
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < len; ++i) nonzero += p[i] != 0;
  EXPECT_EQ(nonzero, 0u);
}

SIGIPC_TEST(SysvShmGet, KeyWithoutPermissionFailsEacces, "sysv_shm.get.permission-eacces",
            "XSH shmget()",
            "shmget() of an existing key whose permission bits deny the requested access fails "
            "with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  key_t key;
  SysvId seg(SysvId::kShm, create_sysv_shm(4096, 0600, &key));
  WaitStatus st =
      RunAsUser(kNobodyUid, kNobodyGid, [&] { CHILD_CHECK_ERRNO(shmget(key, 0, 0400), EACCES); });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SysvShmGet, CreatorAndOwnerAreEffectiveIds, "sysv_shm.get.init-perm-ids",
            "XSH shmget()",
            "A new segment's shm_perm.cuid and uid are the creator's effective user ID, cgid and "
            "gid its effective group ID") {
  SIGIPC_REQUIRE_USER_SWITCH();
  int id = -1;
  Pipe p;
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    int made = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    CHILD_CHECK_OK(made);
    CHILD_CHECK(write(p.wr(), &made, sizeof made) == static_cast<ssize_t>(sizeof made));
  });
  ASSERT_CHILD_OK(st);
  ASSERT_EQ(read(p.rd(), &id, sizeof id), static_cast<ssize_t>(sizeof id));
  SysvId seg(SysvId::kShm, id);
  struct shmid_ds ds = sysv_shm::stat_of(id);
  EXPECT_EQ(ds.shm_perm.cuid, kNobodyUid);
  EXPECT_EQ(ds.shm_perm.uid, kNobodyUid);
  EXPECT_EQ(ds.shm_perm.cgid, kNobodyGid);
  EXPECT_EQ(ds.shm_perm.gid, kNobodyGid);
}

SIGIPC_TEST(SysvShmGet, ModeIsLowNineBitsOfFlagsWithoutUmask, "sysv_shm.get.init-mode",
            "XSH shmget()",
            "A new segment's permission bits are the low nine bits of shmflg; the file mode "
            "creation mask does not apply") {
  umask(077);
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0666);
  ASSERT_SUCCEEDS(id);
  SysvId seg(SysvId::kShm, id);
  EXPECT_EQ(sysv_shm::stat_of(id).shm_perm.mode & 0777, 0666u);
}

SIGIPC_TEST(SysvShmGet, NewSegmentCountersAndTimesStartAtZero, "sysv_shm.get.init-counters",
            "XSH shmget()",
            "A new segment has shm_segsz = size, and shm_lpid, shm_nattch, shm_atime and "
            "shm_dtime 0") {
  sysv_shm::Segment seg(12345);
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  EXPECT_EQ(ds.shm_segsz, 12345u);
  EXPECT_EQ(ds.shm_lpid, 0);
  EXPECT_EQ(ds.shm_nattch, 0u);
  EXPECT_EQ(ds.shm_atime, 0);
  EXPECT_EQ(ds.shm_dtime, 0);
}

SIGIPC_TEST(SysvShmGet, CtimeIsCreationTime, "sysv_shm.get.init-ctime", "XSH shmget()",
            "A new segment's shm_ctime is set to the current time") {
  StampWindow w;
  sysv_shm::Segment seg(4096);
  EXPECT_STAMP_CURRENT(w, sysv_shm::stat_of(seg.get()).shm_ctime);
}

SIGIPC_TEST(SysvShmGet, CpidIsCreatorPid, "sysv_shm.stat.cpid", "XSH <sys/shm.h>",
            "shm_cpid is the process ID of the creator, here a child that exited since") {
  Pipe p;
  WaitStatus st = RunInChild([&] {
    int made = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    CHILD_CHECK_OK(made);
    pid_t me = getpid();
    CHILD_CHECK(write(p.wr(), &made, sizeof made) == static_cast<ssize_t>(sizeof made));
    CHILD_CHECK(write(p.wr(), &me, sizeof me) == static_cast<ssize_t>(sizeof me));
  });
  ASSERT_CHILD_OK(st);
  int id = -1;
  pid_t child = 0;
  ASSERT_EQ(read(p.rd(), &id, sizeof id), static_cast<ssize_t>(sizeof id));
  ASSERT_EQ(read(p.rd(), &child, sizeof child), static_cast<ssize_t>(sizeof child));
  SysvId seg(SysvId::kShm, id);
  EXPECT_EQ(sysv_shm::stat_of(id).shm_cpid, child);
  EXPECT_NE(child, getpid());
}

}  // namespace
}  // namespace sigipc

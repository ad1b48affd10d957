// Linux-only shmctl() commands: SHM_LOCK/SHM_UNLOCK, IPC_INFO, SHM_INFO,
// SHM_STAT (shmctl(2)). Limits are compared with /proc/sys/kernel, read at
// run time in the test's own IPC namespace.
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <limits>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

constexpr int kCapIpcLock = 14;

bool read_ull(const char* path, unsigned long long* v) {
  std::ifstream f(path);
  return static_cast<bool>(f >> *v);
}

SIGIPC_TEST(SysvShmLinux, LockAndUnlockToggleShmLocked, "sysv_shm.linux.shm-lock",
            "Linux-only, shmctl(2)",
            "SHM_LOCK sets SHM_LOCKED in shm_perm.mode and SHM_UNLOCK clears it") {
  sysv_shm::Segment seg(4096);
  errno = 0;
  if (shmctl(seg.get(), SHM_LOCK, nullptr) != 0) {
    int e = errno;
    // Without CAP_IPC_LOCK the lock is bounded by RLIMIT_MEMLOCK (shmctl(2)).
    if ((e == EPERM || e == ENOMEM) && !has_effective_cap(kCapIpcLock))
      SIGIPC_UNSUPPORTED("SHM_LOCK denied without CAP_IPC_LOCK: " + ErrnoText(e));
    FAIL() << "SHM_LOCK failed with " << ErrnoText(e);
  }
  EXPECT_NE(sysv_shm::stat_of(seg.get()).shm_perm.mode & SHM_LOCKED, 0u);
  ASSERT_SUCCEEDS(shmctl(seg.get(), SHM_UNLOCK, nullptr));
  EXPECT_EQ(sysv_shm::stat_of(seg.get()).shm_perm.mode & SHM_LOCKED, 0u);
}

SIGIPC_TEST(SysvShmLinux, LockByUnprivilegedNonOwnerFailsEperm,
            "sysv_shm.linux.shm-lock-non-owner-eperm", "Linux-only, shmctl(2)",
            "SHM_LOCK by an unprivileged process that is neither owner nor creator fails with "
            "EPERM") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0666);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(shmctl(seg.get(), SHM_LOCK, nullptr), EPERM);
  });
  EXPECT_CHILD_OK(st);
}

// struct shminfo's fields are unsigned long: on a 32-bit ABI they cannot hold
// what a 64-bit kernel shows in /proc (SHMMAX and SHMALL default to
// ULONG_MAX - 2^24 there). Linux's compat path (ipc/shm.c,
// copy_compat_shminfo_to_user) clamps shmmax to INT_MAX and keeps only the
// low 32 bits of shmall, while a 32-bit kernel's own limits always fit and
// are reported as they are. So on a 32-bit ABI shmmax above INT_MAX may read
// as anything from INT_MAX up to the limit, and a shmall the field cannot
// hold has no value to compare with; everything else is exact.
SIGIPC_TEST(SysvShmLinux, IpcInfoReportsSystemLimits, "sysv_shm.linux.ipc-info",
            "Linux-only, shmctl(2)",
            "IPC_INFO fills struct shminfo with the limits in /proc/sys/kernel (shmmax, shmmni, "
            "shmall) as far as its unsigned long fields can hold them; a 32-bit ABI may see "
            "shmmax above INT_MAX saturated at INT_MAX") {
  unsigned long long shmmax, shmmni, shmall;
  if (!read_ull("/proc/sys/kernel/shmmax", &shmmax) ||
      !read_ull("/proc/sys/kernel/shmmni", &shmmni) ||
      !read_ull("/proc/sys/kernel/shmall", &shmall))
    SIGIPC_UNSUPPORTED("/proc/sys/kernel/shm* is not readable");
  struct shminfo info {};
  int r = shmctl(0, IPC_INFO, reinterpret_cast<struct shmid_ds*>(&info));
  ASSERT_SUCCEEDS(r);
  EXPECT_GE(r, 0);
  constexpr unsigned long long kFieldMax = std::numeric_limits<unsigned long>::max();
  constexpr bool kNarrowAbi = kFieldMax < std::numeric_limits<unsigned long long>::max();
  const auto got_max = static_cast<unsigned long long>(info.shmmax);
  if (!kNarrowAbi || shmmax <= static_cast<unsigned long long>(INT_MAX)) {
    EXPECT_EQ(got_max, shmmax);
  } else {
    EXPECT_GE(got_max, static_cast<unsigned long long>(INT_MAX))
        << "shmmax " << shmmax << " reads as less than the INT_MAX a 32-bit ABI saturates at";
    EXPECT_LE(got_max, std::min(shmmax, kFieldMax)) << "more than the system's limit " << shmmax;
  }
  EXPECT_EQ(static_cast<unsigned long long>(info.shmmni), shmmni);
  if (shmall <= kFieldMax) EXPECT_EQ(static_cast<unsigned long long>(info.shmall), shmall);
}

SIGIPC_TEST(SysvShmLinux, ShmInfoCountsSegmentsInUse, "sysv_shm.linux.shm-info",
            "Linux-only, shmctl(2)",
            "SHM_INFO reports used_ids, the number of existing segments: one more after a "
            "shmget()") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  struct shm_info before {};
  ASSERT_SUCCEEDS(shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&before)));
  sysv_shm::Segment seg(4096);
  struct shm_info after {};
  int highest = shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&after));
  ASSERT_SUCCEEDS(highest);
  EXPECT_EQ(after.used_ids, before.used_ids + 1);
  EXPECT_GE(highest, 0) << "the highest used index";
}

SIGIPC_TEST(SysvShmLinux, ShmStatTakesIndexAndReturnsId, "sysv_shm.linux.shm-stat",
            "Linux-only, shmctl(2)",
            "SHM_STAT takes an index into the kernel's array (0..highest from SHM_INFO) and "
            "returns the id of the segment there") {
  sysv_shm::Segment seg(4096);
  struct shm_info info {};
  int highest = shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&info));
  ASSERT_SUCCEEDS(highest);
  bool found = false;
  for (int idx = 0; idx <= highest && !found; ++idx) {
    struct shmid_ds ds {};
    int id = shmctl(idx, SHM_STAT, &ds);
    if (id == seg.get()) {
      found = true;
      EXPECT_EQ(ds.shm_segsz, 4096u);
    }
  }
  EXPECT_TRUE(found) << "no index 0.." << highest << " gave the segment's id " << seg.get();
}

}  // namespace
}  // namespace sigipc

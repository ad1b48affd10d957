// Linux-only semctl() commands IPC_INFO, SEM_INFO and SEM_STAT (semctl(2)).
#include <sys/sem.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/probes.h"
#include "fixtures/registry.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::semun;
using sysv_sem::Set;

SIGIPC_TEST(SysvSemInfo, IpcInfoReportsProcLimits, "sysv_sem.info.ipc-info-limits",
            "Linux-only, semctl(2)",
            "IPC_INFO fills struct seminfo with the limits of /proc/sys/kernel/sem (semmsl, "
            "semmns, semopm, semmni)") {
  Limits l = probe_limits();
  if (l.sem_semmsl < 0) SIGIPC_UNSUPPORTED("/proc/sys/kernel/sem not readable");
  struct seminfo si {};
  semun u{};
  u.__buf = &si;
  ASSERT_SUCCEEDS(semctl(0, 0, IPC_INFO, u));
  EXPECT_EQ(si.semmsl, l.sem_semmsl);
  EXPECT_EQ(si.semmns, l.sem_semmns);
  EXPECT_EQ(si.semopm, l.sem_semopm);
  EXPECT_EQ(si.semmni, l.sem_semmni);
}

SIGIPC_TEST(SysvSemInfo, IpcInfoReturnsHighestUsedIndex, "sysv_sem.info.ipc-info-return",
            "Linux-only, semctl(2)",
            "IPC_INFO returns the index of the highest used entry, through which SEM_STAT finds "
            "every existing set") {
  Set s(1);
  struct seminfo si {};
  semun u{};
  u.__buf = &si;
  int maxidx = semctl(0, 0, IPC_INFO, u);
  ASSERT_GE(maxidx, 0) << ErrnoText(errno);
  bool found = false;
  for (int i = 0; i <= maxidx && !found; ++i) {
    struct semid_ds ds {};
    semun v{};
    v.buf = &ds;
    if (semctl(i, 0, SEM_STAT, v) == s.get()) found = true;
  }
  EXPECT_TRUE(found) << "no index 0.." << maxidx << " gives our set's identifier";
}

SIGIPC_TEST(SysvSemInfo, SemStatFillsBufferForIndex, "sysv_sem.info.sem-stat-buffer",
            "Linux-only, semctl(2)",
            "SEM_STAT with an index fills semid_ds like IPC_STAT and returns the set's "
            "identifier") {
  Set s(3);
  struct seminfo si {};
  semun u{};
  u.__buf = &si;
  int maxidx = semctl(0, 0, IPC_INFO, u);
  ASSERT_GE(maxidx, 0);
  for (int i = 0; i <= maxidx; ++i) {
    struct semid_ds ds {};
    semun v{};
    v.buf = &ds;
    if (semctl(i, 0, SEM_STAT, v) != s.get()) continue;
    EXPECT_EQ(ds.sem_nsems, 3u);
    EXPECT_EQ(ds.sem_perm.mode & 0777, 0600u);
    return;
  }
  ADD_FAILURE() << "SEM_STAT never returned our identifier";
}

SIGIPC_TEST(SysvSemInfo, SemInfoCountsSets, "sysv_sem.info.sem-info-semusz",
            "Linux-only, semctl(2)",
            "SEM_INFO reports in semusz the number of existing sets and in semaem the number of "
            "semaphores in them") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  auto read = [](struct seminfo* si) {
    semun u{};
    u.__buf = si;
    return semctl(0, 0, SEM_INFO, u);
  };
  struct seminfo a {
  }, b{};
  ASSERT_SUCCEEDS(read(&a));
  Set s(4);
  ASSERT_SUCCEEDS(read(&b));
  EXPECT_EQ(b.semusz, a.semusz + 1);
  EXPECT_EQ(b.semaem, a.semaem + 4);
}

SIGIPC_TEST(SysvSemInfo, SemStatOfUnusedIndexFailsWithEinval, "sysv_sem.info.sem-stat-einval",
            "Linux-only, semctl(2)",
            "SEM_STAT with an index above the highest used entry fails with EINVAL") {
  // Another program's set created between the calls would fill that index.
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  Set s(1);
  struct seminfo si {};
  semun u{};
  u.__buf = &si;
  int maxidx = semctl(0, 0, IPC_INFO, u);
  ASSERT_GE(maxidx, 0);
  struct semid_ds ds {};
  semun v{};
  v.buf = &ds;
  EXPECT_FAILS_WITH(semctl(maxidx + 1, 0, SEM_STAT, v), EINVAL);
}

}  // namespace
}  // namespace sigipc

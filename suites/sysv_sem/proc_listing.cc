// /proc/sysvipc/sem (proc(5), Linux-only): one line per semaphore set of the
// reader's IPC namespace, with the values semctl(IPC_STAT) reports.
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/registry.h"
#include "fixtures/sysvipc_proc.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvSemProc, ProcSysvipcSemListsSetUntilRemoved, "sysv_sem.linux.proc-sysvipc",
            "Linux-only, proc(5) /proc/sysvipc",
            "/proc/sysvipc/sem lists an existing set with its key, permissions, number of "
            "semaphores and owner, and no longer lists it once removed") {
  key_t key = 0;
  SysvId id(SysvId::kSem, create_sysv_sem(5, 0604, &key));
  auto row = sysvipc_row("/proc/sysvipc/sem", "semid", id.get());
  if (!row && access("/proc/sysvipc/sem", R_OK) != 0)
    SIGIPC_UNSUPPORTED("/proc/sysvipc/sem is not readable here");
  ASSERT_TRUE(row) << "no row for semid " << id.get();
  EXPECT_EQ((*row)["key"], std::to_string(key));
  EXPECT_EQ((*row)["perms"], "604");
  EXPECT_EQ((*row)["nsems"], "5");
  EXPECT_EQ((*row)["uid"], std::to_string(geteuid()));
  EXPECT_EQ((*row)["cuid"], std::to_string(geteuid()));
  EXPECT_EQ((*row)["gid"], std::to_string(getegid()));
  int removed = id.get();
  id.reset();
  EXPECT_FALSE(sysvipc_row("/proc/sysvipc/sem", "semid", removed))
      << "semid " << removed << " is still listed after IPC_RMID";
}

}  // namespace
}  // namespace sigipc

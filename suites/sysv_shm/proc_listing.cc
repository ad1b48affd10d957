// /proc/sysvipc/shm (proc(5), Linux-only): one line per segment of the
// reader's IPC namespace, with the values shmctl(IPC_STAT) reports.
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/registry.h"
#include "fixtures/sysvipc_proc.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

std::string octal(unsigned v) {
  char buf[16];
  snprintf(buf, sizeof buf, "%o", v);
  return buf;
}

SIGIPC_TEST(SysvShmProc, ProcSysvipcShmListsSegmentUntilRemoved, "sysv_shm.linux.proc-sysvipc",
            "Linux-only, proc(5) /proc/sysvipc",
            "/proc/sysvipc/shm lists an existing segment with its key, permissions, size, "
            "creator pid, attach count and owner, and no longer lists it once removed") {
  key_t key = 0;
  SysvId id(SysvId::kShm, create_sysv_shm(8192, 0640, &key));
  {
    ShmAttachment at(sysv_shm::attach_or_setup_error(id.get()));
    auto row = sysvipc_row("/proc/sysvipc/shm", "shmid", id.get());
    if (!row && access("/proc/sysvipc/shm", R_OK) != 0)
      SIGIPC_UNSUPPORTED("/proc/sysvipc/shm is not readable here");
    ASSERT_TRUE(row) << "no row for shmid " << id.get();
    EXPECT_EQ((*row)["key"], std::to_string(key));
    EXPECT_EQ((*row)["perms"], octal(0640));
    EXPECT_EQ((*row)["size"], "8192");
    EXPECT_EQ((*row)["cpid"], std::to_string(getpid()));
    EXPECT_EQ((*row)["nattch"], "1");
    EXPECT_EQ((*row)["uid"], std::to_string(geteuid()));
    EXPECT_EQ((*row)["cuid"], std::to_string(geteuid()));
  }
  int removed = id.get();
  id.reset();
  EXPECT_FALSE(sysvipc_row("/proc/sysvipc/shm", "shmid", removed))
      << "shmid " << removed << " is still listed after IPC_RMID";
}

}  // namespace
}  // namespace sigipc

// /proc/sysvipc/msg (proc(5), Linux-only): one line per message queue of the
// reader's IPC namespace, with the values msgctl(IPC_STAT) reports.
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/registry.h"
#include "fixtures/sysvipc_proc.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvMsgProc, ProcSysvipcMsgListsQueueUntilRemoved, "sysv_msg.linux.proc-sysvipc",
            "Linux-only, proc(5) /proc/sysvipc",
            "/proc/sysvipc/msg lists an existing queue with its key, permissions, bytes and "
            "number of messages, last sender and owner, and no longer lists it once removed") {
  key_t key = 0;
  SysvId id(SysvId::kMsg, create_sysv_msg(0620, &key));
  ASSERT_SUCCEEDS(sysv_msg::send(id.get(), 1, "hello", 5));
  ASSERT_SUCCEEDS(sysv_msg::send(id.get(), 2, "abc", 3));
  auto row = sysvipc_row("/proc/sysvipc/msg", "msqid", id.get());
  if (!row && access("/proc/sysvipc/msg", R_OK) != 0)
    SIGIPC_UNSUPPORTED("/proc/sysvipc/msg is not readable here");
  ASSERT_TRUE(row) << "no row for msqid " << id.get();
  EXPECT_EQ((*row)["key"], std::to_string(key));
  EXPECT_EQ((*row)["perms"], "620");
  EXPECT_EQ((*row)["cbytes"], "8");
  EXPECT_EQ((*row)["qnum"], "2");
  EXPECT_EQ((*row)["lspid"], std::to_string(getpid()));
  EXPECT_EQ((*row)["lrpid"], "0");
  EXPECT_EQ((*row)["uid"], std::to_string(geteuid()));
  EXPECT_EQ((*row)["cuid"], std::to_string(geteuid()));
  int removed = id.get();
  id.reset();
  EXPECT_FALSE(sysvipc_row("/proc/sysvipc/msg", "msqid", removed))
      << "msqid " << removed << " is still listed after IPC_RMID";
}

}  // namespace
}  // namespace sigipc

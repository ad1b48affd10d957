// System V IPC files of /proc/sys/kernel (proc(5), Linux-only), read and
// written in the test's own IPC namespace, where they are private.
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

// Writes text to a /proc/sys file: 0, or the errno of the failure.
int write_proc(const char* path, const std::string& text) {
  UniqueFd fd(open(path, O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  return write_all(fd.get(), text.data(), text.size()) ? 0 : errno;
}

SIGIPC_TEST(SysvMsgSysctl, MsgNextIdSetsTheNextQueueIdOnce, "sysv_msg.linux.msg-next-id",
            "Linux-only, proc(5) /proc/sys/kernel/msg_next_id",
            "After a value is written to msg_next_id, the next queue created gets that identifier "
            "and the file reads -1 again") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  const char* path = "/proc/sys/kernel/msg_next_id";
  auto before = read_proc_number(path);
  if (!before) SIGIPC_UNSUPPORTED("/proc/sys/kernel/msg_next_id is not readable");
  EXPECT_EQ(*before, -1) << "a fresh namespace allocates ids normally";
  const int wanted = 2 * 32768 + 5;  // sequence 2, slot 5 (IPCMNI 32768)
  if (int e = write_proc(path, std::to_string(wanted)))
    SIGIPC_UNSUPPORTED("cannot write msg_next_id: " + ErrnoText(e));
  SysvId q(SysvId::kMsg, msgget(IPC_PRIVATE, IPC_CREAT | 0600));
  ASSERT_SUCCEEDS(q.get());
  EXPECT_EQ(q.get(), wanted);
  EXPECT_EQ(read_proc_number(path).value_or(0), -1) << "the value was not used up";
  SysvId next(SysvId::kMsg, msgget(IPC_PRIVATE, IPC_CREAT | 0600));
  ASSERT_SUCCEEDS(next.get());
  EXPECT_NE(next.get(), wanted);
}

SIGIPC_TEST(SysvMsgSysctl, AutoMsgmniReadsZeroAndIgnoresWrites,
            "sysv_msg.linux.auto-msgmni-no-effect",
            "Linux-only, proc(5) /proc/sys/kernel/auto_msgmni",
            "Since Linux 3.19 auto_msgmni has no effect and reads always return 0, also after 1 "
            "was written") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  const char* path = "/proc/sys/kernel/auto_msgmni";
  auto value = read_proc_number(path);
  if (!value)
    SIGIPC_UNSUPPORTED("/proc/sys/kernel/auto_msgmni is absent (a kernel before 2.6.27?)");
  EXPECT_EQ(*value, 0);
  auto msgmni = read_proc_number("/proc/sys/kernel/msgmni");
  if (int e = write_proc(path, "1"))
    SIGIPC_UNSUPPORTED("cannot write auto_msgmni: " + ErrnoText(e));
  EXPECT_EQ(read_proc_number(path).value_or(-1), 0);
  EXPECT_EQ(read_proc_number("/proc/sys/kernel/msgmni"), msgmni) << "msgmni changed";
}

}  // namespace
}  // namespace sigipc

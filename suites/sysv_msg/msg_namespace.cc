// IPC namespaces (Linux-only): a queue is visible only to the processes of
// the namespace it was created in (ipc_namespaces(7)); setns(2) on
// /proc/PID/ns/ipc moves a process into another one, which then sees that
// namespace's queues under their keys; ioctl_ns(2) NS_GET_USERNS names the
// user namespace that owns an IPC namespace.
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

constexpr key_t kKey = 0x51c0ffee;

// Why this process cannot make an IPC namespace, or "".
std::string cannot_unshare_ipc_reason() {
  Pipe err;
  WaitStatus st = RunInChild([&] {
    int e = unshare(CLONE_NEWIPC) == 0 ? 0 : errno;
    CHILD_CHECK(write_all(err.wr(), &e, sizeof e));
  });
  int e = -1;
  err.close_wr();
  if (!ExitedWith(st, 0) || read_all(err.rd(), &e, sizeof e) != sizeof e) return "probe died";
  return e == 0 ? "" : "unshare(CLONE_NEWIPC) failed with " + ErrnoText(e);
}

SIGIPC_TEST(SysvMsgNamespace, SetnsIntoAnotherIpcNamespaceSeesItsQueues,
            "sysv_msg.linux.setns-ipc-namespace", "Linux-only, setns(2), ipc_namespaces(7)",
            "A queue created in another IPC namespace is invisible under its key until setns() "
            "with CLONE_NEWIPC joins that namespace, where msgget() finds the same queue and its "
            "message") {
  std::string why = cannot_unshare_ipc_reason();
  if (!why.empty()) SIGIPC_UNSUPPORTED(why);
  Pipe ids;
  Gate done;
  Child owner([&] {
    CHILD_CHECK_OK(unshare(CLONE_NEWIPC));
    int id = msgget(kKey, IPC_CREAT | IPC_EXCL | 0600);
    CHILD_CHECK_OK(id);
    CHILD_CHECK_OK(sysv_msg::send(id, 7, "in-ns", 5));
    CHILD_CHECK(write_all(ids.wr(), &id, sizeof id));
    done.wait();
  });
  ids.close_wr();
  int id = -1;
  ASSERT_EQ(read_all(ids.rd(), &id, sizeof id), sizeof id) << "the owner died";
  std::string path = "/proc/" + std::to_string(owner.pid()) + "/ns/ipc";
  UniqueFd ns(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_SUCCEEDS(ns.get());
  WaitStatus joiner = RunInChild([&] {
    CHILD_CHECK_OK(unshare(CLONE_NEWIPC));
    CHILD_CHECK_ERRNO(msgget(kKey, 0), ENOENT);
    CHILD_CHECK_OK(setns(ns.get(), CLONE_NEWIPC));
    CHILD_CHECK_EQ(msgget(kKey, 0), id);
    sysv_msg::Received r = sysv_msg::recv(id, 7, IPC_NOWAIT);
    CHILD_CHECK(r.text_is("in-ns"));
  });
  ns = UniqueFd();
  done.open();
  EXPECT_CHILD_OK(joiner);
  EXPECT_CHILD_OK(owner.wait());
}

SIGIPC_TEST(SysvMsgNamespace, NsGetUsernsNamesTheOwningUserNamespace, "sysv_msg.linux.ipc-ns-owner",
            "Linux-only, ioctl_ns(2) NS_GET_USERNS",
            "NS_GET_USERNS on an IPC namespace file gives a descriptor of the user namespace "
            "that owns it: for the caller's own IPC namespace, the caller's user namespace") {
  UniqueFd ipc(open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC));
  ASSERT_SUCCEEDS(ipc.get());
  UniqueFd owner(ioctl(ipc.get(), NS_GET_USERNS));
  if (owner.get() < 0 && (errno == ENOTTY || errno == EPERM))
    SIGIPC_UNSUPPORTED("NS_GET_USERNS is not available: " + ErrnoText(errno));
  ASSERT_SUCCEEDS(owner.get());
  struct stat got {
  }, mine{};
  ASSERT_SUCCEEDS(fstat(owner.get(), &got));
  ASSERT_SUCCEEDS(stat("/proc/self/ns/user", &mine));
  EXPECT_EQ(got.st_dev, mine.st_dev);
  EXPECT_EQ(got.st_ino, mine.st_ino);
}

}  // namespace
}  // namespace sigipc

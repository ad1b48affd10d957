// Message queue descriptors across fork() and exec, and the lifetime of a
// queue after its name is gone. XSH fork(), XSH exec, XSH mq_unlink().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/rlimit.h"
#include "suites/posix_mq/mq_helpers.h"

#include <sys/resource.h>

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqLifecycle, ChildUsesInheritedDescriptor, "posix_mq.fork.inherits-descriptor",
            "XSH fork()",
            "A child inherits the parent's message queue descriptors: a message the child sends "
            "through its copy is received by the parent") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8));
  WaitStatus st = RunInChild([&] { CHILD_CHECK_OK(mq_send(d.get(), "c", 1, 0)); });
  ASSERT_CHILD_OK(st);
  mq_attr a = posix_mq::attr_of(d.get());
  ASSERT_EQ(a.mq_curmsgs, 1) << "the child's message is not on the parent's queue";
  char buf[8] = {};
  EXPECT_EQ(mq_receive(d.get(), buf, sizeof buf, nullptr), 1) << ErrnoText(errno);
  EXPECT_EQ(buf[0], 'c');
}

SIGIPC_TEST(PosixMqLifecycle, ChildSharesOpenDescription, "posix_mq.fork.shared-description",
            "XSH fork()",
            "Each child descriptor refers to the same open message queue description as the "
            "parent's: O_NONBLOCK set with mq_setattr() in the child shows in the parent") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  WaitStatus st = RunInChild([&] {
    mq_attr want{};
    want.mq_flags = O_NONBLOCK;
    CHILD_CHECK_OK(mq_setattr(d.get(), &want, nullptr));
  });
  ASSERT_CHILD_OK(st);
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_flags, O_NONBLOCK);
}

SIGIPC_TEST(PosixMqLifecycle, CloseInChildLeavesParentDescriptor, "posix_mq.fork.child-close",
            "XSH fork()",
            "mq_close() in the child closes only the child's copy: the parent's descriptor stays "
            "valid") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  WaitStatus st = RunInChild([&] { CHILD_CHECK_OK(mq_close(d.get())); });
  ASSERT_CHILD_OK(st);
  EXPECT_SUCCEEDS(mq_send(d.get(), "p", 1, 0));
}

// ---- exec ----

constexpr int kHelperBadArgs = 2;
constexpr int kMqClosed = 10;  // mq_getattr: EBADF (closed, or the number now names another file)
constexpr int kMqOpen = 11;

// args: the descriptor number.
SIGIPC_EXEC_HELPER(posix_mq_descriptor_state) {
  if (args.size() != 1) return kHelperBadArgs;
  int fd;
  try {
    fd = std::stoi(args[0]);
  } catch (...) {
    return kHelperBadArgs;
  }
  mq_attr a{};
  if (mq_getattr(static_cast<mqd_t>(fd), &a) == 0) return kMqOpen;
  return errno == EBADF ? kMqClosed : kHelperBadArgs;
}

SIGIPC_TEST(PosixMqLifecycle, ExecClosesMessageQueueDescriptors, "posix_mq.exec.closes-descriptors",
            "XSH exec",
            "All open message queue descriptors in the calling process are closed by a "
            "successful exec: the new image cannot use the number") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  ExecArgv argv("posix_mq_descriptor_state", {std::to_string(d.get())});
  Child child([&] {
    argv.exec();
    SafeBuf b;
    b.str("exec of the posix_mq_descriptor_state helper failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  WaitStatus st = child.wait();
  EXPECT_TRUE(ExitedWith(st, kMqClosed))
      << "exit " << kMqOpen << " means the descriptor was still a message queue after exec";
}

// ---- lifetime after unlink, observed through RLIMIT_MSGQUEUE ----

SIGIPC_TEST(PosixMqLifecycle, UnlinkedQueueIsDestroyedAtLastClose,
            "posix_mq.unlink.destroyed-at-last-close", "Linux-only, mq_overview(7)",
            "An unlinked queue still open keeps its resources (its bytes count against "
            "RLIMIT_MSGQUEUE) and is destroyed at the last mq_close(), which frees them") {
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName first, second;
  WaitStatus st = posix_mq::RunAsPrivateUser([&] {
    // Room for one queue of 3000 bytes (plus bookkeeping), not two.
    CHILD_LOWER_LIMIT(RLIMIT_MSGQUEUE, 4096, 4096);
    mq_attr a{};
    a.mq_maxmsg = 1;
    a.mq_msgsize = 3000;
    mqd_t d = mq_open(first.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    CHILD_CHECK_OK(d);
    CHILD_CHECK_OK(mq_unlink(first.c_str()));
    // Still open: the queue and its bytes persist.
    CHILD_CHECK_ERRNO(mq_open(second.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a), EMFILE);
    CHILD_CHECK_OK(mq_close(d));
    mqd_t d2 = mq_open(second.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    CHILD_CHECK_OK(d2);
    mq_close(d2);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc

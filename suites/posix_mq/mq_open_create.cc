// mq_open() creating and re-opening queues: attributes, O_CREAT on an existing
// queue, O_EXCL, a missing name. XSH mq_open().
#include <fcntl.h>
#include <mqueue.h>
#include <sys/stat.h>

#include <algorithm>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqOpen, CreateReturnsUsableDescriptor, "posix_mq.open.creat-creates",
            "XSH mq_open()",
            "O_CREAT on a name that does not exist creates the queue and returns a descriptor "
            "that later mq_open() calls without O_CREAT can name") {
  MqName name;
  mq_attr a = posix_mq::make_attr(2, 8);
  errno = 0;
  MqHandle d(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a));
  ASSERT_TRUE(d.valid()) << "mq_open(O_CREAT) failed with " << ErrnoText(errno);
  MqHandle again(mq_open(name.c_str(), O_RDONLY));
  EXPECT_TRUE(again.valid()) << "the created queue is not found by name: " << ErrnoText(errno);
}

SIGIPC_TEST(PosixMqOpen, CreateAppliesRequestedMaxmsgAndMsgsize, "posix_mq.open.creat-attr-applied",
            "XSH mq_open()",
            "With O_CREAT and a non-NULL attr the queue is created with attr's mq_maxmsg and "
            "mq_msgsize, and mq_getattr() reports them") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 3, 77));
  mq_attr got{};
  ASSERT_SUCCEEDS(mq_getattr(d.get(), &got));
  EXPECT_EQ(got.mq_maxmsg, 3);
  EXPECT_EQ(got.mq_msgsize, 77);
}

SIGIPC_TEST(PosixMqOpen, NewQueueIsEmpty, "posix_mq.open.creat-empty", "XSH mq_getattr()",
            "A newly created queue holds no messages: mq_curmsgs is 0") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8));
  mq_attr got{};
  ASSERT_SUCCEEDS(mq_getattr(d.get(), &got));
  EXPECT_EQ(got.mq_curmsgs, 0);
}

SIGIPC_TEST(PosixMqOpen, NullAttrUsesLinuxDefaults, "posix_mq.open.creat-null-attr-defaults",
            "Linux-only, mq_overview(7)",
            "O_CREAT with attr NULL uses implementation-defined defaults; Linux takes them from "
            "/proc/sys/fs/mqueue/msg_default and msgsize_default (capped by msg_max and "
            "msgsize_max)") {
  auto msg_def = posix_mq::proc_limit("msg_default"),
       size_def = posix_mq::proc_limit("msgsize_default");
  auto msg_max = posix_mq::proc_limit("msg_max"), size_max = posix_mq::proc_limit("msgsize_max");
  if (!msg_def || !size_def || !msg_max || !size_max)
    SIGIPC_UNSUPPORTED("/proc/sys/fs/mqueue/{msg,msgsize}_{default,max} are not all present");
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  // msg_default * msgsize_default bytes: under a uid of its own, so parallel
  // tests' queues cannot exhaust RLIMIT_MSGQUEUE (mq_helpers.h).
  WaitStatus st = posix_mq::RunAsPrivateUser([&] {
    mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, nullptr);
    CHILD_CHECK_OK(d);
    mq_attr got{};
    CHILD_CHECK_OK(mq_getattr(d, &got));
    CHILD_CHECK_EQ(got.mq_maxmsg, std::min(*msg_def, *msg_max));
    CHILD_CHECK_EQ(got.mq_msgsize, std::min(*size_def, *size_max));
    CHILD_CHECK_EQ(got.mq_curmsgs, 0);
    mq_close(d);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixMqOpen, CreatOnExistingQueueOpensIt, "posix_mq.open.creat-existing-opens",
            "XSH mq_open()",
            "O_CREAT without O_EXCL on an existing queue opens that queue: a message sent "
            "through the first descriptor is seen through the second") {
  MqName name;
  MqHandle first(posix_mq::create(name.c_str(), 2, 8));
  posix_mq::fill(first.get(), 1);
  mq_attr a = posix_mq::make_attr(2, 8);
  errno = 0;
  MqHandle second(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a));
  ASSERT_TRUE(second.valid()) << "mq_open(O_CREAT) of an existing queue: " << ErrnoText(errno);
  EXPECT_EQ(posix_mq::attr_of(second.get()).mq_curmsgs, 1) << "a new, distinct queue was created";
}

SIGIPC_TEST(PosixMqOpen, CreatOnExistingQueueIgnoresAttr,
            "posix_mq.open.creat-existing-ignores-attr", "XSH mq_open()",
            "When the queue already exists, O_CREAT has no effect: attr is ignored and the "
            "queue keeps the attributes it was created with") {
  MqName name;
  MqHandle first(posix_mq::create(name.c_str(), 2, 8));
  mq_attr other = posix_mq::make_attr(3, 64);
  errno = 0;
  MqHandle second(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &other));
  ASSERT_TRUE(second.valid()) << ErrnoText(errno);
  mq_attr got = posix_mq::attr_of(second.get());
  EXPECT_EQ(got.mq_maxmsg, 2);
  EXPECT_EQ(got.mq_msgsize, 8);
}

SIGIPC_TEST(PosixMqOpen, CreatOnExistingQueueIgnoresMode,
            "posix_mq.open.creat-existing-ignores-mode", "Linux-only, mq_overview(7)",
            "O_CREAT on an existing queue leaves its permission bits unchanged (the mode argument "
            "is ignored); Linux shows them through fstat() of the descriptor") {
  MqName name;
  MqHandle first(posix_mq::create(name.c_str(), 2, 8, 0600));
  mode_t before = posix_mq::fstat_of(first.get()).st_mode & 07777;
  mq_attr a = posix_mq::make_attr(2, 8);
  MqHandle second(SETUP_OK(mq_open(name.c_str(), O_RDWR | O_CREAT, 0644, &a)));
  EXPECT_EQ(posix_mq::fstat_of(second.get()).st_mode & 07777, before);
}

SIGIPC_TEST(PosixMqOpen, CreatExclOnExistingQueueFailsEexist, "posix_mq.open.excl-eexist",
            "XSH mq_open()", "O_CREAT|O_EXCL on a name that exists fails with EEXIST") {
  MqName name;
  MqHandle first(posix_mq::create(name.c_str()));
  mq_attr a = posix_mq::make_attr(2, 8);
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a), EEXIST);
}

SIGIPC_TEST(PosixMqOpen, CreatExclOnNewNameCreates, "posix_mq.open.excl-new-creates",
            "XSH mq_open()",
            "O_CREAT|O_EXCL on a name that does not exist succeeds and creates the queue") {
  MqName name;
  mq_attr a = posix_mq::make_attr(2, 8);
  errno = 0;
  MqHandle d(mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a));
  EXPECT_TRUE(d.valid()) << ErrnoText(errno);
}

SIGIPC_TEST(PosixMqOpen, OpenWithoutCreatOfMissingNameFailsEnoent, "posix_mq.open.missing-enoent",
            "XSH mq_open()",
            "Without O_CREAT, mq_open() of a name that does not exist fails with ENOENT") {
  MqName name;
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR), ENOENT);
}

SIGIPC_TEST(PosixMqOpen, TwoOpensGiveDistinctDescriptors, "posix_mq.open.distinct-descriptors",
            "XSH mq_open()",
            "Each successful mq_open() returns a new message queue descriptor, distinct from "
            "descriptors already open for the same queue") {
  MqName name;
  MqHandle a(posix_mq::create(name.c_str()));
  MqHandle b(SETUP_OK(mq_open(name.c_str(), O_RDWR)));
  EXPECT_NE(a.get(), b.get());
}

SIGIPC_TEST(PosixMqOpen, DescriptorIsCloseOnExec, "posix_mq.open.cloexec",
            "Linux-only, mq_overview(7)",
            "On Linux a message queue descriptor is a file descriptor, and the kernel opens it "
            "with FD_CLOEXEC set, which is how XSH exec's closing rule is met") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  int fl = SETUP_OK(fcntl(d.get(), F_GETFD));
  EXPECT_NE(fl & FD_CLOEXEC, 0);
}

SIGIPC_TEST(PosixMqOpen, NameRefersToSameQueueInOtherProcess, "posix_mq.open.name-shared",
            "XSH mq_open()",
            "The name identifies the queue for every process: a child that opens the name itself "
            "(not an inherited descriptor) reaches the queue the parent created") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8));
  WaitStatus st = RunInChild([&] {
    mqd_t mine = mq_open(name.c_str(), O_WRONLY);
    CHILD_CHECK_OK(mine);
    CHILD_CHECK(mine != d.get());
    CHILD_CHECK_OK(mq_send(mine, "n", 1, 0));
    mq_close(mine);
  });
  ASSERT_CHILD_OK(st);
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_curmsgs, 1);
}

}  // namespace
}  // namespace sigipc

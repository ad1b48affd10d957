// mq_unlink(): the name goes at once, the queue lives on while open, and the
// errors. XSH mq_unlink().
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqUnlink, NameIsRemovedAtOnce, "posix_mq.unlink.removes-name", "XSH mq_unlink()",
            "mq_unlink() returns 0 and removes the name even while descriptors are open: a later "
            "mq_open() without O_CREAT fails with ENOENT") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  ASSERT_EQ(mq_unlink(name.c_str()), 0) << ErrnoText(errno);
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR), ENOENT);
}

SIGIPC_TEST(PosixMqUnlink, OpenDescriptorsKeepWorking, "posix_mq.unlink.open-descriptors-work",
            "XSH mq_unlink()",
            "After mq_unlink(), descriptors opened before keep referring to the queue: messages "
            "queued before are still there and send and receive still work") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 3, 8));
  posix_mq::fill(d.get(), 1);
  ASSERT_SUCCEEDS(mq_unlink(name.c_str()));
  EXPECT_SUCCEEDS(mq_send(d.get(), "z", 1, 0));
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_curmsgs, 2);
  char buf[8] = {};
  EXPECT_EQ(mq_receive(d.get(), buf, sizeof buf, nullptr), 1) << ErrnoText(errno);
  EXPECT_EQ(buf[0], 'a') << "the message queued before the unlink";
}

SIGIPC_TEST(PosixMqUnlink, RecreatedNameIsANewQueue, "posix_mq.unlink.recreate-distinct",
            "XSH mq_unlink()",
            "Once unlinked, the name can be created again (O_CREAT|O_EXCL succeeds) and names a "
            "new queue, distinct from the one still open") {
  MqName name;
  MqHandle old_q(posix_mq::create(name.c_str(), 3, 8));
  posix_mq::fill(old_q.get(), 1);
  ASSERT_SUCCEEDS(mq_unlink(name.c_str()));
  mq_attr a = posix_mq::make_attr(2, 16);
  errno = 0;
  MqHandle new_q(mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a));
  ASSERT_TRUE(new_q.valid()) << "re-creating an unlinked name: " << ErrnoText(errno);
  mq_attr got = posix_mq::attr_of(new_q.get());
  EXPECT_EQ(got.mq_curmsgs, 0);
  EXPECT_EQ(got.mq_msgsize, 16);
  EXPECT_EQ(posix_mq::attr_of(old_q.get()).mq_curmsgs, 1) << "the old queue must be untouched";
}

SIGIPC_TEST(PosixMqUnlink, MissingNameFailsEnoent, "posix_mq.unlink.missing-enoent",
            "XSH mq_unlink()", "mq_unlink() of a name that does not exist fails with ENOENT") {
  MqName name;
  EXPECT_FAILS_WITH(mq_unlink(name.c_str()), ENOENT);
}

SIGIPC_TEST(PosixMqUnlink, SecondUnlinkFailsEnoent, "posix_mq.unlink.twice-enoent",
            "XSH mq_unlink()",
            "A second mq_unlink() of the same name fails with ENOENT, though the queue is still "
            "open") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  ASSERT_SUCCEEDS(mq_unlink(name.c_str()));
  EXPECT_FAILS_WITH(mq_unlink(name.c_str()), ENOENT);
}

SIGIPC_TEST(PosixMqUnlink, NameLongerThanNameMaxFailsEnametoolong,
            "posix_mq.unlink.name-too-long-enametoolong", "XSH mq_unlink()",
            "mq_unlink() of a name whose component is longer than {NAME_MAX} fails with "
            "ENAMETOOLONG") {
  std::string name = posix_mq::name_of_length(NAME_MAX + 1);
  EXPECT_FAILS_WITH(mq_unlink(name.c_str()), ENAMETOOLONG);
}

SIGIPC_TEST(PosixMqUnlink, NonOwnerIsDeniedEacces, "posix_mq.unlink.eacces", "XSH mq_unlink()",
            "mq_unlink() by a process without permission to remove the queue (nobody, for a "
            "queue root created with mode 0666) fails with EACCES and the name stays") {
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8, 0666));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid,
                            [&] { CHILD_CHECK_ERRNO(mq_unlink(name.c_str()), EACCES); });
  EXPECT_CHILD_OK(st);
  MqHandle again(mq_open(name.c_str(), O_RDONLY));
  EXPECT_TRUE(again.valid()) << "the name was removed: " << ErrnoText(errno);
}

SIGIPC_TEST(PosixMqUnlink, OwnerMayUnlinkRegardlessOfMode, "posix_mq.unlink.owner-any-mode",
            "Linux-only, mq_overview(7)",
            "On Linux the queue's owner may unlink it whatever its mode (queues live in a sticky, "
            "world-writable directory): nobody unlinks its own mode-0000 queue") {
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    mq_attr a = posix_mq::make_attr(2, 8);
    mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0000, &a);
    CHILD_CHECK_OK(d);
    CHILD_CHECK_OK(mq_unlink(name.c_str()));
    mq_close(d);
  });
  EXPECT_CHILD_OK(st);
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDONLY), ENOENT);
}

}  // namespace
}  // namespace sigipc

// mq_setattr(): only mq_flags (O_NONBLOCK) can change, the old attributes come
// back in omqstat, and the change belongs to one open description.
// XSH mq_setattr().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqAttr, SetattrSetsNonblock, "posix_mq.attr.set-nonblock", "XSH mq_setattr()",
            "mq_setattr() with mq_flags O_NONBLOCK makes the descriptor non-blocking: "
            "mq_getattr() then reports O_NONBLOCK") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  mq_attr want = posix_mq::make_attr(0, 0, O_NONBLOCK);
  ASSERT_SUCCEEDS(mq_setattr(d.get(), &want, nullptr));
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_flags, O_NONBLOCK);
}

SIGIPC_TEST(PosixMqAttr, SetattrClearsNonblock, "posix_mq.attr.clear-nonblock", "XSH mq_setattr()",
            "mq_setattr() with mq_flags 0 on a descriptor opened with O_NONBLOCK makes it "
            "blocking again: mq_getattr() reports mq_flags 0") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8, 0600, O_RDWR | O_NONBLOCK));
  mq_attr want = posix_mq::make_attr(0, 0, 0);
  ASSERT_SUCCEEDS(mq_setattr(d.get(), &want, nullptr));
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_flags, 0);
}

SIGIPC_TEST(PosixMqAttr, SetattrNonblockTakesEffectOnReceive, "posix_mq.attr.set-nonblock-effect",
            "XSH mq_setattr()",
            "After mq_setattr() sets O_NONBLOCK, mq_receive() on an empty queue fails with "
            "EAGAIN instead of blocking") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  mq_attr want = posix_mq::make_attr(0, 0, O_NONBLOCK);
  ASSERT_SUCCEEDS(mq_setattr(d.get(), &want, nullptr));
  // In a child so that a platform that still blocks is ended by the alarm (a
  // safety net only, scaled like the test's limit) and reported, instead of
  // hanging the test.
  const unsigned safety_s = static_cast<unsigned>(safety_net_seconds());
  WaitStatus st = RunInChild([&] {
    alarm(safety_s);
    char buf[16];
    CHILD_CHECK_ERRNO(mq_receive(d.get(), buf, sizeof buf, nullptr), EAGAIN);
  });
  EXPECT_CHILD_OK(st) << "(killed by SIGALRM: mq_receive() blocked)";
}

SIGIPC_TEST(PosixMqAttr, SetattrIgnoresOtherMembers, "posix_mq.attr.set-ignores-sizes",
            "XSH mq_setattr()",
            "mq_setattr() ignores mq_maxmsg, mq_msgsize and mq_curmsgs in mqstat: the queue's "
            "attributes and message count stay as they were") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 3, 16));
  posix_mq::fill(d.get(), 1);
  mq_attr want = posix_mq::make_attr(1, 4, 0);
  want.mq_curmsgs = 2;
  ASSERT_SUCCEEDS(mq_setattr(d.get(), &want, nullptr));
  mq_attr got = posix_mq::attr_of(d.get());
  EXPECT_EQ(got.mq_maxmsg, 3);
  EXPECT_EQ(got.mq_msgsize, 16);
  EXPECT_EQ(got.mq_curmsgs, 1);
}

SIGIPC_TEST(PosixMqAttr, SetattrReturnsPreviousAttributes, "posix_mq.attr.set-returns-old",
            "XSH mq_setattr()",
            "A non-NULL omqstat receives the attributes as they were before the call (old "
            "mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs), as mq_getattr() would have") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 3, 24, 0600, O_RDWR | O_NONBLOCK));
  posix_mq::fill(d.get(), 2);
  mq_attr want = posix_mq::make_attr(0, 0, 0);
  mq_attr old = posix_mq::make_attr(-7, -7, -7);
  old.mq_curmsgs = -7;
  ASSERT_SUCCEEDS(mq_setattr(d.get(), &want, &old));
  EXPECT_EQ(old.mq_flags, O_NONBLOCK);
  EXPECT_EQ(old.mq_maxmsg, 3);
  EXPECT_EQ(old.mq_msgsize, 24);
  EXPECT_EQ(old.mq_curmsgs, 2);
}

SIGIPC_TEST(PosixMqAttr, SetattrOnInvalidDescriptorFailsEbadf, "posix_mq.attr.set-ebadf",
            "XSH mq_setattr()",
            "mq_setattr() on a value that is not a valid message queue descriptor fails with "
            "EBADF") {
  mq_attr want = posix_mq::make_attr(0, 0, 0);
  EXPECT_FAILS_WITH(mq_setattr(static_cast<mqd_t>(-1), &want, nullptr), EBADF);
}

SIGIPC_TEST(PosixMqAttr, SetattrRejectsUnknownFlags, "posix_mq.attr.set-unknown-flag-einval",
            "Linux-only, mq_getsetattr(2)",
            "Linux supports no implementation-defined mq_flags: a bit other than O_NONBLOCK "
            "fails with EINVAL and the descriptor's flags stay unchanged") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  mq_attr want = posix_mq::make_attr(0, 0, O_NONBLOCK | O_APPEND);
  EXPECT_FAILS_WITH(mq_setattr(d.get(), &want, nullptr), EINVAL);
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_flags, 0);
}

SIGIPC_TEST(PosixMqAttr, SetattrAffectsOnlyItsOpenDescription, "posix_mq.attr.set-per-description",
            "XSH mq_setattr()",
            "mq_flags belongs to the open message queue description: O_NONBLOCK set through one "
            "mq_open() leaves another mq_open() of the same queue blocking") {
  MqName name;
  MqHandle a(posix_mq::create(name.c_str()));
  MqHandle b(SETUP_OK(mq_open(name.c_str(), O_RDWR)));
  mq_attr want = posix_mq::make_attr(0, 0, O_NONBLOCK);
  ASSERT_SUCCEEDS(mq_setattr(a.get(), &want, nullptr));
  EXPECT_EQ(posix_mq::attr_of(b.get()).mq_flags, 0);
  EXPECT_EQ(posix_mq::attr_of(a.get()).mq_flags, O_NONBLOCK);
}

}  // namespace
}  // namespace sigipc

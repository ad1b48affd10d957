// mq_getattr(): what each member reports. XSH mq_getattr().
#include <fcntl.h>
#include <mqueue.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqAttr, CurmsgsCountsQueuedMessages, "posix_mq.attr.curmsgs-counts-sends",
            "XSH mq_getattr()",
            "mq_curmsgs is the number of messages currently on the queue: it grows by one with "
            "each message sent") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 4, 8));
  for (int n = 1; n <= 3; ++n) {
    posix_mq::fill(d.get(), 1);
    mq_attr a{};
    ASSERT_SUCCEEDS(mq_getattr(d.get(), &a));
    EXPECT_EQ(a.mq_curmsgs, n);
  }
}

SIGIPC_TEST(PosixMqAttr, CurmsgsDropsOnReceive, "posix_mq.attr.curmsgs-drops-on-receive",
            "XSH mq_getattr()",
            "A received message leaves the queue: mq_curmsgs drops by one per mq_receive()") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 4, 8));
  posix_mq::fill(d.get(), 3);
  char buf[8];
  SETUP_OK(mq_receive(d.get(), buf, sizeof buf, nullptr));
  mq_attr a{};
  ASSERT_SUCCEEDS(mq_getattr(d.get(), &a));
  EXPECT_EQ(a.mq_curmsgs, 2);
}

SIGIPC_TEST(PosixMqAttr, CurmsgsIsPerQueueNotPerDescriptor, "posix_mq.attr.curmsgs-per-queue",
            "XSH mq_getattr()",
            "mq_curmsgs describes the queue: a message sent through one descriptor is counted "
            "through another descriptor of the same queue") {
  MqName name;
  MqHandle sender(posix_mq::create(name.c_str(), 4, 8));
  MqHandle other(SETUP_OK(mq_open(name.c_str(), O_RDONLY)));
  posix_mq::fill(sender.get(), 2);
  mq_attr a{};
  ASSERT_SUCCEEDS(mq_getattr(other.get(), &a));
  EXPECT_EQ(a.mq_curmsgs, 2);
}

SIGIPC_TEST(PosixMqAttr, FullQueueReportsMaxmsg, "posix_mq.attr.curmsgs-full", "XSH mq_getattr()",
            "A queue filled to capacity reports mq_curmsgs equal to mq_maxmsg") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 3, 8));
  posix_mq::fill(d.get(), 3);
  mq_attr a{};
  ASSERT_SUCCEEDS(mq_getattr(d.get(), &a));
  EXPECT_EQ(a.mq_curmsgs, a.mq_maxmsg);
  EXPECT_EQ(a.mq_curmsgs, 3);
}

SIGIPC_TEST(PosixMqAttr, FlagsOmitAccessMode, "posix_mq.attr.flags-no-access-mode",
            "XSH mq_getattr()",
            "mq_flags reports the descriptor's O_NONBLOCK state only: for a blocking descriptor "
            "it is 0 whatever the access mode (O_RDONLY, O_WRONLY, O_RDWR)") {
  MqName name;
  MqHandle creator(posix_mq::create(name.c_str()));
  for (int mode : {O_RDONLY, O_WRONLY, O_RDWR}) {
    MqHandle d(SETUP_OK(mq_open(name.c_str(), mode)));
    mq_attr a{};
    ASSERT_SUCCEEDS(mq_getattr(d.get(), &a));
    EXPECT_EQ(a.mq_flags, 0) << "access mode " << mode;
  }
}

SIGIPC_TEST(PosixMqAttr, NonblockAtOpenIsReported, "posix_mq.attr.flags-nonblock-at-open",
            "XSH mq_getattr()",
            "A descriptor opened with O_NONBLOCK reports O_NONBLOCK in mq_flags") {
  MqName name;
  MqHandle creator(posix_mq::create(name.c_str()));
  MqHandle d(SETUP_OK(mq_open(name.c_str(), O_RDWR | O_NONBLOCK)));
  mq_attr a{};
  ASSERT_SUCCEEDS(mq_getattr(d.get(), &a));
  EXPECT_EQ(a.mq_flags, O_NONBLOCK);
}

SIGIPC_TEST(PosixMqAttr, GetattrWorksOnWriteOnlyDescriptor, "posix_mq.attr.get-any-access-mode",
            "XSH mq_getattr()",
            "mq_getattr() needs no read access: on an O_WRONLY descriptor it succeeds and "
            "reports the queue's mq_maxmsg and mq_msgsize") {
  MqName name;
  MqHandle creator(posix_mq::create(name.c_str(), 3, 40));
  MqHandle d(SETUP_OK(mq_open(name.c_str(), O_WRONLY)));
  mq_attr a{};
  ASSERT_SUCCEEDS(mq_getattr(d.get(), &a));
  EXPECT_EQ(a.mq_maxmsg, 3);
  EXPECT_EQ(a.mq_msgsize, 40);
}

SIGIPC_TEST(PosixMqAttr, GetattrOnInvalidDescriptorFailsEbadf, "posix_mq.attr.get-ebadf",
            "XSH mq_getattr()",
            "mq_getattr() on a value that is not a valid message queue descriptor fails with "
            "EBADF") {
  mq_attr a{};
  EXPECT_FAILS_WITH(mq_getattr(static_cast<mqd_t>(-1), &a), EBADF);
}

SIGIPC_TEST(PosixMqAttr, GetattrOnOtherFileFailsEbadf, "posix_mq.attr.get-ebadf-not-mq",
            "Linux-only, mq_getsetattr(2)",
            "mqd_t is a file descriptor on Linux; mq_getattr() on an open descriptor that is not "
            "a message queue (a pipe) fails with EBADF") {
  Pipe p;
  mq_attr a{};
  EXPECT_FAILS_WITH(mq_getattr(p.rd(), &a), EBADF);
}

}  // namespace
}  // namespace sigipc

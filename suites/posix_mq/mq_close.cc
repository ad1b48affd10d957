// mq_close(): the descriptor goes, the queue and the other descriptors stay,
// and a notification attached through the descriptor is released.
// XSH mq_close().
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqClose, ClosedDescriptorIsInvalid, "posix_mq.close.invalidates", "XSH mq_close()",
            "mq_close() returns 0 and removes the association: the descriptor is no longer "
            "valid, so mq_getattr() on it fails with EBADF") {
  MqName name;
  mqd_t d = posix_mq::create(name.c_str());
  ASSERT_EQ(mq_close(d), 0) << ErrnoText(errno);
  mq_attr a{};
  // Single-threaded and nothing opened since: the number cannot be reused.
  EXPECT_FAILS_WITH(mq_getattr(d, &a), EBADF);
}

SIGIPC_TEST(PosixMqClose, SecondCloseFailsEbadf, "posix_mq.close.twice-ebadf", "XSH mq_close()",
            "mq_close() of a descriptor already closed fails with EBADF") {
  MqName name;
  mqd_t d = posix_mq::create(name.c_str());
  ASSERT_SUCCEEDS(mq_close(d));
  EXPECT_FAILS_WITH(mq_close(d), EBADF);
}

SIGIPC_TEST(PosixMqClose, CloseOfInvalidDescriptorFailsEbadf, "posix_mq.close.invalid-ebadf",
            "XSH mq_close()",
            "mq_close() of a value that is not a message queue descriptor fails with EBADF") {
  EXPECT_FAILS_WITH(mq_close(static_cast<mqd_t>(-1)), EBADF);
}

SIGIPC_TEST(PosixMqClose, OtherDescriptorOfSameQueueKeepsWorking, "posix_mq.close.other-descriptor",
            "XSH mq_close()",
            "Closing one descriptor of a queue leaves another descriptor of the same queue "
            "usable: it still sends and receives") {
  MqName name;
  mqd_t first = posix_mq::create(name.c_str(), 2, 8);
  MqHandle second(SETUP_OK(mq_open(name.c_str(), O_RDWR)));
  ASSERT_SUCCEEDS(mq_close(first));
  EXPECT_SUCCEEDS(mq_send(second.get(), "x", 1, 0));
  char buf[8] = {};
  EXPECT_EQ(mq_receive(second.get(), buf, sizeof buf, nullptr), 1) << ErrnoText(errno);
  EXPECT_EQ(buf[0], 'x');
}

SIGIPC_TEST(PosixMqClose, QueueAndMessagesOutliveLastClose, "posix_mq.close.queue-persists",
            "XSH mq_close()",
            "Closing every descriptor does not remove a queue that was not unlinked: it can be "
            "opened again and still holds its messages") {
  MqName name;
  mqd_t d = posix_mq::create(name.c_str(), 3, 8);
  posix_mq::fill(d, 2);
  ASSERT_SUCCEEDS(mq_close(d));
  errno = 0;
  MqHandle again(mq_open(name.c_str(), O_RDONLY));
  ASSERT_TRUE(again.valid()) << "the queue is gone after its last close: " << ErrnoText(errno);
  EXPECT_EQ(posix_mq::attr_of(again.get()).mq_curmsgs, 2);
}

// Whether another process can register for notification through d: a child
// tries, and checks mq_notify() fails with err (or succeeds when err is 0).
WaitStatus other_process_notify(mqd_t d, int err) {
  return RunInChild([&] {
    sigevent e{};
    e.sigev_notify = SIGEV_NONE;
    if (err != 0) {
      CHILD_CHECK_ERRNO(mq_notify(d, &e), err);
    } else {
      CHILD_CHECK_OK(mq_notify(d, &e));
    }
  });
}

void register_none(mqd_t d) {
  sigevent ev{};
  ev.sigev_notify = SIGEV_NONE;
  SETUP_OK(mq_notify(d, &ev));
}

SIGIPC_TEST(PosixMqClose, CloseReleasesNotificationRequest, "posix_mq.close.releases-notify",
            "XSH mq_close()",
            "A notification request attached through the closed descriptor is removed: another "
            "process may then register for notification on the queue") {
  MqName name;
  mqd_t d = posix_mq::create(name.c_str());
  MqHandle other(SETUP_OK(mq_open(name.c_str(), O_RDONLY)));
  register_none(d);
  // Precondition: while this process is registered, another one gets EBUSY.
  ASSERT_CHILD_OK(other_process_notify(other.get(), EBUSY))
      << "precondition: a second registration must be refused";
  ASSERT_SUCCEEDS(mq_close(d));
  EXPECT_CHILD_OK(other_process_notify(other.get(), 0));
}

SIGIPC_TEST(PosixMqClose, ClosingAnotherDescriptorKeepsNotification,
            "posix_mq.close.other-descriptor-keeps-notify", "XSH mq_close()",
            "Only closing the descriptor the request was attached through removes it: after "
            "mq_close() of a second, separately opened descriptor of the same queue the "
            "registration remains (another process still gets EBUSY)") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  mqd_t second = SETUP_OK(mq_open(name.c_str(), O_RDONLY));
  register_none(d.get());
  ASSERT_CHILD_OK(other_process_notify(d.get(), EBUSY)) << "precondition";
  ASSERT_SUCCEEDS(mq_close(second));
  EXPECT_CHILD_OK(other_process_notify(d.get(), EBUSY))
      << "the registration made through another descriptor was removed";
}

}  // namespace
}  // namespace sigipc

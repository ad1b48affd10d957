// Who holds the single notification registration of a queue: EBUSY for any
// second registration, removal by mq_notify(NULL) (only the owner's), by the
// notification itself and by closing the descriptor. XSH mq_notify(),
// XSH mq_close(), mq_notify(3).
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

sigevent usr_event() { return posix_mq::signal_event(SIGUSR2, 1); }

SIGIPC_TEST(PosixMqNotifyRegistration, SecondProcessFailsWithEbusy,
            "posix_mq.notify.second-process-ebusy", "XSH mq_notify()",
            "While a process is registered for notification on a queue, mq_notify() by another "
            "process fails with EBUSY") {
  Queue q(2, 8);
  SignalMask mask;
  mask.block(SIGUSR2);
  sigevent ev = usr_event();
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  EXPECT_CHILD_OK(RunInChild([&] {
    sigevent mine = posix_mq::signal_event(SIGUSR1, 2);
    CHILD_CHECK_ERRNO(mq_notify(q.get(), &mine), EBUSY);
  }));
}

SIGIPC_TEST(PosixMqNotifyRegistration, SameProcessTwiceFailsWithEbusy,
            "posix_mq.notify.same-process-ebusy", "XSH mq_notify()",
            "Any attempt to register while a registration exists fails with EBUSY, also by the "
            "process that holds it") {
  Queue q(2, 8);
  sigevent ev = usr_event();
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  EXPECT_FAILS_WITH(mq_notify(q.get(), &ev), EBUSY);
}

SIGIPC_TEST(PosixMqNotifyRegistration, NullRemovesRegistration, "posix_mq.notify.null-removes",
            "XSH mq_notify()",
            "mq_notify(mqdes, NULL) by the registered process removes its registration: a "
            "message arriving on the empty queue then sends no signal") {
  Queue q(2, 8);
  SignalMask mask;
  mask.block(SIGUSR2);
  sigevent ev = usr_event();
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  ASSERT_SUCCEEDS(mq_notify(q.get(), nullptr));
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  EXPECT_TRUE(posix_mq::no_signal_arrives(SIGUSR2)) << "notified after mq_notify(NULL)";
}

SIGIPC_TEST(PosixMqNotifyRegistration, AfterNullAnotherProcessMayRegister,
            "posix_mq.notify.null-frees-for-others", "XSH mq_notify()",
            "After the registered process removes its registration with mq_notify(NULL), "
            "another process may register") {
  Queue q(2, 8);
  sigevent ev = usr_event();
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  ASSERT_SUCCEEDS(mq_notify(q.get(), nullptr));
  EXPECT_CHILD_OK(RunInChild([&] {
    sigevent mine = posix_mq::signal_event(SIGUSR1, 2);
    CHILD_CHECK_OK(mq_notify(q.get(), &mine));
  }));
}

SIGIPC_TEST(PosixMqNotifyRegistration, NullByAnotherProcessKeepsRegistration,
            "posix_mq.notify.null-by-other-keeps", "XSH mq_notify()",
            "mq_notify(NULL) removes only the calling process's registration: it leaves another "
            "process's registration in place") {
  Queue q(2, 8);
  Pipe registered;
  Gate done;
  Child owner([&] {
    sigevent mine = posix_mq::signal_event(SIGUSR1, 2);
    CHILD_CHECK_OK(mq_notify(q.get(), &mine));
    const char byte = 1;
    CHILD_CHECK_EQ(write(registered.wr(), &byte, 1), 1);
    done.wait();
  });
  // Only the owner holds the write end now: a failed step ends it, and the
  // read sees EOF at once instead of waiting for the runner's time limit.
  registered.close_wr();
  char byte = 0;
  ssize_t n;
  do n = read(registered.rd(), &byte, 1);
  while (n < 0 && errno == EINTR);
  ASSERT_EQ(n, 1) << (n == 0 ? "the owner ended before registering: " + owner.wait().describe()
                             : "read() from the owner: " + ErrnoText(errno));
  mq_notify(q.get(), nullptr);  // Its result is not the rule; its effect is.
  sigevent ev = usr_event();
  EXPECT_FAILS_WITH(mq_notify(q.get(), &ev), EBUSY) << "another process's registration vanished";
  done.open();
  EXPECT_CHILD_OK(owner.wait());
}

SIGIPC_TEST(PosixMqNotifyRegistration, AfterNotificationAnotherProcessMayRegister,
            "posix_mq.notify.free-after-firing", "XSH mq_notify()",
            "Once the notification has been sent the queue is available for registration by "
            "another process") {
  Queue q(2, 8);
  SignalMask mask;
  mask.block(SIGUSR2);
  sigevent ev = usr_event();
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  siginfo_t info{};
  ASSERT_EQ(posix_mq::take_signal(SIGUSR2, &info, posix_mq::kSafetyMs), SIGUSR2)
      << ErrnoText(errno);
  EXPECT_CHILD_OK(RunInChild([&] {
    sigevent mine = posix_mq::signal_event(SIGUSR1, 2);
    CHILD_CHECK_OK(mq_notify(q.get(), &mine));
  }));
}

SIGIPC_TEST(PosixMqNotifyRegistration, ClosingDescriptorRemovesRegistration,
            "posix_mq.notify.close-removes", "XSH mq_close(); mq_notify(3)",
            "Closing the descriptor through which the process registered removes the "
            "registration, so the queue is available for registration again") {
  Queue q(2, 8);
  mqd_t d2 = q.open_again(O_RDONLY);
  sigevent ev = usr_event();
  ASSERT_SUCCEEDS(mq_notify(d2, &ev));
  ASSERT_SUCCEEDS(mq_close(d2));
  EXPECT_CHILD_OK(RunInChild([&] {
    sigevent mine = posix_mq::signal_event(SIGUSR1, 2);
    CHILD_CHECK_OK(mq_notify(q.get(), &mine));
  }));
}

SIGIPC_TEST(PosixMqNotifyRegistration, SigevNoneStillHoldsRegistration,
            "posix_mq.notify.sigev-none-registers", "Linux-only, mq_notify(3)",
            "mq_notify() with SIGEV_NONE registers the process without a notification method: "
            "another process's mq_notify() then fails with EBUSY") {
  Queue q(2, 8);
  sigevent ev{};
  ev.sigev_notify = SIGEV_NONE;
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  EXPECT_CHILD_OK(RunInChild([&] {
    sigevent mine = posix_mq::signal_event(SIGUSR1, 2);
    CHILD_CHECK_ERRNO(mq_notify(q.get(), &mine), EBUSY);
  }));
}

}  // namespace
}  // namespace sigipc

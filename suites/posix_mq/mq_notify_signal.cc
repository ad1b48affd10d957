// mq_notify() with SIGEV_SIGNAL: when a message arrives on an empty queue the
// registered process gets the signal, with si_code SI_MESGQ, the sigevent's
// value and (Linux) the sender's pid and uid; no signal for a queue that was
// not empty, none when a blocked receiver takes the message.
// XSH mq_notify(), mq_notify(3).
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <unistd.h>

#include "fixtures/isolation.h"
#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

// The registered process is the test process; the notification signal is
// blocked so it stays pending and is taken with sigtimedwait().
struct Registered {
  explicit Registered(mqd_t q, int value = 7) : sig(SIGRTMIN) {
    mask.block(sig);
    sigevent ev = posix_mq::signal_event(sig, value);
    SETUP_OK(mq_notify(q, &ev));
  }
  // No notification within the bounded wait (mq_io_helpers.h).
  bool none_arrives() { return posix_mq::no_signal_arrives(sig); }
  SignalMask mask;
  const int sig;
};

SIGIPC_TEST(PosixMqNotifySignal, ArrivalOnEmptyQueueSendsSignal,
            "posix_mq.notify.signal-on-arrival", "XSH mq_notify()",
            "After mq_notify() with SIGEV_SIGNAL, a message arriving on the empty queue sends "
            "the registered process the sigev_signo signal with si_code SI_MESGQ") {
  Queue q(2, 8);
  Registered reg(q.get());
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  siginfo_t info{};
  ASSERT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << "no notification: " << ErrnoText(errno);
  EXPECT_EQ(info.si_signo, reg.sig);
  EXPECT_EQ(info.si_code, SI_MESGQ);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 1) << "the notification must not consume the message";
}

SIGIPC_TEST(PosixMqNotifySignal, SignalCarriesSigevValue, "posix_mq.notify.sigev-value",
            "XSH mq_notify(); XSH 2.4.2 Realtime Signal Generation and Delivery",
            "The notification signal carries the registration's sigev_value in si_value") {
  Queue q(2, 8);
  Registered reg(q.get(), 0x5eed);
  ASSERT_SUCCEEDS(mq_send(q.get(), "m", 1, 0));
  siginfo_t info{};
  ASSERT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << ErrnoText(errno);
  EXPECT_EQ(info.si_value.sival_int, 0x5eed);
}

SIGIPC_TEST(PosixMqNotifySignal, SignalNamesSenderPidAndUid, "posix_mq.notify.sender-pid-uid",
            "Linux-only, mq_notify(3)",
            "On Linux the notification signal carries the sending process's pid in si_pid and "
            "its real uid in si_uid, not the registered process's") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Queue q(2, 8);
  Registered reg(q.get());
  Pipe pid_pipe;
  // The sender uses the inherited descriptor: no permission check applies.
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    pid_t me = getpid();
    CHILD_CHECK(write(pid_pipe.wr(), &me, sizeof me) == sizeof me);
    CHILD_CHECK_OK(mq_send(q.get(), "m", 1, 0));
  });
  EXPECT_CHILD_OK(st);
  pid_t sender = -1;
  ASSERT_EQ(read(pid_pipe.rd(), &sender, sizeof sender), static_cast<ssize_t>(sizeof sender));
  siginfo_t info{};
  ASSERT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << ErrnoText(errno);
  EXPECT_EQ(info.si_pid, sender);
  EXPECT_EQ(info.si_uid, kNobodyUid);
}

SIGIPC_TEST(PosixMqNotifySignal, ArrivalOnNonEmptyQueueSendsNothing,
            "posix_mq.notify.nonempty-no-signal", "XSH mq_notify()",
            "A message arriving on a queue that already holds messages sends no notification") {
  Queue q(4, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "1", 1, 0));
  Registered reg(q.get());
  ASSERT_SUCCEEDS(mq_send(q.get(), "2", 1, 0));
  ASSERT_SUCCEEDS(mq_send(q.get(), "3", 1, 9));
  EXPECT_TRUE(reg.none_arrives()) << "notified although the queue was not empty";
}

SIGIPC_TEST(PosixMqNotifySignal, RegistrationWaitsForArrivalOnEmptyQueue,
            "posix_mq.notify.kept-until-empty-arrival", "XSH mq_notify()",
            "Arrivals on a non-empty queue leave the registration in place: once the queue is "
            "emptied, the next arrival sends the notification") {
  Queue q(4, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "1", 1, 0));
  Registered reg(q.get());
  ASSERT_SUCCEEDS(mq_send(q.get(), "2", 1, 0));
  char buf[8];
  ASSERT_SUCCEEDS(mq_receive(q.get(), buf, sizeof buf, nullptr));
  ASSERT_SUCCEEDS(mq_receive(q.get(), buf, sizeof buf, nullptr));
  ASSERT_TRUE(reg.none_arrives());
  ASSERT_SUCCEEDS(mq_send(q.get(), "3", 1, 0));
  siginfo_t info{};
  EXPECT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << "the registration was lost: " << ErrnoText(errno);
}

// A child blocked in mq_receive() on q, reporting what it got.
Child waiting_receiver(mqd_t q, int result_fd) {
  return Child([=] {
    char buf[8] = {};
    errno = 0;
    ssize_t r = mq_receive(q, buf, sizeof buf, nullptr);
    posix_mq::report(result_fd, r, errno, 0, buf, r > 0 ? static_cast<size_t>(r) : 0);
  });
}

SIGIPC_TEST(PosixMqNotifySignal, BlockedReceiverTakesMessageWithoutSignal,
            "posix_mq.notify.blocked-receiver-wins", "XSH mq_notify()",
            "If a thread is blocked in mq_receive() when a message arrives, that receive gets "
            "the message and no notification is sent") {
  Queue q(2, 8);
  Registered reg(q.get());
  Pipe res;
  Child rx = waiting_receiver(q.get(), res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_receive(rx.pid(), q.get()));
  ASSERT_SUCCEEDS(mq_send(q.get(), "r", 1, 0));
  posix_mq::CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r));
  EXPECT_EQ(r.ret, 1) << ErrnoText(r.err);
  EXPECT_CHILD_OK(rx.wait());
  EXPECT_TRUE(reg.none_arrives()) << "notified although a receiver took the message";
}

SIGIPC_TEST(PosixMqNotifySignal, BlockedReceiverLeavesRegistration,
            "posix_mq.notify.blocked-receiver-keeps-registration", "XSH mq_notify()",
            "A message taken by a blocked receiver behaves as if the queue stayed empty: the "
            "registration remains and the next arrival on the empty queue notifies") {
  Queue q(2, 8);
  Registered reg(q.get());
  Pipe res;
  Child rx = waiting_receiver(q.get(), res.wr());
  ASSERT_TRUE(posix_mq::blocked_in_receive(rx.pid(), q.get()));
  ASSERT_SUCCEEDS(mq_send(q.get(), "r", 1, 0));
  posix_mq::CallResult r{};
  ASSERT_TRUE(posix_mq::await_result(res.rd(), &r));
  EXPECT_CHILD_OK(rx.wait());
  ASSERT_TRUE(reg.none_arrives());
  ASSERT_SUCCEEDS(mq_send(q.get(), "n", 1, 0));
  siginfo_t info{};
  EXPECT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << "the registration did not survive: " << ErrnoText(errno);
}

SIGIPC_TEST(PosixMqNotifySignal, NotificationIsOneShot, "posix_mq.notify.one-shot",
            "XSH mq_notify()",
            "After the notification is sent the registration is removed: a later arrival on "
            "the empty queue sends no second signal") {
  Queue q(2, 8);
  Registered reg(q.get());
  ASSERT_SUCCEEDS(mq_send(q.get(), "1", 1, 0));
  siginfo_t info{};
  ASSERT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << ErrnoText(errno);
  char buf[8];
  ASSERT_SUCCEEDS(mq_receive(q.get(), buf, sizeof buf, nullptr));
  ASSERT_SUCCEEDS(mq_send(q.get(), "2", 1, 0));
  EXPECT_TRUE(reg.none_arrives()) << "notified twice for one registration";
}

SIGIPC_TEST(PosixMqNotifySignal, NotificationViaAnyDescriptorOfTheQueue,
            "posix_mq.notify.per-queue", "XSH mq_notify()",
            "The registration is for the message queue: a message sent through another "
            "descriptor (another open description) of the same queue notifies") {
  Queue q(2, 8);
  Registered reg(q.get());
  MqHandle other(q.open_again(O_WRONLY));
  ASSERT_SUCCEEDS(mq_send(other.get(), "o", 1, 0));
  siginfo_t info{};
  EXPECT_EQ(posix_mq::take_signal(reg.sig, &info, posix_mq::kSafetyMs), reg.sig)
      << ErrnoText(errno);
}

}  // namespace
}  // namespace sigipc

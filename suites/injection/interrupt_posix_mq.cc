// POSIX message queues: mq_send()/mq_timedsend() blocked on a full queue and
// mq_receive()/mq_timedreceive() blocked on an empty one. Interrupted by a
// handler they fail with EINTR (XSH mq_send(), mq_receive() [EINTR]) and move
// no message; under SA_RESTART they restart (XSH sigaction() SA_RESTART;
// signal(7) lists all four among the calls SA_RESTART restarts), the timed
// ones with their absolute deadline, far away here.
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <time.h>

#include <cstring>
#include <functional>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

constexpr long kMsgSize = 16;

// A one-message queue, created empty.
struct OneSlotQueue {
  MqName name{"intr"};
  MqHandle q{posix_mq::create(name.c_str(), 1, kMsgSize)};
  mqd_t get() const { return q.get(); }
  long curmsgs() const { return posix_mq::attr_of(q.get()).mq_curmsgs; }
};

using SendCall = std::function<int(mqd_t, const char*, size_t)>;
using ReceiveCall = std::function<ssize_t(mqd_t, char*, size_t)>;

int plain_send(mqd_t q, const char* m, size_t n) { return mq_send(q, m, n, 0); }
int timed_send(mqd_t q, const char* m, size_t n) {
  const timespec deadline = injection::far_deadline(CLOCK_REALTIME);
  return mq_timedsend(q, m, n, 0, &deadline);
}
ssize_t plain_receive(mqd_t q, char* buf, size_t n) { return mq_receive(q, buf, n, nullptr); }
ssize_t timed_receive(mqd_t q, char* buf, size_t n) {
  const timespec deadline = injection::far_deadline(CLOCK_REALTIME);
  return mq_timedreceive(q, buf, n, nullptr, &deadline);
}

// The test process's side, never blocking: the queue's state is known.
void send_now(mqd_t q, char c) { SETUP_OK(mq_send(q, &c, 1, 0)); }
char receive_now(mqd_t q) {
  char buf[kMsgSize] = {};
  const ssize_t n = SETUP_OK(mq_receive(q, buf, sizeof buf, nullptr));
  if (n != 1) setup_error(__FILE__, __LINE__, "a queued message has the wrong length");
  return buf[0];
}

// A send blocked on a full queue; the release takes the message that filled
// it. Restarted: the child's message is queued afterwards. EINTR: nothing is.
void ExpectSend(int sa_flags, const SendCall& send, const char* what) {
  OneSlotQueue q;
  send_now(q.get(), 'f');
  const bool restart = sa_flags & SA_RESTART;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        const char c = 'c';
        if (restart) {
          int r = -2;
          CHILD_CHECK_OK(r = send(q.get(), &c, 1));
          CHILD_CHECK_EQ(r, 0);
        } else {
          CHILD_CHECK_ERRNO(send(q.get(), &c, 1), EINTR);
        }
      },
      [&] { EXPECT_EQ(receive_now(q.get()), 'f'); }, what));
  if (restart) {
    ASSERT_EQ(q.curmsgs(), 1) << "the restarted send queued no message";
    EXPECT_EQ(receive_now(q.get()), 'c');
  } else {
    EXPECT_EQ(q.curmsgs(), 0) << "the interrupted send queued its message";
  }
}

// A receive blocked on an empty queue; the release sends one message.
// Restarted: the child receives it. EINTR: it stays queued.
void ExpectReceive(int sa_flags, const ReceiveCall& receive, const char* what) {
  OneSlotQueue q;
  const bool restart = sa_flags & SA_RESTART;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        char buf[kMsgSize] = {};
        if (restart) {
          ssize_t n = -2;
          CHILD_CHECK_OK(n = receive(q.get(), buf, sizeof buf));
          CHILD_CHECK_EQ(n, 1);
          CHILD_CHECK_EQ(buf[0], 'r');
        } else {
          CHILD_CHECK_ERRNO(receive(q.get(), buf, sizeof buf), EINTR);
        }
      },
      [&] { send_now(q.get(), 'r'); }, what));
  if (!restart) {
    ASSERT_EQ(q.curmsgs(), 1) << "the interrupted receive took the message";
    EXPECT_EQ(receive_now(q.get()), 'r');
  } else {
    EXPECT_EQ(q.curmsgs(), 0);
  }
}

SIGIPC_TEST(Interruption, MqSendRestartedUnderSaRestart, "injection.interrupt.mq-send.restart",
            "XSH sigaction() SA_RESTART; XSH mq_send(); signal(7)",
            "An mq_send() blocked on a full queue and interrupted by a handler installed with "
            "SA_RESTART is restarted and queues its message once there is room") {
  ExpectSend(SA_RESTART, plain_send, "mq_send() on a full queue");
}

SIGIPC_TEST(Interruption, MqSendFailsWithEintrWithoutSaRestart, "injection.interrupt.mq-send.eintr",
            "XSH mq_send() [EINTR]",
            "An mq_send() blocked on a full queue and interrupted by a handler installed without "
            "SA_RESTART fails with EINTR and queues nothing") {
  ExpectSend(0, plain_send, "mq_send() on a full queue");
}

SIGIPC_TEST(Interruption, MqTimedsendRestartedUnderSaRestart,
            "injection.interrupt.mq-timedsend.restart",
            "XSH sigaction() SA_RESTART; XSH mq_timedsend(); signal(7)",
            "An mq_timedsend() blocked on a full queue and interrupted by a handler installed "
            "with SA_RESTART is restarted and queues its message once there is room") {
  ExpectSend(SA_RESTART, timed_send, "mq_timedsend() on a full queue");
}

SIGIPC_TEST(Interruption, MqTimedsendFailsWithEintrWithoutSaRestart,
            "injection.interrupt.mq-timedsend.eintr", "XSH mq_timedsend() [EINTR]",
            "An mq_timedsend() blocked on a full queue and interrupted by a handler installed "
            "without SA_RESTART fails with EINTR before its deadline and queues nothing") {
  ExpectSend(0, timed_send, "mq_timedsend() on a full queue");
}

SIGIPC_TEST(Interruption, MqReceiveRestartedUnderSaRestart,
            "injection.interrupt.mq-receive.restart",
            "XSH sigaction() SA_RESTART; XSH mq_receive(); signal(7)",
            "An mq_receive() blocked on an empty queue and interrupted by a handler installed "
            "with SA_RESTART is restarted and returns the message sent afterwards") {
  ExpectReceive(SA_RESTART, plain_receive, "mq_receive() on an empty queue");
}

SIGIPC_TEST(Interruption, MqReceiveFailsWithEintrWithoutSaRestart,
            "injection.interrupt.mq-receive.eintr", "XSH mq_receive() [EINTR]",
            "An mq_receive() blocked on an empty queue and interrupted by a handler installed "
            "without SA_RESTART fails with EINTR and leaves the later message queued") {
  ExpectReceive(0, plain_receive, "mq_receive() on an empty queue");
}

SIGIPC_TEST(Interruption, MqTimedreceiveRestartedUnderSaRestart,
            "injection.interrupt.mq-timedreceive.restart",
            "XSH sigaction() SA_RESTART; XSH mq_timedreceive(); signal(7)",
            "An mq_timedreceive() blocked on an empty queue and interrupted by a handler "
            "installed with SA_RESTART is restarted and returns the message sent afterwards") {
  ExpectReceive(SA_RESTART, timed_receive, "mq_timedreceive() on an empty queue");
}

SIGIPC_TEST(Interruption, MqTimedreceiveFailsWithEintrWithoutSaRestart,
            "injection.interrupt.mq-timedreceive.eintr", "XSH mq_timedreceive() [EINTR]",
            "An mq_timedreceive() blocked on an empty queue and interrupted by a handler "
            "installed without SA_RESTART fails with EINTR before its deadline") {
  ExpectReceive(0, timed_receive, "mq_timedreceive() on an empty queue");
}

}  // namespace
}  // namespace sigipc

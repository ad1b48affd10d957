// The notification signal of a POSIX message queue (mq_notify() with
// SIGEV_SIGNAL): si_code SI_MESGQ, the sigevent's value in si_value, and on
// Linux the message's sender in si_pid and si_uid.
// XSH mq_notify(), XBD <signal.h>, XSH 2.4.3 Signal Actions, mq_notify(3).
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"

namespace sigipc {
namespace {

using signals::Receiver;

// Registers for sig with value on an empty queue, lets send_message() put a
// message on it, and accepts the notification (blocked by the caller).
// send_message gets the queue's descriptor.
int notify_on_arrival(int sig, sigval value, const std::function<void(mqd_t)>& send_message,
                      siginfo_t* info) {
  MqName name("notify");
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = 8;
  MqHandle q(mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr));
  if (!q.valid()) setup_error_errno(__FILE__, __LINE__, "mq_open()", errno);
  sigevent ev{};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = sig;
  ev.sigev_value = value;
  SETUP_OK(mq_notify(q.get(), &ev));
  send_message(q.get());
  return signals::accept_signal(sig, info);
}

void send_here(mqd_t q) { SETUP_OK(mq_send(q, "m", 1, 0)); }

SIGIPC_TEST(SignalSiginfoMq, NotificationGivesSiMesgq, "signal.siginfo.code-si-mesgq",
            "XBD <signal.h>; XSH mq_notify()",
            "The signal that mq_notify() (SIGEV_SIGNAL) sends when a message arrives on the "
            "empty queue carries si_code SI_MESGQ") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  siginfo_t info{};
  ASSERT_EQ(notify_on_arrival(sig, signals::int_value(1), send_here, &info), sig)
      << "no notification within " << signals::kSafetyWaitS << " s: " << ErrnoText(errno);
  EXPECT_EQ(info.si_code, SI_MESGQ);
  EXPECT_EQ(info.si_signo, sig);
}

int g_mq_cookie = 0;

SIGIPC_TEST(SignalSiginfoMq, NotificationCarriesSigevValue, "signal.siginfo.mesgq-value",
            "XSH 2.4.3 Signal Actions; XSH mq_notify()",
            "The mq_notify() signal carries the sigevent's sigev_value in si_value") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  siginfo_t info{};
  ASSERT_EQ(notify_on_arrival(sig, signals::ptr_value(&g_mq_cookie), send_here, &info), sig)
      << ErrnoText(errno);
  EXPECT_EQ(info.si_value.sival_ptr, &g_mq_cookie);
}

SIGIPC_TEST(SignalSiginfoMq, NotificationNamesMessageSender, "signal.siginfo.mesgq-sender",
            "Linux-only, mq_notify(3)",
            "On Linux the mq_notify() signal carries the pid and real uid of the process that "
            "sent the message in si_pid and si_uid") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  pid_t sender_pid = -1;
  siginfo_t info{};
  const int got = notify_on_arrival(
      sig, signals::int_value(2),
      [&sender_pid](mqd_t q) {
        Child sender([q] { CHILD_CHECK_OK(mq_send(q, "m", 1, 0)); });
        sender_pid = sender.pid();
        EXPECT_CHILD_OK(sender.wait()) << "the message sender";
      },
      &info);
  ASSERT_EQ(got, sig) << ErrnoText(errno);
  EXPECT_EQ(info.si_pid, sender_pid);
  EXPECT_EQ(info.si_uid, getuid());
}

}  // namespace
}  // namespace sigipc

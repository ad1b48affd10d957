// mq_notify() with SIGEV_THREAD, and its errors: EBADF for a descriptor that
// is no queue, EINVAL (Linux) for a bad sigev_notify or signal number.
// XSH mq_notify(), mq_notify(3).
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

struct ThreadReport {
  int value;
  pid_t tid;
};

int g_thread_report_fd = -1;

void on_notify_thread(sigval v) {
  ThreadReport r{v.sival_int, static_cast<pid_t>(syscall(SYS_gettid))};
  (void)!write(g_thread_report_fd, &r, sizeof r);
}

SIGIPC_TEST(PosixMqNotifyThread, SigevThreadCallsFunctionWithValue, "posix_mq.notify.sigev-thread",
            "XSH mq_notify(); XSH 2.4.1 Signal Generation",
            "With SIGEV_THREAD, a message arriving on the empty queue makes the implementation "
            "call sigev_notify_function with sigev_value, in a thread other than the "
            "registering one") {
  Queue q(2, 8);
  Pipe report;
  // In a child: glibc keeps a helper thread and a netlink socket for
  // SIGEV_THREAD for the rest of the process's life.
  EXPECT_CHILD_OK(RunInChild([&] {
    g_thread_report_fd = report.wr();
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_notify_thread;
    ev.sigev_value.sival_int = 4242;
    CHILD_CHECK_OK(mq_notify(q.get(), &ev));
    CHILD_CHECK_OK(mq_send(q.get(), "t", 1, 0));
    pollfd p{report.rd(), POLLIN, 0};
    CHILD_CHECK(poll(&p, 1, posix_mq::kSafetyMs) == 1);
    ThreadReport r{};
    CHILD_CHECK(read(report.rd(), &r, sizeof r) == static_cast<ssize_t>(sizeof r));
    CHILD_CHECK_EQ(r.value, 4242);
    CHILD_CHECK(r.tid != static_cast<pid_t>(syscall(SYS_gettid)));
  }));
}

SIGIPC_TEST(PosixMqNotifyErrors, InvalidDescriptorFailsWithEbadf, "posix_mq.notify.invalid-ebadf",
            "XSH mq_notify()",
            "mq_notify() on an invalid message queue descriptor fails with "
            "EBADF") {
  sigevent ev = posix_mq::signal_event(SIGUSR1, 0);
  EXPECT_FAILS_WITH(mq_notify(static_cast<mqd_t>(-1), &ev), EBADF);
}

SIGIPC_TEST(PosixMqNotifyErrors, NonQueueDescriptorFailsWithEbadf,
            "posix_mq.notify.not-a-queue-ebadf", "XSH mq_notify()",
            "mq_notify() on an open descriptor that is not a message queue (a pipe) fails with "
            "EBADF") {
  Pipe p;
  sigevent ev = posix_mq::signal_event(SIGUSR1, 0);
  EXPECT_FAILS_WITH(mq_notify(static_cast<mqd_t>(p.rd()), &ev), EBADF);
}

SIGIPC_TEST(PosixMqNotifyErrors, BadSigevNotifyFailsWithEinval,
            "posix_mq.notify.bad-sigev-notify-einval", "Linux-only, mq_notify(3)",
            "On Linux mq_notify() with a sigev_notify that is not SIGEV_NONE, SIGEV_SIGNAL or "
            "SIGEV_THREAD fails with EINVAL and registers nothing") {
  Queue q(2, 8);
  sigevent ev = posix_mq::signal_event(SIGUSR1, 0);
  ev.sigev_notify = 12345;
  EXPECT_FAILS_WITH(mq_notify(q.get(), &ev), EINVAL);
  sigevent good = posix_mq::signal_event(SIGUSR1, 0);
  EXPECT_SUCCEEDS(mq_notify(q.get(), &good)) << "the invalid request left a registration";
}

SIGIPC_TEST(PosixMqNotifyErrors, InvalidSignalNumberFailsWithEinval,
            "posix_mq.notify.bad-signo-einval", "Linux-only, mq_notify(3)",
            "On Linux mq_notify() with SIGEV_SIGNAL and a sigev_signo that is not a valid "
            "signal number fails with EINVAL") {
  Queue q(2, 8);
  // Signal 0 is left out: Linux accepts it as the null signal (valid_signal()).
  sigevent ev = posix_mq::signal_event(-1, 0);
  EXPECT_FAILS_WITH(mq_notify(q.get(), &ev), EINVAL) << "signal -1";
  ev.sigev_signo = SIGRTMAX + 1;
  EXPECT_FAILS_WITH(mq_notify(q.get(), &ev), EINVAL) << "SIGRTMAX + 1";
}

}  // namespace
}  // namespace sigipc

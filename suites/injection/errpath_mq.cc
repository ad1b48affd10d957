// Error paths of the POSIX message queue calls. glibc 2.36 / x86_64
// (strace): mq_open -> mq_open (name without its '/'); mq_send ->
// mq_timedsend; mq_receive -> mq_timedreceive; mq_getattr and mq_setattr ->
// mq_getsetattr; mq_notify -> mq_notify; mq_unlink -> mq_unlink; mq_close
// -> close. A failed receive consumes no message, a failed send adds none, a
// failed create leaves no queue. glibc itself produces EINVAL for a name
// without a leading '/' (no syscall): not injected here.
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;
using posix_mq::Queue;

// mq_open(O_CREAT|O_EXCL) fails with err, and no queue of that name exists.
injection::Run failed_create(const char* err_name, int err) {
  MqName name("create");
  auto r = injection::run({injection::rule("mq_open", injection::has_flag(1, O_CREAT), err_name)},
                          [&name, err] {
                            mq_attr a{};
                            a.mq_maxmsg = 2;
                            a.mq_msgsize = 8;
                            errno = 0;
                            mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
                            CHILD_CHECK(d == static_cast<mqd_t>(-1));
                            CHILD_CHECK_EQ(errno, err);
                          });
  MqHandle left(mq_open(name.c_str(), O_RDONLY));
  EXPECT_FALSE(left.valid()) << "a failed mq_open(O_CREAT) left a queue behind";
  return r;
}

#define MQ_CREATE_CASE(Name, id, ERR)                                        \
  ERRPATH_CASE(Name, id, "XSH mq_open() ERRORS",                             \
               "mq_open() with O_CREAT whose kernel call fails with " #ERR   \
               " returns "                                                   \
               "(mqd_t)-1 with that errno and leaves no queue of that name", \
               failed_create, "mq_open", ERR)

MQ_CREATE_CASE(MqOpenCreateEaccesLeavesNoQueue, "injection.errpath.mq-open-create-eacces", EACCES)
MQ_CREATE_CASE(MqOpenCreateEexistLeavesNoQueue, "injection.errpath.mq-open-create-eexist", EEXIST)
MQ_CREATE_CASE(MqOpenCreateEintrLeavesNoQueue, "injection.errpath.mq-open-create-eintr", EINTR)
MQ_CREATE_CASE(MqOpenCreateEinvalLeavesNoQueue, "injection.errpath.mq-open-create-einval", EINVAL)
MQ_CREATE_CASE(MqOpenCreateEmfileLeavesNoQueue, "injection.errpath.mq-open-create-emfile", EMFILE)
MQ_CREATE_CASE(MqOpenCreateEnfileLeavesNoQueue, "injection.errpath.mq-open-create-enfile", ENFILE)
MQ_CREATE_CASE(MqOpenCreateEnospcLeavesNoQueue, "injection.errpath.mq-open-create-enospc", ENOSPC)
ERRPATH_CASE(MqOpenCreateEnomemLeavesNoQueue, "injection.errpath.mq-open-create-enomem",
             "Linux mq_open(3) ERRORS",
             "mq_open() with O_CREAT whose kernel call fails with ENOMEM returns (mqd_t)-1 with "
             "ENOMEM and leaves no queue of that name (Linux-only errno)",
             failed_create, "mq_open", ENOMEM)

// The queue holds "one" (priority 5); mq_send of "two" fails with err; the
// queue still holds exactly "one".
injection::Run failed_send(const char* err_name, int err) {
  Queue q(4, 16);
  SETUP_OK(mq_send(q.get(), "one", 3, 5));
  const int fd = static_cast<int>(q.get());
  auto r = injection::run({injection::rule("mq_timedsend", eq(0, fd), err_name)}, [&q, err] {
    CHILD_CHECK_ERRNO(mq_send(q.get(), "two", 3, 1), err);
    const timespec far = posix_mq::realtime_after_ms(30000);
    CHILD_CHECK_ERRNO(mq_timedsend(q.get(), "two", 3, 1, &far), err);
    mq_attr a{};
    CHILD_CHECK_OK(mq_getattr(q.get(), &a));
    CHILD_CHECK_EQ(a.mq_curmsgs, 1);
  });
  char buf[16];
  unsigned prio = 0;
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 3);
  EXPECT_EQ(std::memcmp(buf, "one", 3), 0);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0) << "a failed mq_send added a message";
  return r;
}

#define MQ_SEND_CASE(Name, id, ERR)                                              \
  ERRPATH_CASE(Name, id, "XSH mq_send() ERRORS",                                 \
               "mq_send() and mq_timedsend() whose kernel call fails with " #ERR \
               " return "                                                        \
               "-1 with that errno and add no message to the queue",             \
               failed_send, "mq_timedsend", ERR)

MQ_SEND_CASE(MqSendEagainAddsNoMessage, "injection.errpath.mq-send-eagain", EAGAIN)
MQ_SEND_CASE(MqSendEbadfAddsNoMessage, "injection.errpath.mq-send-ebadf", EBADF)
MQ_SEND_CASE(MqSendEintrAddsNoMessage, "injection.errpath.mq-send-eintr", EINTR)
MQ_SEND_CASE(MqSendEinvalAddsNoMessage, "injection.errpath.mq-send-einval", EINVAL)
MQ_SEND_CASE(MqSendEmsgsizeAddsNoMessage, "injection.errpath.mq-send-emsgsize", EMSGSIZE)
MQ_SEND_CASE(MqSendEtimedoutAddsNoMessage, "injection.errpath.mq-send-etimedout", ETIMEDOUT)

// The queue holds "keep" (priority 7); mq_receive fails with err; a later
// receive through another descriptor gets "keep" with its priority.
injection::Run failed_receive(const char* err_name, int err) {
  Queue q(4, 16);
  SETUP_OK(mq_send(q.get(), "keep", 4, 7));
  const int fd = static_cast<int>(q.get());
  auto r = injection::run({injection::rule("mq_timedreceive", eq(0, fd), err_name)}, [&q, err] {
    char buf[16];
    unsigned prio = 0;
    CHILD_CHECK_ERRNO(mq_receive(q.get(), buf, sizeof buf, &prio), err);
    const timespec far = posix_mq::realtime_after_ms(30000);
    CHILD_CHECK_ERRNO(mq_timedreceive(q.get(), buf, sizeof buf, &prio, &far), err);
    mq_attr a{};
    CHILD_CHECK_OK(mq_getattr(q.get(), &a));
    CHILD_CHECK_EQ(a.mq_curmsgs, 1);
  });
  char buf[16];
  unsigned prio = 0;
  EXPECT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 4) << "a failed receive consumed it";
  EXPECT_EQ(std::memcmp(buf, "keep", 4), 0);
  EXPECT_EQ(prio, 7u);
  return r;
}

#define MQ_RECEIVE_CASE(Name, id, ERR)                                                       \
  ERRPATH_CASE(Name, id, "XSH mq_receive() ERRORS",                                          \
               "mq_receive() and mq_timedreceive() whose kernel call fails with " #ERR       \
               " return -1 with that errno and consume no message: a later receive gets it", \
               failed_receive, "mq_timedreceive", ERR)

MQ_RECEIVE_CASE(MqReceiveEagainConsumesNoMessage, "injection.errpath.mq-receive-eagain", EAGAIN)
MQ_RECEIVE_CASE(MqReceiveEbadfConsumesNoMessage, "injection.errpath.mq-receive-ebadf", EBADF)
MQ_RECEIVE_CASE(MqReceiveEintrConsumesNoMessage, "injection.errpath.mq-receive-eintr", EINTR)
MQ_RECEIVE_CASE(MqReceiveEinvalConsumesNoMessage, "injection.errpath.mq-receive-einval", EINVAL)
MQ_RECEIVE_CASE(MqReceiveEmsgsizeConsumesNoMessage, "injection.errpath.mq-receive-emsgsize",
                EMSGSIZE)
MQ_RECEIVE_CASE(MqReceiveEtimedoutConsumesNoMessage, "injection.errpath.mq-receive-etimedout",
                ETIMEDOUT)
MQ_RECEIVE_CASE(MqReceiveEbadmsgConsumesNoMessage, "injection.errpath.mq-receive-ebadmsg", EBADMSG)

// mq_notify(SIGEV_SIGNAL) fails with err: nothing is registered, so a message
// arriving in the empty queue raises no signal.
injection::Run failed_notify(int notify, const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run_blocking(
      SIGUSR1, {injection::rule("mq_notify", eq(0, fd) + ",a1!=0", err_name)}, [&q, notify, err] {
        sigevent ev{};
        ev.sigev_notify = notify;
        ev.sigev_signo = SIGUSR1;
        if (notify == SIGEV_THREAD) ev.sigev_notify_function = [](sigval) {};
        CHILD_CHECK_ERRNO(mq_notify(q.get(), &ev), err);
        CHILD_CHECK_OK(mq_send(q.get(), "m", 1, 0));
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        timespec zero{0, 0};
        CHILD_CHECK_ERRNO(sigtimedwait(&set, nullptr, &zero), EAGAIN);
      });
}

injection::Run failed_notify_signal(const char* err_name, int err) {
  return failed_notify(SIGEV_SIGNAL, err_name, err);
}
injection::Run failed_notify_thread(const char* err_name, int err) {
  return failed_notify(SIGEV_THREAD, err_name, err);
}

#define MQ_NOTIFY_CASE(Name, id, clause, ERR, tail)                                      \
  ERRPATH_CASE(Name, id, clause,                                                         \
               "mq_notify() whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and registers nothing" tail,                                            \
               failed_notify_signal, "mq_notify", ERR)

MQ_NOTIFY_CASE(MqNotifyEbusyRegistersNothing, "injection.errpath.mq-notify-ebusy",
               "XSH mq_notify() ERRORS", EBUSY,
               ": a message arriving in the empty queue raises no signal")
MQ_NOTIFY_CASE(MqNotifyEbadfRegistersNothing, "injection.errpath.mq-notify-ebadf",
               "XSH mq_notify() ERRORS", EBADF, "")
MQ_NOTIFY_CASE(MqNotifyEnomemRegistersNothing, "injection.errpath.mq-notify-enomem",
               "Linux mq_notify(3) ERRORS", ENOMEM, " (Linux-only errno)")

ERRPATH_CASE_T(MqNotifySigevThreadEbusyReportsFailure, injection::kSpawnTimeoutS,
               "injection.errpath.mq-notify-thread-ebusy", "XSH mq_notify() ERRORS",
               "mq_notify() with SIGEV_THREAD (glibc: a helper thread and a netlink socket "
               "before the kernel call) whose kernel call fails with EBUSY returns -1 with "
               "EBUSY",
               failed_notify_thread, "mq_notify", EBUSY)

injection::Run failed_getattr(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("mq_getsetattr", eq(0, fd) + ",a1==0", err_name)},
                        [&q, err] {
                          mq_attr a{};
                          a.mq_maxmsg = -5;
                          CHILD_CHECK_ERRNO(mq_getattr(q.get(), &a), err);
                        });
}

ERRPATH_CASE(MqGetattrEbadfReportsFailure, "injection.errpath.mq-getattr-ebadf",
             "XSH mq_getattr() ERRORS",
             "mq_getattr() whose kernel call fails with EBADF returns -1 with EBADF",
             failed_getattr, "mq_getsetattr", EBADF)

// mq_setattr(O_NONBLOCK) fails with err; the queue's flags stay as they were.
injection::Run failed_setattr(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("mq_getsetattr", eq(0, fd) + ",a1!=0", err_name)},
                        [&q, err] {
                          mq_attr set{};
                          set.mq_flags = O_NONBLOCK;
                          mq_attr old{};
                          CHILD_CHECK_ERRNO(mq_setattr(q.get(), &set, &old), err);
                          mq_attr now{};
                          CHILD_CHECK_OK(mq_getattr(q.get(), &now));
                          CHILD_CHECK_EQ(now.mq_flags & O_NONBLOCK, 0);
                        });
}

#define MQ_SETATTR_CASE(Name, id, clause, ERR, tail)                                      \
  ERRPATH_CASE(Name, id, clause,                                                          \
               "mq_setattr() whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and the queue's flags stay as they were" tail,                           \
               failed_setattr, "mq_getsetattr", ERR)

MQ_SETATTR_CASE(MqSetattrEbadfKeepsFlags, "injection.errpath.mq-setattr-ebadf",
                "XSH mq_setattr() ERRORS", EBADF, "")
MQ_SETATTR_CASE(MqSetattrEinvalKeepsFlags, "injection.errpath.mq-setattr-einval",
                "Linux mq_setattr(3) ERRORS", EINVAL, " (Linux-only errno)")

// mq_unlink() fails with err; the name still refers to the queue.
injection::Run failed_unlink(const char* err_name, int err) {
  Queue q(4, 16);
  auto r = injection::run({injection::rule("mq_unlink", "", err_name)},
                          [&q, err] { CHILD_CHECK_ERRNO(mq_unlink(q.name()), err); });
  MqHandle again(mq_open(q.name(), O_RDONLY));
  EXPECT_TRUE(again.valid()) << "after a failed mq_unlink the queue is gone: " << ErrnoText(errno);
  return r;
}

#define MQ_UNLINK_CASE(Name, id, ERR)                           \
  ERRPATH_CASE(Name, id, "XSH mq_unlink() ERRORS",              \
               "mq_unlink() whose kernel call fails with " #ERR \
               " returns -1 with that "                         \
               "errno and the queue keeps its name",            \
               failed_unlink, "mq_unlink", ERR)

MQ_UNLINK_CASE(MqUnlinkEaccesKeepsQueue, "injection.errpath.mq-unlink-eacces", EACCES)
MQ_UNLINK_CASE(MqUnlinkEnoentKeepsQueue, "injection.errpath.mq-unlink-enoent", ENOENT)
MQ_UNLINK_CASE(MqUnlinkEnametoolongKeepsQueue, "injection.errpath.mq-unlink-enametoolong",
               ENAMETOOLONG)

injection::Run failed_close(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("close", eq(0, fd), err_name)},
                        [&q, err] { CHILD_CHECK_ERRNO(mq_close(q.get()), err); });
}

ERRPATH_CASE(MqCloseEbadfReportsFailure, "injection.errpath.mq-close-ebadf",
             "XSH mq_close() ERRORS",
             "mq_close() whose kernel call fails with EBADF returns -1 with EBADF", failed_close,
             "close", EBADF)

}  // namespace
}  // namespace sigipc

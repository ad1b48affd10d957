// Error paths of the POSIX message queue calls. glibc 2.36 / x86_64
// (strace): mq_open -> mq_open (name without its '/'); mq_send ->
// mq_timedsend; mq_receive -> mq_timedreceive; mq_getattr and mq_setattr ->
// mq_getsetattr; mq_notify -> mq_notify; mq_unlink -> mq_unlink; mq_close
// -> close. glibc itself produces EINVAL for a name without a leading '/'
// (no syscall): not injected here. Each wrapper has the failure to pass
// back (-1 and the errno); the queue is not checked afterwards, since the
// kernel never ran the failed call. Only mq_notify(SIGEV_THREAD) does steps
// of its own (a helper thread, a netlink socket, a copy of the sigevent):
// after its failure, libc's machinery must still serve a later registration.
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <unistd.h>

#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;
using posix_mq::Queue;

// mq_open(O_CREAT|O_EXCL) fails with err (the name guard removes a queue a
// call that escaped the injection made).
injection::Run failed_create(const char* err_name, int err) {
  MqName name("create");
  return injection::run({injection::rule("mq_open", injection::has_flag(1, O_CREAT), err_name)},
                        [&name, err] {
                          mq_attr a{};
                          a.mq_maxmsg = 2;
                          a.mq_msgsize = 8;
                          errno = 0;
                          mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
                          CHILD_CHECK(d == static_cast<mqd_t>(-1));
                          CHILD_CHECK_EQ(errno, err);
                        });
}

#define MQ_CREATE_CASE(Name, id, ERR)                                      \
  ERRPATH_CASE(Name, id, "XSH mq_open() RETURN VALUE, ERRORS",             \
               "mq_open() with O_CREAT whose kernel call fails with " #ERR \
               " returns "                                                 \
               "(mqd_t)-1 with errno " #ERR,                               \
               failed_create, "mq_open", ERR)

MQ_CREATE_CASE(MqOpenCreateEaccesIsReported, "injection.errpath.mq-open-create-eacces", EACCES)
MQ_CREATE_CASE(MqOpenCreateEexistIsReported, "injection.errpath.mq-open-create-eexist", EEXIST)
MQ_CREATE_CASE(MqOpenCreateEintrIsReported, "injection.errpath.mq-open-create-eintr", EINTR)
MQ_CREATE_CASE(MqOpenCreateEinvalIsReported, "injection.errpath.mq-open-create-einval", EINVAL)
MQ_CREATE_CASE(MqOpenCreateEmfileIsReported, "injection.errpath.mq-open-create-emfile", EMFILE)
MQ_CREATE_CASE(MqOpenCreateEnfileIsReported, "injection.errpath.mq-open-create-enfile", ENFILE)
MQ_CREATE_CASE(MqOpenCreateEnospcIsReported, "injection.errpath.mq-open-create-enospc", ENOSPC)
ERRPATH_CASE(MqOpenCreateEnomemIsReported, "injection.errpath.mq-open-create-enomem",
             "Linux-only, mq_open(3) RETURN VALUE, ERRORS",
             "mq_open() with O_CREAT whose kernel call fails with ENOMEM returns (mqd_t)-1 with "
             "errno ENOMEM (Linux-only errno)",
             failed_create, "mq_open", ENOMEM)

// mq_send and mq_timedsend of "two" fail with err.
injection::Run failed_send(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("mq_timedsend", eq(0, fd), err_name)}, [&q, err] {
    CHILD_CHECK_ERRNO(mq_send(q.get(), "two", 3, 1), err);
    const timespec far = posix_mq::realtime_after_ms(30000);
    CHILD_CHECK_ERRNO(mq_timedsend(q.get(), "two", 3, 1, &far), err);
  });
}

#define MQ_SEND_CASE(Name, id, ERR)                                              \
  ERRPATH_CASE(Name, id, "XSH mq_send() RETURN VALUE, ERRORS",                   \
               "mq_send() and mq_timedsend() whose kernel call fails with " #ERR \
               " return -1 with errno " #ERR,                                    \
               failed_send, "mq_timedsend", ERR)

MQ_SEND_CASE(MqSendEagainIsReported, "injection.errpath.mq-send-eagain", EAGAIN)
MQ_SEND_CASE(MqSendEbadfIsReported, "injection.errpath.mq-send-ebadf", EBADF)
MQ_SEND_CASE(MqSendEintrIsReported, "injection.errpath.mq-send-eintr", EINTR)
MQ_SEND_CASE(MqSendEinvalIsReported, "injection.errpath.mq-send-einval", EINVAL)
MQ_SEND_CASE(MqSendEmsgsizeIsReported, "injection.errpath.mq-send-emsgsize", EMSGSIZE)
MQ_SEND_CASE(MqSendEtimedoutIsReported, "injection.errpath.mq-send-etimedout", ETIMEDOUT)

// The queue holds "keep"; mq_receive and mq_timedreceive fail with err.
injection::Run failed_receive(const char* err_name, int err) {
  Queue q(4, 16);
  SETUP_OK(mq_send(q.get(), "keep", 4, 7));
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("mq_timedreceive", eq(0, fd), err_name)}, [&q, err] {
    char buf[16];
    unsigned prio = 0;
    CHILD_CHECK_ERRNO(mq_receive(q.get(), buf, sizeof buf, &prio), err);
    const timespec far = posix_mq::realtime_after_ms(30000);
    CHILD_CHECK_ERRNO(mq_timedreceive(q.get(), buf, sizeof buf, &prio, &far), err);
  });
}

#define MQ_RECEIVE_CASE(Name, id, ERR)                                                 \
  ERRPATH_CASE(Name, id, "XSH mq_receive() RETURN VALUE, ERRORS",                      \
               "mq_receive() and mq_timedreceive() whose kernel call fails with " #ERR \
               " return -1 with errno " #ERR,                                          \
               failed_receive, "mq_timedreceive", ERR)

MQ_RECEIVE_CASE(MqReceiveEagainIsReported, "injection.errpath.mq-receive-eagain", EAGAIN)
MQ_RECEIVE_CASE(MqReceiveEbadfIsReported, "injection.errpath.mq-receive-ebadf", EBADF)
MQ_RECEIVE_CASE(MqReceiveEintrIsReported, "injection.errpath.mq-receive-eintr", EINTR)
MQ_RECEIVE_CASE(MqReceiveEinvalIsReported, "injection.errpath.mq-receive-einval", EINVAL)
MQ_RECEIVE_CASE(MqReceiveEmsgsizeIsReported, "injection.errpath.mq-receive-emsgsize", EMSGSIZE)
MQ_RECEIVE_CASE(MqReceiveEtimedoutIsReported, "injection.errpath.mq-receive-etimedout", ETIMEDOUT)
MQ_RECEIVE_CASE(MqReceiveEbadmsgIsReported, "injection.errpath.mq-receive-ebadmsg", EBADMSG)

// mq_notify(SIGEV_SIGNAL) fails with err.
injection::Run failed_notify_signal(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("mq_notify", eq(0, fd) + ",a1!=0", err_name)}, [&q, err] {
    sigevent ev{};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    CHILD_CHECK_ERRNO(mq_notify(q.get(), &ev), err);
  });
}

#define MQ_NOTIFY_CASE(Name, id, clause, ERR, tail)             \
  ERRPATH_CASE(Name, id, clause,                                \
               "mq_notify() whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR tail,             \
               failed_notify_signal, "mq_notify", ERR)

MQ_NOTIFY_CASE(MqNotifyEbusyIsReported, "injection.errpath.mq-notify-ebusy",
               "XSH mq_notify() RETURN VALUE, ERRORS", EBUSY, "")
MQ_NOTIFY_CASE(MqNotifyEbadfIsReported, "injection.errpath.mq-notify-ebadf",
               "XSH mq_notify() RETURN VALUE, ERRORS", EBADF, "")
MQ_NOTIFY_CASE(MqNotifyEnomemIsReported, "injection.errpath.mq-notify-enomem",
               "Linux-only, mq_notify(3) RETURN VALUE, ERRORS", ENOMEM, " (Linux-only errno)")

// Posted by the notification function, in the child that registered it.
sem_t notified;
void post_notified(sigval) { sem_post(&notified); }

// The first mq_notify(SIGEV_THREAD) fails with err; a second registration
// succeeds and its function runs when a message arrives in the empty queue
// (bounded wait: a libc whose helper is broken fails here, not hangs).
injection::Run failed_notify_thread(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  const std::string once = injection::rule("mq_notify", eq(0, fd) + ",a1!=0", err_name) + "@1";
  return injection::run({once}, [&q, err] {
    CHILD_CHECK_OK(sem_init(&notified, 0, 0));
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = post_notified;
    CHILD_CHECK_ERRNO(mq_notify(q.get(), &ev), err);
    // The later registration goes through a second descriptor of the same
    // queue, which the rule does not match: rules count calls per thread,
    // and musl makes each SIGEV_THREAD registration's call from a new
    // helper thread, where it would be "the first" again.
    const int again = dup(static_cast<int>(q.get()));
    CHILD_CHECK_OK(again);
    CHILD_CHECK_OK(mq_notify(static_cast<mqd_t>(again), &ev));
    CHILD_CHECK_OK(mq_send(q.get(), "m", 1, 0));
    const timespec limit = posix_mq::realtime_after_ms(5000);
    CHILD_CHECK_OK(sem_timedwait(&notified, &limit));
  });
}

ERRPATH_CASE_T(MqNotifySigevThreadEbusyLeavesLaterRegistrationWorking, injection::kSpawnTimeoutS,
               "injection.errpath.mq-notify-thread-ebusy",
               "XSH mq_notify() RETURN VALUE, ERRORS; XSH 2.4.2 (SIGEV_THREAD)",
               "mq_notify() with SIGEV_THREAD (glibc: a helper thread and a netlink socket "
               "before the kernel call) whose kernel call fails with EBUSY returns -1 with "
               "EBUSY, and a later SIGEV_THREAD registration still works: its function runs "
               "when a message arrives",
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
             "XSH mq_getattr() RETURN VALUE, ERRORS",
             "mq_getattr() whose kernel call fails with EBADF returns -1 with EBADF",
             failed_getattr, "mq_getsetattr", EBADF)

// mq_setattr(O_NONBLOCK) fails with err.
injection::Run failed_setattr(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("mq_getsetattr", eq(0, fd) + ",a1!=0", err_name)},
                        [&q, err] {
                          mq_attr set{};
                          set.mq_flags = O_NONBLOCK;
                          mq_attr old{};
                          CHILD_CHECK_ERRNO(mq_setattr(q.get(), &set, &old), err);
                        });
}

#define MQ_SETATTR_CASE(Name, id, clause, ERR, tail)             \
  ERRPATH_CASE(Name, id, clause,                                 \
               "mq_setattr() whose kernel call fails with " #ERR \
               " returns -1 with errno " #ERR tail,              \
               failed_setattr, "mq_getsetattr", ERR)

MQ_SETATTR_CASE(MqSetattrEbadfIsReported, "injection.errpath.mq-setattr-ebadf",
                "XSH mq_setattr() RETURN VALUE, ERRORS", EBADF, "")
MQ_SETATTR_CASE(MqSetattrEinvalIsReported, "injection.errpath.mq-setattr-einval",
                "Linux-only, mq_setattr(3) RETURN VALUE, ERRORS", EINVAL, " (Linux-only errno)")

// mq_unlink() fails with err.
injection::Run failed_unlink(const char* err_name, int err) {
  Queue q(4, 16);
  return injection::run({injection::rule("mq_unlink", "", err_name)},
                        [&q, err] { CHILD_CHECK_ERRNO(mq_unlink(q.name()), err); });
}

#define MQ_UNLINK_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH mq_unlink() RETURN VALUE, ERRORS",                                \
               "mq_unlink() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_unlink, "mq_unlink", ERR)

MQ_UNLINK_CASE(MqUnlinkEaccesIsReported, "injection.errpath.mq-unlink-eacces", EACCES)
MQ_UNLINK_CASE(MqUnlinkEnoentIsReported, "injection.errpath.mq-unlink-enoent", ENOENT)
MQ_UNLINK_CASE(MqUnlinkEnametoolongIsReported, "injection.errpath.mq-unlink-enametoolong",
               ENAMETOOLONG)

injection::Run failed_close(const char* err_name, int err) {
  Queue q(4, 16);
  const int fd = static_cast<int>(q.get());
  return injection::run({injection::rule("close", eq(0, fd), err_name)},
                        [&q, err] { CHILD_CHECK_ERRNO(mq_close(q.get()), err); });
}

ERRPATH_CASE(MqCloseEbadfReportsFailure, "injection.errpath.mq-close-ebadf",
             "XSH mq_close() RETURN VALUE, ERRORS",
             "mq_close() whose kernel call fails with EBADF returns -1 with EBADF", failed_close,
             "close", EBADF)

}  // namespace
}  // namespace sigipc

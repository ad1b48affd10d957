// Error paths of the System V message queue calls. glibc 2.36 / x86_64
// (strace): msgget, msgsnd, msgrcv, msgctl are the syscalls of the same name.
// A failed msgsnd adds no message, a failed msgrcv consumes none (a later
// msgrcv gets it), a failed msgget(IPC_CREAT) creates no queue, a failed
// msgctl(IPC_RMID) removes nothing.
#include <sys/ipc.h>
#include <sys/msg.h>

#include <cstring>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

struct Msg {
  long mtype;
  char text[16];
};

long qnum(int id) {
  msqid_ds ds{};
  if (msgctl(id, IPC_STAT, &ds) != 0) return -1;
  return static_cast<long>(ds.msg_qnum);
}

// msgget(key, IPC_CREAT|IPC_EXCL) fails with err and no queue has the key.
injection::Run failed_msgget(const char* err_name, int err) {
  return injection::failed_sysv_create(
      SysvId::kMsg, "msgget", "queue",
      [](key_t k) { return msgget(k, IPC_CREAT | IPC_EXCL | 0600); },
      [](key_t k) { return msgget(k, 0); }, err_name, err);
}

#define MSGGET_CASE(Name, id, ERR)                                    \
  ERRPATH_CASE(Name, id, "XSH msgget() ERRORS",                       \
               "msgget(IPC_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "that errno and creates no queue for the key",         \
               failed_msgget, "msgget", ERR)

MSGGET_CASE(MsggetEaccesCreatesNoQueue, "injection.errpath.msgget-eacces", EACCES)
MSGGET_CASE(MsggetEexistCreatesNoQueue, "injection.errpath.msgget-eexist", EEXIST)
MSGGET_CASE(MsggetEnoentCreatesNoQueue, "injection.errpath.msgget-enoent", ENOENT)
MSGGET_CASE(MsggetEnospcCreatesNoQueue, "injection.errpath.msgget-enospc", ENOSPC)
ERRPATH_CASE(MsggetEnomemCreatesNoQueue, "injection.errpath.msgget-enomem",
             "Linux msgget(2) ERRORS",
             "msgget(IPC_CREAT) whose kernel call fails with ENOMEM returns -1 with ENOMEM and "
             "creates no queue (Linux-only errno)",
             failed_msgget, "msgget", ENOMEM)

// The queue holds one message; msgsnd of another fails with err; it still
// holds exactly the first.
injection::Run failed_msgsnd(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  Msg first{1, "first"};
  SETUP_OK(msgsnd(q.get(), &first, 5, 0));
  auto r = injection::run({injection::rule("msgsnd", eq(0, q.get()), err_name)}, [&q, err] {
    Msg m{2, "lost"};
    CHILD_CHECK_ERRNO(msgsnd(q.get(), &m, 4, IPC_NOWAIT), err);
    CHILD_CHECK_EQ(qnum(q.get()), 1);
  });
  Msg got{};
  EXPECT_EQ(msgrcv(q.get(), &got, sizeof got.text, 0, IPC_NOWAIT), 5);
  EXPECT_EQ(got.mtype, 1);
  EXPECT_EQ(qnum(q.get()), 0) << "a failed msgsnd added a message";
  return r;
}

#define MSGSND_CASE(Name, id, ERR)                           \
  ERRPATH_CASE(Name, id, "XSH msgsnd() ERRORS",              \
               "msgsnd() whose kernel call fails with " #ERR \
               " returns -1 with that errno "                \
               "and adds no message",                        \
               failed_msgsnd, "msgsnd", ERR)

MSGSND_CASE(MsgsndEaccesAddsNoMessage, "injection.errpath.msgsnd-eacces", EACCES)
MSGSND_CASE(MsgsndEagainAddsNoMessage, "injection.errpath.msgsnd-eagain", EAGAIN)
MSGSND_CASE(MsgsndEidrmAddsNoMessage, "injection.errpath.msgsnd-eidrm", EIDRM)
MSGSND_CASE(MsgsndEintrAddsNoMessage, "injection.errpath.msgsnd-eintr", EINTR)
MSGSND_CASE(MsgsndEinvalAddsNoMessage, "injection.errpath.msgsnd-einval", EINVAL)
ERRPATH_CASE(MsgsndEnomemAddsNoMessage, "injection.errpath.msgsnd-enomem", "Linux msgsnd(2) ERRORS",
             "msgsnd() whose kernel call fails with ENOMEM returns -1 with ENOMEM and adds no "
             "message (Linux-only errno)",
             failed_msgsnd, "msgsnd", ENOMEM)

// The queue holds "kept" (type 3); msgrcv fails with err; a later msgrcv
// gets it.
injection::Run failed_msgrcv(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  Msg kept{3, "kept"};
  SETUP_OK(msgsnd(q.get(), &kept, 4, 0));
  auto r = injection::run({injection::rule("msgrcv", eq(0, q.get()), err_name)}, [&q, err] {
    Msg m{};
    CHILD_CHECK_ERRNO(msgrcv(q.get(), &m, sizeof m.text, 0, 0), err);
    CHILD_CHECK_EQ(qnum(q.get()), 1);
  });
  Msg got{};
  EXPECT_EQ(msgrcv(q.get(), &got, sizeof got.text, 0, IPC_NOWAIT), 4)
      << "a failed msgrcv consumed the message: " << ErrnoText(errno);
  EXPECT_EQ(got.mtype, 3);
  EXPECT_EQ(std::memcmp(got.text, "kept", 4), 0);
  return r;
}

#define MSGRCV_CASE(Name, id, ERR)                                \
  ERRPATH_CASE(Name, id, "XSH msgrcv() ERRORS",                   \
               "msgrcv() whose kernel call fails with " #ERR      \
               " returns -1 with that errno "                     \
               "and consumes no message: a later msgrcv gets it", \
               failed_msgrcv, "msgrcv", ERR)

MSGRCV_CASE(MsgrcvE2bigConsumesNoMessage, "injection.errpath.msgrcv-e2big", E2BIG)
MSGRCV_CASE(MsgrcvEaccesConsumesNoMessage, "injection.errpath.msgrcv-eacces", EACCES)
MSGRCV_CASE(MsgrcvEidrmConsumesNoMessage, "injection.errpath.msgrcv-eidrm", EIDRM)
MSGRCV_CASE(MsgrcvEintrConsumesNoMessage, "injection.errpath.msgrcv-eintr", EINTR)
MSGRCV_CASE(MsgrcvEinvalConsumesNoMessage, "injection.errpath.msgrcv-einval", EINVAL)
MSGRCV_CASE(MsgrcvEnomsgConsumesNoMessage, "injection.errpath.msgrcv-enomsg", ENOMSG)

// msgctl(IPC_RMID) fails with err and the queue still exists.
injection::Run failed_msgctl_rmid(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  auto r = injection::run(
      {injection::rule("msgctl", eq(0, q.get()) + "," + eq(1, IPC_RMID), err_name)}, [&q, err] {
        CHILD_CHECK_ERRNO(msgctl(q.get(), IPC_RMID, nullptr), err);
        CHILD_CHECK_EQ(qnum(q.get()), 0);
      });
  EXPECT_EQ(qnum(q.get()), 0) << "the queue is gone after a failed IPC_RMID";
  return r;
}

#define MSGCTL_RMID_CASE(Name, id, ERR)                                                       \
  ERRPATH_CASE(Name, id, "XSH msgctl() ERRORS",                                               \
               "msgctl(IPC_RMID) whose kernel call fails with " #ERR " returns -1 with " #ERR \
               " and the queue still exists",                                                 \
               failed_msgctl_rmid, "msgctl", ERR)

MSGCTL_RMID_CASE(MsgctlRmidEpermKeepsQueue, "injection.errpath.msgctl-rmid-eperm", EPERM)
MSGCTL_RMID_CASE(MsgctlRmidEinvalKeepsQueue, "injection.errpath.msgctl-rmid-einval", EINVAL)

// msgctl(IPC_SET) of a new mode fails with err and the mode stays.
injection::Run failed_msgctl_set(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg(0600));
  return injection::run(
      {injection::rule("msgctl", eq(0, q.get()) + "," + eq(1, IPC_SET), err_name)}, [&q, err] {
        msqid_ds ds{};
        CHILD_CHECK_OK(msgctl(q.get(), IPC_STAT, &ds));
        ds.msg_perm.mode = 0644;
        CHILD_CHECK_ERRNO(msgctl(q.get(), IPC_SET, &ds), err);
        msqid_ds now{};
        CHILD_CHECK_OK(msgctl(q.get(), IPC_STAT, &now));
        CHILD_CHECK_EQ(now.msg_perm.mode & 0777, 0600);
      });
}

ERRPATH_CASE(MsgctlSetEpermKeepsMode, "injection.errpath.msgctl-set-eperm", "XSH msgctl() ERRORS",
             "msgctl(IPC_SET) whose kernel call fails with EPERM returns -1 with EPERM and the "
             "queue's permissions stay as they were",
             failed_msgctl_set, "msgctl", EPERM)

}  // namespace
}  // namespace sigipc

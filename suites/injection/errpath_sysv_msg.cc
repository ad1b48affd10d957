// Error paths of the System V message queue calls. glibc 2.36 / x86_64
// (strace): msgget, msgsnd, msgrcv, msgctl are the syscalls of the same name,
// so each wrapper has only the failure to pass back: -1 and the errno. The
// queue is not checked afterwards: the kernel never ran the failed call.
#include <sys/ipc.h>
#include <sys/msg.h>

#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

using injection::eq;

struct Msg {
  long mtype;
  char text[16];
};

// msgget(key, IPC_CREAT|IPC_EXCL) fails with err.
injection::Run failed_msgget(const char* err_name, int err) {
  return injection::failed_sysv_create(
      SysvId::kMsg, "msgget", [](key_t k) { return msgget(k, IPC_CREAT | IPC_EXCL | 0600); },
      [](key_t k) { return msgget(k, 0); }, err_name, err);
}

#define MSGGET_CASE(Name, id, ERR)                                    \
  ERRPATH_CASE(Name, id, "XSH msgget() RETURN VALUE, ERRORS",         \
               "msgget(IPC_CREAT) whose kernel call fails with " #ERR \
               " returns -1 with "                                    \
               "errno " #ERR,                                         \
               failed_msgget, "msgget", ERR)

MSGGET_CASE(MsggetEaccesIsReported, "injection.errpath.msgget-eacces", EACCES)
MSGGET_CASE(MsggetEexistIsReported, "injection.errpath.msgget-eexist", EEXIST)
MSGGET_CASE(MsggetEnoentIsReported, "injection.errpath.msgget-enoent", ENOENT)
MSGGET_CASE(MsggetEnospcIsReported, "injection.errpath.msgget-enospc", ENOSPC)
ERRPATH_CASE(MsggetEnomemIsReported, "injection.errpath.msgget-enomem",
             "Linux-only, msgget(2) RETURN VALUE, ERRORS",
             "msgget(IPC_CREAT) whose kernel call fails with ENOMEM returns -1 with errno ENOMEM "
             "(Linux-only errno)",
             failed_msgget, "msgget", ENOMEM)

// msgsnd() to a queue fails with err.
injection::Run failed_msgsnd(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  return injection::run({injection::rule("msgsnd", eq(0, q.get()), err_name)}, [&q, err] {
    Msg m{2, "lost"};
    CHILD_CHECK_ERRNO(msgsnd(q.get(), &m, 4, IPC_NOWAIT), err);
  });
}

#define MSGSND_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH msgsnd() RETURN VALUE, ERRORS",                                \
               "msgsnd() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_msgsnd, "msgsnd", ERR)

MSGSND_CASE(MsgsndEaccesIsReported, "injection.errpath.msgsnd-eacces", EACCES)
MSGSND_CASE(MsgsndEagainIsReported, "injection.errpath.msgsnd-eagain", EAGAIN)
MSGSND_CASE(MsgsndEidrmIsReported, "injection.errpath.msgsnd-eidrm", EIDRM)
MSGSND_CASE(MsgsndEintrIsReported, "injection.errpath.msgsnd-eintr", EINTR)
MSGSND_CASE(MsgsndEinvalIsReported, "injection.errpath.msgsnd-einval", EINVAL)
ERRPATH_CASE(MsgsndEnomemIsReported, "injection.errpath.msgsnd-enomem",
             "Linux-only, msgsnd(2) RETURN VALUE, ERRORS",
             "msgsnd() whose kernel call fails with ENOMEM returns -1 with errno ENOMEM "
             "(Linux-only errno)",
             failed_msgsnd, "msgsnd", ENOMEM)

// msgrcv() from a queue holding a message fails with err.
injection::Run failed_msgrcv(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  Msg kept{3, "kept"};
  SETUP_OK(msgsnd(q.get(), &kept, 4, 0));
  return injection::run({injection::rule("msgrcv", eq(0, q.get()), err_name)}, [&q, err] {
    Msg m{};
    CHILD_CHECK_ERRNO(msgrcv(q.get(), &m, sizeof m.text, 0, 0), err);
  });
}

#define MSGRCV_CASE(Name, id, ERR)                                                           \
  ERRPATH_CASE(Name, id, "XSH msgrcv() RETURN VALUE, ERRORS",                                \
               "msgrcv() whose kernel call fails with " #ERR " returns -1 with errno " #ERR, \
               failed_msgrcv, "msgrcv", ERR)

MSGRCV_CASE(MsgrcvE2bigIsReported, "injection.errpath.msgrcv-e2big", E2BIG)
MSGRCV_CASE(MsgrcvEaccesIsReported, "injection.errpath.msgrcv-eacces", EACCES)
MSGRCV_CASE(MsgrcvEidrmIsReported, "injection.errpath.msgrcv-eidrm", EIDRM)
MSGRCV_CASE(MsgrcvEintrIsReported, "injection.errpath.msgrcv-eintr", EINTR)
MSGRCV_CASE(MsgrcvEinvalIsReported, "injection.errpath.msgrcv-einval", EINVAL)
MSGRCV_CASE(MsgrcvEnomsgIsReported, "injection.errpath.msgrcv-enomsg", ENOMSG)

// msgctl(IPC_RMID) fails with err.
injection::Run failed_msgctl_rmid(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  return injection::run(
      {injection::rule("msgctl", eq(0, q.get()) + "," + eq(1, IPC_RMID), err_name)},
      [&q, err] { CHILD_CHECK_ERRNO(msgctl(q.get(), IPC_RMID, nullptr), err); });
}

#define MSGCTL_RMID_CASE(Name, id, ERR)                              \
  ERRPATH_CASE(Name, id, "XSH msgctl() RETURN VALUE, ERRORS",        \
               "msgctl(IPC_RMID) whose kernel call fails with " #ERR \
               " returns -1 with "                                   \
               "errno " #ERR,                                        \
               failed_msgctl_rmid, "msgctl", ERR)

MSGCTL_RMID_CASE(MsgctlRmidEpermIsReported, "injection.errpath.msgctl-rmid-eperm", EPERM)
MSGCTL_RMID_CASE(MsgctlRmidEinvalIsReported, "injection.errpath.msgctl-rmid-einval", EINVAL)

// msgctl(IPC_SET) of a new mode fails with err.
injection::Run failed_msgctl_set(const char* err_name, int err) {
  SysvId q(SysvId::kMsg, create_sysv_msg(0600));
  return injection::run(
      {injection::rule("msgctl", eq(0, q.get()) + "," + eq(1, IPC_SET), err_name)}, [&q, err] {
        msqid_ds ds{};
        CHILD_CHECK_OK(msgctl(q.get(), IPC_STAT, &ds));
        ds.msg_perm.mode = 0644;
        CHILD_CHECK_ERRNO(msgctl(q.get(), IPC_SET, &ds), err);
      });
}

ERRPATH_CASE(MsgctlSetEpermIsReported, "injection.errpath.msgctl-set-eperm",
             "XSH msgctl() RETURN VALUE, ERRORS",
             "msgctl(IPC_SET) whose kernel call fails with EPERM returns -1 with errno EPERM",
             failed_msgctl_set, "msgctl", EPERM)

}  // namespace
}  // namespace sigipc

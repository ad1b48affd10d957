// injection.kernel: the System V IPC calls with a kernel allocation failed
// (kernel_faults_helpers.h). The errnos allowed are the resource errnos of
// each call's ERRORS section: msgget(2) and semget(2) ENOMEM, ENOSPC;
// shmget(2) ENOMEM, ENOSPC, ENFILE; msgsnd(2), semop(2) and shmat(2) ENOMEM.
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures/ipc_guards.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "suites/injection/kernel_faults_helpers.h"

namespace sigipc {
namespace {

using kernel_faults::Call;

// A System V object that the call under test creates with key: after a
// failure none may exist; after a success one must, and is removed.
std::string created_by_key(const char* what, bool failed, int id, void (*remove)(int id)) {
  std::string change;
  if (failed && id >= 0) change = std::string("a ") + what + " with the key exists";
  if (!failed && id < 0) change = std::string("succeeded, yet no ") + what + " has the key";
  if (id >= 0) remove(id);
  return change;
}

Call msgget_call(key_t key) {
  Call c{"msgget", {ENOMEM, ENOSPC}};
  c.invoke = [key] { return static_cast<long>(msgget(key, IPC_CREAT | IPC_EXCL | 0600)); };
  c.check_parent = [key](bool failed) {
    return created_by_key("message queue", failed, msgget(key, 0),
                          [](int id) { msgctl(id, IPC_RMID, nullptr); });
  };
  return c;
}

KERNEL_FAULT_TEST(MsggetFailureCreatesNoQueue, "injection.kernel.msgget.failure-creates-no-queue",
                  "Linux-only, msgget(2) ERRORS; fault-injection.rst fail-nth",
                  "msgget(IPC_CREAT|IPC_EXCL) whose Nth kernel allocation fails returns -1 with "
                  "ENOMEM or ENOSPC and leaves no queue with the key",
                  [] { return msgget_call(UniqueKey()); })

Call semget_call(key_t key) {
  Call c{"semget", {ENOMEM, ENOSPC}};
  c.invoke = [key] { return static_cast<long>(semget(key, 3, IPC_CREAT | IPC_EXCL | 0600)); };
  c.check_parent = [key](bool failed) {
    return created_by_key("semaphore set", failed, semget(key, 0, 0),
                          [](int id) { semctl(id, 0, IPC_RMID); });
  };
  return c;
}

KERNEL_FAULT_TEST(SemgetFailureCreatesNoSet, "injection.kernel.semget.failure-creates-no-set",
                  "Linux-only, semget(2) ERRORS; fault-injection.rst fail-nth",
                  "semget(IPC_CREAT|IPC_EXCL) whose Nth kernel allocation fails returns -1 with "
                  "ENOMEM or ENOSPC and leaves no semaphore set with the key",
                  [] { return semget_call(UniqueKey()); })

Call shmget_call(key_t key) {
  Call c{"shmget", {ENOMEM, ENOSPC, ENFILE}};
  c.invoke = [key] { return static_cast<long>(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600)); };
  c.check_parent = [key](bool failed) {
    return created_by_key("shared memory segment", failed, shmget(key, 0, 0),
                          [](int id) { shmctl(id, IPC_RMID, nullptr); });
  };
  return c;
}

KERNEL_FAULT_TEST(ShmgetFailureCreatesNoSegment,
                  "injection.kernel.shmget.failure-creates-no-segment",
                  "Linux-only, shmget(2) ERRORS; fault-injection.rst fail-nth",
                  "shmget(IPC_CREAT|IPC_EXCL) whose Nth kernel allocation fails returns -1 with "
                  "ENOMEM, ENOSPC or ENFILE and leaves no segment with the key",
                  [] { return shmget_call(UniqueKey()); })

struct Msg {
  long mtype;
  char text[8];
};

// The queue's messages in order, drained; each is "type:text".
std::vector<std::string> drain(int q) {
  std::vector<std::string> got;
  Msg m{};
  for (;;) {
    const ssize_t r = msgrcv(q, &m, sizeof m.text, 0, IPC_NOWAIT);
    if (r < 0) {
      if (errno != ENOMSG) setup_error_errno(__FILE__, __LINE__, "msgrcv", errno);
      return got;
    }
    got.push_back(std::to_string(m.mtype) + ":" + std::string(m.text, static_cast<size_t>(r)));
  }
}

void refill(int q) {
  Msg a{1, "alpha"}, b{2, "beta"};
  SETUP_OK(msgsnd(q, &a, 5, IPC_NOWAIT));
  SETUP_OK(msgsnd(q, &b, 4, IPC_NOWAIT));
}

std::string queue_change(int q, bool failed) {
  msqid_ds ds{};
  SETUP_OK(msgctl(q, IPC_STAT, &ds));
  const std::vector<std::string> want =
      failed ? std::vector<std::string>{"1:alpha", "2:beta"}
             : std::vector<std::string>{"1:alpha", "2:beta", "3:gamma"};
  const unsigned long bytes = failed ? 9 : 14;
  std::string change;
  if (ds.msg_qnum != want.size() || ds.msg_cbytes != bytes)
    change = "msg_qnum/msg_cbytes " + std::to_string(ds.msg_qnum) + "/" +
             std::to_string(ds.msg_cbytes) + ", expected " + std::to_string(want.size()) + "/" +
             std::to_string(bytes);
  const std::vector<std::string> got = drain(q);
  if (got != want) {
    std::string s;
    for (const auto& g : got) s += (s.empty() ? "" : " ") + g;
    change += (change.empty() ? "" : ", and ") + std::string("queue holds [") + s + "]";
  }
  refill(q);
  return change;
}

Call msgsnd_call(int q) {
  Call c{"msgsnd", {ENOMEM}};
  static Msg m;
  c.prepare = [] { m = Msg{3, "gamma"}; };
  c.invoke = [q] { return static_cast<long>(msgsnd(q, &m, 5, IPC_NOWAIT)); };
  c.check_parent = [q](bool failed) { return queue_change(q, failed); };
  return c;
}

SIGIPC_TEST_T(KernelFaults, MsgsndFailureLeavesQueueUnchanged, kernel_faults::kTimeoutS,
              "injection.kernel.msgsnd.failure-leaves-queue-unchanged",
              "Linux-only, msgsnd(2) ERRORS; fault-injection.rst fail-nth",
              "msgsnd() whose Nth kernel allocation fails returns -1 with ENOMEM and leaves the "
              "queue's messages, msg_qnum and msg_cbytes as they were") {
  std::string why;
  if (!kfault::available(&why)) SIGIPC_UNSUPPORTED(why);
  SysvId q(SysvId::kMsg, create_sysv_msg());
  refill(q.get());
  kernel_faults::ExpectFaultsLeaveNoTrace(msgsnd_call(q.get()));
}

constexpr int kSemStart = 5;

Call semop_undo_call(int set) {
  Call c{"semop", {ENOMEM}};
  static sembuf op;
  c.prepare = [] { op = sembuf{0, 2, SEM_UNDO}; };
  c.invoke = [set] { return static_cast<long>(semop(set, &op, 1)); };
  // While the child lives: the value moved only if the call succeeded.
  c.check_child = [set](bool failed, long, SafeBuf& change) {
    const int v = semctl(set, 0, GETVAL);
    const int want = failed ? kSemStart : kSemStart + 2;
    if (v != want) change.str("semval ").num(v).str(" before exit, expected ").num(want);
  };
  // After its exit: a success was undone by its adjustment, a failure left
  // none to apply.
  c.check_parent = [set](bool failed) {
    const int v = semctl(set, 0, GETVAL);
    std::string change;
    if (v != kSemStart)
      change = "semval " + std::to_string(v) + " after the child's exit, expected " +
               std::to_string(kSemStart) +
               (failed ? " (an adjustment of the failed call was applied)"
                       : " (the adjustment was not applied)");
    SETUP_OK(semctl(set, 0, SETVAL, kSemStart));
    return change;
  };
  return c;
}

SIGIPC_TEST_T(KernelFaults, SemopUndoFailureLeavesValueAndAdjustment, kernel_faults::kTimeoutS,
              "injection.kernel.semop.undo-failure-leaves-value-and-adjustment",
              "Linux-only, semop(2) ERRORS, SEM_UNDO; fault-injection.rst fail-nth",
              "semop() with SEM_UNDO whose Nth kernel allocation fails returns -1 with ENOMEM, "
              "leaves the semaphore value and records no adjustment applied at exit") {
  std::string why;
  if (!kfault::available(&why)) SIGIPC_UNSUPPORTED(why);
  SysvId set(SysvId::kSem, create_sysv_sem(1));
  SETUP_OK(semctl(set.get(), 0, SETVAL, kSemStart));
  kernel_faults::ExpectFaultsLeaveNoTrace(semop_undo_call(set.get()));
}

int nattch(int seg) {
  shmid_ds ds{};
  if (shmctl(seg, IPC_STAT, &ds) != 0) return -1;
  return static_cast<int>(ds.shm_nattch);
}

Call shmat_call(int seg) {
  Call c{"shmat", {ENOMEM}};
  c.invoke = [seg] {
    void* p = shmat(seg, nullptr, 0);
    return p == reinterpret_cast<void*>(-1) ? -1L : reinterpret_cast<long>(p);
  };
  c.check_child = [seg](bool failed, long ret, SafeBuf& change) {
    const int n = nattch(seg);
    if (n != (failed ? 0 : 1)) change.str("shm_nattch ").num(n).str(" in the child");
    if (!failed && shmdt(reinterpret_cast<void*>(ret)) != 0)
      change.str(", and shmdt of the attachment failed");
  };
  c.check_parent = [seg](bool) {
    const int n = nattch(seg);
    return n == 0 ? std::string() : "shm_nattch " + std::to_string(n) + " after the child's exit";
  };
  return c;
}

SIGIPC_TEST_T(KernelFaults, ShmatFailureLeavesNoAttachment, kernel_faults::kTimeoutS,
              "injection.kernel.shmat.failure-leaves-no-attachment",
              "Linux-only, shmat(2) ERRORS; fault-injection.rst fail-nth",
              "shmat() whose Nth kernel allocation fails returns (void *) -1 with ENOMEM and "
              "leaves shm_nattch as it was") {
  std::string why;
  if (!kfault::available(&why)) SIGIPC_UNSUPPORTED(why);
  SysvId seg(SysvId::kShm, create_sysv_shm(4096));
  kernel_faults::ExpectFaultsLeaveNoTrace(shmat_call(seg.get()));
}

}  // namespace
}  // namespace sigipc

// The interruption rules at random points: a seeded signal storm hits a
// producer and a consumer passing 3000 numbered items through one object
// (RandomInterruptions, interrupt_helpers.h), so handlers land in blocking
// calls at points no test chose. Without SA_RESTART every call must complete
// or fail with EINTR, never another error, and no item may be lost or
// repeated. With SA_RESTART the calls signal(7) restarts (pipe read/write,
// mq_send/mq_receive, sem_wait) must never fail with EINTR; the System V
// calls it never restarts (msgsnd, msgrcv, semop) may, and still lose
// nothing.
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <unistd.h>

#include <cstring>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

using injection::ItemChannel;
using injection::RandomInterruptions;
using injection::Restartable;

// ---- pipe: 8-byte records (below PIPE_BUF, so never split) in a one-page
// pipe, so the writer blocks as often as the reader ----

void PipeSequence(bool restart) {
  Pipe p;
  SETUP_OK(fcntl(p.wr(), F_SETPIPE_SZ, 4096));
  ItemChannel ch;
  ch.produce = [&](long item) -> int {
    const ssize_t n = write(p.wr(), &item, sizeof item);
    if (n == -1) return -1;
    CHILD_CHECK_EQ(n, static_cast<ssize_t>(sizeof item));
    return 0;
  };
  ch.consume = [&]() -> long {
    long item = -1;
    const ssize_t n = read(p.rd(), &item, sizeof item);
    if (n == -1) return -1;
    CHILD_CHECK_EQ(n, static_cast<ssize_t>(sizeof item));
    return item;
  };
  EXPECT_INTERRUPT_OK(RandomInterruptions(ch, restart, Restartable::kYes, "pipe write()/read()"));
}

SIGIPC_TEST(Interruption, PipeIoAtRandomPointsNeverFailsWithEintrUnderSaRestart,
            "injection.interrupt.random.pipe.restart",
            "XSH sigaction() SA_RESTART; XSH read(), write(); signal(7)",
            "Under seeded random signals handled with SA_RESTART, blocking pipe reads and writes "
            "never fail with EINTR and pass every record once, in order") {
  PipeSequence(true);
}

SIGIPC_TEST(Interruption, PipeIoAtRandomPointsCompletesOrFailsWithEintr,
            "injection.interrupt.random.pipe.eintr", "XSH read(), write() [EINTR]",
            "Under seeded random signals handled without SA_RESTART, every blocking pipe read "
            "and write completes or fails with EINTR, and retrying loses no record") {
  PipeSequence(false);
}

// ---- POSIX message queue of two slots ----

void MqSequence(bool restart) {
  MqName name("intr-random");
  MqHandle q(posix_mq::create(name.c_str(), 2, sizeof(long)));
  ItemChannel ch;
  ch.produce = [&](long item) -> int {
    return mq_send(q.get(), reinterpret_cast<const char*>(&item), sizeof item, 0);
  };
  ch.consume = [&]() -> long {
    long item = -1;
    const ssize_t n = mq_receive(q.get(), reinterpret_cast<char*>(&item), sizeof item, nullptr);
    if (n == -1) return -1;
    CHILD_CHECK_EQ(n, static_cast<ssize_t>(sizeof item));
    return item;
  };
  EXPECT_INTERRUPT_OK(
      RandomInterruptions(ch, restart, Restartable::kYes, "mq_send()/mq_receive()"));
}

SIGIPC_TEST(Interruption, MqIoAtRandomPointsNeverFailsWithEintrUnderSaRestart,
            "injection.interrupt.random.mq.restart",
            "XSH sigaction() SA_RESTART; XSH mq_send(), mq_receive(); signal(7)",
            "Under seeded random signals handled with SA_RESTART, blocking mq_send() and "
            "mq_receive() never fail with EINTR and pass every message once, in order") {
  MqSequence(true);
}

SIGIPC_TEST(Interruption, MqIoAtRandomPointsCompletesOrFailsWithEintr,
            "injection.interrupt.random.mq.eintr", "XSH mq_send(), mq_receive() [EINTR]",
            "Under seeded random signals handled without SA_RESTART, every blocking mq_send() "
            "and mq_receive() completes or fails with EINTR, and retrying loses no message") {
  MqSequence(false);
}

// ---- ping-pong through one shared slot guarded by two semaphores ----

// POSIX: "empty" starts at 1, "full" at 0; only the waits block.
void SemSequence(bool restart) {
  posix_sem::SharedSem empty(1), full(0);
  Mapping slot = Mapping::shared_anonymous(sizeof(long));
  long* const value = slot.as<long>();
  ItemChannel ch;
  ch.produce = [&](long item) -> int {
    if (sem_wait(empty.get()) == -1) return -1;
    *value = item;
    CHILD_CHECK_OK(sem_post(full.get()));
    return 0;
  };
  ch.consume = [&]() -> long {
    if (sem_wait(full.get()) == -1) return -1;
    const long item = *value;
    CHILD_CHECK_OK(sem_post(empty.get()));
    return item;
  };
  EXPECT_INTERRUPT_OK(RandomInterruptions(ch, restart, Restartable::kYes, "sem_wait()"));
}

SIGIPC_TEST(Interruption, SemWaitAtRandomPointsNeverFailsWithEintrUnderSaRestart,
            "injection.interrupt.random.sem-wait.restart",
            "XSH sigaction() SA_RESTART; XSH sem_wait(); signal(7)",
            "Under seeded random signals handled with SA_RESTART, sem_wait() never fails with "
            "EINTR and no post is lost or taken twice") {
  SemSequence(true);
}

SIGIPC_TEST(Interruption, SemWaitAtRandomPointsCompletesOrFailsWithEintr,
            "injection.interrupt.random.sem-wait.eintr", "XSH sem_wait() [EINTR]",
            "Under seeded random signals handled without SA_RESTART, every sem_wait() completes "
            "or fails with EINTR leaving the value alone, so no post is lost or taken twice") {
  SemSequence(false);
}

// ---- System V message queue holding four 8-byte messages ----

void MsgSequence(bool restart) {
  sysv_msg::Queue q;
  sysv_msg::set_qbytes(q.get(), 4 * sizeof(long));
  ItemChannel ch;
  ch.produce = [&](long item) -> int {
    return sysv_msg::send(q.get(), 1, reinterpret_cast<const char*>(&item), sizeof item);
  };
  ch.consume = [&]() -> long {
    const sysv_msg::Received r = sysv_msg::recv(q.get(), 0);
    if (r.n == -1) {
      errno = r.err;
      return -1;
    }
    CHILD_CHECK_EQ(r.n, static_cast<ssize_t>(sizeof(long)));
    long item = -1;
    std::memcpy(&item, r.text, sizeof item);
    return item;
  };
  EXPECT_INTERRUPT_OK(RandomInterruptions(ch, restart, Restartable::kNever, "msgsnd()/msgrcv()"));
}

SIGIPC_TEST(Interruption, MsgIoAtRandomPointsCompletesOrFailsWithEintr,
            "injection.interrupt.random.msg.eintr", "XSH msgsnd(), msgrcv() [EINTR]",
            "Under seeded random signals handled without SA_RESTART, every blocking msgsnd() "
            "and msgrcv() completes or fails with EINTR, and retrying loses no message") {
  MsgSequence(false);
}

SIGIPC_TEST(Interruption, MsgIoAtRandomPointsLosesNothingUnderSaRestart,
            "injection.interrupt.random.msg.restart", "Linux-only, signal(7)",
            "Under seeded random signals handled with SA_RESTART, msgsnd() and msgrcv() still "
            "only complete or fail with EINTR (never restarted), and retrying loses no "
            "message") {
  MsgSequence(true);
}

// ---- System V semaphore set: 0 "empty" (starts at 1), 1 "full" ----

void SemopSequence(bool restart) {
  sysv_sem::Set set(2);
  sysv_sem::set_val(set.get(), 0, 1);
  Mapping slot = Mapping::shared_anonymous(sizeof(long));
  long* const value = slot.as<long>();
  const int id = set.get();
  ItemChannel ch;
  ch.produce = [&](long item) -> int {
    if (sysv_sem::op1(id, 0, -1) == -1) return -1;
    *value = item;
    CHILD_CHECK_OK(sysv_sem::op1(id, 1, 1));
    return 0;
  };
  ch.consume = [&]() -> long {
    if (sysv_sem::op1(id, 1, -1) == -1) return -1;
    const long item = *value;
    CHILD_CHECK_OK(sysv_sem::op1(id, 0, 1));
    return item;
  };
  EXPECT_INTERRUPT_OK(RandomInterruptions(ch, restart, Restartable::kNever, "semop()"));
}

SIGIPC_TEST(Interruption, SemopAtRandomPointsCompletesOrFailsWithEintr,
            "injection.interrupt.random.semop.eintr", "XSH semop() [EINTR]",
            "Under seeded random signals handled without SA_RESTART, every waiting semop() "
            "completes or fails with EINTR changing nothing, so no increment is lost or taken "
            "twice") {
  SemopSequence(false);
}

SIGIPC_TEST(Interruption, SemopAtRandomPointsLosesNothingUnderSaRestart,
            "injection.interrupt.random.semop.restart", "Linux-only, signal(7)",
            "Under seeded random signals handled with SA_RESTART, semop() still only completes "
            "or fails with EINTR (never restarted), and no increment is lost or taken twice") {
  SemopSequence(true);
}

}  // namespace
}  // namespace sigipc

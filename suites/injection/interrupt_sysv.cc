// System V IPC: msgsnd() blocked on a full queue, msgrcv() on an empty one,
// semop()/semtimedop() waiting for a value. Interrupted by a handler they fail
// with EINTR and move nothing (XSH msgsnd(), msgrcv(), semop() [EINTR]: "the
// message is not sent" / "a message is not received" / semncnt decremented).
//
// With SA_RESTART, POSIX and Linux differ. XSH says these calls then "resume
// execution in the manner prescribed in sigaction()", whose SA_RESTART makes
// an interruptible function restart. Linux never restarts them: signal(7)
// lists "msgrcv(2), msgsnd(2), semop(2), and semtimedop(2)" among the calls
// that "always fail with the error EINTR when interrupted by a signal handler"
// regardless of SA_RESTART (the kernel returns ERESTARTNOHAND). The
// SA_RESTART tests state that Linux rule, with a Linux-only clause.
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <time.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

constexpr std::size_t kMsgLen = 8;

// msgsnd() of kMsgLen bytes to a queue whose msg_qbytes one such message
// fills; the release receives the filler. The interrupted send must not be
// queued, whatever SA_RESTART says (a restarted one would be).
void ExpectMsgsndEintr(int sa_flags) {
  sysv_msg::Queue q;
  sysv_msg::set_qbytes(q.get(), kMsgLen);
  SETUP_OK(sysv_msg::send(q.get(), 1, "fillfill", kMsgLen, IPC_NOWAIT));
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags, [&] { CHILD_CHECK_ERRNO(sysv_msg::send(q.get(), 2, "childmsg", kMsgLen), EINTR); },
      [&] {
        sysv_msg::Received r = sysv_msg::recv(q.get(), 1, IPC_NOWAIT);
        ASSERT_TRUE(r.text_is("fillfill")) << "setup: the filler message";
      },
      "msgsnd() on a full queue"));
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 0u) << "the interrupted msgsnd() queued its message";
}

// msgrcv() on an empty queue; the release sends one message, which must stay
// queued (a restarted msgrcv would take it).
void ExpectMsgrcvEintr(int sa_flags) {
  sysv_msg::Queue q;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        sysv_msg::Received r = sysv_msg::recv(q.get(), 0);
        CHILD_CHECK_EQ(r.n, -1);
        CHILD_CHECK_EQ(r.err, EINTR);
      },
      [&] { SETUP_OK(sysv_msg::send(q.get(), 1, "released", kMsgLen, IPC_NOWAIT)); },
      "msgrcv() on an empty queue"));
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u) << "the interrupted msgrcv() took the message";
}

int semop_decrement(int id) { return sysv_sem::op1(id, 0, -1); }
int semtimedop_decrement(int id) {
  struct sembuf b {};
  b.sem_num = 0;
  b.sem_op = -1;
  const timespec t = injection::far_interval();
  return semtimedop(id, &b, 1, &t);
}

// A decrement waiting at value 0; the release increments once, which must
// stay (value 1) after the interrupted call.
void ExpectSemopEintr(int sa_flags, int (*op)(int), const char* what) {
  sysv_sem::Set s(1);
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags, [&] { CHILD_CHECK_ERRNO(op(s.get()), EINTR); },
      [&] { SETUP_OK(sysv_sem::op1(s.get(), 0, 1)); }, what));
  EXPECT_EQ(sysv_sem::val(s.get(), 0), 1) << "the interrupted call took the increment";
  EXPECT_EQ(SETUP_OK(semctl(s.get(), 0, GETNCNT)), 0) << "semncnt still counts the waiter";
}

SIGIPC_TEST(Interruption, MsgsndFailsWithEintrWithoutSaRestart, "injection.interrupt.msgsnd.eintr",
            "XSH msgsnd() [EINTR]",
            "A msgsnd() blocked on a full queue and interrupted by a handler installed without "
            "SA_RESTART fails with EINTR and the message is not sent") {
  ExpectMsgsndEintr(0);
}

SIGIPC_TEST(Interruption, MsgsndFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.msgsnd.eintr-despite-restart",
            "Linux-only, signal(7) (XSH msgsnd() and sigaction() SA_RESTART would restart it)",
            "A msgsnd() blocked on a full queue and interrupted by a handler installed with "
            "SA_RESTART still fails with EINTR and the message is not sent") {
  ExpectMsgsndEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, MsgrcvFailsWithEintrWithoutSaRestart, "injection.interrupt.msgrcv.eintr",
            "XSH msgrcv() [EINTR]",
            "A msgrcv() blocked on an empty queue and interrupted by a handler installed without "
            "SA_RESTART fails with EINTR and receives nothing") {
  ExpectMsgrcvEintr(0);
}

SIGIPC_TEST(Interruption, MsgrcvFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.msgrcv.eintr-despite-restart",
            "Linux-only, signal(7) (XSH msgrcv() and sigaction() SA_RESTART would restart it)",
            "A msgrcv() blocked on an empty queue and interrupted by a handler installed with "
            "SA_RESTART still fails with EINTR and receives nothing") {
  ExpectMsgrcvEintr(SA_RESTART);
}

SIGIPC_TEST(Interruption, SemopFailsWithEintrWithoutSaRestart, "injection.interrupt.semop.eintr",
            "XSH semop() [EINTR]",
            "A semop() decrement waiting at value 0 and interrupted by a handler installed "
            "without SA_RESTART fails with EINTR, changes nothing and no longer counts in "
            "semncnt") {
  ExpectSemopEintr(0, semop_decrement, "semop() at value 0");
}

SIGIPC_TEST(Interruption, SemopFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.semop.eintr-despite-restart",
            "Linux-only, signal(7) (XSH semop() and sigaction() SA_RESTART would restart it)",
            "A semop() decrement waiting at value 0 and interrupted by a handler installed with "
            "SA_RESTART still fails with EINTR") {
  ExpectSemopEintr(SA_RESTART, semop_decrement, "semop() at value 0");
}

SIGIPC_TEST(Interruption, SemtimedopFailsWithEintrWithoutSaRestart,
            "injection.interrupt.semtimedop.eintr", "XSH semop() [EINTR]; Linux-only, semop(2)",
            "A semtimedop() decrement waiting at value 0 and interrupted by a handler installed "
            "without SA_RESTART fails with EINTR before its timeout") {
  ExpectSemopEintr(0, semtimedop_decrement, "semtimedop() at value 0");
}

SIGIPC_TEST(Interruption, SemtimedopFailsWithEintrEvenUnderSaRestart,
            "injection.interrupt.semtimedop.eintr-despite-restart", "Linux-only, signal(7)",
            "A semtimedop() decrement waiting at value 0 and interrupted by a handler installed "
            "with SA_RESTART still fails with EINTR") {
  ExpectSemopEintr(SA_RESTART, semtimedop_decrement, "semtimedop() at value 0");
}

}  // namespace
}  // namespace sigipc

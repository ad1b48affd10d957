// A caught signal interrupts msgsnd() and msgrcv() with EINTR, and signal(7)
// says these calls are never restarted, SA_RESTART or not. The signal comes
// from the parent, repeated until the child's call returns (a signal that
// arrives before the child blocks only runs the handler). XSH msgsnd(),
// XSH msgrcv(); the SA_RESTART rules are Linux-only, signal(7).
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Outcome;
using sysv_msg::Queue;

volatile sig_atomic_t g_handled = 0;
void on_usr1(int) { g_handled = 1; }

// Runs the blocking call in a child whose SIGUSR1 handler has `flags`,
// interrupts it and returns what the call reported. An Outcome with ret -2
// means the call never returned.
template <class Call>
Outcome interrupt_child_call(int flags, Call call) {
  Pipe status;
  Gate ready;
  Child c([&] {
    status.close_rd();
    SignalAction a(SIGUSR1, on_usr1, flags);
    ready.open();
    errno = 0;
    long r = call();
    int e = errno;
    CHILD_CHECK(g_handled == 1);
    sysv_msg::write_outcome(status.wr(), r, e);
  });
  status.close_wr();
  ready.wait();
  if (!sysv_msg::signal_until_readable(c.pid(), SIGUSR1, status.rd())) return Outcome{-2, 0};
  Outcome o = sysv_msg::read_outcome(status.rd());
  EXPECT_CHILD_OK(c.wait());
  return o;
}

long blocking_receive(int id) {
  sysv_msg::SmallMsg m{};
  return msgrcv(id, &m, sizeof m.mtext, 0, 0);
}

long blocking_send_to_full(int id) { return sysv_msg::send_str(id, 1, "more"); }

void fill(int id) {
  sysv_msg::set_qbytes(id, 4);
  SETUP_OK(sysv_msg::send(id, 1, "full", 4, IPC_NOWAIT));
}

SIGIPC_TEST(SysvMsgEintr, HandlerInterruptsMsgrcvWithEintr, "sysv_msg.rcv.eintr", "XSH msgrcv()",
            "A signal caught while msgrcv() waits makes it fail with EINTR, receiving nothing") {
  Queue q;
  int id = q.get();
  Outcome o = interrupt_child_call(0, [id] { return blocking_receive(id); });
  ASSERT_NE(o.ret, -2) << "msgrcv() was never interrupted";
  EXPECT_EQ(o.ret, -1);
  EXPECT_EQ(o.err, EINTR) << ErrnoText(o.err);
}

SIGIPC_TEST(SysvMsgEintr, HandlerInterruptsMsgsndWithEintr, "sysv_msg.snd.eintr", "XSH msgsnd()",
            "A signal caught while msgsnd() waits for room makes it fail with EINTR and the "
            "message is not sent") {
  Queue q;
  int id = q.get();
  fill(id);
  Outcome o = interrupt_child_call(0, [id] { return blocking_send_to_full(id); });
  ASSERT_NE(o.ret, -2) << "msgsnd() was never interrupted";
  EXPECT_EQ(o.ret, -1);
  EXPECT_EQ(o.err, EINTR) << ErrnoText(o.err);
  EXPECT_EQ(sysv_msg::qnum_of(id), 1u);
}

SIGIPC_TEST(SysvMsgEintr, MsgrcvIsNotRestartedUnderSaRestart, "sysv_msg.rcv.eintr-despite-restart",
            "Linux-only, signal(7)",
            "msgrcv() interrupted by a handler installed with SA_RESTART still fails with EINTR") {
  Queue q;
  int id = q.get();
  Outcome o = interrupt_child_call(SA_RESTART, [id] { return blocking_receive(id); });
  ASSERT_NE(o.ret, -2) << "msgrcv() was never interrupted (restarted after the handler?)";
  EXPECT_EQ(o.ret, -1);
  EXPECT_EQ(o.err, EINTR) << ErrnoText(o.err);
}

SIGIPC_TEST(SysvMsgEintr, MsgsndIsNotRestartedUnderSaRestart, "sysv_msg.snd.eintr-despite-restart",
            "Linux-only, signal(7)",
            "msgsnd() interrupted by a handler installed with SA_RESTART still fails with EINTR") {
  Queue q;
  int id = q.get();
  fill(id);
  Outcome o = interrupt_child_call(SA_RESTART, [id] { return blocking_send_to_full(id); });
  ASSERT_NE(o.ret, -2) << "msgsnd() was never interrupted (restarted after the handler?)";
  EXPECT_EQ(o.ret, -1);
  EXPECT_EQ(o.err, EINTR) << ErrnoText(o.err);
}

SIGIPC_TEST(
    SysvMsgEintr, IgnoredSignalDoesNotInterruptMsgrcv, "sysv_msg.rcv.ignored-no-eintr",
    "XSH msgrcv()",
    "Only a signal that is caught interrupts msgrcv(): an ignored signal leaves it waiting, "
    "and it then receives the message") {
  Queue q;
  int id = q.get();
  Pipe status;
  Gate ready;
  Child c([&] {
    status.close_rd();
    signal(SIGUSR2, SIG_IGN);
    ready.open();
    auto r = sysv_msg::recv(id, 0);
    sysv_msg::write_outcome(status.wr(), r.n, r.err);
  });
  status.close_wr();
  ready.wait();
  ASSERT_TRUE(sysv_msg::wait_until_sleeping(c.pid()));
  ASSERT_SUCCEEDS(kill(c.pid(), SIGUSR2));
  // An ignored signal is discarded at generation, so after kill() returns
  // there is nothing left that could still interrupt the call.
  ASSERT_TRUE(sysv_msg::wait_until_sleeping(c.pid()));
  EXPECT_FALSE(sysv_msg::readable_within(status.rd(), 0)) << "msgrcv() returned on SIG_IGN";
  ASSERT_SUCCEEDS(sysv_msg::send_str(id, 1, "ok"));
  Outcome o = sysv_msg::read_outcome(status.rd());
  EXPECT_EQ(o.ret, 2) << ErrnoText(o.err);
  EXPECT_CHILD_OK(c.wait());
}

}  // namespace
}  // namespace sigipc

// si_pid and si_uid of a signal that sigqueue() sends from another process:
// the sender's process ID and real user ID, which glibc fills in itself
// before the system call. (kill()'s sender fields belong to the send_*
// suites.) XSH 2.4.3 Signal Actions: "If si_code is SI_USER or SI_QUEUE ...
// si_pid and si_uid shall be set to the process ID and the real user ID of
// the sender".
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"

namespace sigipc {
namespace {

using signals::g_log;
using signals::int_value;
using signals::Receiver;

SIGIPC_TEST(SignalSiginfoSender, SigqueueReportsSenderPidAndRealUid,
            "signal.siginfo.sigqueue-sender", "XSH 2.4.3 Signal Actions; XSH sigqueue()",
            "A signal sigqueue()d by another process reaches the handler with that process's ID "
            "in si_pid and its real (not effective) user ID in si_uid") {
  SIGIPC_REQUIRE_USER_SWITCH();
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  const pid_t me = getpid();
  // Real uid nobody shows which uid is reported; effective uid 0 keeps the
  // permission to signal the test process.
  Child sender([me, sig] {
    CHILD_CHECK_OK(setresuid(kNobodyUid, 0, 0));
    CHILD_CHECK_OK(sigqueue(me, sig, int_value(5)));
  });
  const pid_t sender_pid = sender.pid();
  ASSERT_CHILD_OK(sender.wait());
  rx.unblock_all();
  ASSERT_EQ(g_log.size(), 1) << "the queued signal was not delivered";
  EXPECT_EQ(g_log[0].code, SI_QUEUE);
  EXPECT_EQ(g_log[0].pid, sender_pid);
  EXPECT_EQ(g_log[0].uid, kNobodyUid) << "real uid " << kNobodyUid << ", effective uid 0";
}

}  // namespace
}  // namespace sigipc

// The action of SIGKILL and SIGSTOP as sigaction() reports and refuses it
// (catching and ignoring them is refused in dispositions.cc): a query
// always succeeds, and Linux refuses even SIG_DFL. XSH sigaction(),
// sigaction(2).
#include <signal.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SignalKillStop, SigactionQueryOfSigkillAndSigstopSucceeds,
            "signal.killstop.query-reports-default", "XSH sigaction()",
            "sigaction() with a NULL act succeeds even for SIGKILL and SIGSTOP, and reports "
            "their action as SIG_DFL") {
  for (int sig : {SIGKILL, SIGSTOP}) {
    struct sigaction old {};
    old.sa_handler = SIG_IGN;  // overwritten by a successful query
    EXPECT_SUCCEEDS(sigaction(sig, nullptr, &old)) << SignalText(sig);
    EXPECT_EQ(old.sa_handler, SIG_DFL) << SignalText(sig);
  }
}

SIGIPC_TEST(SignalKillStop, SigactionRefusesEvenSigDflForSigkillAndSigstop,
            "signal.killstop.sigaction-dfl-einval", "Linux-only, sigaction(2)",
            "sigaction() fails with EINVAL on any attempt to change the action of SIGKILL or "
            "SIGSTOP, SIG_DFL included (POSIX leaves SIG_DFL unspecified)") {
  for (int sig : {SIGKILL, SIGSTOP}) {
    struct sigaction act {};
    act.sa_handler = SIG_DFL;
    sigemptyset(&act.sa_mask);
    EXPECT_FAILS_WITH(sigaction(sig, &act, nullptr), EINVAL) << SignalText(sig) << " to SIG_DFL";
  }
}

}  // namespace
}  // namespace sigipc

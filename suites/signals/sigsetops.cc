// Signal sets as values: sigemptyset(), sigfillset(), sigaddset(),
// sigdelset(), sigismember(). XSH sigemptyset() and the pages beside it.
#include <signal.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::posix_signals;
using signals::SignalList;

SIGIPC_TEST(SignalSets, SigemptysetExcludesEverySignal, "signal.sigset.empty-excludes-all",
            "XSH sigemptyset()",
            "After sigemptyset() no signal defined by POSIX is a member of the set") {
  sigset_t s;
  sigfillset(&s);  // start from the opposite, so a no-op would show
  ASSERT_SUCCEEDS(sigemptyset(&s));
  const SignalList all = posix_signals();
  for (int i = 0; i < all.count; ++i)
    EXPECT_EQ(sigismember(&s, all.sigs[i]), 0) << SignalText(all.sigs[i]);
}

SIGIPC_TEST(SignalSets, SigfillsetIncludesEverySignal, "signal.sigset.fill-includes-all",
            "XSH sigfillset()",
            "After sigfillset() every signal defined by POSIX, SIGRTMIN..SIGRTMAX included, is a "
            "member of the set") {
  sigset_t s;
  sigemptyset(&s);
  ASSERT_SUCCEEDS(sigfillset(&s));
  const SignalList all = posix_signals();
  for (int i = 0; i < all.count; ++i)
    EXPECT_EQ(sigismember(&s, all.sigs[i]), 1) << SignalText(all.sigs[i]);
}

SIGIPC_TEST(SignalSets, SigismemberReportsAddedSignal, "signal.sigset.ismember-after-add",
            "XSH sigismember()",
            "sigismember() returns 1 for a signal that sigaddset() added to the set") {
  sigset_t s;
  ASSERT_SUCCEEDS(sigemptyset(&s));
  ASSERT_SUCCEEDS(sigaddset(&s, SIGUSR1));
  ASSERT_SUCCEEDS(sigaddset(&s, SIGRTMIN));
  EXPECT_EQ(sigismember(&s, SIGUSR1), 1) << "SIGUSR1 was added";
  EXPECT_EQ(sigismember(&s, SIGRTMIN), 1) << "SIGRTMIN was added";
}

SIGIPC_TEST(SignalSets, SigaddsetAddsOnlyThatSignal, "signal.sigset.addset-adds-one",
            "XSH sigaddset()",
            "sigaddset() on an empty set makes that signal, and no other, a member") {
  // Every signal in turn, so two signals sharing a bit would show.
  const SignalList all = posix_signals();
  for (int i = 0; i < all.count; ++i) {
    sigset_t s;
    sigemptyset(&s);
    ASSERT_SUCCEEDS(sigaddset(&s, all.sigs[i])) << SignalText(all.sigs[i]);
    for (int j = 0; j < all.count; ++j)
      EXPECT_EQ(sigismember(&s, all.sigs[j]), i == j ? 1 : 0)
          << "set holding only " << SignalText(all.sigs[i]) << ", asked about "
          << SignalText(all.sigs[j]);
  }
}

SIGIPC_TEST(SignalSets, SigdelsetRemovesOnlyThatSignal, "signal.sigset.delset-removes",
            "XSH sigdelset()",
            "sigdelset() on a full set removes that signal and leaves every other one") {
  const SignalList all = posix_signals();
  for (int i = 0; i < all.count; ++i) {
    sigset_t s;
    sigfillset(&s);
    ASSERT_SUCCEEDS(sigdelset(&s, all.sigs[i])) << SignalText(all.sigs[i]);
    for (int j = 0; j < all.count; ++j)
      EXPECT_EQ(sigismember(&s, all.sigs[j]), i == j ? 0 : 1)
          << "full set without " << SignalText(all.sigs[i]) << ", asked about "
          << SignalText(all.sigs[j]);
  }
}

SIGIPC_TEST(SignalSets, SigsetFunctionsRejectInvalidSignalNumbers,
            "signal.sigset.invalid-signal-einval", "Linux-only, sigsetops(3)",
            "sigaddset(), sigdelset() and sigismember() fail with EINVAL for 0, -1 and NSIG "
            "(POSIX only says they may fail; glibc does)") {
  sigset_t s;
  sigemptyset(&s);
  // NSIG is one past the highest signal number (SIGRTMAX == NSIG - 1 here).
  for (int sig : {0, -1, NSIG}) {
    EXPECT_FAILS_WITH(sigaddset(&s, sig), EINVAL) << "sigaddset(" << sig << ")";
    EXPECT_FAILS_WITH(sigdelset(&s, sig), EINVAL) << "sigdelset(" << sig << ")";
    EXPECT_FAILS_WITH(sigismember(&s, sig), EINVAL) << "sigismember(" << sig << ")";
  }
  sigset_t none;
  sigemptyset(&none);
  EXPECT_TRUE(signals::SameSignals(s, none)) << "a refused sigaddset() changed the set";
}

}  // namespace
}  // namespace sigipc

// The action as a whole: the old action reported intact for every flag
// combination, SIGKILL and SIGSTOP in sa_mask silently left out, and
// SA_ONSTACK with no alternate stack declared. XSH sigaction().
#include <signal.h>
#include <unistd.h>

#include <iterator>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/flags_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

struct Flag {
  int bit;
  const char* name;
};
// The XSH sigaction() flags (SA_RESETHAND is bit 31 on Linux, hence the
// cast to sa_flags' type); SA_NOCLDSTOP and SA_NOCLDWAIT only mean
// something for SIGCHLD, so they are combined only there.
const Flag kGeneralFlags[] = {{SA_ONSTACK, "SA_ONSTACK"},
                              {static_cast<int>(SA_RESETHAND), "SA_RESETHAND"},
                              {SA_RESTART, "SA_RESTART"},
                              {SA_SIGINFO, "SA_SIGINFO"},
                              {SA_NODEFER, "SA_NODEFER"}};
const Flag kChldFlags[] = {{SA_NOCLDSTOP, "SA_NOCLDSTOP"}, {SA_NOCLDWAIT, "SA_NOCLDWAIT"}};

void handler_a(int) {}
void handler_b(int) {}
void info_a(int, siginfo_t*, void*) {}
void info_b(int, siginfo_t*, void*) {}

std::string flag_names(int flags) {
  std::string s;
  for (const Flag& f : kGeneralFlags)
    if (flags & f.bit) s += std::string(s.empty() ? "" : "|") + f.name;
  for (const Flag& f : kChldFlags)
    if (flags & f.bit) s += std::string(s.empty() ? "" : "|") + f.name;
  return s.empty() ? "0" : s;
}

SIGIPC_TEST(SignalFlags, OldActionReportedIntactForEveryFlagCombination,
            "signal.flags.oact-every-combination", "XSH sigaction()",
            "For every combination of sigaction() flags, the next sigaction() call reports in "
            "*oact the same handler, sa_mask and flags that were installed") {
  for (int sig : {SIGUSR1, SIGCHLD}) {
    std::vector<Flag> flags(std::begin(kGeneralFlags), std::end(kGeneralFlags));
    if (sig == SIGCHLD) flags.insert(flags.end(), std::begin(kChldFlags), std::end(kChldFlags));
    int known = 0;
    for (const Flag& f : flags) known |= f.bit;
    SignalAction guard(sig);
    const unsigned combos = 1u << flags.size();
    for (unsigned combo = 0; combo < combos; ++combo) {
      int set = 0;
      for (std::size_t i = 0; i < flags.size(); ++i)
        if (combo & (1u << i)) set |= flags[i].bit;
      const bool odd = combo & 1u;
      struct sigaction act {};
      if (set & SA_SIGINFO)
        act.sa_sigaction = odd ? info_a : info_b;
      else
        act.sa_handler = odd ? handler_a : handler_b;
      // A mask that differs between neighbouring combinations.
      act.sa_mask = make_sigset({SIGRTMIN + static_cast<int>(combo % 8)});
      if (combo & 2u) sigaddset(&act.sa_mask, SIGUSR2);
      if (combo & 4u) sigaddset(&act.sa_mask, SIGHUP);
      act.sa_flags = set;
      const std::string what = SignalText(sig) + " with " + flag_names(set);
      ASSERT_SUCCEEDS(sigaction(sig, &act, nullptr)) << what;

      struct sigaction dfl {
      }, old{};
      dfl.sa_handler = SIG_DFL;
      sigemptyset(&dfl.sa_mask);
      ASSERT_SUCCEEDS(sigaction(sig, &dfl, &old)) << what;
      int want = set, got = old.sa_flags & known;
      // sigaction() "may behave as if SA_NODEFER were also set" with
      // SA_RESETHAND; reporting it then is not a change of the action.
      if ((set & SA_RESETHAND) && !(set & SA_NODEFER)) got &= ~SA_NODEFER;
      EXPECT_EQ(got, want) << what << ": oact's flags were " << flag_names(got);
      if (set & SA_SIGINFO)
        EXPECT_EQ(old.sa_sigaction, act.sa_sigaction) << what << ": oact's sa_sigaction";
      else
        EXPECT_EQ(old.sa_handler, act.sa_handler) << what << ": oact's sa_handler";
      EXPECT_TRUE(signals::SameSignals(old.sa_mask, act.sa_mask)) << what << ": oact's sa_mask";
    }
  }
}

// Set by the SIGUSR1 handler below in the child.
volatile sig_atomic_t g_handler_done = 0;

// Runs with sa_mask holding every signal: SIGKILL and SIGSTOP must not be
// blocked, so raising SIGSTOP here stops the process before raise() returns.
void stop_inside_full_mask(int) {
  sigset_t now;
  sigemptyset(&now);
  HANDLER_CHECK(sigprocmask(SIG_BLOCK, nullptr, &now) == 0);
  HANDLER_CHECK(sigismember(&now, SIGTERM) == 1);  // the rest of sa_mask applies
  HANDLER_CHECK(sigismember(&now, SIGKILL) == 0);
  HANDLER_CHECK(sigismember(&now, SIGSTOP) == 0);
  HANDLER_CHECK(raise(SIGSTOP) == 0);
  sigset_t pending;
  sigemptyset(&pending);
  HANDLER_CHECK(sigpending(&pending) == 0);
  HANDLER_CHECK(sigismember(&pending, SIGSTOP) == 0);  // held back by sa_mask otherwise
  g_handler_done = 1;
}

SIGIPC_TEST(SignalFlags, SaMaskCannotBlockSigkillOrSigstop,
            "signal.flags.sa-mask-kill-stop-ignored", "XSH sigaction()",
            "SIGKILL and SIGSTOP in sa_mask are not added to the mask while the handler runs, "
            "and sigaction() indicates no error") {
  Child c([] {
    struct sigaction sa {};
    sa.sa_handler = stop_inside_full_mask;
    sigfillset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGKILL);
    sigaddset(&sa.sa_mask, SIGSTOP);
    CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    CHILD_CHECK_OK(raise(SIGUSR1));
    CHILD_CHECK_EQ(g_handler_done, 1);
  });
  // A SIGSTOP held back by the handler's mask still stops the child once the
  // handler returns; the handler's own checks report that case.
  ASSERT_TRUE(signals::StopsWithin(c, SIGSTOP)) << "raise(SIGSTOP) inside the handler";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  EXPECT_TRUE(signals::ExitsWithin(c, 0));
}

SIGIPC_TEST(SignalFlags, SaOnstackWithoutAltStackRunsOnCurrentStack,
            "signal.flags.onstack-without-altstack", "XSH sigaction()",
            "With SA_ONSTACK but no alternate stack declared, the signal is delivered on the "
            "current stack") {
  ASSERT_NE(signals::query_alt_stack().ss_flags & SS_DISABLE, 0)
      << "setup: a fresh test process has no alternate stack";
  SignalAction action(SIGUSR1, signals::record_frame, SA_ONSTACK);
  signals::g_frame_addr = 0;
  ASSERT_SUCCEEDS(raise(SIGUSR1));
  ASSERT_NE(signals::g_frame_addr.load(), 0u) << "the handler did not run";
  EXPECT_TRUE(signals::on_thread_stack(signals::g_frame_addr.load()))
      << "the handler's frame is not on the thread's stack";
}

}  // namespace
}  // namespace sigipc

// The signal injector's Via::kTimer: POSIX timers of the calling process,
// aimed at one thread (SIGEV_THREAD_ID) or at the process (SIGEV_SIGNAL).
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "injectors/signal_injector.h"

namespace sigipc::inject {
namespace {

struct Taken {
  std::uint64_t count = 0, overruns = 0, wrong_code = 0;
};

// Takes sig in this thread until n arrived or none came for 2 s.
Taken take(int sig, std::uint64_t n) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  Taken t;
  const timespec safety {2, 0};
  while (t.count < n) {
    siginfo_t si {};
    int r = sigtimedwait(&set, &si, &safety);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    ++t.count;
    if (si.si_code != SI_TIMER) ++t.wrong_code;
    t.overruns += static_cast<std::uint64_t>(si.si_overrun);
  }
  return t;
}

// A timer's signal does not queue twice (XSH timer_getoverrun(): further
// expirations while it is pending are overruns), so receipts plus overruns
// may fall short of expirations only when a re-arm dropped a pending one; the
// taker here is always waiting, so most arrive.
void run_timer_case(bool to_thread) {
  const int sig = SIGRTMIN + 3;
  constexpr std::uint64_t kSends = 300;
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ASSERT_SUCCEEDS(sigprocmask(SIG_BLOCK, &set, &old));
  SignalPlan plan;
  plan.signals = {sig};
  plan.rate_hz = 2000;
  plan.via = Via::kTimer;
  plan.max_signals = kSends;
  SignalInjector inj(plan);
  inj.start(getpid(), to_thread ? gettid() : 0);
  const Taken t = take(sig, kSends);
  ASSERT_TRUE(inj.wait_done(10));
  const SignalCounts c = inj.stop();
  const timespec zero {};
  while (sigtimedwait(&set, nullptr, &zero) == sig) {
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(c.sent, kSends) << describe(c);
  EXPECT_EQ(c.failed, 0u) << describe(c);
  EXPECT_GE(t.count, 1u);
  EXPECT_LE(t.count + t.overruns, c.sent);
  EXPECT_GE(t.count + t.overruns, c.sent / 2) << "most timer signals were lost";
  EXPECT_EQ(t.wrong_code, 0u) << "si_code other than SI_TIMER";
  ::testing::Test::RecordProperty("received", static_cast<int>(t.count));
  ::testing::Test::RecordProperty("overruns", static_cast<int>(t.overruns));
}

TEST(SigInjTimer, ThreadDirectedTimerSignalsReachTheThread) { run_timer_case(true); }
TEST(SigInjTimer, ProcessDirectedTimerSignalsReachTheProcess) { run_timer_case(false); }

TEST(SigInjTimer, StopEndsAnOpenEndedTimerStorm) {
  const int sig = SIGRTMIN + 3;
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ASSERT_SUCCEEDS(sigprocmask(SIG_BLOCK, &set, &old));
  SignalPlan plan;
  plan.signals = {sig};
  plan.rate_hz = 5000;
  plan.via = Via::kTimer;
  SignalInjector inj(plan);
  inj.start(getpid());
  const Taken t = take(sig, 50);
  const SignalCounts c = inj.stop();
  const timespec zero {};
  while (sigtimedwait(&set, nullptr, &zero) == sig) {
  }
  // After stop() the timers are gone: nothing new arrives.
  const timespec short_wait {0, 20'000'000};
  EXPECT_EQ(sigtimedwait(&set, nullptr, &short_wait), -1);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(t.count, 50u);
  EXPECT_GE(c.sent, 50u);
}

}  // namespace
}  // namespace sigipc::inject

// The signal injector's Via::kTimer: POSIX timers of the calling process,
// aimed at one thread (SIGEV_THREAD_ID) or at the process (SIGEV_SIGNAL).
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "injectors/signal_injector.h"
#include "tests/siginj_self_receiver.h"

namespace sigipc::inject {
namespace {

// A timer's signal does not queue twice (XSH timer_getoverrun(): further
// expirations while it is pending are overruns), so receipts plus overruns
// may fall short of expirations only when a re-arm dropped a pending one; the
// taker here is always waiting, so most arrive.
void run_timer_case(bool to_thread) {
  constexpr std::uint64_t kSends = 300;
  SelfReceiver rx(SIGRTMIN + 3);
  SignalInjector inj(rx.plan(2000, Via::kTimer, kSends));
  inj.start(getpid(), to_thread ? gettid() : 0);
  const Taken t = rx.take(kSends, SI_TIMER);
  ASSERT_TRUE(inj.wait_done(10));
  const SignalCounts c = inj.stop();
  rx.drain();
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
  SelfReceiver rx(SIGRTMIN + 3);
  SignalInjector inj(rx.plan(5000, Via::kTimer));
  inj.start(getpid());
  const Taken t = rx.take(50, SI_TIMER);
  const SignalCounts c = inj.stop();
  rx.drain();
  // After stop() the timers are gone: nothing new arrives.
  const timespec short_wait{0, 20'000'000};
  EXPECT_EQ(sigtimedwait(&rx.set(), nullptr, &short_wait), -1);
  EXPECT_EQ(t.count, 50u);
  EXPECT_GE(c.sent, 50u);
}

}  // namespace
}  // namespace sigipc::inject

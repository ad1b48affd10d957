// The plan side of the signal injector: parse_signal, parse_via, validate,
// schedule and describe (injectors/signal_injector.h).
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <map>

#include <gtest/gtest.h>

#include "injectors/signal_injector.h"

namespace sigipc::inject {
namespace {

SignalPlan plan_of(std::vector<int> sigs, double rate, std::uint64_t seed = 1) {
  SignalPlan p;
  p.signals = std::move(sigs);
  p.rate_hz = rate;
  p.seed = seed;
  return p;
}

TEST(SigInjParse, NamesNumbersAndRealtimeOffsets) {
  EXPECT_EQ(parse_signal("SIGUSR1"), SIGUSR1);
  EXPECT_EQ(parse_signal("USR1"), SIGUSR1);
  EXPECT_EQ(parse_signal("sigusr2"), SIGUSR2);
  EXPECT_EQ(parse_signal("10"), 10);
  EXPECT_EQ(parse_signal("SIGRTMIN"), SIGRTMIN);
  EXPECT_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(parse_signal("RTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(parse_signal("SIGRTMAX"), SIGRTMAX);
  EXPECT_EQ(parse_signal("SIGRTMAX-2"), SIGRTMAX - 2);
  EXPECT_EQ(parse_signal("SIGIOT"), SIGABRT);
  // parse_signal only parses; validate() rejects the uncatchable ones.
  EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
}

TEST(SigInjParse, BadSignalsThrowPlanErrorNamingTheText) {
  for (const char* bad : {"", "0", "65", "99999", "SIGFOO", "SIGRTMIN-1", "SIGRTMAX+1",
                          "SIGRTMIN+99", "RTMIN+x", "-3", "1x", " SIGUSR1"}) {
    try {
      parse_signal(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const PlanError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(SigInjParse, ViaNames) {
  EXPECT_EQ(parse_via("kill"), Via::kKill);
  EXPECT_EQ(parse_via("tgkill"), Via::kTgkill);
  EXPECT_EQ(parse_via("sigqueue"), Via::kSigqueue);
  EXPECT_EQ(parse_via("pidfd"), Via::kPidfd);
  EXPECT_EQ(parse_via("timer"), Via::kTimer);
  EXPECT_THROW(parse_via("signal"), PlanError);
  EXPECT_THROW(parse_via(""), PlanError);
}

TEST(SigInjValidate, RejectsBadPlans) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(validate(plan_of({}, 1000)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGUSR1}, 0)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGUSR1}, -5)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGUSR1}, nan)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGUSR1}, inf)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGUSR1}, kMaxRateHz * 1.01)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGKILL}, 1000)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGUSR1, SIGSTOP}, 1000)), PlanError);
  EXPECT_THROW(validate(plan_of({0}, 1000)), PlanError);
  EXPECT_THROW(validate(plan_of({SIGRTMAX + 1}, 1000)), PlanError);
  if (SIGRTMIN > 32) {
    EXPECT_THROW(validate(plan_of({32}, 1000)), PlanError);  // the libc keeps it
  }
  EXPECT_NO_THROW(validate(plan_of({SIGUSR1, SIGRTMIN, SIGRTMAX}, kMaxRateHz)));
  EXPECT_NO_THROW(validate(plan_of({SIGUSR1}, 0.5)));
}

TEST(SigInjValidate, RejectsTargetsTheViaCannotReach) {
  SignalPlan p = plan_of({SIGUSR1}, 1000);
  EXPECT_THROW(validate(p, 0, 0), PlanError);                // a process group
  EXPECT_THROW(validate(p, -1, 0), PlanError);               // every process
  EXPECT_THROW(validate(p, getpid(), gettid()), PlanError);  // kill reaches processes only
  p.via = Via::kSigqueue;
  EXPECT_THROW(validate(p, getpid(), gettid()), PlanError);
  p.via = Via::kPidfd;
  EXPECT_THROW(validate(p, getpid(), gettid()), PlanError);
  p.via = Via::kTgkill;
  EXPECT_NO_THROW(validate(p, getpid(), gettid()));
  EXPECT_THROW(validate(p, getpid(), getppid()), PlanError);  // not one of our threads
  p.via = Via::kTimer;
  EXPECT_NO_THROW(validate(p, getpid(), 0));
  EXPECT_THROW(validate(p, getppid(), 0), PlanError);  // a timer signals its own process
  p.via = Via::kKill;
  EXPECT_NO_THROW(validate(p, getppid(), 0));
}

TEST(SigInjSchedule, SameSeedSameScheduleOtherSeedOther) {
  const SignalPlan a = plan_of({SIGUSR1, SIGUSR2, SIGRTMIN}, 5000, 42);
  EXPECT_EQ(schedule(a, 1000), schedule(a, 1000));
  // A prefix is the same whatever n is.
  const auto long_run = schedule(a, 1000);
  const auto short_run = schedule(a, 10);
  EXPECT_TRUE(std::equal(short_run.begin(), short_run.end(), long_run.begin()));
  const SignalPlan b = plan_of({SIGUSR1, SIGUSR2, SIGRTMIN}, 5000, 43);
  EXPECT_NE(schedule(a, 1000), schedule(b, 1000));
  int same_delay = 0;
  const auto sa = schedule(a, 1000), sb = schedule(b, 1000);
  for (std::size_t i = 0; i < sa.size(); ++i) same_delay += sa[i].first == sb[i].first;
  EXPECT_LT(same_delay, 10) << "two seeds gave mostly the same gaps";
}

// Fixed answers: a platform (libc++, 32-bit, another arch) that computes the
// schedule differently fails here, so a seed printed in a report replays the
// same storm everywhere. Values computed on x86_64 glibc/libstdc++.
TEST(SigInjSchedule, KnownAnswerForSeed1) {
  const auto s = schedule(plan_of({SIGUSR1, SIGUSR2, SIGRTMIN}, 1000, 1), 4);
  const int usr1 = SIGUSR1, rtmin = SIGRTMIN;
  const std::vector<std::pair<std::uint64_t, int>> expected = {
      {633876, usr1}, {951215, usr1}, {850898, rtmin}, {970752, usr1}};
  EXPECT_EQ(s, expected);
}

TEST(SigInjSchedule, GapsAverageOneOverRateWithinHalfToThreeHalves) {
  const double rate = 20000;
  const auto s = schedule(plan_of({SIGUSR1, SIGUSR2, SIGRTMIN}, rate, 7), 20000);
  const double mean = 1e9 / rate;
  double sum = 0;
  std::map<int, int> picks;
  for (const auto& [d, sig] : s) {
    ASSERT_GE(static_cast<double>(d), mean / 2 - 1);
    ASSERT_LE(static_cast<double>(d), mean * 1.5 + 1);
    sum += static_cast<double>(d);
    ++picks[sig];
  }
  EXPECT_NEAR(sum / static_cast<double>(s.size()), mean, mean * 0.01);
  ASSERT_EQ(picks.size(), 3u);
  for (const auto& [sig, n] : picks) EXPECT_NEAR(n, 20000 / 3, 400) << sig;
}

TEST(SigInjSchedule, InvalidPlanThrows) { EXPECT_THROW(schedule(plan_of({}, 1000), 3), PlanError); }

TEST(SigInjDescribe, OneLineWithPerSignalCounts) {
  SignalCounts c;
  c.sent = 12345;
  c.per_signal[SIGUSR1] = 12345;
  EXPECT_EQ(describe(c), "sent 12345 signals (SIGUSR1 12345), 0 failed");
  c.per_signal[SIGUSR1] = 12000;
  c.per_signal[SIGRTMIN + 1] = 345;
  c.failed = 2;
  c.first_error = EAGAIN;
  EXPECT_EQ(describe(c),
            "sent 12345 signals (SIGUSR1 12000, SIGRTMIN+1 345), 2 failed (first: EAGAIN)");
}

}  // namespace
}  // namespace sigipc::inject

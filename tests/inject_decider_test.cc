// The supervisor's decisions without seccomp: counting per rule and thread,
// the rule order, seeded replay, and the restart rule of docs/DESIGN.md section 5.
#include <sys/syscall.h>

#include <vector>

#include <gtest/gtest.h>

#include "injectors/notify_decider.h"

using sigipc::inject::parse_fail_rule;
using sigipc::inject::detail::Call;
using sigipc::inject::detail::Decision;
using sigipc::inject::detail::NotifyDecider;

namespace {

Call getppid_call(pid_t tid) {
  Call c;
  c.tid = tid;
  c.nr = SYS_getppid;
  return c;
}

std::vector<int> failing_calls(NotifyDecider& d, pid_t tid, int n) {
  std::vector<int> out;
  for (int i = 1; i <= n; ++i)
    if (d.decide(getppid_call(tid)).rule >= 0) out.push_back(i);
  return out;
}

TEST(InjectDecider, NthFailsOnlyThatCall) {
  NotifyDecider d({parse_fail_rule("getppid=EPERM@3")}, 0);
  EXPECT_EQ(failing_calls(d, 100, 10), std::vector<int>({3}));
}

TEST(InjectDecider, FromNthAndEveryNth) {
  NotifyDecider from({parse_fail_rule("getppid=EPERM@4+")}, 0);
  EXPECT_EQ(failing_calls(from, 100, 6), std::vector<int>({4, 5, 6}));
  NotifyDecider every({parse_fail_rule("getppid=EPERM@*3")}, 0);
  EXPECT_EQ(failing_calls(every, 100, 10), std::vector<int>({3, 6, 9}));
}

TEST(InjectDecider, CountsPerThread) {
  NotifyDecider d({parse_fail_rule("getppid=EPERM@2")}, 0);
  EXPECT_LT(d.decide(getppid_call(1)).rule, 0);
  EXPECT_LT(d.decide(getppid_call(2)).rule, 0);
  Decision a = d.decide(getppid_call(1));
  Decision b = d.decide(getppid_call(2));
  EXPECT_EQ(a.rule, 0);
  EXPECT_EQ(a.call, 2u);
  EXPECT_EQ(b.rule, 0);
}

TEST(InjectDecider, FirstFailingRuleInOrderWinsAndEveryRuleCounts) {
  NotifyDecider d({parse_fail_rule("getppid=EIO@*2"), parse_fail_rule("getppid=EPERM@3+")}, 0);
  std::vector<int> errs;
  for (int i = 1; i <= 5; ++i) errs.push_back(d.decide(getppid_call(7)).error);
  EXPECT_EQ(errs, std::vector<int>({0, EIO, EPERM, EIO, EPERM}));
}

TEST(InjectDecider, ArgumentFiltersSelectCalls) {
  NotifyDecider d({parse_fail_rule("read(a0==4)=EIO@2")}, 0);
  Call on3;
  on3.tid = 1;
  on3.nr = SYS_read;
  on3.args[0] = 3;
  Call on4 = on3;
  on4.args[0] = 4;
  EXPECT_LT(d.decide(on4).rule, 0);
  EXPECT_LT(d.decide(on3).rule, 0);  // not counted: a0 is 3
  EXPECT_EQ(d.decide(on4).rule, 0);
}

TEST(InjectDecider, ProbabilityReplaysFromSeedAndDiffersAcrossSeeds) {
  auto run = [](std::uint64_t seed) {
    NotifyDecider d({parse_fail_rule("getppid=EPERM%0.3")}, seed);
    return failing_calls(d, 55, 400);
  };
  std::vector<int> a = run(42), b = run(42), c = run(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // 0.3 of 400 calls: 120 expected; the bound is ~7 standard deviations.
  EXPECT_GT(a.size(), 60u);
  EXPECT_LT(a.size(), 180u);
}

TEST(InjectDecider, ProbabilityDependsOnTheThreadsOwnCallsOnly) {
  NotifyDecider alone({parse_fail_rule("getppid=EPERM%0.5")}, 9);
  std::vector<int> solo = failing_calls(alone, 1, 50);
  NotifyDecider mixed({parse_fail_rule("getppid=EPERM%0.5")}, 9);
  std::vector<int> t1;
  for (int i = 1; i <= 50; ++i) {
    mixed.decide(getppid_call(2));  // another thread interleaved
    if (mixed.decide(getppid_call(1)).rule >= 0) t1.push_back(i);
  }
  EXPECT_EQ(solo, t1);
}

TEST(InjectDecider, RestartedCallAfterCancelledAnswerIsNotCountedTwice) {
  NotifyDecider d({parse_fail_rule("getppid=EPERM@*2")}, 0);
  Call c = getppid_call(9);
  EXPECT_LT(d.decide(c).rule, 0);  // call 1
  Decision second = d.decide(c);   // call 2: fails
  ASSERT_EQ(second.rule, 0);
  d.cancelled(c, second);  // a signal interrupted it; SA_RESTART repeats it
  Decision again = d.decide(c);
  EXPECT_EQ(again.rule, 0);
  EXPECT_EQ(again.call, 2u);       // the same call, not call 3
  EXPECT_LT(d.decide(c).rule, 0);  // call 3
  EXPECT_EQ(d.decide(c).call, 4u);
}

TEST(InjectDecider, CancelledThenDifferentCallIsCountedNormally) {
  NotifyDecider d({parse_fail_rule("getppid=EPERM@2"), parse_fail_rule("read=EIO@1")}, 0);
  Call g = getppid_call(9);
  Decision first = d.decide(g);
  d.cancelled(g, first);  // without SA_RESTART: EINTR, the program moves on
  Call r;
  r.tid = 9;
  r.nr = SYS_read;
  EXPECT_EQ(d.decide(r).error, EIO);
  EXPECT_EQ(d.decide(g).error, EPERM);  // getppid's call 2
}

}  // namespace

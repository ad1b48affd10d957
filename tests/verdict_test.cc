// From records and wait statuses to verdicts, and the writers' mappings,
// without starting any process.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "reports/writers.h"
#include "runner/verdict.h"

namespace sigipc {
namespace {

int exited(int code) { return code << 8; }
int killed(int sig) { return sig; }

Outcome outcome(std::vector<Record> recs, int status) {
  Outcome o;
  o.records = std::move(recs);
  o.wait_status = status;
  return o;
}

TEST(Verdict, PassNeedsBeginEndAndCleanExit) {
  auto v = decide(outcome({{"begin", "T.x"}, {"end", "pass"}}, exited(0)));
  EXPECT_EQ(v.status, Status::kPass);
}

TEST(Verdict, PassKeepsTheTestsObservations) {
  auto v = decide(
      outcome({{"begin", "T.x"}, {"note", "fork fell back to clone"}, {"end", "pass"}}, exited(0)));
  EXPECT_EQ(v.status, Status::kPass);
  EXPECT_EQ(v.message, "observed: fork fell back to clone");
}

TEST(Verdict, FailRecordsWin) {
  auto v =
      decide(outcome({{"begin", "T.x"}, {"fail", "a.cc:3: boom"}, {"end", "fail"}}, exited(1)));
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_EQ(v.message, "a.cc:3: boom");
}

TEST(Verdict, CrashNamesTheSignal) {
  auto v = decide(outcome({{"begin", "T.x"}}, killed(SIGBUS)));
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_NE(v.message.find("SIGBUS"), std::string::npos) << v.message;
}

TEST(Verdict, TimeoutBeatsEverything) {
  Outcome o = outcome({{"begin", "T.x"}}, killed(SIGKILL));
  o.timed_out = true;
  o.timeout_s = 7;
  auto v = decide(o);
  EXPECT_EQ(v.status, Status::kTimeout);
  EXPECT_NE(v.message.find("7 s"), std::string::npos);
}

TEST(Verdict, LeakMakesAPassingTestError) {
  auto v =
      decide(outcome({{"begin", "T.x"}, {"leak", "descriptor 5"}, {"end", "pass"}}, exited(0)));
  EXPECT_EQ(v.status, Status::kError);
  EXPECT_NE(v.message.find("descriptor 5"), std::string::npos);
}

TEST(Verdict, SetupErrorIsError) {
  auto v = decide(
      outcome({{"begin", "T.x"}, {"error", "setup failed"}, {"fail", "exception"}, {"end", "fail"}},
              exited(1)));
  EXPECT_EQ(v.status, Status::kError);
}

TEST(Verdict, SkipIsUnsupportedWithReason) {
  auto v =
      decide(outcome({{"begin", "T.x"}, {"unsupported", "no mqueue"}, {"end", "skip"}}, exited(0)));
  EXPECT_EQ(v.status, Status::kUnsupported);
  EXPECT_EQ(v.message, "no mqueue");
}

TEST(Verdict, ExitBeforeEndIsFail) {
  auto v = decide(outcome({{"begin", "T.x"}}, exited(3)));
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_NE(v.message.find("exited with 3"), std::string::npos);
}

TEST(Verdict, NoBeginIsError) {
  auto v = decide(outcome({{"error", "cannot execute the test program: ENOENT (2)"}}, exited(127)));
  EXPECT_EQ(v.status, Status::kError);
  EXPECT_NE(v.message.find("ENOENT"), std::string::npos);
}

TEST(Records, PartialLineStaysBuffered) {
  std::string buf = "begin\tA.b\nfail\tx";
  auto recs = parse_records(buf);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].kind, "begin");
  EXPECT_EQ(buf, "fail\tx");
}

// --repeat: the worst run decides, and a result that differs between runs
// says so with the count, so a flaky test never passes as green or as a
// plain FAIL.
TEST(Repeats, WorstRunWinsAndTheSplitIsCounted) {
  Result named;
  named.id = "S.a";
  Result r = aggregate_runs(named, {{{Status::kPass, ""}, 10},
                                    {{Status::kFail, "a.cc:3: boom"}, 20},
                                    {{Status::kPass, ""}, 30}});
  EXPECT_EQ(r.id, "S.a");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.message, "differs between runs (1 of 3 FAIL): a.cc:3: boom");
  EXPECT_EQ(r.runs, 3);
  EXPECT_EQ(r.run_counts["PASS"], 2);
  EXPECT_EQ(r.run_counts["FAIL"], 1);
  EXPECT_DOUBLE_EQ(r.duration_ms, 20);
}

TEST(Repeats, AgreeingRunsKeepTheirMessage) {
  Result r = aggregate_runs(Result{}, {{{Status::kTimeout, "no result within 5 s"}, 5000},
                                       {{Status::kTimeout, "no result within 5 s"}, 5000}});
  EXPECT_EQ(r.status, Status::kTimeout);
  EXPECT_EQ(r.message, "no result within 5 s");
  EXPECT_EQ(r.run_counts.size(), 1u);
}

TEST(Repeats, ErrorOutranksFail) {
  Result r = aggregate_runs(Result{}, {{{Status::kFail, "f"}, 1}, {{Status::kError, "e"}, 1}});
  EXPECT_EQ(r.status, Status::kError);
}

RunRecord sample() {
  RunRecord run;
  run.environment = {{"kernel_release", "6.1"}};
  Result a;
  a.id = "S.a";
  a.family = "signal";
  a.requirement = "signal.a";
  a.clause = "XSH kill()";
  a.status = Status::kUnsupported;
  a.message = "no <reason> & \"quotes\"";
  Result b = a;
  b.id = "S.b";
  b.requirement = "signal.b";
  b.status = Status::kXfail;
  b.message = "known";
  run.results = {a, b};
  return run;
}

TEST(Writers, JunitKeepsSkipReasonEscaped) {
  std::string x = junit_text(sample());
  EXPECT_NE(x.find("<skipped message=\"no &lt;reason&gt; &amp; &quot;quotes&quot;\"/>"),
            std::string::npos)
      << x;
}

TEST(Writers, XfailIsNotBad) {
  auto run = sample();
  EXPECT_TRUE(run.green());
  run.results[1].status = Status::kXpass;
  EXPECT_FALSE(run.green());
}

TEST(Writers, JsonRoundTrips) {
  auto run = sample();
  auto back = run_from_json(to_json(run));
  ASSERT_EQ(back.results.size(), 2u);
  EXPECT_EQ(back.results[0].message, run.results[0].message);
  EXPECT_EQ(back.results[1].status, Status::kXfail);
}

TEST(Writers, ReaderRejectsUnknownStatus) {
  auto j = to_json(sample());
  j["results"][0]["status"] = "MAYBE";
  EXPECT_THROW(run_from_json(j), std::runtime_error);
}

}  // namespace
}  // namespace sigipc

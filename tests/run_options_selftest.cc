// sigipc run's options for CI use: the result stream and --stdout-format,
// skip entries, --fail-fast, --resume, --rerun-failed, --repeat until-fail,
// --shuffle, --shard with sigipc merge, --version; and the ways a run used
// to lose its results or leave folders behind.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::find_result;
using selftest::read_json;
using selftest::run_cmd;
using selftest::TempDir;

namespace {

std::vector<nlohmann::json> stream_lines(const std::string& path) {
  std::ifstream f(path);
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(f, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::vector<std::string> result_ids(const nlohmann::json& j) {
  std::vector<std::string> ids;
  for (const auto& r : j["results"]) ids.push_back(r["id"]);
  return ids;
}

// The sigipc-run-* folders under dir.
std::vector<std::string> work_dirs(const std::string& dir) {
  std::vector<std::string> found;
  DIR* d = opendir(dir.c_str());
  if (!d) return found;
  while (dirent* e = readdir(d))
    if (std::string(e->d_name).rfind("sigipc-run-", 0) == 0) found.push_back(e->d_name);
  closedir(d);
  return found;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const std::vector<std::string> kThree = {"--filter",
                                         "Harness.Pass:Harness.FailedExpect:Harness.Unsupported"};

std::vector<std::string> harness_run(const std::string& out, std::vector<std::string> more) {
  std::vector<std::string> argv = {HARNESS_BIN, "run", "--out", out, "--jobs", "1"};
  argv.insert(argv.end(), more.begin(), more.end());
  return argv;
}

TEST(Stream, EveryEventIsOneLineInRunOrder) {
  TempDir d;
  auto r = run_cmd(harness_run(d.path() + "/o", kThree));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto lines = stream_lines(d.path() + "/o/results.jsonl");
  ASSERT_EQ(lines.size(), 1u + 3 * 2 + 1);
  EXPECT_EQ(lines[0]["stream"], "sigipc-stream/1");
  EXPECT_EQ(lines[0]["planned"],
            nlohmann::json({"Harness.Pass", "Harness.FailedExpect", "Harness.Unsupported"}));
  EXPECT_EQ(lines[0]["environment"]["seed"].is_number(), true);
  EXPECT_EQ(lines[1]["event"], "start");
  EXPECT_EQ(lines[2]["event"], "result");
  EXPECT_EQ(lines[2]["id"], "Harness.Pass");
  EXPECT_EQ(lines[2]["status"], "PASS");
  EXPECT_EQ(lines.back()["event"], "end");
  EXPECT_EQ(lines.back()["summary"]["FAIL"], 1);
  // The environment says which suite and which command made the run.
  auto j = read_json(d.path() + "/o/results.json");
  EXPECT_FALSE(j["environment"]["suite_revision"].get<std::string>().empty());
  EXPECT_NE(j["environment"]["command_line"].get<std::string>().find("--jobs 1"),
            std::string::npos);
}

TEST(Stream, KtapOnStdoutAsTestsFinish) {
  TempDir d;
  auto r = run_cmd(harness_run(d.path() + "/o",
                               {"--filter", "Harness.Pass:Harness.FailedExpect:Harness.Unsupported",
                                "--stdout-format", "ktap"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.rfind("KTAP version 1\n1..3\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nok 1 Harness.Pass\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nnot ok 2 Harness.FailedExpect # FAIL "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nok 3 Harness.Unsupported # SKIP the machine lacks"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("# Totals: pass:1 fail:1"), std::string::npos) << r.out;
  // The table goes to stderr, keeping stdout KTAP only.
  EXPECT_EQ(r.out.find("family"), std::string::npos) << r.out;
}

TEST(Stream, JsonlOnStdoutIsTheStream) {
  TempDir d;
  auto r = run_cmd(
      harness_run(d.path() + "/o", {"--filter", "Harness.Pass", "--stdout-format", "jsonl"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, slurp(d.path() + "/o/results.jsonl"));
}

TEST(Stream, ReportRebuildsACutShortRun) {
  TempDir d;
  // A stream as a runner killed mid-test leaves it: two results, a third
  // test started, a fourth never reached, and half a line.
  std::string env =
      R"({"kernel_release":"6.1","arch":"x86_64","libc":"glibc","libc_version":"2.36",)"
      R"("emulator":"none","uid":0,"limits":{},"seccomp":true,"suite_version":"0.1.0",)"
      R"("seed":1,"isolation":"namespaces"})";
  auto res = [](const char* id, const char* st) {
    return std::string(R"({"event":"result","id":")") + id +
           R"(","family":"harness","requirement":"harness.x","clause":"c","statement":"s","status":")" +
           st + R"(","message":"m","duration_ms":1.5})";
  };
  std::ofstream(d.path() + "/results.jsonl") << R"({"stream":"sigipc-stream/1","environment":)"
                                             << env << R"(,"planned":["A.a","A.b","A.c","A.d"]})"
                                             << "\n"
                                             << R"({"event":"start","id":"A.a"})"
                                             << "\n"
                                             << res("A.a", "PASS") << "\n"
                                             << R"({"event":"start","id":"A.b"})"
                                             << "\n"
                                             << res("A.b", "FAIL") << "\n"
                                             << R"({"event":"start","id":"A.c"})"
                                             << "\n"
                                             << R"({"event":"result","id":"A.c","fam)";
  auto r = run_cmd({SIGIPC_BIN, "report", d.path(), "--out", d.path() + "/rep"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(d.path() + "/rep/results.json");
  EXPECT_EQ(result_ids(j), std::vector<std::string>({"A.a", "A.b"}));
  EXPECT_EQ(j["summary"]["not_run"], nlohmann::json({"A.c", "A.d"}));
  EXPECT_EQ(j["summary"]["running"], nlohmann::json({"A.c"}));
  EXPECT_EQ(j["summary"]["interrupted"], true);
}

TEST(RunSafety, OutThatIsAFileOrUnwritableStopsBeforeAnyTest) {
  TempDir d;
  std::string file = d.path() + "/file";
  std::ofstream(file) << "x";
  for (const std::string& out : {file, file + "/sub", std::string("/proc/sigipc-no")}) {
    auto r = run_cmd(harness_run(out, {"--filter", "Harness.EnvPassthrough"}));
    EXPECT_EQ(r.exit_code, 2) << out << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // Stopped before the first test: nothing ran, nothing was reported.
    EXPECT_EQ(r.err.find("running"), std::string::npos) << r.err;
  }
}

TEST(RunSafety, ClosedStdoutStillWritesEveryReport) {
  TempDir d;
  std::string cmd =
      std::string("'") + HARNESS_BIN + "' run --out '" + d.path() +
      "/o' --filter 'Harness.Pass:Harness.Unsupported' --stdout-format ktap | head -c 1"
      " >/dev/null; echo \"${PIPESTATUS[0]}\"";
  auto r = run_cmd({"/bin/bash", "-c", cmd}, {"TMPDIR=" + d.path()});
  EXPECT_EQ(r.out, "0\n") << r.err;
  auto j = read_json(d.path() + "/o/results.json");
  EXPECT_EQ(j["summary"]["PASS"], 1);
  EXPECT_TRUE(work_dirs(d.path()).empty());
}

TEST(RunSafety, NoWorkFolderLeftByForkServerRuns) {
  TempDir d;
  auto r = run_cmd(harness_run(d.path() + "/o", {"--filter", "Harness.Pass", "--fork-server"}),
                   {"TMPDIR=" + d.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(work_dirs(d.path()), std::vector<std::string>());
}

TEST(RunSafety, WorkFolderOfAKilledRunnerIsSweptByTheNext) {
  TempDir d;
  // What a runner killed with SIGKILL leaves: its folder, lock released.
  std::string dead = d.path() + "/sigipc-run-dead00";
  ASSERT_EQ(mkdir(dead.c_str(), 0700), 0);
  std::ofstream(dead + "/.flock-held");
  // A folder of a runner that takes no lock (an older sigipc) is left alone.
  std::string other = d.path() + "/sigipc-run-other0";
  ASSERT_EQ(mkdir(other.c_str(), 0700), 0);
  auto r =
      run_cmd(harness_run(d.path() + "/o", {"--filter", "Harness.Pass"}), {"TMPDIR=" + d.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(work_dirs(d.path()), std::vector<std::string>({"sigipc-run-other0"}));
}

TEST(RunSafety, GtestVariablesDoNotReachTheTests) {
  TempDir d;
  auto r =
      run_cmd(harness_run(d.path() + "/o", {"--filter", "Harness.Pass:Harness.EnvPassthrough"}),
              {"GTEST_TOTAL_SHARDS=3", "GTEST_SHARD_INDEX=1", "GTEST_FILTER=Nothing.*",
               "GTEST_REPEAT=2", "SIGIPC_SELFTEST_MARK=passed-through"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(d.path() + "/o/results.json")["summary"]["PASS"], 2) << r.err;
}

struct BadOption {
  std::vector<std::string> args;
  const char* reason_part;
};

class RejectsBadOption : public ::testing::TestWithParam<BadOption> {};

TEST_P(RejectsBadOption, ExitsTwoWithAShortLine) {
  TempDir d;
  std::vector<std::string> argv = {SIGIPC_BIN};
  for (auto a : GetParam().args) argv.push_back(a == "@OUT" ? d.path() + "/o" : a);
  auto r = run_cmd(argv);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_LT(r.err.size(), 300u) << r.err;
  EXPECT_NE(r.err.find(GetParam().reason_part), std::string::npos) << r.err;
  struct stat st {};
  EXPECT_NE(stat((d.path() + "/o").c_str(), &st), 0) << "a refused run created its output folder";
}

INSTANTIATE_TEST_SUITE_P(
    Run, RejectsBadOption,
    ::testing::Values(
        BadOption{{"run", "--seed", "-1", "--out", "@OUT"}, "--seed"},
        BadOption{{"run", "--seed", "18446744073709551616", "--out", "@OUT"}, "--seed"},
        BadOption{{"run", "--jobs", "-1", "--out", "@OUT"}, "--jobs"},
        BadOption{{"run", "--jobs", "99999999", "--out", "@OUT"}, "--jobs"},
        BadOption{{"run", "--timeout-mul", "0", "--out", "@OUT"}, "--timeout-mul"},
        BadOption{{"run", "--repeat", "until-fail:0", "--out", "@OUT"}, "--repeat"},
        BadOption{{"run", "--repeat", "sometimes", "--out", "@OUT"}, "--repeat"},
        BadOption{{"run", "--shard", "3/2", "--out", "@OUT"}, "--shard"},
        BadOption{{"run", "--shard", "0/2", "--out", "@OUT"}, "--shard"},
        BadOption{{"run", "--stdout-format", "tap", "--out", "@OUT"}, "--stdout-format"},
        BadOption{{"run", "--resume", "/nonexistent/run"}, "/nonexistent/run"},
        BadOption{{"run", "--rerun-failed", "/nonexistent/r.json", "--out", "@OUT"},
                  "/nonexistent/r.json"},
        BadOption{{"inject", "--signal", "SIGUSR1", "--via", "timer", "--", "true"},
                  "kill, tgkill, sigqueue or pidfd"},
        BadOption{{"merge", "/nonexistent/a.json", "--out", "@OUT"}, "/nonexistent/a.json"}),
    [](const auto& info) { return "Case" + std::to_string(info.index); });

TEST(Version, NamesVersionAndRevision) {
  auto r = run_cmd({SIGIPC_BIN, "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("sigipc 0.", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(revision "), std::string::npos) << r.out;
}

TEST(Skip, SkipEntriesAreNotRunAndSayWhy) {
  TempDir d;
  std::string file = d.path() + "/skip.yaml";
  std::ofstream(file) << "deviations:\n  - {id: slow, status: SKIP, reason: too slow here,"
                         " tests: [Harness.FailedExpect]}\n";
  auto r = run_cmd(harness_run(
      d.path() + "/o", {"--filter", "Harness.Pass:Harness.FailedExpect", "--expect", file}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(d.path() + "/o/results.json");
  auto s = find_result(j, "Harness.FailedExpect");
  EXPECT_EQ(s["status"], "SKIP");
  EXPECT_NE(s["message"].get<std::string>().find("too slow here"), std::string::npos);
  EXPECT_EQ(j["summary"]["SKIP"], 1);
  // No start event: it never ran.
  for (const auto& l : stream_lines(d.path() + "/o/results.jsonl"))
    EXPECT_FALSE(l.value("event", "") == "start" && l["id"] == "Harness.FailedExpect");
  auto list = run_cmd(
      {HARNESS_BIN, "list", "--filter", "Harness.Pass:Harness.FailedExpect", "--expect", file});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find("Harness.FailedExpect"), std::string::npos) << list.out;
  EXPECT_NE(list.err.find("Harness.FailedExpect: skipped"), std::string::npos) << list.err;
  auto ex = run_cmd({HARNESS_BIN, "list", "--filter", "Harness.*", "--exclude", "Harness.Hang*"});
  EXPECT_EQ(ex.out.find("Harness.Hang"), std::string::npos);
  EXPECT_NE(ex.out.find("Harness.Pass"), std::string::npos);
}

TEST(FailFast, StopsAfterTheFirstRedTestThenResumeRunsTheRest) {
  TempDir d;
  std::string out = d.path() + "/o";
  auto r = run_cmd(harness_run(
      out, {"--filter", "Harness.Pass:Harness.FailedExpect:Harness.Unsupported", "--fail-fast"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = read_json(out + "/results.json");
  EXPECT_EQ(result_ids(j), std::vector<std::string>({"Harness.Pass", "Harness.FailedExpect"}));
  EXPECT_EQ(j["summary"]["not_run"], nlohmann::json({"Harness.Unsupported"}));

  auto again = run_cmd({HARNESS_BIN, "run", "--resume", out});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("running 1 tests"), std::string::npos) << again.err;
  j = read_json(out + "/results.json");
  EXPECT_EQ(result_ids(j), std::vector<std::string>(
                               {"Harness.Pass", "Harness.FailedExpect", "Harness.Unsupported"}));
  EXPECT_EQ(j["summary"]["not_run"], nlohmann::json::array());

  auto rerun = run_cmd({HARNESS_BIN, "run", "--rerun-failed", out, "--out", d.path() + "/r"});
  EXPECT_EQ(rerun.exit_code, 1) << rerun.err;
  EXPECT_EQ(result_ids(read_json(d.path() + "/r/results.json")),
            std::vector<std::string>({"Harness.FailedExpect"}));
}

TEST(Repeat, UntilFailStopsAtTheFirstRedRun) {
  TempDir d;
  auto r = run_cmd(harness_run(d.path() + "/o", {"--filter", "Harness.Pass:Harness.FailedExpect",
                                                 "--repeat", "until-fail:4"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = read_json(d.path() + "/o/results.json");
  EXPECT_EQ(find_result(j, "Harness.Pass")["runs"], 4);
  EXPECT_EQ(find_result(j, "Harness.FailedExpect").value("runs", 1), 1);
}

TEST(Shuffle, OrderComesFromTheSeed) {
  TempDir d;
  auto planned = [&](const std::string& name, const std::string& seed) {
    auto r =
        run_cmd({HARNESS_BIN, "run", "--out", d.path() + "/" + name, "--filter",
                 "Harness.Pass:Harness.Unsupported:Harness.EnvPassthrough:Harness.FailedExpect:"
                 "Harness.SetupError:Harness.UnexpectedExit",
                 "--shuffle", "--seed", seed},
                {"SIGIPC_SELFTEST_MARK=passed-through"});
    auto lines = stream_lines(d.path() + "/" + name + "/results.jsonl");
    EXPECT_EQ(lines[0]["environment"]["shuffle"], true);
    return lines[0]["planned"].get<std::vector<std::string>>();
  };
  auto a = planned("a", "7"), b = planned("b", "7"), c = planned("c", "8");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::sort(a.begin(), a.end());
  std::sort(c.begin(), c.end());
  EXPECT_EQ(a, c);
}

}  // namespace

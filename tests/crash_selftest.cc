// No result is lost: a runner killed with SIGKILL at a random point leaves a
// stream from which sigipc report rebuilds every finished result, the rest
// listed by id as not run; and the shards of a run merge to exactly the
// tests of the unsharded run.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::read_json;
using selftest::run_cmd;
using selftest::TempDir;

namespace {

// Quick harness cases with every kind of outcome.
const char* const kCases =
    "Harness.Pass:Harness.FailedExpect:Harness.FailedErrnoCheck:Harness.ChildCheckFails:"
    "Harness.HandlerCheckFails:Harness.CrashSegv:Harness.Abort:Harness.LeakFd:Harness.Unsupported:"
    "Harness.SetupError:Harness.UnexpectedExit:Harness.ExecHelperRuns";

std::vector<std::string> ids_of(const nlohmann::json& arr, const char* key = nullptr) {
  std::vector<std::string> ids;
  for (const auto& e : arr) ids.push_back(key ? e[key].get<std::string>() : e.get<std::string>());
  return ids;
}

TEST(Crash, KillNineAtARandomPointLosesNoFinishedResult) {
  TempDir d;
  const std::string out = d.path() + "/o";
  std::random_device rd;
  const unsigned seed = rd();
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t runner = fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    setenv("TMPDIR", d.path().c_str(), 1);
    execl(HARNESS_BIN, HARNESS_BIN, "run", "--out", out.c_str(), "--jobs", "2", "--filter", kCases,
          "--stdout-format", "jsonl", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipefd[1]);
  FILE* in = fdopen(pipefd[0], "r");
  ASSERT_NE(in, nullptr);
  // The stream on stdout is written after the file's line: every result read
  // here is already in DIR/results.jsonl.
  std::vector<std::string> finished, planned;
  std::size_t kill_after = 0;
  char* line = nullptr;
  size_t cap = 0;
  bool killed = false;
  while (getline(&line, &cap, in) > 0) {
    auto j = nlohmann::json::parse(line);
    if (j.contains("planned")) {
      planned = j["planned"].get<std::vector<std::string>>();
      kill_after = 1 + seed % (planned.size() - 1);  // 1 .. planned-1 results
    }
    if (j.value("event", "") == "result") finished.push_back(j["id"]);
    if (!killed && kill_after && finished.size() >= kill_after) {
      ASSERT_EQ(kill(runner, SIGKILL), 0);
      killed = true;
    }
  }
  free(line);
  fclose(in);
  int st = 0;
  ASSERT_EQ(waitpid(runner, &st, 0), runner);
  // The kill can land after the last test (the runner writes ahead of this
  // reader): then the run is complete and must be rebuilt just the same.
  const bool cut_short = WIFSIGNALED(st);

  auto r = run_cmd({SIGIPC_BIN, "report", out, "--out", d.path() + "/rebuilt"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(d.path() + "/rebuilt/results.json");
  auto got = ids_of(j["results"], "id");
  auto not_run = ids_of(j["summary"]["not_run"]);
  for (const auto& id : finished)
    EXPECT_NE(std::find(got.begin(), got.end(), id), got.end()) << id << " finished but was lost";
  std::vector<std::string> all = got;
  all.insert(all.end(), not_run.begin(), not_run.end());
  std::sort(all.begin(), all.end());
  std::sort(planned.begin(), planned.end());
  EXPECT_EQ(all, planned) << "every planned test: with a result or not run, once";
  EXPECT_EQ(j["summary"]["interrupted"], cut_short) << "seed " << seed;
  EXPECT_EQ(j["summary"]["total"], got.size());
  std::printf("killed after %zu finished results; %zu rebuilt, %zu not run\n", finished.size(),
              got.size(), not_run.size());
}

TEST(Merge, ShardsMergeToExactlyTheUnshardedRun) {
  TempDir d;
  auto run = [&](const std::string& name, std::vector<std::string> more) {
    std::vector<std::string> argv = {HARNESS_BIN, "run", "--out",    d.path() + "/" + name,
                                     "--jobs",    "2",   "--filter", kCases,
                                     "--seed",    "5"};
    argv.insert(argv.end(), more.begin(), more.end());
    auto r = run_cmd(argv);
    EXPECT_EQ(r.exit_code, 1) << r.err;  // the harness has failing cases
  };
  run("full", {});
  // The harness binary: its catalogue gives the unsharded order.
  std::vector<std::string> merge = {HARNESS_BIN, "merge"};
  for (int i = 1; i <= 3; ++i) {
    run("s" + std::to_string(i),
        {"--shard", std::to_string(i) + "/3", "--durations", d.path() + "/full"});
    merge.push_back(d.path() + "/s" + std::to_string(i) +
                    (i == 2 ? "/results.jsonl" : "/results.json"));
  }
  merge.insert(merge.end(), {"--out", d.path() + "/merged"});
  auto r = run_cmd(merge);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto full = ids_of(read_json(d.path() + "/full/results.json")["results"], "id");
  auto merged_j = read_json(d.path() + "/merged/results.json");
  auto merged = ids_of(merged_j["results"], "id");
  EXPECT_EQ(merged, full) << "same tests, once each, in the unsharded order";
  EXPECT_TRUE(merged_j["summary"]["not_run"].empty());
  for (int i = 1; i <= 3; ++i)
    EXPECT_FALSE(
        read_json(d.path() + "/s" + std::to_string(i) + "/results.json")["results"].empty());

  // A shard given twice, or a run of another platform, is refused.
  auto twice =
      run_cmd({SIGIPC_BIN, "merge", d.path() + "/s1", d.path() + "/s1", "--out", d.path() + "/m2"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("is in both"), std::string::npos) << twice.err;
  auto j = read_json(d.path() + "/s2/results.json");
  j["environment"]["kernel_release"] = "0.0-other";
  std::ofstream(d.path() + "/other.json") << j.dump();
  auto other = run_cmd(
      {SIGIPC_BIN, "merge", d.path() + "/s1", d.path() + "/other.json", "--out", d.path() + "/m3"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("kernel_release"), std::string::npos) << other.err;
  auto forced = run_cmd({SIGIPC_BIN, "merge", d.path() + "/s1", d.path() + "/other.json", "--force",
                         "--out", d.path() + "/m4"});
  EXPECT_EQ(forced.exit_code, 1) << forced.err;
}

}  // namespace

// The harness reports every way a test can end with the right status, in
// both isolation modes, and leaves nothing behind on the machine.
#include <dirent.h>
#include <sched.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::find_result;
using selftest::read_json;
using selftest::run_cmd;
using selftest::TempDir;

namespace {

struct Expect {
  const char* status;
  std::vector<const char*> message_parts;
};

const std::map<std::string, Expect>& expectations() {
  static const std::map<std::string, Expect> e = {
      {"Harness.Pass", {"PASS", {}}},
      {"Harness.FailedExpect", {"FAIL", {"harness_cases.cc:", "arithmetic broke"}}},
      {"Harness.FailedErrnoCheck", {"FAIL", {"EAGAIN", "EBADF"}}},
      {"Harness.ChildCheckFails", {"FAIL", {"harness_cases.cc:", "2 + 2 == 5", "4 vs 5"}}},
      {"Harness.HandlerCheckFails", {"FAIL", {"handler saw an impossible state"}}},
      {"Harness.CrashSegv", {"FAIL", {"crashed", "SIGSEGV"}}},
      {"Harness.Abort", {"FAIL", {"crashed", "SIGABRT"}}},
      {"Harness.Hang", {"TIMEOUT", {"no result within"}}},
      {"Harness.HangInChildren", {"TIMEOUT", {"no result within"}}},
      {"Harness.LeakFd", {"ERROR", {"descriptor", "pipe:"}}},
      {"Harness.LeakChild", {"ERROR", {"child process"}}},
      {"Harness.LeakOrphan", {"ERROR", {"process"}}},
      {"Harness.LeakSysvMsg", {"ERROR", {"System V message queue"}}},
      {"Harness.CrashLeavesSysvSem", {"FAIL", {"crashed", "SIGABRT"}}},
      {"Harness.LeakPosixMq", {"ERROR", {"message queue /sigipc."}}},
      {"Harness.LeakPosixShm", {"ERROR", {"shared memory /sigipc."}}},
      {"Harness.LeakTempFile", {"ERROR", {"temporary file"}}},
      {"Harness.GuardsCleanUp", {"PASS", {}}},
      {"Harness.Unsupported", {"UNSUPPORTED", {"frobnicator"}}},
      {"Harness.ObjectInItsOwnIpcNamespace", {"PASS", {}}},
      {"Harness.SetupError", {"ERROR", {"setup failed", "EBADF"}}},
      {"Harness.UnexpectedExit", {"FAIL", {"exited with 3"}}},
      {"Harness.ChildFallsThrough", {"ERROR", {"returned into the test framework"}}},
      {"Harness.EnvPassthrough", {"PASS", {}}},
      {"Harness.PidNamespaceKillAll", {"PASS", {}}},
      {"Harness.RunAsNobody", {"PASS", {}}},
      {"Harness.ExecHelperRuns", {"PASS", {}}},
  };
  return e;
}

std::set<std::string> sigipc_shm_entries() {
  std::set<std::string> s;
  if (DIR* d = opendir("/dev/shm")) {
    while (dirent* e = readdir(d))
      if (std::string(e->d_name).find("sigipc.") != std::string::npos) s.insert(e->d_name);
    closedir(d);
  }
  return s;
}

int sysv_count(const char* kind) {
  std::ifstream f(std::string("/proc/sysvipc/") + kind);
  std::string line;
  int n = -1;  // header
  while (std::getline(f, line)) ++n;
  return n;
}

class HarnessVerdicts : public ::testing::TestWithParam<std::string> {};

TEST_P(HarnessVerdicts, EveryOutcomeReachesTheResult) {
  const std::string isolation = GetParam();
  TempDir out;
  std::string mark = "SIGIPC_SELFTEST_RUN=" + std::to_string(getpid()) + "-" + isolation;
  auto shm_before = sigipc_shm_entries();
  int msg_before = sysv_count("msg"), sem_before = sysv_count("sem");
  // "namespaces": each test exec'd; "fork-server": namespaces, tests forked
  // from the fork server (the default where namespaces work).
  const bool fork_server = isolation == "fork-server";
  std::vector<std::string> argv = {
      HARNESS_BIN, "run", "--out",       out.path(),
      "--jobs",    "4",   "--isolation", fork_server ? "namespaces" : isolation};
  if (isolation == "namespaces") argv.insert(argv.end(), {"--test-start", "exec"});
  auto r = run_cmd(argv, {"SIGIPC_SELFTEST_MARK=passed-through", mark});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = read_json(out.path() + "/results.json");
  EXPECT_EQ(j["environment"]["isolation"], fork_server ? "namespaces" : isolation);
  EXPECT_EQ(j["environment"]["test_start"], fork_server ? "fork-server" : "exec");
  for (const auto& [id, exp] : expectations()) {
    auto res = find_result(j, id);
    ASSERT_FALSE(res.is_null()) << id << " has no result";
    std::string msg = res["message"];
    EXPECT_EQ(res["status"], exp.status) << id << ": " << msg;
    for (const char* part : exp.message_parts)
      EXPECT_NE(msg.find(part), std::string::npos) << id << ": '" << part << "' not in: " << msg;
    if (std::string(exp.status) != "PASS") {
      std::ifstream log(out.path() + "/logs/" + id + ".log");
      EXPECT_TRUE(log.good()) << id << ": no log kept for a test that did not pass";
    }
  }
  EXPECT_EQ(j["results"].size(), expectations().size());
  // Nothing left behind: processes, shm/sem files, message queues, work folders.
  EXPECT_EQ(selftest::processes_with_env(mark), 0);
  EXPECT_EQ(sigipc_shm_entries(), shm_before);
  EXPECT_EQ(sysv_count("msg"), msg_before);
  EXPECT_EQ(sysv_count("sem"), sem_before);
  // Under process-group isolation the runner removes what a crashed test
  // recorded creating (IPC_PRIVATE too), and says so.
  if (isolation == "process-group") {
    std::string msg = find_result(j, "Harness.CrashLeavesSysvSem")["message"];
    EXPECT_NE(msg.find("System V semaphore set id"), std::string::npos) << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(Isolation, HarnessVerdicts,
                         ::testing::Values("namespaces", "process-group", "fork-server"),
                         [](const auto& info) {
                           return info.param == "namespaces"      ? std::string("Namespaces")
                                  : info.param == "process-group" ? std::string("ProcessGroup")
                                                                  : std::string("ForkServer");
                         });

// A fork server that cannot serve (here: its wrapper refuses to start it)
// must cost no result: the runner says so and executes the tests instead.
// Runs the one test behind a fork server started by the wrapper script
// (text), with the reports in out/r.
selftest::CmdResult run_behind_wrapper(const TempDir& out, const std::string& script,
                                       const std::string& test) {
  std::string wrap = out.path() + "/wrap.sh";
  {
    std::ofstream w(wrap);
    w << script;
  }
  chmod(wrap.c_str(), 0755);
  return run_cmd({HARNESS_BIN, "run", "--out", out.path() + "/r", "--isolation", "namespaces",
                  "--fork-server", "--wrapper", wrap, "--filter", test});
}

TEST(HarnessForkServer, DeadServerFallsBackToExec) {
  TempDir out;
  auto r = run_behind_wrapper(out, "#!/bin/sh\n[ \"$2\" = __fork-server ] && exit 3\nexec \"$@\"\n",
                              "Harness.Pass");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(out.path() + "/r/results.json");
  EXPECT_EQ(find_result(j, "Harness.Pass")["status"], "PASS");
  EXPECT_NE(j["environment"]["test_start_note"].get<std::string>().find("fork server"),
            std::string::npos);
}

// What a wrapper writes to the fork server's stderr while a test runs (its
// account of why the test died) must reach that test's log, not be lost with
// the run's work folder.
TEST(HarnessForkServer, WrapperMessagesReachTheTestsLog) {
  TempDir out;
  auto r = run_behind_wrapper(out, "#!/bin/bash\nexec \"$@\" 200>&2\n", "Harness.UnexpectedExit");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::ifstream log(out.path() + "/r/logs/Harness.UnexpectedExit.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("the fork server's stderr while this test ran"), std::string::npos) << text;
  EXPECT_NE(text.find("wrapper: the test process ends with 3"), std::string::npos) << text;
}

// Under process-group isolation a test that unshares its IPC namespace makes
// its objects there. The runner must not take an object of the same id, key
// and creator in its own namespace (another program's) for the test's
// leftover and remove it. Here both are root's first IPC_PRIVATE segment of
// a fresh namespace: id 0.
TEST(HarnessIpcRecord, ObjectsOfTheTestsOwnNamespaceAreNotForeignOnes) {
  if (geteuid() != 0) GTEST_SKIP() << "making IPC namespaces needs root here";
  TempDir out;
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (unshare(CLONE_NEWIPC) != 0) _exit(10);
    const int foreign = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (foreign != 0) _exit(11);
    run_cmd({HARNESS_BIN, "run", "--out", out.path() + "/r", "--isolation", "process-group",
             "--filter", "Harness.ObjectInItsOwnIpcNamespace"});
    struct shmid_ds ds {};
    const bool untouched = shmctl(foreign, IPC_STAT, &ds) == 0;
    shmctl(foreign, IPC_RMID, nullptr);
    _exit(untouched ? 0 : 12);
  }
  int st = 0;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  if (WEXITSTATUS(st) == 11) GTEST_SKIP() << "a fresh namespace's first segment is not id 0 here";
  ASSERT_NE(WEXITSTATUS(st), 10) << "no IPC namespace could be made";
  EXPECT_EQ(WEXITSTATUS(st), 0) << "the run removed the foreign segment";
  auto res =
      find_result(read_json(out.path() + "/r/results.json"), "Harness.ObjectInItsOwnIpcNamespace");
  EXPECT_EQ(res["status"], "PASS") << res["message"];
}

TEST(HarnessTimeout, LimitScalesWithTimeoutMul) {
  TempDir out;
  auto r = run_cmd(
      {HARNESS_BIN, "run", "--out", out.path(), "--filter", "Harness.Hang", "--timeout-mul", "2"});
  EXPECT_EQ(r.exit_code, 1);
  auto res = find_result(read_json(out.path() + "/results.json"), "Harness.Hang");
  EXPECT_EQ(res["status"], "TIMEOUT");
  EXPECT_NE(res["message"].get<std::string>().find("within 2 s"), std::string::npos)
      << res["message"];
  EXPECT_GE(res["duration_ms"].get<double>(), 1900.0);
}

TEST(HarnessTimeout, EnvironmentVariableScalesToo) {
  TempDir out;
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path(), "--filter", "Harness.Hang"},
                   {"SIGIPC_TIMEOUT_MUL=3"});
  auto res = find_result(read_json(out.path() + "/results.json"), "Harness.Hang");
  EXPECT_NE(res["message"].get<std::string>().find("within 3 s"), std::string::npos)
      << res["message"];
}

TEST(HarnessRepeat, RepeatRunsEachTestNTimes) {
  TempDir out;
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path(), "--filter", "Harness.Pass", "--repeat",
                    "5", "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto res = find_result(read_json(out.path() + "/results.json"), "Harness.Pass");
  EXPECT_EQ(res["runs"], 5);
  EXPECT_EQ(res["run_counts"]["PASS"], 5);
}

}  // namespace

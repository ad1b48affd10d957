// Ctrl-C (SIGINT) or SIGTERM to the runner: running tests are killed, the
// results so far are written, nothing is left behind.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::find_result;
using selftest::read_json;
using selftest::TempDir;

namespace {

// (signal, whether tests start from the fork server)
class Interrupt : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(Interrupt, StopsCleanlyWithPartialResults) {
  const int sig = std::get<0>(GetParam());
  const bool fork_server = std::get<1>(GetParam());
  TempDir dir;
  std::string fifo = dir.path() + "/running";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string out = dir.path() + "/out";
  std::string mark = "SIGIPC_SELFTEST_INTERRUPT=" + std::to_string(getpid()) + "-" +
                     std::to_string(sig) + (fork_server ? "-fs" : "");
  // Open our end first (non-blocking) so the test's blocking open meets a reader.
  int rd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rd, 0);

  pid_t runner = fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    setenv("SIGIPC_SELFTEST_FIFO", fifo.c_str(), 1);
    setenv("TMPDIR", dir.path().c_str(), 1);  // its work folder, checked below
    putenv(const_cast<char*>(mark.c_str()));
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<const char*> args = {
        HARNESS_BIN,     "run",          "--out",    out.c_str(),    "--jobs",   "1",
        "--filter",      "Harness.Pass", "--filter", "Harness.Hang", "--filter", "Harness.LeakFd",
        "--timeout-mul", "300"};
    if (fork_server) args.insert(args.end(), {"--isolation", "namespaces", "--fork-server"});
    args.push_back(nullptr);
    execv(HARNESS_BIN, const_cast<char* const*>(args.data()));
    _exit(127);
  }
  // Wait until the hanging test announces itself; the poll limit is only a
  // safety net against a runner that never gets there.
  pollfd p{rd, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 60000), 1) << "the hanging test never started";
  char c;
  ASSERT_EQ(read(rd, &c, 1), 1);
  close(rd);
  ASSERT_EQ(kill(runner, sig), 0);
  int st = 0;
  ASSERT_EQ(waitpid(runner, &st, 0), runner);
  ASSERT_TRUE(WIFEXITED(st)) << "runner died by a signal instead of stopping cleanly";
  EXPECT_EQ(WEXITSTATUS(st), 1);

  auto j = read_json(out + "/results.json");
  EXPECT_EQ(j["summary"]["interrupted"], true);
  // Ids of the tests without a result: at least the one killed.
  ASSERT_TRUE(j["summary"]["not_run"].is_array());
  EXPECT_GE(j["summary"]["not_run"].size(), 1u);
  EXPECT_EQ(find_result(j, "Harness.Pass")["status"], "PASS");
  EXPECT_TRUE(find_result(j, "Harness.Hang").is_null());
  EXPECT_EQ(selftest::processes_with_env(mark), 0)
      << "processes of the interrupted run are still alive";
  DIR* d = opendir(dir.path().c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d))
    EXPECT_NE(std::string(e->d_name).rfind("sigipc-run-", 0), 0u)
        << "work folder left: " << e->d_name;
  closedir(d);
}

INSTANTIATE_TEST_SUITE_P(Runner, Interrupt,
                         ::testing::Combine(::testing::Values(SIGINT, SIGTERM), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == SIGINT ? "Sigint"
                                                                                : "Sigterm") +
                                  (std::get<1>(info.param) ? "ForkServer" : "");
                         });

}  // namespace

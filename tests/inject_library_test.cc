// run_with_failures end to end: the filter in a forked child only, rules
// applied to the body's calls (and to nothing before them), per-thread
// counts, replay from the seed, no descriptor left behind, no hang when the
// target dies.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/result_channel.h"
#include "injectors/syscall_fail.h"

using sigipc::inject::InjectionRun;
using sigipc::inject::run_with_failures;

namespace {

// glibc's getppid() cannot fail and returns the raw value; syscall() sets errno.
long raw_getppid() { return syscall(SYS_getppid); }

int seccomp_mode(const char* status_path) {
  std::ifstream f(status_path);
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("Seccomp:", 0) == 0) return std::stoi(line.substr(8));
  return -1;
}

int count_fds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n - 1;  // the DIR's own descriptor
}

bool exited_ok(const InjectionRun& r) {
  return WIFEXITED(r.wait_status) && WEXITSTATUS(r.wait_status) == 0;
}

class InjectLibrary : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!sigipc::inject::notify_available(&why))
      GTEST_SKIP() << "seccomp user notification: " << why;
  }
};

TEST_F(InjectLibrary, ProbesReportFiltersAvailable) {
  std::string why;
  EXPECT_TRUE(sigipc::inject::filters_available(&why)) << why;
}

TEST_F(InjectLibrary, NthCallFailsAndOnlyThatOne) {
  InjectionRun r = run_with_failures({"getppid=EPERM@3"}, 0, [] {
    for (int i = 1; i <= 6; ++i) {
      if (i == 3)
        CHILD_CHECK_ERRNO(raw_getppid(), EPERM);
      else
        CHILD_CHECK_OK(raw_getppid());
    }
  });
  EXPECT_TRUE(exited_ok(r)) << r.wait_status;
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].call, 3u);
  EXPECT_EQ(r.log[0].syscall, "getppid");
  EXPECT_EQ(r.log[0].error, EPERM);
}

TEST_F(InjectLibrary, EveryCallRuleIsAnsweredByTheKernel) {
  InjectionRun r = run_with_failures({"getppid=EACCES"}, 0, [] {
    CHILD_CHECK_ERRNO(raw_getppid(), EACCES);
    CHILD_CHECK_ERRNO(raw_getppid(), EACCES);
  });
  EXPECT_TRUE(exited_ok(r)) << r.wait_status;
  EXPECT_TRUE(r.log.empty()) << "no supervisor sees kernel-answered failures";
}

// The notification fd is handed over without a syscall in the target, so
// the first close() the body makes is call 1 of the rule.
TEST_F(InjectLibrary, CountingStartsWithTheBody) {
  InjectionRun r = run_with_failures({"close=EBADF@1", "sendmsg=EPERM@1"}, 0, [] {
    int fd = open("/dev/null", O_RDONLY);
    CHILD_CHECK(fd >= 0);
    CHILD_CHECK_ERRNO(close(fd), EBADF);
    CHILD_CHECK_OK(close(fd));
  });
  EXPECT_TRUE(exited_ok(r)) << r.wait_status;
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].syscall, "close");
}

TEST_F(InjectLibrary, FilterStaysInTheChild) {
  InjectionRun r = run_with_failures({"getppid=EPERM@1"}, 0, [] {
    // SECCOMP_MODE_FILTER is 2 (proc(5)).
    CHILD_CHECK_EQ(seccomp_mode("/proc/self/status"), 2);
  });
  EXPECT_TRUE(exited_ok(r)) << r.wait_status;
  EXPECT_EQ(seccomp_mode("/proc/self/status"), 0);
}

TEST_F(InjectLibrary, LeavesNoDescriptorBehind) {
  const int before = count_fds();
  run_with_failures({"getppid=EPERM@2"}, 0, [] {
    raw_getppid();
    raw_getppid();
  });
  run_with_failures({"getppid=EPERM"}, 0, [] { raw_getppid(); });
  EXPECT_EQ(count_fds(), before);
}

TEST_F(InjectLibrary, ReturnsWhenTheTargetIsKilled) {
  InjectionRun r = run_with_failures({"getppid=EPERM@2"}, 0, [] {
    raw_getppid();
    raw_getppid();
    sigipc::coverage_flush();
    raise(SIGKILL);
  });
  ASSERT_TRUE(WIFSIGNALED(r.wait_status)) << r.wait_status;
  EXPECT_EQ(WTERMSIG(r.wait_status), SIGKILL);
  EXPECT_EQ(r.log.size(), 1u);
}

TEST_F(InjectLibrary, CallsAreCountedPerThread) {
  InjectionRun r = run_with_failures({"getppid=EPERM@2"}, 0, [] {
    std::atomic<int> failed{0};
    auto work = [&failed] {
      for (int i = 0; i < 4; ++i)
        if (raw_getppid() == -1 && errno == EPERM) ++failed;
    };
    std::thread a(work), b(work);
    a.join();
    b.join();
    CHILD_CHECK_EQ(failed.load(), 2);
  });
  EXPECT_TRUE(exited_ok(r)) << r.wait_status;
  ASSERT_EQ(r.log.size(), 2u);
  EXPECT_NE(r.log[0].tid, r.log[1].tid);
  EXPECT_EQ(r.log[0].call, 2u);
  EXPECT_EQ(r.log[1].call, 2u);
}

std::vector<std::uint64_t> failing_calls(std::uint64_t seed) {
  InjectionRun r = run_with_failures({"getppid=EPERM%0.3"}, seed, [] {
    for (int i = 0; i < 60; ++i) raw_getppid();
  });
  std::vector<std::uint64_t> calls;
  for (const auto& f : r.log) calls.push_back(f.call);
  return calls;
}

TEST_F(InjectLibrary, ProbabilityReplaysFromTheSeed) {
  auto a = failing_calls(1234), b = failing_calls(1234), c = failing_calls(4321);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(InjectLibrary, BadRuleThrowsBeforeForking) {
  EXPECT_THROW(run_with_failures({"getppid=EPERM@0"}, 0, [] {}), sigipc::inject::RuleError);
}

}  // namespace

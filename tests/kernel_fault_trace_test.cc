// `--fail-kernel` without a fault-injection kernel: the spec parser, and the
// ptrace loop of injectors/kernel_fault_trace.cc with a folder standing in
// for /proc, so arming writes a plain file the test then reads. The traced
// calls are real: their return values come from the kernel.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "injectors/kernel_fault_trace.h"
#include "tests/selftest_util.h"

namespace sigipc::kfault {
namespace {

TEST(KfaultSpec, ParsesNumberAndAll) {
  const Spec s = parse_spec("msgsnd@12");
  EXPECT_EQ(s.name, "msgsnd");
  EXPECT_EQ(s.n, 12u);
  EXPECT_FALSE(s.all);
  EXPECT_FALSE(s.syscalls.empty());
  const Spec a = parse_spec("mq_send@all");
  EXPECT_TRUE(a.all);
  EXPECT_FALSE(a.syscalls.empty()) << "mq_send resolves to mq_timedsend";
}

TEST(KfaultSpec, BadSpecsSayWhatIsWrongOnOneLine) {
  for (const char* bad : {"msgsnd", "msgsnd@", "msgsnd@0", "msgsnd@-1", "msgsnd@x", "@3",
                          "nosuchcall@1", "msgsnd@1\n2", "msgsnd@99999999999"}) {
    try {
      parse_spec(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
      EXPECT_EQ(m.rfind("bad kernel fault '", 0), 0u) << m;
    }
  }
}

class KfaultTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sigipc-kfault-proc-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)!system(("rm -rf '" + dir_ + "'").c_str()); }
  // Makes DIR/PID/task/PID/fail-nth for the program's main thread.
  std::function<void(pid_t)> make_file() {
    return [this](pid_t pid) {
      pid_ = pid;
      const std::string task = dir_ + "/" + std::to_string(pid) + "/task/" + std::to_string(pid);
      (void)!system(("mkdir -p '" + task + "'").c_str());
      std::ofstream(task + "/fail-nth") << "0\n";
    };
  }
  std::string fail_nth() const {
    std::ifstream in(dir_ + "/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) +
                     "/fail-nth");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
  pid_t pid_ = 0;
};

TEST_F(KfaultTrace, ArmsTheFirstMatchingCallAndReadsItsReturn) {
  const TracedRun r =
      run_traced(parse_spec("getppid@4"), 4, {INJECT_TARGET, "getppid", "3"}, make_file(), dir_);
  EXPECT_TRUE(r.reached);
  EXPECT_EQ(r.tid, pid_);
  EXPECT_EQ(r.ret, getpid()) << "getppid() of the traced program is this process";
  EXPECT_EQ(r.fired, 0) << "the stand-in still holds N: the fault did not fire";
  EXPECT_EQ(std::stoul(fail_nth()), 0u) << "the leftover count was disarmed";
  ASSERT_TRUE(WIFEXITED(r.wait_status));
  EXPECT_EQ(WEXITSTATUS(r.wait_status), 0);
}

TEST_F(KfaultTrace, CallNeverMadeIsReported) {
  const TracedRun r =
      run_traced(parse_spec("msgsnd@1"), 1, {INJECT_TARGET, "exit", "3"}, make_file(), dir_);
  EXPECT_FALSE(r.reached);
  ASSERT_TRUE(WIFEXITED(r.wait_status));
  EXPECT_EQ(WEXITSTATUS(r.wait_status), 3);
  EXPECT_NE(describe(parse_spec("msgsnd@1"), 1, r).find("never called msgsnd"), std::string::npos);
}

TEST_F(KfaultTrace, SignalsReachTheProgram) {
  const TracedRun r =
      run_traced(parse_spec("getppid@1"), 1, {INJECT_TARGET, "kill", std::to_string(SIGTERM)},
                 make_file(), dir_);
  ASSERT_TRUE(WIFSIGNALED(r.wait_status)) << r.wait_status;
  EXPECT_EQ(WTERMSIG(r.wait_status), SIGTERM);
}

TEST_F(KfaultTrace, ChildrenOfTheProgramAreTraced) {
  // The shell forks the target, whose raise (tgkill, signal 0) is the first
  // such call (dash makes none; it does call getppid itself): the tracer
  // follows it and tries to arm the child's fail-nth, which the stand-in
  // lacks (only the shell's was made), so the run ends with that error and
  // leaves no process behind.
  try {
    run_traced(parse_spec("tgkill@2"), 2,
               {"/bin/sh", "-c", std::string(INJECT_TARGET) + " kill 0; true"}, make_file(), dir_);
    ADD_FAILURE() << "the call in the shell's child was not seen";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(dir_ + "/"), std::string::npos) << m;
    EXPECT_EQ(m.find(dir_ + "/" + std::to_string(pid_) + "/"), std::string::npos) << m;
  }
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG | __WALL), -1) << "a traced process is left";
}

selftest::CmdResult inject_kernel(const std::string& spec) {
  return selftest::run_cmd(
      {SIGIPC_BIN, "inject", "--fail-kernel", spec, "--", INJECT_TARGET, "getppid", "1"});
}

TEST(KfaultCli, BadSpecIsUsageError) {
  const selftest::CmdResult r = inject_kernel("msgsnd@0");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err,
            "sigipc inject: --fail-kernel: bad kernel fault 'msgsnd@0': fault points are "
            "counted from 1\n");
}

TEST(KfaultCli, NotCombinedWithSeccompRules) {
  const selftest::CmdResult r =
      selftest::run_cmd({SIGIPC_BIN, "inject", "--fail-kernel", "getppid@1", "--fail",
                         "getppid=EPERM", "--", INJECT_TARGET, "getppid", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST(KfaultCli, WithoutFailNthOneLineAndExit77) {
  std::string why;
  if (available(&why)) GTEST_SKIP() << "this kernel has fail-nth";
  const selftest::CmdResult r = inject_kernel("getppid@1");
  EXPECT_EQ(r.exit_code, 77) << r.err;
  EXPECT_EQ(r.err, "sigipc inject: --fail-kernel unsupported here: " + why + "\n");
  EXPECT_EQ(r.out, "") << "the program must not run";
}

}  // namespace
}  // namespace sigipc::kfault

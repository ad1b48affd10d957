// `sigipc inject` through the real binary: the program's exit status, the
// failures each rule form injects (checked against what the program saw),
// replay from the seed, argument filters, the signal storm, and one-line
// answers to bad input.
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::CmdResult;
using selftest::run_cmd;
using selftest::TempDir;

namespace {

CmdResult inject(std::vector<std::string> opts, std::vector<std::string> program) {
  std::vector<std::string> argv = {SIGIPC_BIN, "inject"};
  argv.insert(argv.end(), opts.begin(), opts.end());
  argv.push_back("--");
  argv.insert(argv.end(), program.begin(), program.end());
  return run_cmd(argv);
}

CmdResult target(std::vector<std::string> opts, const std::string& mode, const std::string& arg) {
  return inject(std::move(opts), {INJECT_TARGET, mode, arg});
}

// The call numbers the target saw fail ("fail I ..." lines).
std::vector<int> failed_calls(const std::string& out) {
  std::vector<int> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("fail ", 0) == 0) v.push_back(std::stoi(line.substr(5)));
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string without_tids(const std::string& s) {
  return std::regex_replace(s, std::regex(" tid [0-9]+"), " tid T");
}

TEST(InjectCli, ExitStatusPassesThrough) {
  EXPECT_EQ(target({}, "exit", "0").exit_code, 0);
  EXPECT_EQ(target({}, "exit", "3").exit_code, 3);
  EXPECT_EQ(target({"--fail", "getppid=EPERM@1"}, "exit", "3").exit_code, 3);
  // Killed by signal N: 128+N, as a shell reports it.
  EXPECT_EQ(target({}, "kill", std::to_string(SIGTERM)).exit_code, 128 + SIGTERM);
  EXPECT_EQ(target({"--fail", "getppid=EPERM@1"}, "kill", std::to_string(SIGKILL)).exit_code,
            128 + SIGKILL);
}

TEST(InjectCli, OpenatEnoentMakesCatFail) {
  CmdResult plain = inject({}, {"cat", "/etc/hostname"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_FALSE(plain.out.empty());
  CmdResult r = inject({"--fail", "openat=ENOENT"}, {"cat", "/etc/hostname"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("-> ENOENT (rule openat=ENOENT)"), std::string::npos) << r.err;
}

TEST(InjectCli, NthCallFailsExactlyThatCall) {
  CmdResult r = target({"--fail", "getppid=EPERM@4"}, "getppid", "10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(failed_calls(r.out), std::vector<int>({4})) << r.out;
  EXPECT_NE(r.err.find("inject: getppid call 4 tid "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sigipc inject: 1 failure injected (getppid=EPERM@4: 1)"), std::string::npos)
      << r.err;
}

TEST(InjectCli, FromNthAndEveryNth) {
  CmdResult from = target({"--fail", "getppid=EIO@7+"}, "getppid", "10");
  EXPECT_EQ(failed_calls(from.out), std::vector<int>({7, 8, 9, 10})) << from.out;
  CmdResult every = target({"--fail", "getppid=EIO@*4"}, "getppid", "13");
  EXPECT_EQ(failed_calls(every.out), std::vector<int>({4, 8, 12})) << every.out;
  EXPECT_NE(every.out.find("fail 4 fd -1 EIO"), std::string::npos) << every.out;
}

TEST(InjectCli, ArgumentFilterSelectsTheDescriptor) {
  // Odd calls read fd 10, even calls fd 11: the 2nd read of fd 11 is call 4.
  CmdResult r = target({"--fail", "read(a0==11)=EIO@2"}, "read", "10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(failed_calls(r.out), std::vector<int>({4})) << r.out;
  EXPECT_NE(r.out.find("fail 4 fd 11 EIO"), std::string::npos) << r.out;
  CmdResult masked = target({"--fail", "read(a0&=0xff:10)=EIO"}, "read", "6");
  EXPECT_EQ(failed_calls(masked.out), std::vector<int>({1, 3, 5})) << masked.out;
  CmdResult ge = target({"--fail", "read(a0>=11)=EIO@2+"}, "read", "8");
  EXPECT_EQ(failed_calls(ge.out), std::vector<int>({4, 6, 8})) << ge.out;
}

TEST(InjectCli, ProbabilityReplaysFromTheSeed) {
  TempDir d;
  auto run = [&](const std::string& seed, const std::string& name) {
    const std::string log = d.path() + "/" + name;
    CmdResult r = target({"--seed", seed, "--fail", "getppid=EPERM%0.2", "--log", log, "--quiet"},
                         "getppid", "200");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_FALSE(failed_calls(r.out).empty());
    return without_tids(slurp(log));
  };
  const std::string a = run("77", "a"), b = run("77", "b"), c = run("78", "c");
  EXPECT_NE(a.find("inject: getppid call "), std::string::npos) << a;
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(InjectCli, TheCliHoldsNoFilter) {
  // The program is the CLI's child: SECCOMP_MODE_FILTER (2) in it, 0 in the CLI.
  CmdResult r = target({"--fail", "mq_timedsend=EAGAIN@1"}, "seccomp", "");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("self Seccomp:\t2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("parent Seccomp:\t0"), std::string::npos) << r.out;
}

// docs/DESIGN.md section 5: a notified call interrupted by an SA_RESTART handler
// is notified again and must be counted once. Every 3rd call fails: any
// double count would shift the failures off the multiples of 3.
TEST(InjectCli, CountedRuleUnderSignalStormCountsEachCallOnce) {
  // Ignored until the target installs its handler (SIG_IGN survives exec),
  // so a signal that lands before that does not kill it.
  struct sigaction ign {
  }, old{};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGUSR1, &ign, &old);
  const int calls = 30000;
  CmdResult r = inject({"--quiet", "--log", "/dev/null", "--fail", "getppid=EPERM@*3", "--signal",
                        "USR1", "--rate", "20000", "--seed", "5"},
                       {INJECT_TARGET, "storm", std::to_string(calls)});
  sigaction(SIGUSR1, &old, nullptr);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  std::vector<int> failed = failed_calls(r.out);
  ASSERT_EQ(failed.size(), static_cast<std::size_t>(calls / 3))
      << r.out.substr(r.out.rfind("calls"));
  for (std::size_t i = 0; i < failed.size(); ++i) ASSERT_EQ(failed[i], 3 * static_cast<int>(i + 1));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("eintr ([0-9]+) handled ([0-9]+)"))) << r.out;
  EXPECT_EQ(m[1], "0") << "SA_RESTART: no call may end in EINTR";
  EXPECT_GT(std::stoi(m[2]), 0) << "no signal reached the target; the storm did not happen";
}

TEST(InjectCli, ForwardsSigtermToTheProgram) {
  // The program asks the CLI (its parent) to stop; the CLI passes it on.
  CmdResult r = inject({}, {"sh", "-c", "kill -TERM $PPID; exec sleep 30"});
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
}

struct BadUsage {
  std::vector<std::string> args;
  const char* reason_part;
};

void PrintTo(const BadUsage& b, std::ostream* os) {
  *os << "sigipc inject";
  for (const auto& a : b.args) *os << " " << a;
}

class InjectCliRejects : public ::testing::TestWithParam<BadUsage> {};

TEST_P(InjectCliRejects, ExitsTwoWithOneLine) {
  std::vector<std::string> argv = {SIGIPC_BIN, "inject"};
  argv.insert(argv.end(), GetParam().args.begin(), GetParam().args.end());
  CmdResult r = run_cmd(argv);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(GetParam().reason_part), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    InjectCli, InjectCliRejects,
    ::testing::Values(BadUsage{{"--fail", "nosuchcall=EPERM", "--", "true"},
                               "unknown syscall or libc function"},
                      BadUsage{{"--fail", "getppid=ENOPE", "--", "true"}, "unknown errno 'ENOPE'"},
                      BadUsage{{"--fail", "getppid=EPERM@0", "--", "true"}, "N = 0"},
                      BadUsage{{"--fail", "getppid=EPERM%2", "--", "true"}, "(0, 1]"},
                      BadUsage{{"--fail", "read(a7==0)=EIO", "--", "true"}, "argument index 7"},
                      BadUsage{{"--fail", "getppid=EPERM"}, "no '--'"},
                      BadUsage{{"--"}, "no program"},
                      BadUsage{{"--", "/no/such/program"}, "/no/such/program"},
                      BadUsage{{"--", "no-such-program-in-path"}, "no-such-program-in-path"},
                      BadUsage{{"--rate", "100", "--", "true"}, "--rate needs --signal"},
                      BadUsage{{"--signal", "NOPE", "--", "true"}, "NOPE"},
                      BadUsage{{"--bogus", "--", "true"}, "--bogus"}),
    [](const auto& info) { return "Case" + std::to_string(info.index); });

}  // namespace

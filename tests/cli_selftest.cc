// The runner's command line: exit statuses, one-line answers to bad input,
// the catalogue, and the reports it writes.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::find_result;
using selftest::read_json;
using selftest::run_cmd;
using selftest::TempDir;

namespace {

struct BadUsage {
  std::vector<std::string> args;
  std::vector<std::string> env;
  const char* reason_part;
};

void PrintTo(const BadUsage& b, std::ostream* os) {
  *os << "sigipc";
  for (const auto& a : b.args) *os << " " << a;
}

class RejectsBadUsage : public ::testing::TestWithParam<BadUsage> {};

TEST_P(RejectsBadUsage, ExitsTwoWithOneLineReason) {
  TempDir out;
  std::vector<std::string> argv = {SIGIPC_BIN};
  for (auto a : GetParam().args) {
    if (a == "@OUT") a = out.path();
    argv.push_back(a);
  }
  auto r = run_cmd(argv, GetParam().env);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(GetParam().reason_part), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Cli, RejectsBadUsage,
    ::testing::Values(
        BadUsage{{}, {}, "subcommand"}, BadUsage{{"frobnicate"}, {}, "frobnicate"},
        BadUsage{{"run", "--jobs", "0", "--out", "@OUT"}, {}, "--jobs"},
        BadUsage{{"run", "--jobs", "many", "--out", "@OUT"}, {}, "--jobs"},
        BadUsage{{"run", "--timeout-mul", "-1", "--out", "@OUT"}, {}, "--timeout-mul"},
        BadUsage{{"run", "--repeat", "0", "--out", "@OUT"}, {}, "--repeat"},
        BadUsage{{"run", "--bogus"}, {}, "--bogus"},
        BadUsage{{"run", "--filter", "NoSuchTest*", "--out", "@OUT"}, {}, "no test matches"},
        BadUsage{{"run", "--isolation", "weird", "--out", "@OUT"}, {}, "--isolation"},
        BadUsage{{"run", "--isolation", "process-group", "--fork-server", "--out", "@OUT"},
                 {},
                 "--fork-server"},
        BadUsage{
            {"run", "--isolation", "process-group", "--test-start", "fork-server", "--out", "@OUT"},
            {},
            "--test-start fork-server"},
        BadUsage{{"run", "--test-start", "vfork", "--out", "@OUT"}, {}, "--test-start"},
        BadUsage{
            {"run", "--fork-server", "--test-start", "exec", "--out", "@OUT"}, {}, "contradicts"},
        BadUsage{{"run", "--out", "/proc/no/such/dir"}, {}, "/proc/no/such/dir"},
        BadUsage{{"run", "--out", "@OUT"}, {"SIGIPC_TIMEOUT_MUL=fast"}, "SIGIPC_TIMEOUT_MUL"},
        BadUsage{{"list", "--filter", "zzz*"}, {}, "no test matches"},
        BadUsage{{"list", "--", "x"}, {}, "'--'"},
        BadUsage{{"run", "--expect", "/nonexistent/expect.yaml", "--out", "@OUT"},
                 {},
                 "/nonexistent/expect.yaml"}),
    [](const auto& info) { return "Case" + std::to_string(info.index); });

// $SIGIPC_TIMEOUT_MUL stands in for sigipc run's --timeout-mul only: a value
// run would refuse does not make other commands fail.
TEST(Cli, TimeoutMulVariableIsRunsAlone) {
  auto r = run_cmd({SIGIPC_BIN, "list"}, {"SIGIPC_TIMEOUT_MUL=fast"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Cli, HelpListsEveryCommand) {
  auto r = run_cmd({SIGIPC_BIN, "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* cmd : {"list", "run", "inject", "report", "diff", "merge"})
    EXPECT_NE(r.out.find(std::string("\n  ") + cmd + " "), std::string::npos) << cmd << "\n"
                                                                              << r.out;
}

TEST(Cli, ListJsonNamesEveryRule) {
  auto r = run_cmd({SIGIPC_BIN, "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_GE(j.size(), 40u) << "the first slice needs at least 40 conformance tests";
  std::set<std::string> ids, reqs;
  for (const auto& t : j) {
    for (const char* k : {"id", "family", "requirement", "clause", "statement"}) {
      ASSERT_TRUE(t.contains(k) && t[k].is_string()) << t.dump();
      EXPECT_FALSE(t[k].get<std::string>().empty()) << k << " empty in " << t.dump();
    }
    EXPECT_TRUE(ids.insert(t["id"]).second) << "duplicate id " << t["id"];
    EXPECT_TRUE(reqs.insert(t["requirement"]).second)
        << "duplicate requirement " << t["requirement"];
    std::string req = t["requirement"];
    EXPECT_EQ(req.substr(0, req.find('.')), t["family"]);
  }
}

TEST(Cli, ListPlainHasOneLinePerTest) {
  auto plain = run_cmd({SIGIPC_BIN, "list"});
  auto json = run_cmd({SIGIPC_BIN, "list", "--json"});
  ASSERT_EQ(plain.exit_code, 0);
  EXPECT_EQ(static_cast<std::size_t>(std::count(plain.out.begin(), plain.out.end(), '\n')),
            nlohmann::json::parse(json.out).size());
}

TEST(Cli, GreenRunExitsZeroAndWritesAllReports) {
  TempDir out;
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path(), "--filter", "Harness.Pass", "--filter",
                    "Harness.Unsupported", "--seed", "1234"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(out.path() + "/results.json");
  EXPECT_EQ(j["environment"]["seed"], 1234);
  EXPECT_EQ(j["summary"]["PASS"], 1);
  EXPECT_EQ(j["summary"]["UNSUPPORTED"], 1);
  // The summary table by family on stdout.
  EXPECT_NE(r.out.find("family"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("harness"), std::string::npos) << r.out;
  std::ifstream junit(out.path() + "/junit.xml");
  std::string x((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
  // JUnit keeps the skip reason (ctest's own JUnit output would not).
  EXPECT_NE(x.find("<skipped message=\"the machine lacks the frobnicator"), std::string::npos) << x;
  std::ifstream md(out.path() + "/report.md");
  std::string m((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(m.find("| harness |"), std::string::npos) << m;
}

TEST(Cli, ColonSeparatesFilterGlobs) {
  auto r = run_cmd({HARNESS_BIN, "list", "--filter", "Harness.Pass:Harness.Unsupported"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
}

TEST(Cli, FailingRunExitsOne) {
  TempDir out;
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path(), "--filter", "Harness.FailedExpect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_json(out.path() + "/results.json")["summary"]["FAIL"], 1);
}

TEST(Cli, ExpectationsTurnKnownFailuresIntoXfailAndFixesIntoXpass) {
  TempDir out;
  std::string file = out.path() + "/expect.yaml";
  std::ofstream(file)
      << "deviations:\n  - id: harness\n    status: FAIL\n    reason: harness case\n"
         "    platform:\n      kernel: '>=2.6'\n    tests: [Harness.FailedExpect]\n"
         "    fails: arithmetic broke\n";
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path() + "/a", "--filter",
                    "Harness.FailedExpect", "--expect", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = read_json(out.path() + "/a/results.json");
  EXPECT_EQ(find_result(j, "Harness.FailedExpect")["status"], "XFAIL");
  EXPECT_EQ(j["expectations"]["files"][0], file);

  std::ofstream(file) << "deviations:\n  - {id: once, status: FAIL, reason: was broken once,"
                         " fails: x, tests: [Harness.Pass]}\n";
  r = run_cmd({HARNESS_BIN, "run", "--out", out.path() + "/b", "--filter", "Harness.Pass",
               "--expect", file});
  EXPECT_EQ(r.exit_code, 1) << "an XPASS is red";
  j = read_json(out.path() + "/b/results.json");
  EXPECT_EQ(find_result(j, "Harness.Pass")["status"], "XPASS");
  EXPECT_EQ(j["expectations"]["stale"].size(), 1u);
}

TEST(Cli, MalformedExpectationFileIsRejectedBeforeRunning) {
  TempDir out;
  std::string file = out.path() + "/bad.yaml";
  std::ofstream(file) << "deviations:\n  - id: d\n    status: SOMETIMES\n    reason: r\n";
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path(), "--expect", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file + ":3:"), std::string::npos) << r.err;
}

TEST(Cli, PlainProgressLinesWhenNotATerminal) {
  TempDir out;
  auto r = run_cmd({HARNESS_BIN, "run", "--out", out.path(), "--filter", "Harness.Pass"});
  EXPECT_NE(r.err.find("[1/1] PASS"), std::string::npos) << r.err;
}

}  // namespace

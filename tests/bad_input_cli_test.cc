// Bad input at the command line: a missing, truncated or
// malformed expectation file given to `sigipc run --expect` stops the run
// before any test starts, with exit status 2 and one line naming the file
// and the line.
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::run_cmd;
using selftest::TempDir;

namespace {

struct BadFile {
  const char* name;
  const char* text;      // nullptr: no file at all; "@DIR": a directory
  const char* location;  // expected after the path: ":LINE: ..."
};

void PrintTo(const BadFile& b, std::ostream* os) { *os << b.name; }

class RunRefusesBadExpectations : public ::testing::TestWithParam<BadFile> {};

TEST_P(RunRefusesBadExpectations, ExitsTwoNamingFileAndLine) {
  TempDir dir;
  const BadFile& b = GetParam();
  std::string path = dir.path() + "/expect.yaml";
  if (b.text && std::string(b.text) == "@DIR")
    mkdir(path.c_str(), 0755);
  else if (b.text)
    std::ofstream(path, std::ios::binary) << b.text;
  auto r = run_cmd({HARNESS_BIN, "run", "--out", dir.path() + "/out", "--filter", "Harness.Pass",
                    "--expect", path});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(path + b.location), std::string::npos) << r.err;
  // Refused before running: no test started, no report written.
  EXPECT_EQ(r.err.find("PASS"), std::string::npos) << r.err;
  struct stat st;
  EXPECT_NE(stat((dir.path() + "/out/results.json").c_str(), &st), 0);
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, RunRefusesBadExpectations,
    ::testing::Values(
        BadFile{"Missing", nullptr, ":0: cannot read the expectation file"},
        BadFile{"Directory", "@DIR", ":0: cannot read the expectation file: Is a directory"},
        BadFile{"Empty", "", ":1: the expectation file holds no entries"},
        BadFile{"TruncatedString", "deviations:\n  - id: d\n    reason: \"cut",
                ":3: malformed YAML"},
        BadFile{"TruncatedEntry", "deviations:\n  - id: d\n    status: FAIL\n",
                ":2: a deviation needs a 'reason'"},
        BadFile{"Tab", "deviations:\n  - id: d\n\treason: r\n", ":3: malformed YAML"},
        BadFile{"WrongType", "deviations:\n  - id: d\n    reason: r\n    status: [FAIL]\n",
                ":4: 'status' must be a string"},
        BadFile{"UnknownKey", "deviations:\n  - id: d\n    reason: r\n    owner: me\n",
                ":4: unknown key 'owner'"},
        BadFile{"UnknownStatus", "deviations:\n  - id: d\n    reason: r\n    status: FLAKY\n",
                ":4: status must be"},
        BadFile{"BadVersionRange", "platform:\n  kernel: '>=6 <seven'\ndeviations: []\n", ":2: "},
        BadFile{"NewlineInKey", "deviations:\n  - id: d\n    reason: r\n    \"a\\nb\": c\n",
                ":4: unknown key 'a b'"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace

namespace {

// Bad results files at every command that reads saved runs:
// `sigipc report FILE`, `sigipc diff` with the bad file on either side, and
// `sigipc report --matrix`. Each exits 2 with one line naming file and line.
struct BadResults {
  const char* name;
  const char* text;      // nullptr: no file; "@DIR": a directory
  const char* location;  // expected right after the path
  bool nul_at_end = false;
};

void PrintTo(const BadResults& b, std::ostream* os) { *os << b.name; }

struct Reader {
  const char* name;
  std::vector<std::string> args;  // @BAD, @GOOD, @OUT replaced
};

void PrintTo(const Reader& r, std::ostream* os) { *os << r.name; }

class ReadersRefuseBadResults : public ::testing::TestWithParam<std::tuple<Reader, BadResults>> {};

TEST_P(ReadersRefuseBadResults, ExitTwoNamingFileAndLine) {
  const auto& [reader, bad] = GetParam();
  TempDir dir;
  std::string path = dir.path() + "/results.json";
  if (bad.text && std::string(bad.text) == "@DIR")
    mkdir(path.c_str(), 0755);
  else if (bad.text)
    std::ofstream(path, std::ios::binary)
        << std::string(bad.text, std::strlen(bad.text) + bad.nul_at_end);
  std::vector<std::string> argv = {SIGIPC_BIN};
  for (auto a : reader.args) {
    if (a == "@BAD")
      a = path;
    else if (a == "@GOOD")
      a = GOOD_RESULTS;
    else if (a == "@OUT")
      a = dir.path() + "/out";
    argv.push_back(a);
  }
  auto r = run_cmd(argv);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(path + bad.location), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, ReadersRefuseBadResults,
    ::testing::Combine(
        ::testing::Values(Reader{"Report", {"report", "@BAD", "--out", "@OUT"}},
                          Reader{"DiffNew", {"diff", "@GOOD", "@BAD"}},
                          Reader{"DiffOld", {"diff", "@BAD", "@GOOD"}},
                          Reader{"Matrix",
                                 {"report", "--matrix", "@GOOD", "@BAD", "--out", "@OUT"}}),
        ::testing::Values(
            BadResults{"Missing", nullptr, ":0: "}, BadResults{"Directory", "@DIR", ":0: "},
            BadResults{"Empty", "", ":1: "},
            BadResults{
                "Truncated",
                "{\n  \"schema\": \"sigipc-results/1\",\n  \"environment\": {\"a\":", ":3: "},
            BadResults{"Malformed",
                       "{\n  \"schema\": \"sigipc-results/1\",\n  \"environment\": {} x\n}\n",
                       ":3: malformed JSON"},
            BadResults{"NotAnObject", "[1, 2]\n", ":1: "},
            BadResults{"WrongSchema",
                       "{\"schema\": \"other/2\", \"environment\": {}, \"summary\": {},\n"
                       " \"results\": []}\n",
                       ":1: "},
            BadResults{"WrongType",
                       "{\"schema\": \"sigipc-results/1\", \"environment\": {}, \"summary\": {},\n"
                       " \"results\": [\n  {\"id\": \"A.b\", \"family\": \"a\", \"requirement\": "
                       "\"a.b\",\n"
                       "   \"clause\": \"c\", \"status\": \"PASS\", \"message\": \"\",\n"
                       "   \"duration_ms\": \"fast\"}]}\n",
                       ":5: "},
            BadResults{"UnknownStatus",
                       "{\"schema\": \"sigipc-results/1\", \"environment\": {}, \"summary\": {},\n"
                       " \"results\": [\n  {\"id\": \"A.b\", \"family\": \"a\", \"requirement\": "
                       "\"a.b\",\n"
                       "   \"clause\": \"c\", \"status\": \"MOSTLY\", \"message\": \"\", "
                       "\"duration_ms\": 1}]}\n",
                       ":4: "},
            BadResults{"NewlineInKey",
                       "{\"schema\": \"sigipc-results/1\", \"environment\": {}, \"summary\": {},\n"
                       " \"results\": [\n  {\"id\": \"A.b\", \"family\": \"a\", \"requirement\": "
                       "\"a.b\",\n"
                       "   \"clause\": \"c\", \"status\": \"PASS\", \"message\": \"\", "
                       "\"duration_ms\": 1,\n"
                       "   \"run_counts\": {\"PA\\nSS\": 1}}]}\n",
                       ":5: "},
            BadResults{"NulByte", "{\"schema\": \"sigipc-results/1\"}\n", ":2: ", true})),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) + std::get<1>(info.param).name;
    });

}  // namespace

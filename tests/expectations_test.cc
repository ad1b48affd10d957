// Expectation files: parsing, platform matching, and the XFAIL/XPASS rules.
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "reports/expectations.h"

namespace sigipc {
namespace {

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/sigipc-expect-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

struct TempFile {
  explicit TempFile(const std::string& text) : path(write_temp(text)) {}
  ~TempFile() { unlink(path.c_str()); }
  std::string path;
};

std::string load_error(const std::string& text) {
  TempFile f(text);
  try {
    load_expectations(f.path);
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    // The reason names the file and line.
    EXPECT_EQ(m.rfind(f.path + ":", 0), 0u) << m;
    return m.substr(f.path.size());
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

TEST(Expectations, VersionConditions) {
  EXPECT_TRUE(version_matches("6.18.44-fc-v669", ">=6.1"));
  EXPECT_TRUE(version_matches("6.18.44-fc-v669", ">=6.1 <7"));
  EXPECT_FALSE(version_matches("6.1.0-13-amd64", ">=6.2"));
  EXPECT_TRUE(version_matches("2.36", "=2.36"));
  EXPECT_FALSE(version_matches("2.36", "<2.36"));
  EXPECT_THROW(version_matches("1", ">=x"), std::runtime_error);
  EXPECT_THROW(version_matches("1", "!1"), std::runtime_error);
}

TEST(Expectations, BadFilesNameFileAndLine) {
  const std::string head = "deviations:\n  - id: d\n    reason: r\n    fails: x\n";
  EXPECT_EQ(load_error(head + "    tests: [A.b]\n    status: MAYBE\n"),
            ":6: status must be FAIL, ERROR, TIMEOUT, UNSUPPORTED or SKIP");
  EXPECT_EQ(load_error(head), ":2: a deviation needs 'tests' or 'rules'");
  EXPECT_EQ(load_error("deviations:\n  - id: d\n    tests: [A.b]\n"),
            ":2: a deviation needs a 'reason'");
  EXPECT_EQ(load_error("deviations:\n  - reason: r\n    tests: [A.b]\n"),
            ":2: a deviation needs an 'id'");
  EXPECT_EQ(load_error("deviations:\n  - id: d\n    reason: r\n    tests: [A.b]\n"),
            ":2: deviation 'd' needs 'fails': what the failing check says");
  EXPECT_EQ(load_error(head + "    tests: [A.b]\n    colour: red\n").substr(0, 20),
            ":6: unknown key 'col");
  EXPECT_EQ(
      load_error(head + "    tests: [A.b]\n    platform:\n      kernel: '>=six'\n").substr(0, 4),
      ":7: ");
  EXPECT_EQ(load_error("platform:\n  os: linux\ndeviations: []\n").substr(0, 27),
            ":2: unknown platform key 'o");
  EXPECT_EQ(load_error("deviations: [unclosed\n").substr(0, 17), ":2: malformed YAM");
  EXPECT_EQ(load_error("- test: A.b\n"), ":1: expected a mapping with 'platform' and 'deviations'");
  EXPECT_EQ(load_error("platform: {emulator: 'not '}\ndeviations: []\n").substr(0, 24),
            ":1: 'emulator' needs a v");
  EXPECT_EQ(load_error(head + "    tests:\n      - A.b: {arch: ''}\n").substr(0, 19),
            ":6: 'arch' needs a ");
  EXPECT_EQ(load_error(head + "    tests: [A.b]\n  - id: d\n    reason: r\n    fails: x\n"
                              "    tests: [C.d]\n"),
            ":6: deviation id 'd' is used twice");
}

TEST(Expectations, IdsAreUniqueAcrossFiles) {
  TempFile a("deviations:\n  - {id: same, reason: r, fails: x, tests: [A.b]}\n");
  TempFile b("deviations:\n  - {id: same, reason: r, fails: x, tests: [C.d]}\n");
  try {
    load_expectation_set({a.path, b.path});
    ADD_FAILURE() << "a repeated id loaded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), b.path + ":2: deviation id 'same' is used twice");
  }
}

TEST(Expectations, FilePlatformAppliesToEveryDeviationAndItemsNarrowIt) {
  TempFile f(
      "platform:\n  emulator: not gvisor|valgrind\n"
      "deviations:\n  - id: d\n    reason: r\n    fails: x\n    platform: {arch: x86_64|aarch*}\n"
      "    tests:\n      - S.x\n      - S.y: {status: ERROR, arch: aarch64}\n");
  auto exps = load_expectations(f.path);
  ASSERT_EQ(exps.size(), 2u);
  EXPECT_EQ(exps[0].line, 9);
  EXPECT_EQ(exps[1].status, Status::kError);
  auto env = [](const char* emulator, const char* arch) {
    return nlohmann::json{{"emulator", emulator}, {"arch", arch}};
  };
  EXPECT_TRUE(applies_to(exps[0], env("none", "x86_64")));
  EXPECT_TRUE(applies_to(exps[0], env("qemu-user", "aarch64")));
  EXPECT_FALSE(applies_to(exps[0], env("gvisor", "x86_64")));
  EXPECT_FALSE(applies_to(exps[0], env("valgrind", "x86_64")));
  EXPECT_FALSE(applies_to(exps[0], env("none", "armv7l")));
  EXPECT_FALSE(applies_to(exps[1], env("none", "x86_64")));
  EXPECT_TRUE(applies_to(exps[1], env("none", "aarch64")));
}

TEST(Expectations, MissingFileIsAnError) {
  EXPECT_THROW(load_expectations("/nonexistent/expect.yaml"), std::runtime_error);
}

RunRecord run_with(std::vector<std::pair<std::string, Status>> tests) {
  RunRecord run;
  run.environment = {{"kernel_release", "6.18.44"},
                     {"libc", "glibc"},
                     {"libc_version", "2.36"},
                     {"arch", "x86_64"},
                     {"emulator", "none"}};
  for (auto& [id, st] : tests) {
    Result r;
    r.id = id;
    r.requirement = "signal." + id.substr(id.find('.') + 1);
    r.status = st;
    r.message = "msg";
    run.results.push_back(r);
  }
  return run;
}

TEST(Expectations, FailBecomesXfailAndPassBecomesXpass) {
  TempFile f(
      "deviations:\n"
      "  - id: broken\n    status: FAIL\n    reason: known\n    link: https://example.org/1\n"
      "    platform:\n      kernel: '>=5'\n      libc: glibc|musl\n"
      "    tests: [S.broken]\n    fails: msg\n"
      "  - {id: fixed, reason: was broken, fails: msg, rules: [signal.fixed]}\n"
      "  - id: other\n    reason: only on musl\n    fails: msg\n    platform: {libc: musl}\n"
      "    tests: [S.other_platform]\n"
      "  - {id: gone, reason: renamed long ago, fails: msg, tests: [S.gone]}\n");
  auto exps = load_expectations(f.path);
  ASSERT_EQ(exps.size(), 4u);
  RunRecord run = run_with({{"S.broken", Status::kFail},
                            {"S.fixed", Status::kPass},
                            {"S.other_platform", Status::kFail},
                            {"S.crash", Status::kError}});
  auto rep = apply_expectations(
      run, exps, {"S.broken", "S.fixed", "S.other_platform", "S.crash"},
      {"signal.broken", "signal.fixed", "signal.other_platform", "signal.crash"});
  EXPECT_EQ(run.results[0].status, Status::kXfail);
  EXPECT_NE(run.results[0].message.find("https://example.org/1"), std::string::npos);
  EXPECT_EQ(run.results[0].message.rfind("known deviation broken: known", 0), 0u);
  EXPECT_EQ(deviation_of(run.results[0]), "broken");
  EXPECT_EQ(run.results[1].status, Status::kXpass);
  EXPECT_EQ(run.results[2].status, Status::kFail) << "the entry is for another platform";
  EXPECT_EQ(run.results[3].status, Status::kError);
  EXPECT_FALSE(run.green());
  ASSERT_EQ(rep.stale.size(), 2u);
  EXPECT_NE(rep.stale[0].find("names no test"), std::string::npos) << rep.stale[0];
  EXPECT_NE(rep.stale[1].find("S.fixed now passes"), std::string::npos) << rep.stale[1];
}

TEST(Expectations, DifferentStatusIsKeptWithANote) {
  TempFile f(
      "deviations:\n  - {id: d, status: FAIL, reason: fails on this libc, fails: msg,"
      " tests: [S.t]}\n");
  RunRecord run = run_with({{"S.t", Status::kTimeout}});
  apply_expectations(run, load_expectations(f.path), {"S.t"}, {"signal.t"});
  EXPECT_EQ(run.results[0].status, Status::kTimeout);
  EXPECT_NE(run.results[0].message.find("expected FAIL"), std::string::npos);
}

TEST(Expectations, ExceptLeavesTestsOfAGlobOut) {
  TempFile f("deviations:\n  - {id: d, reason: r, fails: msg, tests: ['S.*'], except: [S.b]}\n");
  RunRecord run = run_with({{"S.a", Status::kFail}, {"S.b", Status::kFail}});
  apply_expectations(run, load_expectations(f.path), {"S.a", "S.b"}, {"signal.a", "signal.b"});
  EXPECT_EQ(run.results[0].status, Status::kXfail);
  EXPECT_EQ(run.results[1].status, Status::kFail);
}

}  // namespace
}  // namespace sigipc

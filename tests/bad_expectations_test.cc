// Bad expectation files: every way a file can be missing,
// truncated or malformed is refused with "FILE:LINE: reason" on one line,
// LINE where the text goes wrong (0 when the file cannot be read at all).
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "reports/expectations.h"

namespace sigipc {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sigipc-badexp-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    for (const auto& f : files_) unlink(f.c_str()), rmdir(f.c_str());
    rmdir(path_.c_str());
  }
  std::string file(const std::string& name, const std::string& text) {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    files_.push_back(p);
    return p;
  }
  std::string dir(const std::string& name) {
    std::string p = path_ + "/" + name;
    mkdir(p.c_str(), 0755);
    files_.push_back(p);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

// The reason after "FILE:", or a failure when the file loads.
std::string refusal(const std::string& path) {
  try {
    auto e = load_expectations(path);
    ADD_FAILURE() << path << " accepted with " << e.size() << " entries";
    return "";
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind(path + ":", 0), 0u) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    return m.substr(path.size());
  }
}

std::string refusal_of(const std::string& text) {
  TempDir d;
  return refusal(d.file("e.yaml", text));
}

::testing::AssertionResult StartsWith(const std::string& text, const std::string& prefix) {
  if (text.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not start with '" << prefix << "'";
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

TEST(BadExpectations, EmptyOrCommentOnlyFileIsRefusedAsTruncated) {
  EXPECT_TRUE(StartsWith(refusal_of(""), ":1: the expectation file holds no entries"));
  EXPECT_TRUE(StartsWith(refusal_of("\n \n"), ":1: the expectation file holds no entries"));
  EXPECT_TRUE(
      StartsWith(refusal_of("# known deviations\n"), ":1: the expectation file holds no entries"));
}

TEST(BadExpectations, ExplicitEmptyListLoads) {
  TempDir d;
  EXPECT_TRUE(load_expectations(d.file("e.yaml", "# nothing known yet\ndeviations: []\n")).empty());
  EXPECT_TRUE(
      load_expectations(d.file("p.yaml", "platform: {libc: musl}\ndeviations: []\n")).empty());
}

// A deviation's first lines, so each case shows only what it breaks.
const std::string kHead = "deviations:\n  - id: d\n    reason: r\n";

TEST(BadExpectations, TruncatedFilesNameTheLineWhereTheTextStops) {
  // Cut inside a quoted string, a flow list, and in the middle of a key.
  EXPECT_TRUE(
      StartsWith(refusal_of("deviations:\n  - id: d\n    reason: \"cut"), ":3: malformed YAML"));
  EXPECT_TRUE(
      StartsWith(refusal_of(kHead + "    platform: {kernel: \">=5\""), ":4: malformed YAML"));
  // yaml-cpp reads a key cut before its colon as a key with no value.
  EXPECT_TRUE(StartsWith(refusal_of(kHead + "    fails: x\n    tests: [A.b]\n  - id: e\n    reas"),
                         ":7: unknown key 'reas'"));
  // Cut after a complete line: the deviation lacks what came later.
  EXPECT_EQ(refusal_of("deviations:\n  - id: d\n    status: FAIL\n"),
            ":2: a deviation needs a 'reason'");
  EXPECT_EQ(refusal_of(kHead + "    status: FAIL\n"), ":2: a deviation needs 'tests' or 'rules'");
  EXPECT_EQ(refusal_of(kHead + "    tests: [A.b]\n"),
            ":2: deviation 'd' needs 'fails': what the failing check says");
  EXPECT_EQ(refusal_of("platform: {libc: musl}\n"),
            ":1: the expectation file has no 'deviations' list");
}

TEST(BadExpectations, TabIndentationIsMalformedYaml) {
  // YAML 1.2 section 6.1: tabs are not allowed in indentation.
  EXPECT_TRUE(
      StartsWith(refusal_of("deviations:\n  - id: d\n\treason: r\n"), ":3: malformed YAML"));
}

TEST(BadExpectations, WrongTypesNameKeyAndLine) {
  EXPECT_EQ(refusal_of(kHead + "    status: [FAIL]\n"), ":4: 'status' must be a string");
  EXPECT_EQ(refusal_of("deviations:\n  - id: {A: b}\n    reason: r\n"),
            ":2: 'id' must be a string");
  EXPECT_EQ(refusal_of("deviations:\n  - id: d\n    reason:\n"), ":3: 'reason' must be a string");
  EXPECT_EQ(refusal_of(kHead + "    platform: [kernel]\n"), ":4: 'platform' must be a mapping");
  EXPECT_EQ(refusal_of("platform:\n  arch: [x86_64]\ndeviations: []\n"),
            ":2: 'arch' must be a string");
  EXPECT_EQ(refusal_of("deviations:\n  - A.b\n"), ":2: a deviation must be a mapping");
  EXPECT_EQ(refusal_of("deviations: {id: d}\n"), ":1: 'deviations' must be a list");
  EXPECT_EQ(refusal_of("- test: A.b\n"), ":1: expected a mapping with 'platform' and 'deviations'");
  EXPECT_EQ(refusal_of("deviations:\n  - ? [a, b]\n    : c\n"), ":2: a key must be a plain word");
  EXPECT_EQ(refusal_of(kHead + "    fails: {x: y}\n"),
            ":4: 'fails' must be a string or a list of strings");
  EXPECT_EQ(refusal_of(kHead + "    fails: x\n    tests: []\n"),
            ":5: 'tests' must be a non-empty list");
  EXPECT_EQ(refusal_of(kHead + "    fails: x\n    tests:\n      - [A.b]\n"),
            ":6: a test or rule must be a glob, or one glob mapped to its narrowing");
  EXPECT_EQ(refusal_of(kHead + "    fails: x\n    tests:\n      - A.b: ERROR\n"),
            ":6: 'A.b' must map to {status: ..., platform keys}");
  EXPECT_EQ(refusal_of(kHead + "    fails: ''\n    tests: [A.b]\n"),
            ":4: 'fails' holds an empty string");
}

TEST(BadExpectations, UnknownAndRepeatedKeys) {
  EXPECT_TRUE(StartsWith(refusal_of(kHead + "    colour: red\n"), ":4: unknown key 'colour'"));
  EXPECT_TRUE(StartsWith(refusal_of(kHead + "    platform:\n      os: linux\n"),
                         ":5: unknown platform key 'os'"));
  EXPECT_TRUE(StartsWith(refusal_of(kHead + "    fails: x\n    tests:\n      - A.b: {os: linux}\n"),
                         ":6: unknown platform key 'os'"));
  EXPECT_TRUE(StartsWith(refusal_of("colour: red\ndeviations: []\n"),
                         ":1: unknown top-level key 'colour'"));
  EXPECT_EQ(refusal_of(kHead + "    id: e\n"), ":4: 'id' given twice in one entry");
  // A key quoting a newline still gives a one-line reason.
  EXPECT_TRUE(
      StartsWith(refusal_of(kHead + "    \"col\\nour\": red\n"), ":4: unknown key 'col our'"));
}

TEST(BadExpectations, UnknownOrNonDeviationStatus) {
  for (const char* s : {"MAYBE", "PASS", "XFAIL", "XPASS", "fail "}) {
    EXPECT_EQ(refusal_of(kHead + "    status: " + s + "\n"),
              ":4: status must be FAIL, ERROR, TIMEOUT, UNSUPPORTED or SKIP")
        << s;
    EXPECT_EQ(refusal_of(kHead + "    fails: x\n    tests:\n      - A.b: {status: " + s + "}\n"),
              ":6: status must be FAIL, ERROR, TIMEOUT, UNSUPPORTED or SKIP")
        << s;
  }
}

TEST(BadExpectations, RepeatedDeviationId) {
  EXPECT_EQ(refusal_of(kHead + "    fails: x\n    tests: [A.b]\n  - id: d\n    reason: r\n"),
            ":6: deviation id 'd' is used twice");
}

TEST(BadExpectations, BadVersionRanges) {
  // '>=9 <seven': the loader used to stop at the first term false for its
  // probe version and let the bad second term through to a real run.
  for (const char* cond :
       {"'>=six'", "'~>2'", "'!2.36'", "''", "'>= 2.36 <'", "'=>2'", "'>=9 <seven'"}) {
    for (const char* key : {"kernel", "libc_version"}) {
      std::string text = std::string("platform:\n  ") + key + ": " + cond + "\ndeviations: []\n";
      EXPECT_TRUE(StartsWith(refusal_of(text), ":2: ")) << text;
      std::string narrowed = kHead + "    platform:\n      " + key + ": " + cond + "\n";
      EXPECT_TRUE(StartsWith(refusal_of(narrowed), ":5: ")) << narrowed;
    }
  }
}

TEST(BadExpectations, HugeVersionNumbersCompareWithoutOverflow) {
  EXPECT_TRUE(version_matches("6.18.44", "<99999999999999999999999999"));
  EXPECT_FALSE(version_matches("99999999999999999999999999.1", "<7"));
}

TEST(BadExpectations, MissingFileOrDirectoryOrUnreadableIsLineZero) {
  TempDir d;
  EXPECT_TRUE(Contains(refusal(d.path() + "/none.yaml"),
                       ":0: cannot read the expectation file: No such file"));
  EXPECT_TRUE(
      Contains(refusal(d.dir("sub")), ":0: cannot read the expectation file: Is a directory"));
}

TEST(BadExpectations, UnreadableFileIsLineZero) {
  SIGIPC_REQUIRE_USER_SWITCH();
  TempDir d;
  std::string path = d.file("secret.yaml", "deviations: []\n");
  ASSERT_SUCCEEDS(chmod(path.c_str(), 0600));
  ASSERT_SUCCEEDS(chmod(d.path().c_str(), 0755));
  // root reads anything: the check runs as nobody, reporting by exit code.
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    try {
      load_expectations(path);
    } catch (const std::runtime_error& e) {
      std::string m = e.what();
      child_exit(m == path + ":0: cannot read the expectation file: Permission denied" ? 0 : 1);
    }
    child_exit(2);
  });
  EXPECT_TRUE(ExitedWith(st, 0)) << "1: other reason, 2: accepted";
}

}  // namespace
}  // namespace sigipc

// A deviation turns a failure into XFAIL only when its fails: patterns
// explain every failure the result records; any other failure stays red.
#include <dirent.h>

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "reports/expectations.h"

namespace sigipc {
namespace {

// The message of a real qemu-user/Linux result: the child's failed check,
// the parent's view of the child's exit, and a parent check after it.
const char kSemMessage[] =
    "/src/suites/injection/interrupt_posix_sem.cc:47: r = lock(s.get()) failed with EINTR (4); "
    "/src/suites/injection/interrupt_posix_sem.cc:42: Value of: sigipc_interrupt_r_\n  Actual: "
    "false (expected the child to exit with 0, it exited with 97 (a check failed in the child) "
    "(sem_timedwait() at value 0))\nExpected: true; "
    "/src/suites/injection/interrupt_posix_sem.cc:54: Expected equality of these values:\n"
    "  psem::value_of(s.get())\n    Which is: 1\n  restart ? 0 : 1\n    Which is: 0";

Expectation deviation(std::vector<std::string> fails, Status status = Status::kFail) {
  Expectation e;
  e.file = "e.yaml";
  e.line = 7;
  e.id = "linux-sem-eintr";
  e.test_glob = "T.t";
  e.reason = "r";
  e.status = status;
  e.fails = std::move(fails);
  return e;
}

Result failed(const std::string& message, Status status = Status::kFail) {
  Result r;
  r.id = "T.t";
  r.status = status;
  r.message = message;
  return r;
}

TEST(ExpectationMatching, MessageSplitsAtEachCheckLocation) {
  auto f = recorded_failures(kSemMessage);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].rfind("/src/suites/injection/interrupt_posix_sem.cc:47: r = lock", 0), 0u);
  EXPECT_EQ(f[2].rfind("/src/suites/injection/interrupt_posix_sem.cc:54: ", 0), 0u);
  // A "; " inside one failure's text does not start another.
  auto g = recorded_failures("a.cc:1: x; y (detail); b.h:2: z; and 3 more");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], "a.cc:1: x; y (detail)");
  EXPECT_EQ(g[1], "b.h:2: z; and 3 more");
  auto crash = recorded_failures("crashed: killed by SIGSEGV (11); a.cc:1: x");
  ASSERT_EQ(crash.size(), 2u);
  EXPECT_EQ(crash[0], "crashed: killed by SIGSEGV (11)");
}

TEST(ExpectationMatching, PatternsAreGlobsSearchedInTheFailureWithBlanksSqueezed) {
  const std::string f = "x.cc:3: Expected equality of these values:\n  code\n    Which is: 6";
  EXPECT_TRUE(failure_matches("values: code Which is: 6", f));
  EXPECT_TRUE(failure_matches("Expected*code", f));
  EXPECT_FALSE(failure_matches("Which is: 7", f));
}

TEST(ExpectationMatching, FileLinePatternNamesTheCheckByBasenameAndLine) {
  const std::string f = "../suites/injection/interrupt_posix_sem.cc:47: r failed with EINTR (4)";
  EXPECT_TRUE(failure_matches("interrupt_posix_sem.cc:47", f));
  EXPECT_FALSE(failure_matches("interrupt_posix_sem.cc:4", f));
  EXPECT_FALSE(failure_matches("other.cc:47", f));
}

TEST(ExpectationMatching, EveryFailureExplainedGivesXfailCitingTheId) {
  Result r = failed(kSemMessage);
  EXPECT_TRUE(apply_expectation(r, deviation({"failed with EINTR", "psem::value_of(s.get())"})));
  EXPECT_EQ(r.status, Status::kXfail);
  EXPECT_EQ(r.message.rfind("known deviation linux-sem-eintr: r [e.yaml:7]; ", 0), 0u) << r.message;
  EXPECT_EQ(deviation_of(r), "linux-sem-eintr");
}

TEST(ExpectationMatching, AnUnexplainedFailureStaysFailAndIsNamed) {
  Result r = failed(kSemMessage);
  EXPECT_FALSE(apply_expectation(r, deviation({"failed with EINTR"})));
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("deviation linux-sem-eintr [e.yaml:7] does not explain: "
                           "/src/suites/injection/interrupt_posix_sem.cc:54: "),
            std::string::npos)
      << r.message;
  EXPECT_EQ(deviation_of(r), "");
}

TEST(ExpectationMatching, ParentViewOfAFailedChildNeedsTheChildFailureExplained) {
  // Explained through the child's own failure...
  Result ok = failed(kSemMessage);
  EXPECT_TRUE(apply_expectation(ok, deviation({"interrupt_posix_sem.cc:47", "Which is: 1"})));
  // ...but on its own it explains nothing.
  Result alone = failed(
      "a.cc:9: Value of: ok\n Actual: false (expected the child to exit with 0, it exited with 97 "
      "(a check failed in the child))");
  EXPECT_FALSE(apply_expectation(alone, deviation({"never matches"})));
  EXPECT_EQ(alone.status, Status::kFail);
}

TEST(ExpectationMatching, ErrorAndTimeoutMatchTheirMessage) {
  Result err = failed("x.cc:5: setup failed: prctl(PR_SET_CHILD_SUBREAPER, 1) failed with EINVAL",
                      Status::kError);
  EXPECT_TRUE(apply_expectation(err, deviation({"PR_SET_CHILD_SUBREAPER*EINVAL"}, Status::kError)));
  EXPECT_EQ(err.status, Status::kXfail);
  Result hang = failed("no result within 30 s; the test's processes were killed", Status::kTimeout);
  EXPECT_FALSE(apply_expectation(hang, deviation({"failed with EINTR"}, Status::kTimeout)));
  EXPECT_EQ(hang.status, Status::kTimeout);
}

TEST(ExpectationMatching, PassIsXpassWhateverTheFailsPatterns) {
  Result r = failed("", Status::kPass);
  EXPECT_TRUE(apply_expectation(r, deviation({"anything"})));
  EXPECT_EQ(r.status, Status::kXpass);
  EXPECT_NE(r.message.find("linux-sem-eintr"), std::string::npos);
}

// The project's own files: they load together (ids unique across them),
// every deviation but a SKIP says what fails, and no pattern is a bare "*"
// that would explain any failure.
TEST(ExpectationMatching, ProjectFilesLoadWithUniqueIdsAndRealPatterns) {
  const std::string dir = std::string(SIGIPC_SOURCE_DIR) + "/ci/expectations";
  std::vector<std::string> files;
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".yaml") == 0) files.push_back(dir + "/" + n);
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  std::vector<Expectation> all = load_expectation_set(files);
  std::set<std::string> ids;
  for (const auto& e : all) {
    ids.insert(e.id);
    for (const auto& p : e.fails)
      EXPECT_NE(p.find_first_not_of("* "), std::string::npos) << e.where() << ": " << p;
  }
  EXPECT_GT(ids.size(), 50u);
}

}  // namespace
}  // namespace sigipc

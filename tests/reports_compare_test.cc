// sigipc diff's comparison and the platform matrix, on crafted runs.
#include <gtest/gtest.h>

#include "reports/compare.h"
#include "reports/matrix.h"
#include "tests/reports_sample.h"

namespace sigipc {
namespace {

using reports_test::every_status_run;
using reports_test::result;

Result* find(RunRecord& run, const std::string& id) {
  for (auto& r : run.results)
    if (r.id == id) return &r;
  return nullptr;
}

TEST(ReportsDiff, SameRunHasNoChange) {
  auto d = compare_runs(every_status_run(), every_status_run());
  EXPECT_FALSE(d.any_change());
  EXPECT_TRUE(d.environment.empty());
}

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(ReportsDiffMarkdown, PullRequestCommentLeadsWithNewFailures) {
  RunRecord before = every_status_run(), after = every_status_run();
  find(after, "SigA.Pass1")->status = Status::kFail;
  find(after, "SigA.Pass1")->message = "x.cc:1: broke | here\n<b>";
  find(after, "SigA.Fail")->status = Status::kPass;
  find(after, "PipeB.Pass2")->status = Status::kUnsupported;
  after.results.push_back(result("New.Passes", "pipe", Status::kPass, ""));
  after.environment["kernel_release"] = "6.1.0";
  std::string m =
      diff_markdown(compare_runs(before, after), "old/results.json", "new/results.json");
  EXPECT_EQ(m.rfind("## sigipc diff: 1 new failure\n\n`old/results.json` → `new/results.json`", 0),
            0u)
      << m;
  EXPECT_TRUE(has(m,
                  "| new failures | 1 |\n| fixed | 1 |\n| other status changes | 1 |\n"
                  "| tests added | 1 |\n| tests removed | 0 |\n| environment differences | 1 |"))
      << m;
  // One row each, the cell kept on one line, no raw HTML.
  EXPECT_TRUE(has(m,
                  "### New failures\n\n| test | before | after | message |\n|---|---|---|---|\n"
                  "| `SigA.Pass1` | PASS | **FAIL** | x.cc:1: broke \\| here &lt;b&gt; |\n"))
      << m;
  EXPECT_TRUE(has(m,
                  "### Fixed\n\n| test | before | after | message |\n|---|---|---|---|\n"
                  "| `SigA.Fail` | FAIL | PASS |  |\n"))
      << m;
  EXPECT_TRUE(has(m, "<details><summary>Other status changes (1)</summary>")) << m;
  EXPECT_TRUE(has(m, "<details><summary>Tests added (1)</summary>\n\n- `New.Passes`\n")) << m;
  EXPECT_FALSE(has(m, "Tests removed")) << "empty sections are left out";
  EXPECT_TRUE(has(m, "| kernel_release | 6.18.44-test | 6.1.0 |")) << m;
  auto same = diff_markdown(compare_runs(before, before), "a", "a");
  EXPECT_EQ(same.rfind("## sigipc diff: no new failures", 0), 0u) << same;
}

TEST(ReportsDiffMarkdown, StaysUnderGithubsCommentLimit) {
  RunRecord before, after;
  for (int i = 0; i < 3000; ++i) {
    Result r = result("Many.Test" + std::to_string(i), "signal", Status::kPass, "");
    before.results.push_back(r);
    r.status = Status::kFail;
    r.message = std::string(200, 'm');
    after.results.push_back(r);
  }
  std::string m = diff_markdown(compare_runs(before, after), "a", "b");
  EXPECT_LT(m.size(), 65536u);
  EXPECT_TRUE(has(m, " more not shown; see `sigipc diff` for all._")) << m.substr(m.size() - 200);
}

TEST(ReportsDiff, ClassifiesEveryKindOfChange) {
  RunRecord before = every_status_run(), after = every_status_run();
  find(after, "SigA.Pass1")->status = Status::kFail;          // new failure
  find(after, "PipeB.Xfail")->status = Status::kTimeout;      // new failure (XFAIL was fine)
  find(after, "PipeB.Unsupported")->status = Status::kXpass;  // new failure
  find(after, "SigA.Fail")->status = Status::kPass;           // fix
  find(after, "SigA.Error")->status = Status::kUnsupported;   // fix
  find(after, "SigA.Timeout")->status = Status::kError;       // bad to bad: other
  find(after, "PipeB.Pass2")->status = Status::kUnsupported;  // good to good: other
  after.results.push_back(result("New.Fails", "pipe", Status::kFail, "x"));
  after.results.push_back(result("New.Passes", "pipe", Status::kPass, ""));
  after.results.erase(after.results.begin() + 8);  // PipeB.Pass3 gone
  after.environment["kernel_release"] = "6.1.0";
  after.environment["limits"]["mq_msg_max"] = 20;
  auto d = compare_runs(before, after);
  auto ids = [](const std::vector<StatusChange>& v) {
    std::vector<std::string> o;
    for (const auto& c : v) o.push_back(c.id);
    return o;
  };
  EXPECT_EQ(ids(d.new_failures), (std::vector<std::string>{"SigA.Pass1", "PipeB.Unsupported",
                                                           "PipeB.Xfail", "New.Fails"}));
  EXPECT_EQ(ids(d.fixes), (std::vector<std::string>{"SigA.Fail", "SigA.Error"}));
  EXPECT_EQ(ids(d.other_changes), (std::vector<std::string>{"SigA.Timeout", "PipeB.Pass2"}));
  EXPECT_EQ(d.added, (std::vector<std::string>{"New.Fails", "New.Passes"}));
  EXPECT_EQ(d.removed, (std::vector<std::string>{"PipeB.Pass3"}));
  ASSERT_EQ(d.environment.size(), 2u);
  EXPECT_EQ(d.environment[0].key, "kernel_release");
  EXPECT_EQ(d.environment[1].key, "limits.mq_msg_max");
  EXPECT_EQ(d.environment[1].before, "10");
  EXPECT_EQ(d.environment[1].after, "20");
  auto j = diff_json(d, "a", "b");
  EXPECT_EQ(j["new_failures"].size(), 4u);
  EXPECT_TRUE(j["new_failures"][3]["before"].is_null());
}

MatrixColumn col(const std::string& label, RunRecord run) {
  MatrixColumn c;
  c.label = label;
  c.source = label + ".json";
  c.run = std::move(run);
  return c;
}

TEST(ReportsMatrix, MarksDisagreementsAndListsThemFirst) {
  RunRecord a = every_status_run(), b = every_status_run();
  find(b, "PipeB.Pass3")->status = Status::kFail;  // follows vs breaks
  find(b, "PipeB.Xfail")->status = Status::kFail;  // XFAIL vs FAIL: same behaviour
  b.results.erase(b.results.begin());              // SigA.Pass1 not run on b
  std::vector<MatrixColumn> cols = {col("a", a), col("b", b)};
  auto rows = matrix_rows(cols);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].id, "PipeB.Pass3");
  EXPECT_TRUE(rows[0].disagree);
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_FALSE(rows[i].disagree) << rows[i].id;
  const MatrixRow* pass1 = nullptr;
  for (const auto& r : rows)
    if (r.id == "SigA.Pass1") pass1 = &r;
  ASSERT_NE(pass1, nullptr);
  EXPECT_TRUE(pass1->gap);
  EXPECT_FALSE(pass1->cells[1].has_value());

  std::string html = matrix_html(cols);
  EXPECT_NE(html.find("<tr class=\"disagree\" data-d=\"1\" data-f=\"pipe\">"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"cell nr\">not run</td>"), std::string::npos);
  EXPECT_NE(html.find("id=\"count-disagree\">1<"), std::string::npos);
  std::string md = matrix_markdown(cols);
  EXPECT_NE(md.find("| ≠ `PipeB.Pass3` | **PASS** | **FAIL** |"), std::string::npos) << md;
  EXPECT_EQ(md.find("**PASS**"), md.rfind("**PASS**"));  // only the disagreeing row is bold
  EXPECT_NE(md.find("_not run_"), std::string::npos);
}

TEST(ReportsMatrix, EnvironmentRowsComeFirstAndDifferencesShow) {
  RunRecord a = every_status_run(), b = every_status_run();
  b.environment["emulator"] = "qemu-user";
  b.environment["arch"] = "aarch64";
  std::string md = matrix_markdown({col("native", a), col("qemu", b)});
  EXPECT_LT(md.find("| emulator | **none** | **qemu-user** |"), md.find("## Rules")) << md;
  EXPECT_NE(md.find("| libc | glibc | glibc |"), std::string::npos);
}

}  // namespace
}  // namespace sigipc

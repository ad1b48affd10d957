// sigipc report and sigipc diff through the real binary: exit statuses
// (0 written or no new failures, 1 new failures or not green under
// --expect, 2 bad input with a one-line FILE:LINE reason).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "reports/writers.h"
#include "tests/reports_sample.h"
#include "tests/selftest_util.h"

using selftest::run_cmd;
using selftest::TempDir;

namespace sigipc {
namespace {

std::string write(const TempDir& d, const std::string& name, const std::string& text) {
  std::string p = d.path() + "/" + name;
  std::ofstream(p) << text;
  return p;
}

std::string save(const TempDir& d, const std::string& name, const RunRecord& run) {
  return write(d, name, results_json_text(run));
}

bool one_line(const std::string& s) { return std::count(s.begin(), s.end(), '\n') == 1; }

RunRecord all_pass() {
  RunRecord run = reports_test::every_status_run();
  for (auto& r : run.results) r.status = Status::kPass, r.message.clear();
  return run;
}

TEST(ReportsCli, ReportRewritesEveryFormat) {
  TempDir d;
  auto in = save(d, "in.json", reports_test::every_status_run());
  auto r = run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/out"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // written, even though the run is red
  for (const char* f : {"results.json", "junit.xml", "report.md", "report.html", "results.ktap",
                        "lava.sh", "result.txt", "kcidb.json", "openposix.txt"})
    EXPECT_EQ(access((d.path() + "/out/" + f).c_str(), R_OK), 0) << f;
  EXPECT_NE(r.out.find("reports in " + d.path() + "/out/: results.json"), std::string::npos)
      << r.out;
}

TEST(ReportsCli, ReportOnBadInputExitsTwoWithFileAndLine) {
  TempDir d;
  auto missing = run_cmd({SIGIPC_BIN, "report", d.path() + "/none.json", "--out", d.path() + "/o"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "sigipc report: " + d.path() +
                             "/none.json:0: cannot open: No such file or directory\n");
  auto bad =
      write(d, "bad.json", "{\n  \"schema\": \"sigipc-results/1\",\n  \"environment\": {} x\n}\n");
  auto r = run_cmd({SIGIPC_BIN, "report", bad, "--out", d.path() + "/o"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("sigipc report: " + bad + ":3: malformed JSON", 0), 0u) << r.err;
  EXPECT_TRUE(one_line(r.err)) << r.err;
  auto nothing = run_cmd({SIGIPC_BIN, "report", bad});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_TRUE(one_line(nothing.err)) << nothing.err;
}

TEST(ReportsCli, ReportWithExpectationsGivesTheVerdict) {
  TempDir d;
  RunRecord run = all_pass();
  run.results[1].status = Status::kFail;
  run.results[1].message = "broke";
  auto in = save(d, "in.json", run);
  auto red = run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/o1", "--expect",
                      write(d, "none.yaml",
                            "deviations:\n  - {id: o, status: FAIL, reason: r, fails: broke, "
                            "tests: [Other.Test]}\n")});
  EXPECT_EQ(red.exit_code, 1) << red.err;
  auto yaml = write(
      d, "e.yaml",
      "deviations:\n  - {id: a, status: FAIL, reason: known, link: 'https://x', fails: broke,\n"
      "     tests: [SigA.Fail]}\n");
  auto green = run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/o2", "--expect", yaml});
  EXPECT_EQ(green.exit_code, 0) << green.err;
  auto j = selftest::read_json(d.path() + "/o2/results.json");
  EXPECT_EQ(j["summary"]["XFAIL"], 1);
  EXPECT_EQ(j["expectations"]["files"][0], yaml);
  // Applying to a run that already had expectations applied is refused.
  auto twice = run_cmd({SIGIPC_BIN, "report", d.path() + "/o2/results.json", "--out",
                        d.path() + "/o3", "--expect", yaml});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("already applied"), std::string::npos) << twice.err;
  auto broken = run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/o4", "--expect",
                         write(d, "b.yaml", "deviations: [unclosed\n")});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_TRUE(one_line(broken.err)) << broken.err;
}

TEST(ReportsCli, ReportWrittenElsewhereCarriesTheLogsItLinks) {
  TempDir d;
  ASSERT_EQ(mkdir((d.path() + "/run").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((d.path() + "/run/logs").c_str(), 0755), 0);
  auto in = save(d, "run/results.json", reports_test::every_status_run());
  write(d, "run/logs/SigA.Fail.log", "the failing test said <this>\n");
  auto r = run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream log(d.path() + "/out/logs/SigA.Fail.log");
  std::string copied((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(copied, "the failing test said <this>\n");
  std::ifstream junit(d.path() + "/out/junit.xml");
  std::string x((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
  EXPECT_NE(x.find("the failing test said &lt;this&gt;"), std::string::npos) << x;
  std::ifstream html(d.path() + "/out/report.html");
  std::string h((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_NE(h.find("href=\"logs/SigA.Fail.log\""), std::string::npos);
  // Written into the run's own folder, the logs stay where they are.
  EXPECT_EQ(run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/run"}).exit_code, 0);
  EXPECT_EQ(access((d.path() + "/run/logs/SigA.Fail.log").c_str(), R_OK), 0);
}

TEST(ReportsCli, ExpectOnAFilteredRunCallsNoEntryForALeftOutTestStale) {
  TempDir d;
  RunRecord run = all_pass();  // SigA.* and PipeB.* only: a filtered run
  auto in = save(d, "in.json", run);
  // One entry for a test of the suite the run left out, one for a test the
  // run holds (it passes: stale), one for a test that exists nowhere.
  auto yaml = write(d, "e.yaml",
                    "deviations:\n  - id: d\n    reason: r\n    fails: x\n    tests:\n"
                    "      - SignalMask.BlockAddsToMask\n"
                    "      - SigA.Pass1\n"
                    "      - No.SuchTest\n");
  auto r = run_cmd({SIGIPC_BIN, "report", in, "--out", d.path() + "/o", "--expect", yaml});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // SigA.Pass1 is XPASS
  auto j = selftest::read_json(d.path() + "/o/results.json");
  std::vector<std::string> stale = j["expectations"]["stale"];
  ASSERT_EQ(stale.size(), 2u) << r.err;
  EXPECT_EQ(stale[0], yaml + ":8: names no test in the suite (No.SuchTest)");
  EXPECT_EQ(stale[1], yaml + ":7: SigA.Pass1 now passes");
  EXPECT_EQ(r.err.find("SignalMask.BlockAddsToMask"), std::string::npos) << r.err;
}

TEST(ReportsCli, DiffFormats) {
  TempDir d;
  RunRecord base = all_pass(), broke = all_pass();
  broke.results[2].status = Status::kTimeout;
  auto a = save(d, "old.json", base), b = save(d, "new.json", broke);
  auto md = run_cmd({SIGIPC_BIN, "diff", a, b, "--format", "md"});
  EXPECT_EQ(md.exit_code, 1);
  EXPECT_EQ(md.out.rfind("## sigipc diff: 1 new failure\n", 0), 0u) << md.out;
  EXPECT_NE(md.out.find("| `SigA.Error` | PASS | **TIMEOUT** |"), std::string::npos) << md.out;
  auto json = run_cmd({SIGIPC_BIN, "diff", a, b, "--format", "json"});
  EXPECT_EQ(json.out, run_cmd({SIGIPC_BIN, "diff", a, b, "--json"}).out);
  EXPECT_EQ(nlohmann::json::parse(json.out)["new_failures"].size(), 1u);
  auto text = run_cmd({SIGIPC_BIN, "diff", a, b, "--format", "text"});
  EXPECT_EQ(text.out, run_cmd({SIGIPC_BIN, "diff", a, b}).out);
  EXPECT_EQ(text.out.rfind("sigipc diff " + a + " -> " + b + "\n", 0), 0u) << text.out;
  auto bad = run_cmd({SIGIPC_BIN, "diff", a, b, "--format", "xml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "sigipc diff: --format must be text, json or md, not 'xml'\n");
  auto both = run_cmd({SIGIPC_BIN, "diff", a, b, "--json", "--format", "md"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(one_line(both.err)) << both.err;
}

TEST(ReportsCli, DiffExitCodes) {
  TempDir d;
  RunRecord base = all_pass();
  auto old_path = save(d, "old.json", base);
  EXPECT_EQ(run_cmd({SIGIPC_BIN, "diff", old_path, old_path}).exit_code, 0);

  RunRecord broke = base;
  broke.results[2].status = Status::kTimeout;
  auto broke_path = save(d, "broke.json", broke);
  auto r = run_cmd({SIGIPC_BIN, "diff", old_path, broke_path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("new failures: 1\n  SigA.Error: PASS -> TIMEOUT"), std::string::npos)
      << r.out;
  // The other way round it is a fix: no new failure.
  auto back = run_cmd({SIGIPC_BIN, "diff", broke_path, old_path, "--json"});
  EXPECT_EQ(back.exit_code, 0);
  auto j = nlohmann::json::parse(back.out);
  EXPECT_EQ(j["fixes"].size(), 1u);

  RunRecord unsup = base;
  unsup.results[2].status = Status::kUnsupported;
  auto unsup_path = save(d, "unsup.json", unsup);
  EXPECT_EQ(run_cmd({SIGIPC_BIN, "diff", old_path, unsup_path}).exit_code, 0);
  EXPECT_EQ(
      run_cmd({SIGIPC_BIN, "diff", old_path, unsup_path, "--fail-on", "any-change"}).exit_code, 1);
  EXPECT_EQ(run_cmd({SIGIPC_BIN, "diff", old_path, broke_path, "--fail-on", "never"}).exit_code, 0);

  auto bad_opt = run_cmd({SIGIPC_BIN, "diff", old_path, old_path, "--fail-on", "sometimes"});
  EXPECT_EQ(bad_opt.exit_code, 2);
  EXPECT_TRUE(one_line(bad_opt.err)) << bad_opt.err;
  auto trunc = write(d, "trunc.json", results_json_text(base).substr(0, 300));
  auto t = run_cmd({SIGIPC_BIN, "diff", old_path, trunc});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_EQ(t.err.rfind("sigipc diff: " + trunc + ":", 0), 0u) << t.err;
  EXPECT_TRUE(one_line(t.err)) << t.err;
}

TEST(ReportsCli, MatrixWritesBothFilesAndTakesLabels) {
  TempDir d;
  RunRecord a = all_pass(), b = all_pass();
  b.results[0].status = Status::kFail;
  b.environment["emulator"] = "qemu-user";
  auto pa = save(d, "a.json", a), pb = save(d, "b.json", b);
  auto r = run_cmd({SIGIPC_BIN, "report", "--matrix", pa, pb, "--out", d.path() + "/m", "--label",
                    "host", "--label", "qemu"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // disagreement is information, not failure
  EXPECT_NE(r.out.find("2 platforms, 1 rules disagree"), std::string::npos) << r.out;
  std::ifstream md(d.path() + "/m/matrix.md");
  std::string m((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(m.find("| platform | host | qemu |"), std::string::npos) << m;
  EXPECT_EQ(access((d.path() + "/m/matrix.html").c_str(), R_OK), 0);
  EXPECT_EQ(run_cmd({SIGIPC_BIN, "report", "--matrix", pa, "--out", d.path() + "/m"}).exit_code, 2);
  auto bad = run_cmd(
      {SIGIPC_BIN, "report", "--matrix", pa, d.path() + "/no.json", "--out", d.path() + "/m"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "sigipc report: " + d.path() + "/no.json:0: cannot open: No such file or directory\n");
}

}  // namespace
}  // namespace sigipc

// Each report format on a run with every status: counts, status mappings
// (docs/DESIGN.md section 3) and escaping.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "reports/writers.h"
#include "tests/reports_sample.h"

namespace sigipc {
namespace {

using reports_test::every_status_run;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// A small KTAP reader: checks that at every nesting level the test lines
// count up from 1 to the plan, and returns the result lines seen
// ("ok 1 name # DIRECTIVE ...") per level. Fails the test on a violation.
struct KtapLevel {
  int plan = -1, seen = 0;
};

void check_ktap(const std::string& text, std::vector<std::string>& top,
                std::vector<std::string>& leaves) {
  auto ls = lines_of(text);
  ASSERT_FALSE(ls.empty());
  EXPECT_EQ(ls[0], "KTAP version 1");
  std::vector<KtapLevel> stack;
  std::regex result_re(R"(^(not ok|ok) (\d+)( [^#]*)?( # .*)?$)");
  std::regex plan_re(R"(^1\.\.(\d+)$)");
  for (const auto& raw : ls) {
    std::size_t indent = raw.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    ASSERT_EQ(indent % 2, 0u) << raw;
    std::size_t level = indent / 2;
    std::string l = raw.substr(indent);
    std::smatch m;
    if (l == "KTAP version 1") {
      ASSERT_EQ(level, stack.size()) << "version line at the wrong depth: " << raw;
      stack.push_back({});
    } else if (std::regex_match(l, m, plan_re)) {
      ASSERT_EQ(level + 1, stack.size()) << raw;
      stack.back().plan = std::stoi(m[1]);
    } else if (std::regex_match(l, m, result_re)) {
      // A result at this level closes any deeper one.
      while (stack.size() > level + 1) {
        EXPECT_EQ(stack.back().seen, stack.back().plan) << "plan not met before " << raw;
        stack.pop_back();
      }
      ASSERT_EQ(stack.size(), level + 1) << raw;
      EXPECT_EQ(std::stoi(m[2]), ++stack.back().seen) << raw;
      (level == 0 ? top : leaves).push_back(l);
    } else {
      EXPECT_EQ(l.rfind("# ", 0), 0u) << "neither result, plan, version nor diagnostic: " << raw;
    }
  }
  ASSERT_EQ(stack.size(), 1u);
  EXPECT_EQ(stack[0].seen, stack[0].plan);
}

TEST(ReportsKtap, PlansMatchAndStatusesMapToDirectives) {
  std::vector<std::string> top, leaves;
  check_ktap(ktap_text(every_status_run()), top, leaves);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0], "not ok 1 signal");
  EXPECT_EQ(top[1], "not ok 2 pipe");  // holds an XPASS: red
  ASSERT_EQ(leaves.size(), 9u);
  EXPECT_EQ(leaves[0], "ok 1 SigA.Pass1");
  EXPECT_EQ(leaves[1], "not ok 2 SigA.Fail");
  EXPECT_EQ(leaves[2], "not ok 3 SigA.Error # ERROR setup failed: pipe2 & <EMFILE>");
  EXPECT_EQ(leaves[3], "not ok 4 SigA.Timeout # TIMEOUT no result within 1 s");
  EXPECT_EQ(leaves[5], "ok 2 PipeB.Unsupported # SKIP no <frobnicator> here");
  EXPECT_EQ(leaves[6], "ok 3 PipeB.Xfail # XFAIL known deviation: Linux does <this>");
  EXPECT_EQ(leaves[7], "not ok 4 PipeB.Xpass");
}

TEST(ReportsKtap, MultiLineMessageBecomesDiagnosticLines) {
  std::string k = ktap_text(every_status_run());
  EXPECT_TRUE(has(k, "\n  # FAIL: a.cc:3: <script>")) << k;
  EXPECT_TRUE(has(k, "\n  #       second line\n")) << k;
}

TEST(ReportsKtap, AllGreenFamilyIsOk) {
  auto run = every_status_run();
  for (auto& r : run.results)
    if (r.family == "pipe") r.status = Status::kPass;
  std::vector<std::string> top, leaves;
  check_ktap(ktap_text(run), top, leaves);
  EXPECT_EQ(top[1], "ok 2 pipe");
}

TEST(ReportsLava, OneCasePerTestWithMappedResult) {
  auto run = every_status_run();
  run.results[0].id = "SigA.Pass1 $(rm -rf x)";
  auto script = lines_of(lava_script_text(run));
  auto plain = lines_of(lava_results_text(run));
  std::vector<std::string> cases;
  for (const auto& l : script)
    if (l.rfind("lava-test-case ", 0) == 0) cases.push_back(l);
  ASSERT_EQ(cases.size(), 9u);
  ASSERT_EQ(plain.size(), 9u);
  const char* expected[] = {"pass", "fail", "unknown", "fail", "pass",
                            "skip", "pass", "fail",    "pass"};
  std::regex safe(
      R"(^lava-test-case [A-Za-z0-9._-]+ --result (pass|fail|skip|unknown) --measurement [0-9.]+ --units seconds  # [A-Z]+$)");
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_TRUE(std::regex_match(cases[i], safe)) << cases[i];
    EXPECT_TRUE(has(cases[i], std::string(" --result ") + expected[i] + " ")) << cases[i];
    EXPECT_EQ(plain[i].substr(plain[i].rfind(' ') + 1), expected[i]) << plain[i];
  }
  EXPECT_EQ(plain[0], "signal.SigA.Pass1___rm_-rf_x_ pass");
}

TEST(ReportsOpenPosix, CodesFollowTheSuite) {
  auto ls = lines_of(openposix_text(every_status_run()));
  std::vector<std::string> rows;
  for (const auto& l : ls)
    if (!l.empty() && l[0] != '#') rows.push_back(l);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0], "signal/SigA.Pass1: PASS 0");
  EXPECT_EQ(rows[1].rfind("signal/SigA.Fail: FAIL 1 [FAIL: a.cc:3:", 0), 0u) << rows[1];
  EXPECT_FALSE(has(rows[1], "\n"));
  EXPECT_EQ(rows[2].rfind("signal/SigA.Error: UNRESOLVED 2 [ERROR", 0), 0u);
  EXPECT_EQ(rows[3].rfind("signal/SigA.Timeout: UNRESOLVED 2 [TIMEOUT", 0), 0u);
  EXPECT_EQ(
      rows[5].rfind("pipe/PipeB.Unsupported: UNSUPPORTED 4 [UNSUPPORTED: no <frobnicator>", 0), 0u);
  EXPECT_EQ(rows[6].rfind("pipe/PipeB.Xfail: FAIL 1 [XFAIL", 0), 0u);
  EXPECT_EQ(rows[7].rfind("pipe/PipeB.Xpass: PASS 0 [XPASS", 0), 0u);
}

TEST(ReportsKcidb, RequiredFieldsAndStatuses) {
  auto j = nlohmann::json::parse(kcidb_json_text(every_status_run()));
  EXPECT_EQ(j["version"]["major"], 5);
  EXPECT_TRUE(j["version"]["minor"].is_number_integer());
  ASSERT_EQ(j["tests"].size(), 9u);
  const char* expected[] = {"PASS", "FAIL", "ERROR", "ERROR", "PASS",
                            "SKIP", "FAIL", "PASS",  "PASS"};
  std::regex origin_id("^[a-z0-9_]+:.*$"), path("^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < 9; ++i) {
    const auto& t = j["tests"][i];
    for (const char* k : {"id", "build_id", "origin", "path", "status", "start_time"})
      ASSERT_TRUE(t.contains(k) && t[k].is_string()) << k << " in " << t.dump();
    EXPECT_TRUE(std::regex_match(t["id"].get<std::string>(), origin_id));
    EXPECT_TRUE(std::regex_match(t["build_id"].get<std::string>(), origin_id));
    EXPECT_TRUE(std::regex_match(t["path"].get<std::string>(), path)) << t["path"];
    EXPECT_EQ(t["origin"], "sigipc");
    EXPECT_EQ(t["status"], expected[i]) << t["id"];
    EXPECT_EQ(t["waived"], i == 6) << t["id"];
    EXPECT_DOUBLE_EQ(t["duration"].get<double>(), 0.0125);
    EXPECT_EQ(t["start_time"], "2026-11-26T12:37:18+00:00");
    EXPECT_TRUE(ids.insert(t["id"].get<std::string>()).second) << "duplicate id " << t["id"];
  }
  EXPECT_EQ(j["tests"][1]["path"], "sigipc.signal.SigA.Fail");
  EXPECT_EQ(j["tests"][1]["misc"]["clause"], "XSH sigaction()");
  EXPECT_EQ(j["tests"][1]["misc"]["sigipc_status"], "FAIL");
  EXPECT_TRUE(has(j["tests"][1]["log_excerpt"].get<std::string>(), "<script>"));
}

TEST(ReportsKcidb, LongMessageIsCutToTheExcerptLimit) {
  auto run = every_status_run();
  run.results[1].message = std::string(40000, 'x');
  auto j = nlohmann::json::parse(kcidb_json_text(run));
  EXPECT_LE(j["tests"][1]["log_excerpt"].get<std::string>().size(), 16384u);
  EXPECT_EQ(j["tests"][1]["misc"]["message"].get<std::string>().size(), 40000u);
}

TEST(ReportsMarkdown, VerdictCountsAndEscaping) {
  std::string m = markdown_text(every_status_run());
  EXPECT_EQ(m.rfind("## sigipc: red — 3 of 9 rules pass, 4 not green", 0), 0u) << m;
  EXPECT_TRUE(has(m, "| FAIL | 1 |"));
  EXPECT_TRUE(has(m, "| total | 9 |"));
  EXPECT_FALSE(has(m, "<script>")) << "raw HTML reaches the comment";
  EXPECT_TRUE(has(m, "&lt;script&gt;"));
  EXPECT_TRUE(has(m, "Kernel 6.18.44-test, glibc 2.36, x86_64"));
  // The red ones come first.
  EXPECT_LT(m.find("`SigA.Timeout`"), m.find("`PipeB.Unsupported`"));
}

TEST(ReportsMarkdown, StaysUnderGithubCommentLimit) {
  auto run = every_status_run();
  auto base = run.results[1];
  run.results.clear();
  for (int i = 0; i < 3000; ++i) {
    base.id = "Many.Fail" + std::to_string(i);
    base.message = std::string(500, 'm');
    run.results.push_back(base);
  }
  std::string m = markdown_text(run);
  EXPECT_LT(m.size(), 65536u);
  std::smatch s;
  ASSERT_TRUE(std::regex_search(m, s, std::regex(R"(_(\d+) more tests not passing)")))
      << m.substr(m.size() - 300);
  int rows = 0;
  for (std::size_t p = 0; (p = m.find("| `Many.Fail", p)) != std::string::npos; ++p) ++rows;
  EXPECT_EQ(rows + std::stoi(s[1]), 3000);
}

TEST(ReportsHtml, CountsRowsAndEscaping) {
  std::string h = html_text(every_status_run());
  EXPECT_TRUE(has(h, "<span class=\"n\" id=\"count-PASS\">3</span>"));
  EXPECT_TRUE(has(h, "<span class=\"n\" id=\"count-XPASS\">1</span>"));
  EXPECT_TRUE(has(h, "<span class=\"n\" id=\"count-total\">9</span>"));
  EXPECT_FALSE(has(h, "<script>alert")) << "a message was not escaped";
  EXPECT_TRUE(has(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
  EXPECT_TRUE(has(h, "no &lt;frobnicator&gt; here"));
  int rows = 0;
  for (std::size_t p = 0; (p = h.find("<tr class=\"s-", p)) != std::string::npos; ++p) ++rows;
  EXPECT_EQ(rows, 9);
  // Self-contained: nothing fetched from elsewhere.
  EXPECT_FALSE(has(h, "http://"));
  EXPECT_FALSE(has(h, "https://"));
  EXPECT_FALSE(has(h, "<link"));
  EXPECT_FALSE(has(h, " src="));
  EXPECT_TRUE(has(h, "<td>limits.mq_msg_max</td>"));
}

TEST(ReportsJunit, EveryStatusMapped) {
  std::string x = junit_text(every_status_run());
  EXPECT_TRUE(has(x, "failures=\"2\" errors=\"2\" skipped=\"1\""));
  EXPECT_TRUE(has(x, "<failure type=\"TIMEOUT\""));
  EXPECT_TRUE(has(x, "<error type=\"XPASS\""));
  EXPECT_TRUE(has(x, "<skipped message=\"no &lt;frobnicator&gt; here\"/>"));
}

TestLogs sample_logs() {
  return {
      {"SigA.Fail", {{"logs/SigA.Fail.log", "a.cc:3: check failed\n<child> & \"out\"\n\xff\n"}}},
      {"PipeB.Xfail", {{"logs/PipeB.Xfail.log", "xfail output\n"}}}};
}

// The <testcase> element of a test, up to its end.
std::string junit_case_of(const std::string& x, const std::string& name) {
  auto at = x.find("name=\"" + name + "\"");
  if (at == std::string::npos) return "";
  return x.substr(at, x.find("</testcase>", at) - at);
}

TEST(ReportsJunit, LogOfEachTestThatDidNotPassInSystemOut) {
  std::string x = junit_text(every_status_run(), sample_logs());
  std::string fail = junit_case_of(x, "Fail");
  EXPECT_TRUE(has(fail,
                  "<system-out>--- logs/SigA.Fail.log ---\na.cc:3: check failed\n"
                  "&lt;child&gt; &amp; &quot;out&quot;\n?\n"))
      << fail;  // not UTF-8: '?'
  std::string xfail = junit_case_of(x, "Xfail");
  EXPECT_TRUE(has(xfail, "<system-out>XFAIL: known deviation")) << xfail;
  EXPECT_TRUE(has(xfail, "xfail output")) << xfail;
  EXPECT_FALSE(has(junit_case_of(x, "Pass1"), "<system-out>"));
  EXPECT_FALSE(has(junit_case_of(x, "Error"), "<system-out>")) << "no log, no system-out";
}

TEST(ReportsJunit, SuitesCarryHostnameTimestampAndPlatform) {
  RunRecord run = every_status_run();
  run.environment["hostname"] = "ci-runner-7";
  std::string x = junit_text(run);
  const std::string label = "native x86_64, Linux 6.18.44-test, glibc 2.36";
  EXPECT_TRUE(has(x, "<testsuite name=\"signal (" + label + ")\"")) << x;
  // 1795696638 s after the epoch, in UTC.
  EXPECT_TRUE(has(x, "hostname=\"ci-runner-7\" timestamp=\"2026-11-26T12:37:18\">")) << x;
  EXPECT_TRUE(has(x, "<testcase classname=\"" + label + ".SigA\" name=\"Fail\"")) << x;
}

TEST(ReportsJunit, TwoPlatformsNeverShareAClassAndName) {
  // GitLab keeps the first of two cases with one class and name: the
  // failure on qemu must not hide behind the pass on the host.
  RunRecord host = every_status_run(), qemu = every_status_run();
  qemu.environment["emulator"] = "qemu-user";
  std::regex case_re("<testcase classname=\"([^\"]*)\" name=\"([^\"]*)\"");
  std::set<std::string> seen;
  int cases = 0;
  for (const auto& x : {junit_text(host), junit_text(qemu)})
    for (std::sregex_iterator it(x.begin(), x.end(), case_re), end; it != end; ++it, ++cases)
      seen.insert((*it)[1].str() + "#" + (*it)[2].str());
  EXPECT_EQ(cases, 18);
  EXPECT_EQ(seen.size(), 18u);
}

TEST(ReportsHtml, NonPassingTestsLinkTheirLogs) {
  RunRecord run = every_status_run();
  run.results[1].id = "SigA.Fail#1?x";  // characters a URL would misread
  TestLogs logs = {
      {"SigA.Fail#1?x", {{"logs/SigA.Fail#1?x.log", ""}}},
      {"PipeB.Xfail", {{"logs/PipeB.Xfail.0.log", ""}, {"logs/PipeB.Xfail.1.log", ""}}},
      {"SigA.Pass1", {{"logs/SigA.Pass1.log", ""}}}};
  std::string h = html_text(run, logs);
  EXPECT_TRUE(has(h, "<a class=\"log\" href=\"logs/SigA.Fail%231%3Fx.log\">log</a>")) << h;
  EXPECT_TRUE(has(h, "href=\"logs/PipeB.Xfail.0.log\">log 1</a>"));
  EXPECT_TRUE(has(h, "href=\"logs/PipeB.Xfail.1.log\">log 2</a>"));
  EXPECT_FALSE(has(h, "SigA.Pass1.log")) << "a passing test links no log";
  EXPECT_FALSE(has(html_text(every_status_run()), "class=\"log\"")) << "no log, no link";
}

TEST(ReportsLogs, ReadsTheLogsOfTestsThatDidNotPass) {
  char tmpl[] = "/tmp/sigipc-reports-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  ASSERT_EQ(mkdir((dir + "/logs").c_str(), 0755), 0);
  RunRecord run = every_status_run();
  run.results[2].runs = 2;  // SigA.Error, with --repeat 2
  auto put = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/logs/" + name) << text;
  };
  put("SigA.Fail.log", std::string(kLogTextMax + 10, 'x') + "END");
  put("SigA.Error.0.log", "first");
  put("SigA.Error.1.log", "second");
  put("SigA.Pass1.log", "a pass has no log");
  TestLogs logs = read_test_logs(run, dir);
  ASSERT_EQ(logs.size(), 2u);
  ASSERT_EQ(logs["SigA.Fail"].size(), 1u);
  const std::string& fail = logs["SigA.Fail"][0].text;
  EXPECT_EQ(fail.rfind("[first 13 bytes of the log left out]\n", 0), 0u) << fail.substr(0, 80);
  EXPECT_EQ(fail.substr(fail.size() - 3), "END");
  ASSERT_EQ(logs["SigA.Error"].size(), 2u);
  EXPECT_EQ(logs["SigA.Error"][1].file, "logs/SigA.Error.1.log");
  EXPECT_EQ(logs["SigA.Error"][1].text, "second");
  // write_all_reports finds them in the folder it writes to.
  write_all_reports(run, dir);
  std::ifstream j(dir + "/junit.xml");
  std::string x((std::istreambuf_iterator<char>(j)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(has(x, "--- logs/SigA.Error.0.log ---\nfirst")) << x.substr(0, 2000);
  std::string cmd = "rm -rf '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST(ReportsWriteAll, WritesEveryFormat) {
  char tmpl[] = "/tmp/sigipc-reports-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  auto written = write_all_reports(every_status_run(), dir);
  std::vector<std::string> want = {"results.json", "junit.xml",    "report.md",
                                   "report.html",  "results.ktap", "lava.sh",
                                   "result.txt",   "kcidb.json",   "openposix.txt"};
  EXPECT_EQ(written, want);
  for (const auto& f : want) {
    std::string p = dir + "/" + f;
    EXPECT_EQ(access(p.c_str(), R_OK), 0) << p;
    unlink(p.c_str());
  }
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace sigipc

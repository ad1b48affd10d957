// Writers for a finished run, one format per file of reports/ (docs/DESIGN.md
// section 3 gives the status mappings; each writer's comment says how it
// maps the seven statuses). Each *_text function is pure; write_all_reports
// writes them all. Writing throws std::runtime_error naming the file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/result_model.h"

namespace sigipc {

// The output the runner kept of a test that did not pass: DIR/logs/<id>.log
// (<id>.<iteration>.log with --repeat). file is relative to DIR, as the
// reports in DIR link it; text is its end, at most kLogTextMax bytes.
struct TestLog {
  std::string file;
  std::string text;
};
using TestLogs = std::map<std::string, std::vector<TestLog>>;  // by test id
constexpr std::size_t kLogTextMax = 64 * 1024;
// The logs under dir/logs of run's tests that did not pass (none: empty).
TestLogs read_test_logs(const RunRecord& run, const std::string& dir);
// The log file names the runner writes for a test (DIR-relative).
std::vector<std::string> log_files_of(const Result& r);

std::string results_json_text(const RunRecord& run);
// JUnit XML: one <testsuite> per family; FAIL and TIMEOUT as <failure>,
// ERROR and XPASS as <error>, UNSUPPORTED as <skipped message="reason">
// (the reason kept, unlike ctest's --output-junit), XFAIL as a passing case
// with the reason in <system-out>; the log of every test that did not pass
// in its <system-out>. Suites carry hostname and timestamp (the run's start)
// and, like every class name, the platform label: CI servers that merge the
// reports of several platforms (GitLab keeps the first of two cases with the
// same class and name) keep one case per platform.
std::string junit_text(const RunRecord& run, const TestLogs& logs = {});
// Markdown for a person or a pull-request comment: verdict, counts, the
// tests that did not pass (capped so the text stays under GitHub's 65536
// character limit for a comment), environment in one line.
std::string markdown_text(const RunRecord& run);
// One self-contained HTML page (reports/html.cc); each test in logs links
// its log files (relative links, as the page sits in the run's folder).
std::string html_text(const RunRecord& run, const TestLogs& logs = {});
// KTAP version 1, a subtest per family (reports/ktap.cc).
std::string ktap_text(const RunRecord& run);
// LAVA: a script of lava-test-case calls and the plain "NAME RESULT" list
// (reports/lava.cc).
std::string lava_script_text(const RunRecord& run);
std::string lava_results_text(const RunRecord& run);
// KCIDB I/O schema 5 submission holding the tests (reports/kcidb.cc).
std::string kcidb_json_text(const RunRecord& run);
// Open POSIX Test Suite result codes, one test a line (reports/openposix.cc).
std::string openposix_text(const RunRecord& run);
// The plain-text table by family the runner prints at the end of a run.
std::string summary_table(const RunRecord& run);

// Writes every format above into dir (created if needed), with the logs the
// runner kept in dir/logs, and returns the names of the files written, in
// writing order.
std::vector<std::string> write_all_reports(const RunRecord& run, const std::string& dir);

// Writes text to path through a temporary file and rename, so a reader never
// sees a half-written report.
void write_file_atomically(const std::string& path, const std::string& text);

std::string xml_escape(const std::string& s);
// Text for one Markdown table cell: no row or column breaks, no raw HTML
// (GitHub renders tags in comments); cut after max characters.
std::string markdown_cell(const std::string& s, std::size_t max = std::string::npos);
// Text for HTML element content and attribute values alike.
std::string html_escape(const std::string& s);
// An environment value as text ("?" when absent).
std::string env_str(const nlohmann::json& env, const char* key);
// "native x86_64, Linux 6.18.44, glibc 2.36": how a run is named to people
// (emulator or "native", arch, kernel release, libc and version).
std::string platform_label(const nlohmann::json& env);
// Environment values flattened to "key" / "limits.mq_msg_max" paths, in
// key order, values as text.
std::vector<std::pair<std::string, std::string>> flat_environment(const nlohmann::json& env);

}  // namespace sigipc

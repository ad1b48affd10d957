// Writers for a finished run. Each throws std::runtime_error naming the file
// when it cannot be written.
#pragma once

#include <string>

#include "reports/result_model.h"

namespace sigipc {

std::string results_json_text(const RunRecord& run);
// JUnit XML: one <testsuite> per family; FAIL and TIMEOUT as <failure>,
// ERROR and XPASS as <error>, UNSUPPORTED as <skipped message="reason">
// (the reason kept, unlike ctest's --output-junit), XFAIL as a passing case
// with the reason in <system-out>.
std::string junit_text(const RunRecord& run);
// Markdown for a person or a pull-request comment.
std::string markdown_text(const RunRecord& run);
// The plain-text table by family the runner prints at the end of a run.
std::string summary_table(const RunRecord& run);

// Writes results.json, junit.xml and report.md into dir (created if needed).
void write_all_reports(const RunRecord& run, const std::string& dir);

// Writes text to path through a temporary file and rename, so a reader never
// sees a half-written report.
void write_file_atomically(const std::string& path, const std::string& text);

std::string xml_escape(const std::string& s);

}  // namespace sigipc

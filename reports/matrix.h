// Several runs (platforms) side by side, rule by rule: matrix.html and
// matrix.md (sigipc report --matrix).
//
// Two platforms disagree on a rule when their outcomes differ in kind:
// follows the rule (PASS, XPASS), breaks it (FAIL, XFAIL), no verdict
// (ERROR, TIMEOUT) or not available (UNSUPPORTED). XFAIL on one platform and
// FAIL on another is the same behaviour, only listed for one of them, so not
// a disagreement. A platform that did not run a test shows "not run" and is
// left out of the comparison for that row (the row counts as a gap).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/result_model.h"

namespace sigipc {

struct MatrixColumn {
  std::string label;   // from --label, else platform_label(environment)
  std::string source;  // the results file
  RunRecord run;
  // The bench.json measured on the same platform (null: none), drawn in the
  // matrix's performance section (reports/bench_matrix.h).
  nlohmann::json bench;
};

struct MatrixRow {
  std::string id, family, requirement, clause, statement;
  std::vector<std::optional<Status>> cells;  // one per column; none = not run
  std::vector<std::string> messages;
  bool disagree = false;
  bool gap = false;
};

// Rows in first-seen order, disagreements first.
std::vector<MatrixRow> matrix_rows(const std::vector<MatrixColumn>& cols);
std::string matrix_html(const std::vector<MatrixColumn>& cols);
std::string matrix_markdown(const std::vector<MatrixColumn>& cols);

}  // namespace sigipc

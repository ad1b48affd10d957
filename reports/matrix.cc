#include "reports/matrix.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "reports/bench_matrix.h"
#include "reports/html_common.h"
#include "reports/writers.h"

namespace sigipc {

namespace {

enum class Outcome { kFollows, kBreaks, kNoVerdict, kNotAvailable };

Outcome outcome(Status s) {
  switch (s) {
    case Status::kPass:
    case Status::kXpass:
      return Outcome::kFollows;
    case Status::kFail:
    case Status::kXfail:
      return Outcome::kBreaks;
    case Status::kError:
    case Status::kTimeout:
      return Outcome::kNoVerdict;
    case Status::kUnsupported:
    case Status::kSkip:
      return Outcome::kNotAvailable;
  }
  return Outcome::kNoVerdict;
}

// The environment rows shown first, in this order; other keys follow when
// their values differ between the runs.
const std::vector<std::string>& main_keys() {
  static const std::vector<std::string> k = {
      "kernel_release", "arch", "libc",    "libc_version",  "emulator", "isolation",
      "seccomp",        "uid",  "wrapper", "suite_version", "seed"};
  return k;
}

struct EnvTable {
  std::vector<std::string> keys;
  std::vector<std::map<std::string, std::string>> values;  // per column
  std::set<std::string> differing;
};

EnvTable env_table(const std::vector<MatrixColumn>& cols) {
  EnvTable t;
  std::set<std::string> all;
  for (const auto& c : cols) {
    auto flat = flat_environment(c.run.environment);
    t.values.emplace_back(flat.begin(), flat.end());
    for (const auto& kv : flat) all.insert(kv.first);
  }
  for (const auto& k : all) {
    std::set<std::string> seen;
    for (const auto& v : t.values) seen.insert(v.count(k) ? v.at(k) : "");
    if (seen.size() > 1) t.differing.insert(k);
  }
  for (const auto& k : main_keys()) t.keys.push_back(k);
  for (const auto& k : all)
    if (t.differing.count(k) && std::find(t.keys.begin(), t.keys.end(), k) == t.keys.end())
      // Run parameters that change every run are noise here.
      if (k != "started_at" && k != "jobs") t.keys.push_back(k);
  return t;
}

std::string value_or(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? "—" : it->second;
}

std::string md_cell(const std::string& s, std::size_t max = 300) {
  std::string o;
  for (char ch : s) {
    if (o.size() >= max) return o + "...";
    if (ch == '|')
      o += "\\|";
    else if (ch == '\n' || ch == '\r')
      o += ' ';
    else if (ch == '<')
      o += "&lt;";
    else if (ch == '>')
      o += "&gt;";
    else
      o += ch;
  }
  return o;
}

const char* kMatrixCss = R"CSS(
.matrix td.cell{text-align:center;width:8.5em;white-space:nowrap}
.matrix td.cell.nr{color:var(--muted);font-style:italic;font-size:12px}
.matrix tr.disagree{background:#fff3e0}
.matrix tr.disagree td:first-child{border-left:4px solid var(--ERROR)}
.matrix .mark{color:var(--ERROR);font-weight:700}
.matrix th.col{text-align:center;min-width:9em;max-width:14em}
.envm td.diff{background:#fff3e0;font-weight:600}
.envm td{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:12px}
.envm td:first-child{font-family:inherit;color:var(--muted)}
.colbar .bar{min-width:0;height:14px}
.verdict.info{background:#455a64}
)CSS";

const char* kMatrixScript = R"JS(
(function () {
  'use strict';
  document.documentElement.className += ' js';
  var rows = Array.prototype.slice.call(document.getElementById('rules').tBodies[0].rows);
  var only = document.getElementById('only-disagree');
  var family = document.getElementById('family');
  var shown = document.getElementById('shown');
  function apply() {
    var f = family.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var keep = (!only.checked || r.getAttribute('data-d') === '1') && (!f || r.getAttribute('data-f') === f);
      if (r.hidden === keep) r.hidden = !keep;
      if (keep) n++;
    }
    shown.textContent = String(n);
  }
  only.addEventListener('change', apply);
  family.addEventListener('change', apply);
  apply();
  document.body.setAttribute('data-js', 'ready');
})();
)JS";

}  // namespace

std::vector<MatrixRow> matrix_rows(const std::vector<MatrixColumn>& cols) {
  std::vector<MatrixRow> rows;
  std::map<std::string, std::size_t> index;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    for (const auto& r : cols[c].run.results) {
      auto [it, fresh] = index.emplace(r.id, rows.size());
      if (fresh) {
        MatrixRow row;
        row.id = r.id;
        row.family = r.family;
        row.requirement = r.requirement;
        row.clause = r.clause;
        row.statement = r.statement;
        row.cells.resize(cols.size());
        row.messages.resize(cols.size());
        rows.push_back(std::move(row));
      }
      rows[it->second].cells[c] = r.status;
      rows[it->second].messages[c] = r.message;
    }
  }
  for (auto& row : rows) {
    std::set<Outcome> kinds;
    for (const auto& cell : row.cells) {
      if (cell)
        kinds.insert(outcome(*cell));
      else
        row.gap = true;
    }
    row.disagree = kinds.size() > 1;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const MatrixRow& a, const MatrixRow& b) {
    return a.disagree && !b.disagree;
  });
  return rows;
}

std::string matrix_html(const std::vector<MatrixColumn>& cols) {
  auto rows = matrix_rows(cols);
  auto env = env_table(cols);
  int disagree = 0, gaps = 0;
  std::vector<std::string> families;
  for (const auto& r : rows) {
    disagree += r.disagree;
    gaps += r.gap;
    if (std::find(families.begin(), families.end(), r.family) == families.end())
      families.push_back(r.family);
  }
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>sigipc "
       "matrix: "
    << cols.size() << " platforms, " << disagree << " rules disagree</title>\n<style>"
    << report_css() << kMatrixCss << bench_matrix_css() << "</style></head>\n<body>\n<main>\n";
  h << "<header><h1>sigipc platform matrix</h1><span class=\"verdict "
    << (disagree ? "info\">" : "green\">") << disagree << " disagreements</span></header>\n";
  h << "<p class=\"platform\">" << cols.size() << " runs, " << rows.size()
    << " tests; <span id=\"count-disagree\">" << disagree
    << "</span> where platforms disagree (marked ≠, listed first), <span id=\"count-gaps\">" << gaps
    << "</span> not run everywhere. A disagreement is a rule one platform follows and another "
       "breaks, or where one gives no verdict or lacks the feature; FAIL against XFAIL is the same "
       "behaviour and is not one.</p>\n";

  h << "<h2>Platforms</h2>\n<table class=\"envm\" id=\"environment\"><thead><tr><th></th>";
  for (const auto& c : cols) h << "<th class=\"col\">" << html_escape(c.label) << "</th>";
  h << "</tr></thead><tbody>\n<tr><td>results</td>";
  for (const auto& c : cols) {
    auto counts = c.run.counts();
    int total = static_cast<int>(c.run.results.size());
    h << "<td class=\"colbar\"><div class=\"bar\" title=\"";
    for (Status s : all_statuses())
      if (counts[s]) h << counts[s] << " " << status_name(s) << " ";
    h << "\">";
    for (Status s : all_statuses())
      if (counts[s]) {
        char w[32];
        std::snprintf(w, sizeof w, "%.3f%%", total ? 100.0 * counts[s] / total : 0.0);
        h << "<span class=\"seg s-" << status_name(s) << "\" style=\"width:" << w << "\"></span>";
      }
    h << "</div>" << counts[Status::kPass] << " of " << total << " pass";
    for (Status s : all_statuses())
      if (s != Status::kPass && counts[s]) h << ", " << counts[s] << " " << status_name(s);
    h << "</td>";
  }
  h << "</tr>\n<tr><td>file</td>";
  for (const auto& c : cols) h << "<td>" << html_escape(c.source) << "</td>";
  h << "</tr>\n";
  for (const auto& k : env.keys) {
    bool diff = env.differing.count(k) > 0;
    h << "<tr><td>" << html_escape(k) << "</td>";
    for (const auto& v : env.values)
      h << "<td" << (diff ? " class=\"diff\"" : "") << ">" << html_escape(value_or(v, k))
        << "</td>";
    h << "</tr>\n";
  }
  h << "</tbody></table>\n" << bench_matrix_html(cols);

  h << "<h2>Rules</h2>\n<div class=\"filters\"><label><input type=\"checkbox\" "
       "id=\"only-disagree\"> only "
       "disagreements</label><select id=\"family\" aria-label=\"family\"><option value=\"\">all "
       "families</option>";
  for (const auto& f : families)
    h << "<option value=\"" << html_escape(f) << "\">" << html_escape(f) << "</option>";
  h << "</select><span><span id=\"shown\">" << rows.size() << "</span> of " << rows.size()
    << " shown</span></div>\n";
  h << "<table class=\"matrix\" id=\"rules\"><thead><tr><th></th><th>test and rule</th>";
  for (const auto& c : cols) h << "<th class=\"col\">" << html_escape(c.label) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    h << "<tr" << (r.disagree ? " class=\"disagree\"" : "") << " data-d=\"" << (r.disagree ? 1 : 0)
      << "\" data-f=\"" << html_escape(r.family) << "\"><td class=\"mark\">"
      << (r.disagree ? "≠" : "") << "</td><td><code>" << html_escape(r.id)
      << "</code><div class=\"clause\">" << html_escape(r.requirement) << " · "
      << html_escape(r.clause) << "</div></td>";
    for (std::size_t c = 0; c < r.cells.size(); ++c) {
      if (!r.cells[c]) {
        h << "<td class=\"cell nr\">not run</td>";
        continue;
      }
      const char* st = status_name(*r.cells[c]);
      h << "<td class=\"cell\"><span class=\"b s-" << st << "\" title=\""
        << html_escape(r.messages[c]) << "\">" << st << "</span></td>";
    }
    h << "</tr>\n";
  }
  h << "</tbody></table>\n</main>\n<script>" << kMatrixScript << "</script>\n</body></html>\n";
  return h.str();
}

std::string matrix_markdown(const std::vector<MatrixColumn>& cols) {
  auto rows = matrix_rows(cols);
  auto env = env_table(cols);
  int disagree = 0, gaps = 0;
  for (const auto& r : rows) disagree += r.disagree, gaps += r.gap;
  std::ostringstream m;
  m << "# sigipc platform matrix\n\n"
    << cols.size() << " runs, " << rows.size() << " tests, " << disagree
    << " where the platforms disagree (marked ≠, listed first), " << gaps
    << " not run everywhere.\n\n";
  auto header = [&](const char* first) {
    m << "| " << first << " |";
    for (const auto& c : cols) m << " " << md_cell(c.label) << " |";
    m << "\n|---|";
    for (std::size_t i = 0; i < cols.size(); ++i) m << "---|";
    m << "\n";
  };
  header("platform");
  m << "| results |";
  for (const auto& c : cols) {
    auto counts = c.run.counts();
    m << " " << counts[Status::kPass] << "/" << c.run.results.size() << " pass";
    for (Status s : all_statuses())
      if (s != Status::kPass && counts[s]) m << ", " << counts[s] << " " << status_name(s);
    m << " |";
  }
  m << "\n";
  for (const auto& k : env.keys) {
    bool diff = env.differing.count(k) > 0;
    m << "| " << md_cell(k) << " |";
    for (const auto& v : env.values)
      m << " " << (diff ? "**" : "") << md_cell(value_or(v, k)) << (diff ? "**" : "") << " |";
    m << "\n";
  }
  m << "\n" << bench_matrix_markdown(cols) << "## Rules\n\n";
  header("test");
  for (const auto& r : rows) {
    m << "| " << (r.disagree ? "≠ " : "") << "`" << md_cell(r.id) << "` |";
    for (const auto& cell : r.cells) {
      if (!cell)
        m << " _not run_ |";
      else if (r.disagree)
        m << " **" << status_name(*cell) << "** |";
      else
        m << " " << status_name(*cell) << " |";
    }
    m << "\n";
  }
  return m.str();
}

}  // namespace sigipc

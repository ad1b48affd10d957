// report.html: one self-contained page (inline CSS and script, no network,
// no external fonts). Everything a reader needs is static HTML, so the page
// works with scripts off; the script only adds the filters, and touches each
// row once per filter change (a hidden flag), so 1200+ rows stay quick.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "reports/expectations.h"
#include "reports/html_common.h"
#include "reports/writers.h"

namespace sigipc {

namespace {

const char* kCss = R"CSS(
:root{--PASS:#2e7d32;--FAIL:#c62828;--ERROR:#ef6c00;--TIMEOUT:#8e24aa;--UNSUPPORTED:#78909c;
--XFAIL:#0277bd;--XPASS:#f9a825;--SKIP:#b0bec5;--bg:#fafafa;--fg:#1c1c1c;--muted:#666;--line:#e0e0e0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
background:var(--bg);color:var(--fg)}
main{max-width:1400px;margin:0 auto;padding:20px 28px 48px}
h1{font-size:22px;margin:0}h2{font-size:17px;margin:28px 0 10px}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
header{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
.verdict{font-weight:700;color:#fff;padding:4px 14px;border-radius:14px;letter-spacing:.05em}
.verdict.green{background:var(--PASS)}.verdict.red{background:var(--FAIL)}
.platform{color:var(--muted);margin:6px 0 0}
.note{background:#fff3e0;border-left:4px solid var(--ERROR);padding:8px 12px;margin:12px 0}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin-top:18px}
.card{background:#fff;border:1px solid var(--line);border-top:5px solid var(--c,#999);border-radius:6px;
padding:8px 14px;min-width:104px}
.card .n{display:block;font-size:24px;font-weight:700}.card .l{color:var(--muted);font-size:12px}
.card.zero{opacity:.45}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600;position:sticky;top:0;z-index:1}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.fam td{vertical-align:middle}.fam .name{width:10em;font-weight:600}.fam td.barcell{width:42%}
.bar{display:flex;height:20px;border-radius:4px;overflow:hidden;background:#eee;min-width:200px}
.seg{display:block;height:100%}
.legend{display:flex;gap:14px;flex-wrap:wrap;margin:0 0 8px;color:var(--muted);font-size:12px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.b{display:inline-block;color:#fff;font-size:11px;font-weight:700;padding:1px 7px;border-radius:9px;
background:var(--c,#999);white-space:nowrap}
.s-PASS{--c:var(--PASS)}.s-FAIL{--c:var(--FAIL)}.s-ERROR{--c:var(--ERROR)}.s-TIMEOUT{--c:var(--TIMEOUT)}
.s-UNSUPPORTED{--c:var(--UNSUPPORTED)}.s-XFAIL{--c:var(--XFAIL)}.s-XPASS{--c:var(--XPASS)}.s-SKIP{--c:var(--SKIP)}
.seg,.legend i{background:var(--c)}
#tests{table-layout:fixed}#tests th:nth-child(1){width:9.5em}#tests th:nth-child(2){width:27%}
#tests th:nth-child(3){width:19%}#tests th:nth-child(5){width:6.5em}
#tests td{overflow-wrap:break-word}
#tests .stmt{color:var(--muted);font-size:12.5px}
#tests .msg{white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;
font-size:12px}
#tests tr.bad{background:#fff6f6}
.clause{color:var(--muted);font-size:12.5px}
.filters{display:none;gap:12px;flex-wrap:wrap;align-items:center;background:#fff;border:1px solid var(--line);
border-radius:6px;padding:8px 12px;margin-bottom:10px;position:sticky;top:0;z-index:2}
html.js .filters{display:flex}
.filters label{white-space:nowrap;cursor:pointer}
.filters input[type=search]{min-width:16em;padding:3px 6px}
.env td:first-child{width:16em;color:var(--muted)}
a{color:#0d47a1}
#tests .logs{font-family:system-ui,sans-serif;white-space:normal;margin-top:4px}
footer{color:var(--muted);margin-top:30px;font-size:12px}
)CSS";

}  // namespace

const char* report_css() { return kCss; }

namespace {

// Filters: statuses (checkboxes), family (select), free text. Each row's
// lower-cased text is computed once.
const char* kScript = R"JS(
(function () {
  'use strict';
  document.documentElement.className += ' js';
  var table = document.getElementById('tests');
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[data-status]'));
  var family = document.getElementById('family');
  var query = document.getElementById('query');
  var shown = document.getElementById('shown');
  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.getAttribute('data-status')] = b.checked; });
    var f = family.value, q = query.value.trim().toLowerCase(), n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var keep = on[r.getAttribute('data-s')] && (!f || r.getAttribute('data-f') === f) &&
                 (!q || text[i].indexOf(q) >= 0);
      if (r.hidden === keep) r.hidden = !keep;
      if (keep) n++;
    }
    shown.textContent = String(n);
  }
  var timer = 0;
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  family.addEventListener('change', apply);
  query.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  document.getElementById('only-bad').addEventListener('click', function () {
    boxes.forEach(function (b) { b.checked = b.getAttribute('data-bad') === '1'; });
    apply();
  });
  document.getElementById('show-all').addEventListener('click', function () {
    boxes.forEach(function (b) { b.checked = true; });
    family.value = ''; query.value = ''; apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll('a[data-family]'), function (a) {
    a.addEventListener('click', function () { family.value = a.getAttribute('data-family'); apply(); });
  });
  apply();
  document.body.setAttribute('data-js', 'ready');
})();
)JS";

std::string fmt_ms(double ms) {
  char b[32];
  if (ms >= 1000)
    std::snprintf(b, sizeof b, "%.2f s", ms / 1000.0);
  else
    std::snprintf(b, sizeof b, "%.1f ms", ms);
  return b;
}

std::string pct(int part, int whole) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f%%", whole ? 100.0 * part / whole : 0.0);
  return b;
}

int get(const std::map<Status, int>& m, Status s) {
  auto it = m.find(s);
  return it == m.end() ? 0 : it->second;
}

void stacked_bar(std::ostringstream& h, const std::map<Status, int>& counts, int total) {
  h << "<div class=\"bar\" role=\"img\" aria-label=\"";
  bool first = true;
  for (Status s : all_statuses())
    if (get(counts, s)) {
      h << (first ? "" : ", ") << get(counts, s) << " " << status_name(s);
      first = false;
    }
  h << "\">";
  for (Status s : all_statuses()) {
    int n = get(counts, s);
    if (!n) continue;
    h << "<span class=\"seg s-" << status_name(s) << "\" style=\"width:" << pct(n, total)
      << "\" title=\"" << n << " " << status_name(s) << "\"></span>";
  }
  h << "</div>";
}

}  // namespace

namespace {

// A relative link to a file: every byte outside RFC 3986's unreserved set
// and '/' percent-encoded, so a test id is never read as a query or fragment.
std::string href_of(const std::string& file) {
  static const char* hex = "0123456789ABCDEF";
  std::string o;
  for (unsigned char c : file) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      o += static_cast<char>(c);
    } else {
      o += '%';
      o += hex[c >> 4];
      o += hex[c & 15];
    }
  }
  return o;
}

void log_links(std::ostringstream& h, const std::vector<TestLog>& logs) {
  h << "<div class=\"logs\">";
  for (std::size_t i = 0; i < logs.size(); ++i)
    h << "<a class=\"log\" href=\"" << html_escape(href_of(logs[i].file)) << "\">"
      << (logs.size() == 1 ? std::string("log") : "log " + std::to_string(i + 1)) << "</a> ";
  h << "</div>";
}

}  // namespace

std::string html_text(const RunRecord& run, const TestLogs& logs) {
  std::ostringstream h;
  const auto& env = run.environment;
  auto c = run.counts();
  const int total = static_cast<int>(run.results.size());
  const bool green = run.green();
  const std::string platform = platform_label(env);

  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>sigipc "
    << (green ? "green" : "red") << ": " << c[Status::kPass] << "/" << total << " pass — "
    << html_escape(platform) << "</title>\n<style>" << report_css()
    << "</style></head>\n<body>\n<main>\n";

  h << "<header><h1>sigipc conformance report</h1><span class=\"verdict "
    << (green ? "green\">GREEN" : "red\">RED") << "</span></header>\n";
  h << "<p class=\"platform\">" << html_escape(platform) << " · isolation "
    << html_escape(env_str(env, "isolation")) << " · seed " << html_escape(env_str(env, "seed"))
    << " · suite " << html_escape(env_str(env, "suite_version")) << " · " << total << " tests in "
    << fmt_ms(run.wall_ms) << "</p>\n";
  if (run.interrupted)
    h << "<p class=\"note\">The run was interrupted: " << run.not_run_count()
      << " tests did not run or did not finish.</p>\n";

  h << "<section class=\"cards\" id=\"summary\">\n";
  for (Status s : all_statuses())
    h << "<div class=\"card s-" << status_name(s) << (c[s] ? "" : " zero")
      << "\"><span class=\"n\" id=\"count-" << status_name(s) << "\">" << c[s]
      << "</span><span class=\"l\">" << status_name(s) << "</span></div>\n";
  h << "<div class=\"card\"><span class=\"n\" id=\"count-total\">" << total
    << "</span><span class=\"l\">total</span></div>\n</section>\n";

  // Families: a stacked bar each, and the counts beside it.
  h << "<h2>By family</h2>\n<div class=\"legend\">";
  for (Status s : all_statuses())
    h << "<span><i class=\"s-" << status_name(s) << "\"></i>" << status_name(s) << "</span>";
  h << "</div>\n<table class=\"fam\" id=\"families\"><thead><tr><th>family</th><th>results</th>"
       "<th class=\"num\">tests</th>";
  for (Status s : all_statuses()) h << "<th class=\"num\">" << status_name(s) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const auto& [family, fc] : run.by_family()) {
    int n = 0;
    for (Status s : all_statuses()) n += get(fc, s);
    h << "<tr data-f=\"" << html_escape(family)
      << "\"><td class=\"name\"><a href=\"#tests\" data-family=\"" << html_escape(family) << "\">"
      << html_escape(family) << "</a></td><td class=\"barcell\">";
    stacked_bar(h, fc, n);
    h << "</td><td class=\"num\">" << n << "</td>";
    for (Status s : all_statuses())
      h << "<td class=\"num\">" << (get(fc, s) ? std::to_string(get(fc, s)) : "") << "</td>";
    h << "</tr>\n";
  }
  h << "</tbody></table>\n";

  if (!run.expectation_files.empty() || !run.stale_expectations.empty()) {
    h << "<h2>Expectations</h2>\n<p>Applied: ";
    for (std::size_t i = 0; i < run.expectation_files.size(); ++i)
      h << (i ? ", " : "") << "<code>" << html_escape(run.expectation_files[i]) << "</code>";
    h << "</p>\n";
    if (!run.stale_expectations.empty()) {
      h << "<p class=\"note\">Stale entries:</p><ul>\n";
      for (const auto& s : run.stale_expectations)
        h << "<li><code>" << html_escape(s) << "</code></li>\n";
      h << "</ul>\n";
    }
  }

  auto deviations = deviations_seen(run);
  if (!deviations.empty()) {
    h << "<h2>Known deviations</h2>\n<table><thead><tr><th>deviation</th><th>why</th>"
         "<th>tests</th></tr></thead><tbody>\n";
    for (const auto& d : deviations) {
      h << "<tr><td><code>" << html_escape(d.id) << "</code></td><td>" << html_escape(d.why)
        << "</td><td>";
      for (std::size_t i = 0; i < d.tests.size(); ++i)
        h << (i ? ", " : "") << "<code>" << html_escape(d.tests[i]) << "</code>";
      h << "</td></tr>\n";
    }
    h << "</tbody></table>\n";
  }

  // Every test: those that make the run red first, then the other
  // non-passing ones, then the passes, each group in run order.
  std::vector<const Result*> order;
  for (const auto& r : run.results) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const Result* a, const Result* b) {
    auto rank = [](const Result* r) {
      return is_bad(r->status) ? 0 : r->status == Status::kPass ? 2 : 1;
    };
    return rank(a) < rank(b);
  });
  h << "<h2 id=\"tests-title\">Tests</h2>\n<div class=\"filters\" id=\"filters\">";
  for (Status s : all_statuses())
    h << "<label class=\"s-" << status_name(s)
      << "\"><input type=\"checkbox\" checked data-status=\"" << status_name(s) << "\" data-bad=\""
      << (is_bad(s) ? 1 : 0) << "\"> <span class=\"b\">" << status_name(s) << "</span> " << c[s]
      << "</label>";
  h << "<select id=\"family\" aria-label=\"family\"><option value=\"\">all families</option>";
  for (const auto& [family, fc] : run.by_family())
    h << "<option value=\"" << html_escape(family) << "\">" << html_escape(family) << "</option>";
  h << "</select><input type=\"search\" id=\"query\" placeholder=\"search id, rule, clause, "
       "message\" "
       "aria-label=\"search\"><button type=\"button\" id=\"only-bad\">only red</button>"
       "<button type=\"button\" id=\"show-all\">all</button><span><span id=\"shown\">"
    << total << "</span> of " << total << " shown</span></div>\n";
  h << "<table id=\"tests\"><thead><tr><th>status</th><th>test and statement</th><th>rule and "
       "clause</th>"
       "<th>message</th><th class=\"num\">time</th></tr></thead><tbody>\n";
  for (const Result* r : order) {
    const char* st = status_name(r->status);
    h << "<tr class=\"s-" << st << (is_bad(r->status) ? " bad" : "") << "\" data-s=\"" << st
      << "\" data-f=\"" << html_escape(r->family) << "\"><td class=\"st\"><span class=\"b\">" << st
      << "</span>";
    if (r->runs > 1) {
      h << "<div class=\"clause\">";
      for (const auto& [name, n] : r->run_counts) h << html_escape(name) << "&nbsp;" << n << " ";
      h << "of " << r->runs << "</div>";
    }
    h << "</td><td><code>" << html_escape(r->id) << "</code><div class=\"stmt\">"
      << html_escape(r->statement) << "</div></td><td class=\"rule\"><code>"
      << html_escape(r->requirement) << "</code><div class=\"clause\">" << html_escape(r->clause)
      << "</div></td><td class=\"msg\">" << html_escape(r->message);
    auto log = logs.find(r->id);
    if (r->status != Status::kPass && log != logs.end()) log_links(h, log->second);
    h << "</td><td class=\"num dur\">" << fmt_ms(r->duration_ms) << "</td></tr>\n";
  }
  h << "</tbody></table>\n";

  h << "<h2>Environment</h2>\n<table class=\"env\" id=\"environment\"><tbody>\n";
  for (const auto& [k, v] : flat_environment(env))
    h << "<tr><td>" << html_escape(k) << "</td><td class=\"mono\">" << html_escape(v)
      << "</td></tr>\n";
  h << "</tbody></table>\n";
  h << "<footer>sigipc " << html_escape(env_str(env, "suite_version"))
    << " · statuses: PASS follows the rule; FAIL breaks it; ERROR the test itself broke; TIMEOUT "
       "no "
       "result in time; UNSUPPORTED not available here (reason given); XFAIL a listed known "
       "deviation; XPASS a listed deviation that no longer happens.</footer>\n";
  h << "</main>\n<script>" << kScript << "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace sigipc

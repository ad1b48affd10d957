// bench.html: one self-contained page (inline CSS, SVG and a few lines of
// script; no network, no external fonts). Every plot is static SVG written
// here, so the page reads the same with scripts off; the script only records
// what was drawn (svg_plot_script) for the headless-browser check.
#include "reports/bench_html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

#include "reports/bench_doc.h"
#include "reports/html_common.h"
#include "reports/svg_plot.h"
#include "reports/writers.h"

namespace sigipc {

namespace {

using nlohmann::json;

// What only this page draws; the plots' own style is svg_plot_css().
const char* kBenchCss = R"CSS(
.t-process{--c:#1e88e5}.t-thread{--c:#fb8c00}
.m-p50{--c:#2e7d32}.m-p99{--c:#c62828}.m-p999{--c:#6a1b9a}.m-pipebuf{--c:#78909c}
.hists{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px}
figure{margin:0}figcaption{font-size:12.5px;color:var(--muted);margin:4px 2px}
figcaption b{color:var(--fg)}
.emulated{font-size:15px;font-weight:600}
.verdict.grey{background:#78909c}.holds{--c:var(--PASS)}.fails{--c:var(--FAIL)}.unsure{--c:#78909c}
)CSS";

std::string str(const json& obj, const char* key, const std::string& dflt = "") {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : dflt;
}

// min and max of summary[metric] (or of summary), the median when absent.
std::pair<double, double> spread(const json& row, const std::string& metric = "") {
  double med = bench_median(row, metric);
  const json& s = metric.empty() ? row.at("summary") : row.at("summary").at(metric);
  auto num = [&](const char* k) {
    return s.contains(k) && s[k].is_number() ? s[k].get<double>() : med;
  };
  return {num("min"), num("max")};
}

std::string row_title(const json& r) {
  std::ostringstream t;
  t << str(r, "mechanism") << ", " << str(r, "topology", "process") << ": ";
  for (const char* m : {"p50", "p99", "p999"}) {
    auto [lo, hi] = spread(r, m);
    t << (m[1] == '5' ? "" : "; ") << (std::string(m) == "p999" ? "p99.9" : m) << " "
      << fmt_ns(bench_median(r, m)) << " (" << fmt_ns(lo) << " to " << fmt_ns(hi) << ")";
  }
  if (r.contains("runs") && r["runs"].is_array()) t << " over " << r["runs"].size() << " runs";
  return t.str();
}

std::vector<std::string> mechanisms_of(const json& rows) {
  std::vector<std::string> v;
  for (const auto& r : rows)
    if (std::find(v.begin(), v.end(), str(r, "mechanism")) == v.end())
      v.push_back(str(r, "mechanism"));
  return v;
}

void header(std::ostringstream& h, const json& doc) {
  const json env = doc.value("environment", json::object());
  h << "<header><h1>sigipc bench</h1>";
  if (doc.contains("baseline") && doc["baseline"].is_object()) {
    std::string v = str(doc["baseline"], "verdict", "cannot-tell");
    const char* cls = v == "pass" ? "green" : v == "regression" ? "red" : "grey";
    h << "<span class=\"verdict " << cls
      << "\" id=\"baseline-verdict\">baseline: " << html_escape(v) << "</span>";
  }
  h << "</header>\n<p class=\"platform\">" << html_escape(platform_label(env)) << "; "
    << bench_rows(doc, "latency").size() << " latency rows, "
    << bench_rows(doc, "throughput").size() << " throughput rows</p>\n";
  if (bench_emulated(doc)) {
    std::string emu = bench_emulator(doc);
    h << "<p class=\"note emulated\" id=\"emulated\">Emulated platform" << (emu.empty() ? "" : " (")
      << html_escape(emu) << (emu.empty() ? "" : ")")
      << ": do not compare absolute times with native. Compare mechanisms with each other "
         "here, or ratios to native in the platform matrix.</p>\n";
  }
}

void latency_summary_plot(std::ostringstream& h, const json& rows) {
  auto mechs = mechanisms_of(rows);
  double lo = 1e300, hi = 0;
  for (const auto& r : rows) {
    lo = std::min(lo, bench_median(r, "p50"));
    hi = std::max(hi, std::max(bench_median(r, "p999"), spread(r, "p99").second));
  }
  const double n = static_cast<double>(mechs.size());
  PlotAxis x(lo / 2, hi * 1.5, true, "round trip (log scale); bar p50, whisker to p99, dot p99.9");
  x.format = fmt_ns;
  PlotAxis y(0, n, false, "");
  for (std::size_t i = 0; i < mechs.size(); ++i) y.ticks.emplace_back(n - i - 0.5, mechs[i]);
  SvgPlot plot(PlotBox{820, static_cast<int>(26 * n) + 52, 130, 16, 10, 40}, x, y);
  for (const auto& r : rows) {
    std::size_t i = std::find(mechs.begin(), mechs.end(), str(r, "mechanism")) - mechs.begin();
    bool thread = str(r, "topology") == "thread";
    double top = n - i - (thread ? 0.5 : 0.1), bottom = top - 0.4;
    std::string cls = thread ? "t-thread" : "t-process", title = row_title(r);
    plot.row_bar(bottom, top, bench_median(r, "p50"), "pbar " + cls, title);
    plot.whisker((top + bottom) / 2, bench_median(r, "p50"), bench_median(r, "p99"), true,
                 "whisker " + cls, title);
    plot.point(bench_median(r, "p999"), (top + bottom) / 2, "pt " + cls, title);
  }
  h << "<div class=\"legend\"><span><i class=\"sw t-process\"></i>"
       "two processes</span><span><i class=\"sw t-thread\"></i>two "
       "threads of one process</span></div>\n"
    << plot.svg("latency-summary", "round-trip latency per mechanism",
                "data-rows=\"" + std::to_string(rows.size()) + "\"")
    << "\n";
}

void latency_table(std::ostringstream& h, const json& rows) {
  h << "<table id=\"latency\"><thead><tr><th>mechanism</th><th>between</th><th class=\"num\">"
       "p50</th><th class=\"num\">p99</th><th class=\"num\">p99.9</th><th class=\"num\">max</th>"
       "<th class=\"num\">p50 over the repeats</th><th class=\"num\">repeats</th></tr></thead>"
       "<tbody>\n";
  for (const auto& r : rows) {
    auto [lo, hi] = spread(r, "p50");
    h << "<tr><td><code>" << html_escape(str(r, "mechanism")) << "</code></td><td>"
      << html_escape(str(r, "topology") == "thread" ? "threads" : "processes") << "</td>";
    for (const char* m : {"p50", "p99", "p999", "max"}) {
      double v = bench_median(r, m);
      h << "<td class=\"num\">" << (v < 0 ? "—" : fmt_ns(v)) << "</td>";
    }
    std::size_t runs = r.contains("runs") && r["runs"].is_array() ? r["runs"].size() : 0;
    h << "<td class=\"num\">" << fmt_ns(lo) << " – " << fmt_ns(hi) << "</td><td class=\"num\">"
      << runs << "</td></tr>\n";
  }
  h << "</tbody></table>\n";
}

void histogram_figure(std::ostringstream& h, const json& r) {
  const json& edges = r["histogram"]["edges_ns"];
  const json& counts = r["histogram"]["counts"];
  double total = 0;
  std::size_t first = counts.size(), last = 0, bars = 0;
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (counts[i].get<double>() > 0) {
      total += counts[i].get<double>();
      first = std::min(first, i), last = i, ++bars;
    }
  double peak = 0;
  for (const auto& c : counts) peak = std::max(peak, c.get<double>() * 100 / std::max(total, 1.0));
  if (bars == 0) first = 0, last = counts.size() - 1;
  PlotAxis x(edges[first].get<double>(), edges[last + 1].get<double>(), true, "round trip");
  x.format = fmt_ns;
  PlotAxis y(0, std::max(peak * 1.15, 1.0), false, "% of samples");
  SvgPlot plot(PlotBox{400, 190, 44, 10, 34, 36}, x, y);
  std::string cls = str(r, "topology") == "thread" ? "pbar t-thread" : "pbar t-process";
  for (std::size_t i = first; i <= last && bars; ++i) {
    double c = counts[i].get<double>();
    if (c <= 0) continue;
    plot.column(edges[i].get<double>(), edges[i + 1].get<double>(), c * 100 / total, cls,
                fmt_ns(edges[i].get<double>()) + " – " + fmt_ns(edges[i + 1].get<double>()) + ": " +
                    fmt_count(c) + " samples");
  }
  int row = 0;
  for (const char* m : {"p50", "p99", "p999"})
    plot.marker(bench_median(r, m), std::string(m) == "p999" ? "p99.9" : m,
                std::string("marker m-") + m, row++);
  h << "<figure>"
    << plot.svg("histogram", row_title(r),
                "data-mechanism=\"" + xml_escape(str(r, "mechanism")) + "\" data-topology=\"" +
                    xml_escape(str(r, "topology")) + "\" data-bars=\"" + std::to_string(bars) +
                    "\"")
    << "<figcaption><b>" << html_escape(str(r, "mechanism")) << "</b>, "
    << (str(r, "topology") == "thread" ? "threads" : "processes") << ": p50 "
    << fmt_ns(bench_median(r, "p50")) << ", p99 " << fmt_ns(bench_median(r, "p99")) << ", p99.9 "
    << fmt_ns(bench_median(r, "p999")) << "; " << fmt_count(total)
    << " samples, all repeats</figcaption></figure>\n";
}

void histograms(std::ostringstream& h, const json& rows) {
  h << "<div class=\"hists\">\n";
  for (const auto& r : rows)
    if (r.contains("histogram")) histogram_figure(h, r);
  h << "</div>\n";
}

std::map<std::string, std::vector<const json*>> throughput_series(const json& rows) {
  std::map<std::string, std::vector<const json*>> s;
  for (const auto& r : rows) s[str(r, "mechanism")].push_back(&r);
  for (auto& kv : s)
    std::sort(kv.second.begin(), kv.second.end(), [](const json* a, const json* b) {
      return a->at("size").get<double>() < b->at("size").get<double>();
    });
  return s;
}

void throughput_plot(std::ostringstream& h, const json& rows, double pipe_buf) {
  auto series = throughput_series(rows);
  double xlo = 1e300, xhi = 0, ylo = 1e300, yhi = 0;
  for (const auto& r : rows) {
    auto [lo, hi] = spread(r);
    xlo = std::min(xlo, r["size"].get<double>()), xhi = std::max(xhi, r["size"].get<double>());
    ylo = std::min(ylo, lo), yhi = std::max(yhi, hi);
  }
  PlotAxis x(xlo / 1.5, xhi * 1.5, true, "message size (log scale)");
  // The sizes measured (powers of two, mostly) rather than decades of bytes.
  for (const auto& r : rows) {
    double s = r["size"].get<double>();
    if (std::none_of(x.ticks.begin(), x.ticks.end(), [&](const auto& t) { return t.first == s; }))
      x.ticks.emplace_back(s, fmt_bytes(s));
  }
  PlotAxis y(std::max(ylo, 1.0) / 1.5, yhi * 1.5, true, "throughput (log)");
  y.format = fmt_rate;
  SvgPlot plot(PlotBox{820, 340, 70, 16, 14, 40}, x, y);
  if (pipe_buf >= xlo && pipe_buf <= xhi) plot.marker(pipe_buf, "PIPE_BUF", "marker m-pipebuf");
  h << "<div class=\"legend\">";
  int c = 0;
  for (const auto& [mech, pts] : series) {
    std::string cls = "c" + std::to_string(c++ % 8);
    std::vector<std::pair<double, double>> line;
    for (const json* r : pts) {
      double size = r->at("size").get<double>(), med = bench_median(*r);
      auto [lo, hi] = spread(*r);
      std::string title = mech + ", " + fmt_bytes(size) + ": " + fmt_rate(med) + " (" +
                          fmt_rate(lo) + " to " + fmt_rate(hi) + ")";
      line.emplace_back(size, med);
      plot.whisker(size, lo, hi, false, "whisker " + cls, title);
      plot.point(size, med, "pt " + cls, title);
    }
    plot.polyline(line, "series " + cls);
    h << "<span><i class=\"sw " << cls << "\"></i>" << html_escape(mech) << "</span>";
  }
  h << "</div>\n"
    << plot.svg("throughput", "throughput against message size",
                "data-series=\"" + std::to_string(series.size()) + "\" data-points=\"" +
                    std::to_string(rows.size()) + "\"")
    << "\n";
}

void throughput_table(std::ostringstream& h, const json& rows) {
  std::vector<double> sizes;
  for (const auto& r : rows)
    if (std::find(sizes.begin(), sizes.end(), r["size"].get<double>()) == sizes.end())
      sizes.push_back(r["size"].get<double>());
  std::sort(sizes.begin(), sizes.end());
  h << "<table id=\"throughput\"><thead><tr><th>mechanism</th>";
  for (double s : sizes) h << "<th class=\"num\">" << fmt_bytes(s) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const auto& [mech, pts] : throughput_series(rows)) {
    h << "<tr><td><code>" << html_escape(mech) << "</code></td>";
    for (double s : sizes) {
      auto it = std::find_if(pts.begin(), pts.end(),
                             [&](const json* r) { return r->at("size").get<double>() == s; });
      h << "<td class=\"num\">" << (it == pts.end() ? "—" : fmt_rate(bench_median(**it)))
        << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</tbody></table>\n";
}

void observations(std::ostringstream& h, const json& rows) {
  h << "<table id=\"observations\"><thead><tr><th>the chapter's claim</th><th>measured here</th>"
       "<th>verdict</th></tr></thead><tbody>\n";
  for (const auto& o : rows) {
    const json holds = o.value("holds", json());
    const char* cls = holds.is_boolean() ? (holds.get<bool>() ? "holds" : "fails") : "unsure";
    const char* text =
        holds.is_boolean() ? (holds.get<bool>() ? "holds" : "does not hold") : "cannot tell";
    h << "<tr><td>" << html_escape(str(o, "claim")) << "</td><td>"
      << html_escape(str(o, "measured")) << "</td><td><span class=\"b " << cls << "\">" << text
      << "</span></td></tr>\n";
  }
  h << "</tbody></table>\n";
}

std::string baseline_value(const json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_number()) return "—";
  return str(row, "metric") == "throughput" ? fmt_rate(it->get<double>())
                                            : fmt_ns(it->get<double>());
}

void baseline(std::ostringstream& h, const json& b) {
  h << "<p>Against <code>" << html_escape(str(b, "file")) << "</code>: <b>"
    << html_escape(str(b, "verdict")) << "</b></p>\n<table id=\"baseline\"><thead><tr>"
    << "<th>mechanism</th><th>between</th><th>size</th><th>metric</th><th class=\"num\">"
       "baseline</th><th class=\"num\">now</th><th class=\"num\">ratio (95% CI)</th>"
       "<th>verdict</th></tr></thead><tbody>\n";
  for (const auto& r : b.value("rows", json::array())) {
    char ratio[96] = "—";
    if (r.contains("ratio") && r["ratio"].is_number()) {
      std::snprintf(ratio, sizeof ratio, "%.3f", r["ratio"].get<double>());
      const json ci = r.value("ci95", json());
      if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number())
        std::snprintf(ratio, sizeof ratio, "%.3f (%.3f – %.3f)", r["ratio"].get<double>(),
                      ci[0].get<double>(), ci[1].get<double>());
    }
    std::string v = str(r, "verdict");
    const char* cls = v == "pass" ? "holds" : v == "regression" ? "fails" : "unsure";
    h << "<tr><td><code>" << html_escape(str(r, "mechanism")) << "</code></td><td>"
      << html_escape(str(r, "topology")) << "</td><td>"
      << (r.contains("size") && r["size"].is_number() ? fmt_bytes(r["size"].get<double>()) : "")
      << "</td><td>" << html_escape(str(r, "metric")) << "</td><td class=\"num\">"
      << baseline_value(r, "baseline") << "</td><td class=\"num\">" << baseline_value(r, "current")
      << "</td><td class=\"num\">" << ratio << "</td><td><span class=\"b " << cls << "\">"
      << html_escape(v) << "</span></td></tr>\n";
  }
  h << "</tbody></table>\n";
}

void unsupported(std::ostringstream& h, const json& rows) {
  h << "<table id=\"unsupported\"><thead><tr><th>mechanism</th><th>between</th><th>size</th>"
       "<th>reason</th></tr></thead><tbody>\n";
  for (const auto& u : rows) {
    auto size = u.find("size");
    h << "<tr><td><code>" << html_escape(str(u, "mechanism")) << "</code></td><td>"
      << html_escape(str(u, "topology")) << "</td><td>"
      << (size != u.end() && size->is_number() ? fmt_bytes(size->get<double>()) : "") << "</td><td>"
      << html_escape(str(u, "reason")) << "</td></tr>\n";
  }
  h << "</tbody></table>\n";
}

void environment(std::ostringstream& h, const json& doc) {
  h << "<table class=\"env\" id=\"environment\"><tbody>\n";
  for (const char* block : {"environment", "config"})
    for (const auto& [k, v] : flat_environment(doc.value(block, json::object())))
      h << "<tr><td>" << (std::string(block) == "config" ? "config." : "") << html_escape(k)
        << "</td><td><code>" << html_escape(v) << "</code></td></tr>\n";
  h << "</tbody></table>\n";
}

void sections(std::ostringstream& h, const json& doc) {
  const json& lat = bench_rows(doc, "latency");
  const json& tp = bench_rows(doc, "throughput");
  if (doc.contains("baseline") && doc["baseline"].is_object()) {
    h << "<h2>Against the baseline</h2>\n";
    baseline(h, doc["baseline"]);
  }
  if (!bench_rows(doc, "observations").empty()) {
    h << "<h2>The chapter's claims, measured</h2>\n";
    observations(h, bench_rows(doc, "observations"));
  }
  if (!lat.empty()) {
    h << "<h2>Round-trip latency</h2>\n";
    latency_summary_plot(h, lat);
    latency_table(h, lat);
    h << "<h2>Latency distributions</h2>\n<p class=\"platform\">All repeats pooled, log-spaced "
         "bins; the lines mark the medians over the repeats of p50, p99 and p99.9.</p>\n";
    histograms(h, lat);
  }
  if (!tp.empty()) {
    h << "<h2>Throughput against message size</h2>\n<p class=\"platform\">Median over the "
         "repeats; the bars span the slowest to the fastest repeat.</p>\n";
    throughput_plot(h, tp, bench_pipe_buf(doc));
    throughput_table(h, tp);
  }
  if (!bench_rows(doc, "unsupported").empty()) {
    h << "<h2>Not measured on this platform</h2>\n";
    unsupported(h, bench_rows(doc, "unsupported"));
  }
  h << "<h2>Environment</h2>\n";
  environment(h, doc);
}

}  // namespace

std::string bench_html_text(const nlohmann::json& doc) {
  check_bench_doc(doc);
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>sigipc bench: "
    << html_escape(platform_label(doc.value("environment", json::object()))) << "</title>\n<style>"
    << report_css() << svg_plot_css() << kBenchCss << "</style></head>\n<body>\n<main>\n";
  header(h, doc);
  sections(h, doc);
  h << "<footer>Written by sigipc from bench.json (schema sigipc-bench/1).</footer>\n</main>\n"
    << "<script>" << svg_plot_script()
    << "document.body.setAttribute('data-js', 'ready');</script>\n</body></html>\n";
  return h.str();
}

}  // namespace sigipc

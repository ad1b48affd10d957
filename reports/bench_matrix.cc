#include "reports/bench_matrix.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "reports/bench_doc.h"
#include "reports/svg_plot.h"
#include "reports/writers.h"

namespace sigipc {

namespace {

using nlohmann::json;

struct Key {
  std::string mechanism, topology;
  bool operator==(const Key& o) const { return mechanism == o.mechanism && topology == o.topology; }
};

// What the section lays out: the columns that have a bench, the rows every
// table shares, the reference column.
struct Grid {
  std::vector<std::size_t> cols;  // indices into the matrix's columns
  std::vector<Key> latency;       // first-seen order over the columns
  std::vector<std::string> tp_mechanisms;
  std::vector<double> sizes;  // smallest, PIPE_BUF, largest: those measured
  int ref = -1;
};

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

Key key_of(const json& row) {
  std::string t = str(row, "topology");
  return {str(row, "mechanism"), t.empty() ? "process" : t};
}

const json* latency_row(const json& doc, const Key& k) {
  for (const auto& r : bench_rows(doc, "latency"))
    if (key_of(r) == k) return &r;
  return nullptr;
}

const json* throughput_row(const json& doc, const std::string& mech, double size) {
  for (const auto& r : bench_rows(doc, "throughput"))
    if (str(r, "mechanism") == mech && r["size"].get<double>() == size) return &r;
  return nullptr;
}

// The reason a platform gave for not measuring k (at size, for
// throughput; latency rows have none), "" when it gave none.
std::string unsupported_reason(const json& doc, const Key& k, double size = 0) {
  for (const auto& u : bench_rows(doc, "unsupported")) {
    auto s = u.find("size");
    double at = s != u.end() && s->is_number() ? s->get<double>() : 0;
    if (str(u, "mechanism") != k.mechanism || at != size) continue;
    if (!str(u, "topology").empty() && str(u, "topology") != k.topology) continue;
    std::string r = str(u, "reason");
    return r.empty() ? "unsupported" : r;
  }
  return "";
}

std::vector<double> shown_sizes(std::vector<double> all, double pipe_buf) {
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (all.size() <= 3) return all;
  std::vector<double> v{all.front()};
  if (std::find(all.begin(), all.end(), pipe_buf) != all.end()) v.push_back(pipe_buf);
  if (v.back() != all.back()) v.push_back(all.back());
  return v;
}

Grid grid_of(const std::vector<MatrixColumn>& cols) {
  Grid g;
  std::vector<double> sizes;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].bench.is_null()) continue;
    g.cols.push_back(c);
    for (const auto& r : bench_rows(cols[c].bench, "latency"))
      if (std::find(g.latency.begin(), g.latency.end(), key_of(r)) == g.latency.end())
        g.latency.push_back(key_of(r));
    for (const auto& r : bench_rows(cols[c].bench, "throughput")) {
      sizes.push_back(r["size"].get<double>());
      if (std::find(g.tp_mechanisms.begin(), g.tp_mechanisms.end(), str(r, "mechanism")) ==
          g.tp_mechanisms.end())
        g.tp_mechanisms.push_back(str(r, "mechanism"));
    }
  }
  g.ref = bench_reference(cols);
  if (!g.cols.empty())
    g.sizes = shown_sizes(sizes, bench_pipe_buf(cols[g.ref >= 0 ? g.ref : g.cols[0]].bench));
  return g;
}

std::string ratio_text(double v, double ref) {
  if (v <= 0 || ref <= 0) return "—";
  char b[32];
  double r = v / ref;
  std::snprintf(b, sizeof b, r >= 10 ? "×%.0f" : r >= 0.1 ? "×%.2f" : "×%.2g", r);
  return b;
}

std::string col_title(const MatrixColumn& c) {
  return bench_emulated(c.bench) ? c.label + " (emulated)" : c.label;
}

// One platform's latency figures for k: p50, p99, ratio of p50 to the
// reference's. Empty when the platform has no row for k.
struct LatencyCell {
  bool present = false;
  double p50 = -1, p99 = -1;
  std::string ratio, missing;
};

LatencyCell latency_cell(const std::vector<MatrixColumn>& cols, const Grid& g, std::size_t c,
                         const Key& k) {
  LatencyCell cell;
  const json* r = latency_row(cols[c].bench, k);
  if (!r) {
    cell.missing = unsupported_reason(cols[c].bench, k);
    return cell;
  }
  cell.present = true;
  cell.p50 = bench_median(*r, "p50");
  cell.p99 = bench_median(*r, "p99");
  const json* ref = g.ref >= 0 ? latency_row(cols[g.ref].bench, k) : nullptr;
  cell.ratio = static_cast<int>(c) == g.ref ? "ref"
               : ref                        ? ratio_text(cell.p50, bench_median(*ref, "p50"))
                                            : "—";
  return cell;
}

std::string key_label(const Key& k) {
  return k.topology == "thread" ? k.mechanism + ", threads" : k.mechanism;
}

const char* kEmulatedTitle = "emulated: do not compare absolute times with native";

void html_head_row(std::ostringstream& h, const std::vector<MatrixColumn>& cols, const Grid& g,
                   int span, const char* sub) {
  h << "<thead><tr><th rowspan=\"2\">mechanism</th>";
  for (std::size_t c : g.cols) {
    bool emu = bench_emulated(cols[c].bench);
    h << "<th class=\"col" << (emu ? " emu" : "") << "\" colspan=\"" << span
      << "\" data-emulated=\"" << (emu ? 1 : 0) << "\"" << (emu ? " title=\"" : "")
      << (emu ? kEmulatedTitle : "") << (emu ? "\"" : "") << ">" << html_escape(cols[c].label)
      << (emu ? " <span class=\"b emu-b\">emulated</span>" : "") << "</th>";
  }
  h << "</tr><tr>";
  for (std::size_t i = 0; i < g.cols.size(); ++i) h << sub;
  h << "</tr></thead>";
}

void html_latency(std::ostringstream& h, const std::vector<MatrixColumn>& cols, const Grid& g) {
  h << "<table class=\"benchm\" id=\"bench-latency\">";
  html_head_row(h, cols, g, 3,
                "<th class=\"num\">p50</th><th class=\"num\">p99</th><th class=\"num\">p50 × "
                "ref</th>");
  h << "<tbody>\n";
  for (const auto& k : g.latency) {
    h << "<tr data-mechanism=\"" << html_escape(k.mechanism) << "\" data-topology=\""
      << html_escape(k.topology) << "\"><td><code>" << html_escape(key_label(k)) << "</code></td>";
    for (std::size_t c : g.cols) {
      LatencyCell cell = latency_cell(cols, g, c, k);
      bool emu = bench_emulated(cols[c].bench);
      if (!cell.present) {
        h << "<td colspan=\"3\" class=\"nr\"" << (cell.missing.empty() ? "" : " title=\"")
          << html_escape(cell.missing) << (cell.missing.empty() ? ">—" : "\">unsupported")
          << "</td>";
        continue;
      }
      const char* cls = emu ? "num emu\" title=\"" : "num";
      h << "<td class=\"" << cls << (emu ? kEmulatedTitle : "") << "\">" << fmt_ns(cell.p50)
        << "</td><td class=\"" << cls << (emu ? kEmulatedTitle : "") << "\">" << fmt_ns(cell.p99)
        << "</td><td class=\"num ratio\">" << cell.ratio << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</tbody></table>\n";
}

void html_throughput(std::ostringstream& h, const std::vector<MatrixColumn>& cols, const Grid& g) {
  h << "<table class=\"benchm\" id=\"bench-throughput\">";
  std::string sub;
  for (double s : g.sizes) sub += "<th class=\"num\">" + fmt_bytes(s) + "</th>";
  html_head_row(h, cols, g, static_cast<int>(g.sizes.size()), sub.c_str());
  h << "<tbody>\n";
  for (const auto& m : g.tp_mechanisms) {
    h << "<tr data-mechanism=\"" << html_escape(m) << "\"><td><code>" << html_escape(m)
      << "</code></td>";
    for (std::size_t c : g.cols)
      for (double s : g.sizes) {
        const json* r = throughput_row(cols[c].bench, m, s);
        const json* ref = g.ref >= 0 ? throughput_row(cols[g.ref].bench, m, s) : nullptr;
        if (!r) {
          std::string why = unsupported_reason(cols[c].bench, {m, "process"}, s);
          h << "<td class=\"nr\" title=\"" << html_escape(why) << "\">"
            << (why.empty() ? "—" : "unsupported") << "</td>";
          continue;
        }
        h << "<td class=\"num" << (bench_emulated(cols[c].bench) ? " emu" : "") << "\">"
          << fmt_rate(bench_median(*r));
        if (ref && static_cast<int>(c) != g.ref)
          h << "<br><span class=\"ratio\">" << ratio_text(bench_median(*r), bench_median(*ref))
            << "</span>";
        h << "</td>";
      }
    h << "</tr>\n";
  }
  h << "</tbody></table>\n";
}

// p50 of each platform against the reference's, one bar per platform and
// mechanism, on a log scale centred on 1.
void html_ratio_plot(std::ostringstream& h, const std::vector<MatrixColumn>& cols, const Grid& g) {
  if (g.ref < 0 || g.cols.size() < 2) return;
  std::vector<std::size_t> others;
  for (std::size_t c : g.cols)
    if (static_cast<int>(c) != g.ref) others.push_back(c);
  double lo = 1, hi = 1;
  for (const auto& k : g.latency)
    for (std::size_t c : others) {
      LatencyCell cell = latency_cell(cols, g, c, k);
      const json* ref = latency_row(cols[g.ref].bench, k);
      if (!cell.present || !ref) continue;
      double r = cell.p50 / bench_median(*ref, "p50");
      lo = std::min(lo, r), hi = std::max(hi, r);
    }
  const double n = static_cast<double>(g.latency.size()), band = 1.0 / others.size();
  PlotAxis x(lo / 1.6, hi * 1.6, true, "p50 round trip, times the reference's (log scale)");
  x.format = [](double v) {
    char b[24];
    std::snprintf(b, sizeof b, v >= 1 ? "×%.0f" : "×%.2g", v);
    return std::string(b);
  };
  PlotAxis y(0, n, false, "");
  for (std::size_t i = 0; i < g.latency.size(); ++i)
    y.ticks.emplace_back(n - i - 0.5, key_label(g.latency[i]));
  SvgPlot plot(PlotBox{820, static_cast<int>(8 + 12 * others.size()) * static_cast<int>(n) + 62,
                       150, 16, 20, 40},
               x, y);
  int bars = 0;
  for (std::size_t i = 0; i < g.latency.size(); ++i)
    for (std::size_t j = 0; j < others.size(); ++j) {
      LatencyCell cell = latency_cell(cols, g, others[j], g.latency[i]);
      if (!cell.present || cell.ratio == "—") continue;
      const json* ref = latency_row(cols[g.ref].bench, g.latency[i]);
      double top = n - i - 0.1 - j * band * 0.8, r = cell.p50 / bench_median(*ref, "p50");
      plot.row_bar(top - band * 0.8, top, r, "pbar c" + std::to_string(j % 8),
                   cols[others[j]].label + ", " + key_label(g.latency[i]) + ": p50 " +
                       fmt_ns(cell.p50) + ", " + cell.ratio + " " + cols[g.ref].label,
                   1.0);
      ++bars;
    }
  plot.marker(1, cols[g.ref].label, "marker", -1);
  h << "<div class=\"legend\">";
  for (std::size_t j = 0; j < others.size(); ++j)
    h << "<span><i class=\"sw c" << j % 8 << "\"></i>" << html_escape(col_title(cols[others[j]]))
      << "</span>";
  h << "</div>\n"
    << plot.svg("bench-ratio", "p50 latency of each platform against the reference",
                "data-bars=\"" + std::to_string(bars) + "\"")
    << "\n";
}

void html_claims(std::ostringstream& h, const std::vector<MatrixColumn>& cols, const Grid& g) {
  std::vector<std::string> claims;
  for (std::size_t c : g.cols)
    for (const auto& o : bench_rows(cols[c].bench, "observations"))
      if (std::find(claims.begin(), claims.end(), str(o, "claim")) == claims.end())
        claims.push_back(str(o, "claim"));
  if (claims.empty()) return;
  h << "<h3>The chapter's claims, per platform</h3>\n<table class=\"benchm\" id=\"bench-claims\">"
       "<thead><tr><th>claim</th>";
  for (std::size_t c : g.cols) h << "<th class=\"col\">" << html_escape(cols[c].label) << "</th>";
  h << "</tr></thead><tbody>\n";
  for (const auto& claim : claims) {
    h << "<tr><td>" << html_escape(claim) << "</td>";
    for (std::size_t c : g.cols) {
      const json* o = nullptr;
      for (const auto& x : bench_rows(cols[c].bench, "observations"))
        if (str(x, "claim") == claim) o = &x;
      json holds = o ? o->value("holds", json()) : json();
      const char* text = !o                   ? "—"
                         : holds.is_boolean() ? (holds.get<bool>() ? "holds" : "does not hold")
                                              : "cannot tell";
      const char* cls = holds.is_boolean() ? (holds.get<bool>() ? "s-PASS" : "s-FAIL") : "s-SKIP";
      h << "<td class=\"cell\">";
      if (o)
        h << "<span class=\"b " << cls << "\" title=\"" << html_escape(str(*o, "measured")) << "\">"
          << text << "</span>";
      else
        h << text;
      h << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</tbody></table>\n";
}

// How each platform's figures were taken: what tells noise from a
// difference (the load around the run, the pinning, the counts).
std::string conditions(const json& doc) {
  const json env = doc.value("environment", json::object());
  const json cfg = doc.value("config", json::object());
  std::ostringstream o;
  auto load = [&](const char* k) {
    const json l = env.value(k, json());
    char b[16] = "?";
    if (l.is_array() && !l.empty() && l[0].is_number())
      std::snprintf(b, sizeof b, "%.2f", l[0].get<double>());
    return std::string(b);
  };
  o << "load " << load("load_before") << " → " << load("load_after");
  const json pin = env.value("pinning", json::object());
  o << ", " << (pin.value("enabled", false) ? "pinned" : "not pinned");
  if (cfg.contains("count") && cfg.contains("repeats"))
    o << ", " << cfg["count"].dump() << " round trips × " << cfg["repeats"].dump() << " repeats";
  return o.str();
}

void html_conditions(std::ostringstream& h, const std::vector<MatrixColumn>& cols, const Grid& g) {
  h << "<table class=\"envm\" id=\"bench-conditions\"><tbody>\n";
  for (std::size_t c : g.cols)
    h << "<tr><td>" << html_escape(col_title(cols[c])) << "</td><td>"
      << html_escape(conditions(cols[c].bench)) << "</td></tr>\n";
  h << "</tbody></table>\n";
}

const char* kBenchMatrixCss = R"CSS(
.benchm th.col{text-align:center}.benchm th.emu,.benchm td.emu{background:#fff3e0}
.benchm td.emu{font-style:italic;color:#8d6e63}.benchm .ratio{font-weight:600}
.benchm td.nr{color:var(--muted);font-style:italic;text-align:center}
.b.emu-b{--c:var(--ERROR)}
)CSS";

std::string md_label(const Key& k) { return "`" + key_label(k) + "`"; }

}  // namespace

std::string bench_matrix_css() { return std::string(svg_plot_css()) + kBenchMatrixCss; }

int bench_reference(const std::vector<MatrixColumn>& cols) {
  int first = -1;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].bench.is_null() || bench_emulated(cols[c].bench)) continue;
    if (cols[c].label == "native") return static_cast<int>(c);
    if (first < 0) first = static_cast<int>(c);
  }
  return first;
}

std::string bench_matrix_html(const std::vector<MatrixColumn>& cols) {
  Grid g = grid_of(cols);
  if (g.cols.empty()) return "";
  std::ostringstream h;
  h << "<h2 id=\"bench\">Performance (sigipc bench)</h2>\n<p class=\"note\" id=\"bench-note\">"
    << "Platforms marked <span class=\"b emu-b\">emulated</span> ran under an emulator or in a "
       "sandbox: do not compare their absolute times with native. The ratios (× ref) compare "
       "each platform with "
    << (g.ref >= 0 ? "<b>" + html_escape(cols[g.ref].label) + "</b>"
                   : std::string("nothing: every platform here was emulated"))
    << "; above 1 is slower for latency, below 1 is slower for throughput.</p>\n";
  html_conditions(h, cols, g);
  html_ratio_plot(h, cols, g);
  h << "<h3>Round-trip latency</h3>\n";
  html_latency(h, cols, g);
  if (!g.tp_mechanisms.empty()) {
    h << "<h3>Throughput at " << g.sizes.size() << " message sizes</h3>\n";
    html_throughput(h, cols, g);
  }
  html_claims(h, cols, g);
  h << "<script>" << svg_plot_script() << "</script>\n";
  return h.str();
}

std::string bench_matrix_markdown(const std::vector<MatrixColumn>& cols) {
  Grid g = grid_of(cols);
  if (g.cols.empty()) return "";
  std::ostringstream m;
  m << "## Performance (sigipc bench)\n\nRound trip p50 / p99 per platform"
    << (g.ref >= 0 ? ", and p50 against " + cols[g.ref].label : std::string()) << ". "
    << "Platforms marked _(emulated)_ ran under an emulator or in a sandbox: do not compare "
       "their absolute times with native.\n\n";
  for (std::size_t c : g.cols)
    m << "- " << col_title(cols[c]) << ": " << conditions(cols[c].bench) << "\n";
  m << "\n| mechanism |";
  for (std::size_t c : g.cols) m << " " << col_title(cols[c]) << " |";
  m << "\n|---|";
  for (std::size_t i = 0; i < g.cols.size(); ++i) m << "---|";
  m << "\n";
  for (const auto& k : g.latency) {
    m << "| " << md_label(k) << " |";
    for (std::size_t c : g.cols) {
      LatencyCell cell = latency_cell(cols, g, c, k);
      if (!cell.present)
        m << (cell.missing.empty() ? " — |" : " unsupported |");
      else
        m << " " << fmt_ns(cell.p50) << " / " << fmt_ns(cell.p99)
          << (cell.ratio == "ref" || cell.ratio == "—" ? "" : " (" + cell.ratio + ")") << " |";
    }
    m << "\n";
  }
  if (g.tp_mechanisms.empty()) return m.str() + "\n";
  m << "\nThroughput (median)\n\n| mechanism | size |";
  for (std::size_t c : g.cols) m << " " << col_title(cols[c]) << " |";
  m << "\n|---|---|";
  for (std::size_t i = 0; i < g.cols.size(); ++i) m << "---|";
  m << "\n";
  for (const auto& mech : g.tp_mechanisms)
    for (double s : g.sizes) {
      m << "| `" << mech << "` | " << fmt_bytes(s) << " |";
      const json* ref = g.ref >= 0 ? throughput_row(cols[g.ref].bench, mech, s) : nullptr;
      for (std::size_t c : g.cols) {
        const json* r = throughput_row(cols[c].bench, mech, s);
        bool why = !r && !unsupported_reason(cols[c].bench, {mech, "process"}, s).empty();
        m << " " << (r ? fmt_rate(bench_median(*r)) : why ? "unsupported" : "—");
        if (r && ref && static_cast<int>(c) != g.ref)
          m << " (" << ratio_text(bench_median(*r), bench_median(*ref)) << ")";
        m << " |";
      }
      m << "\n";
    }
  return m.str() + "\n";
}

}  // namespace sigipc

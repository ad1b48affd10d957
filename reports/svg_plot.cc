#include "reports/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/writers.h"

namespace sigipc {

namespace {

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string scaled(double v, const char* const* units, int n, double step) {
  int i = 0;
  while (i + 1 < n && std::fabs(v) >= step) v /= step, ++i;
  char b[48];
  if (v == std::floor(v) || std::fabs(v) >= 100)
    std::snprintf(b, sizeof b, "%.0f %s", v, units[i]);
  else if (std::fabs(v) >= 10)
    std::snprintf(b, sizeof b, "%.1f %s", v, units[i]);
  else
    std::snprintf(b, sizeof b, "%.2g %s", v, units[i]);
  return b;
}

std::string title_el(const std::string& title) {
  return title.empty() ? "" : "<title>" + xml_escape(title) + "</title>";
}

// 1-2-5 steps giving about five ticks over [lo, hi].
double nice_step(double lo, double hi) {
  double raw = (hi - lo) / 5;
  if (raw <= 0) return 1;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

const char* kPlotCss = R"CSS(
svg.plot{background:#fff;border:1px solid var(--line);border-radius:6px;max-width:100%;height:auto;
display:block}
svg.plot .grid{stroke:#eee}svg.plot .frame{fill:none;stroke:#bbb}
svg.plot text{font:10px system-ui,"DejaVu Sans",sans-serif;fill:#555}
svg.plot text.label{font-size:11px;fill:#333}
svg.plot .pbar{fill:var(--c,#64b5f6)}svg.plot .whisker{stroke:#37474f;stroke-width:1.2;fill:none}
svg.plot .pt{fill:var(--c,#37474f);stroke:#fff;stroke-width:.8}
svg.plot .series{fill:none;stroke:var(--c);stroke-width:1.8}
svg.plot .marker line{stroke:var(--c,#555);stroke-width:1.3;stroke-dasharray:4 2}
svg.plot .marker text{fill:var(--c,#555);font-weight:600}
.c0{--c:#1565c0}.c1{--c:#e65100}.c2{--c:#2e7d32}.c3{--c:#6a1b9a}.c4{--c:#c62828}
.c5{--c:#00838f}.c6{--c:#5d4037}.c7{--c:#9e9d24}
.legend i.sw{background:var(--c)}
)CSS";

const char* kPlotScript = R"JS(
(function () {
  'use strict';
  var plots = document.querySelectorAll('svg.plot');
  for (var i = 0; i < plots.length; i++) {
    var p = plots[i], box = p.getBoundingClientRect(), drawn = 0;
    var marks = p.querySelectorAll('.marks .pbar, .marks .pt, .marks .whisker');
    for (var j = 0; j < marks.length; j++) {
      var b = marks[j].getBBox();
      if (b.width > 0 || b.height > 0) drawn++;
      marks[j].setAttribute('data-bb', b.width.toFixed(1) + 'x' + b.height.toFixed(1));
    }
    p.setAttribute('data-box', Math.round(box.width) + 'x' + Math.round(box.height));
    p.setAttribute('data-drawn', String(drawn));
  }
})();
)JS";

}  // namespace

const char* svg_plot_css() { return kPlotCss; }
const char* svg_plot_script() { return kPlotScript; }

std::string fmt_ns(double ns) {
  static const char* const u[] = {"ns", "µs", "ms", "s"};
  return scaled(ns, u, 4, 1000);
}

std::string fmt_bytes(double bytes) {
  static const char* const u[] = {"B", "KiB", "MiB", "GiB"};
  return scaled(bytes, u, 4, 1024);
}

std::string fmt_rate(double bytes_per_s) {
  static const char* const u[] = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
  return scaled(bytes_per_s, u, 5, 1000);
}

std::string fmt_count(double n) {
  static const char* const u[] = {"", "k", "M", "G"};
  std::string s = scaled(n, u, 4, 1000);
  if (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

SvgPlot::SvgPlot(PlotBox box, PlotAxis x, PlotAxis y)
    : box_(box), x_(std::move(x)), y_(std::move(y)) {
  for (PlotAxis* a : {&x_, &y_}) {
    if (a->log) {
      a->lo = std::max(a->lo, 1e-12);
      a->hi = std::max(a->hi, a->lo * 1.0001);
    } else if (a->hi <= a->lo) {
      a->hi = a->lo + 1;
    }
  }
}

double SvgPlot::frac(const PlotAxis& a, double v) const {
  double f =
      a.log ? (std::log(std::max(v, a.lo)) - std::log(a.lo)) / (std::log(a.hi) - std::log(a.lo))
            : (v - a.lo) / (a.hi - a.lo);
  return std::clamp(f, 0.0, 1.0);
}

double SvgPlot::px(double x) const {
  return box_.left + frac(x_, x) * (box_.width - box_.left - box_.right);
}

double SvgPlot::py(double y) const {
  return box_.height - box_.bottom - frac(y_, y) * (box_.height - box_.top - box_.bottom);
}

std::vector<std::pair<double, std::string>> SvgPlot::ticks_of(const PlotAxis& a) const {
  if (!a.ticks.empty()) return a.ticks;
  auto text = [&](double v) { return a.format ? a.format(v) : fmt_count(v); };
  std::vector<std::pair<double, std::string>> t;
  if (a.log) {
    double decades = std::log10(a.hi / a.lo);
    std::vector<double> mult =
        decades < 2.5 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
    int step = decades > 8 ? 2 : 1;
    for (int e = static_cast<int>(std::floor(std::log10(a.lo))); std::pow(10, e) <= a.hi; e += step)
      for (double m : mult) {
        double v = m * std::pow(10, e);
        if (v >= a.lo * 0.999 && v <= a.hi * 1.001) t.emplace_back(v, text(v));
      }
    return t;
  }
  double step = nice_step(a.lo, a.hi);
  for (double v = std::ceil(a.lo / step) * step; v <= a.hi + step * 1e-9; v += step)
    t.emplace_back(v, text(v));
  return t;
}

void SvgPlot::axes(std::ostringstream& o) const {
  double x0 = box_.left, x1 = box_.width - box_.right;
  double y0 = box_.top, y1 = box_.height - box_.bottom;
  o << "<g class=\"axes\">";
  for (const auto& [v, s] : ticks_of(x_)) {
    double x = px(v);
    o << "<line class=\"grid\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(y0)
      << "\" y2=\"" << num(y1) << "\"/><text class=\"tick\" x=\"" << num(x) << "\" y=\""
      << num(y1 + 13) << "\" text-anchor=\"middle\">" << xml_escape(s) << "</text>";
  }
  for (const auto& [v, s] : ticks_of(y_)) {
    double y = py(v);
    o << "<line class=\"grid\" x1=\"" << num(x0) << "\" x2=\"" << num(x1) << "\" y1=\"" << num(y)
      << "\" y2=\"" << num(y) << "\"/><text class=\"tick\" x=\"" << num(x0 - 4) << "\" y=\""
      << num(y + 3.5) << "\" text-anchor=\"end\">" << xml_escape(s) << "</text>";
  }
  o << "<rect class=\"frame\" x=\"" << num(x0) << "\" y=\"" << num(y0) << "\" width=\""
    << num(x1 - x0) << "\" height=\"" << num(y1 - y0) << "\"/>";
  if (!x_.label.empty())
    o << "<text class=\"label\" x=\"" << num((x0 + x1) / 2) << "\" y=\"" << num(box_.height - 4)
      << "\" text-anchor=\"middle\">" << xml_escape(x_.label) << "</text>";
  if (!y_.label.empty())
    o << "<text class=\"label\" transform=\"translate(11," << num((y0 + y1) / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">" << xml_escape(y_.label) << "</text>";
  o << "</g>";
}

void SvgPlot::column(double x0, double x1, double y, const std::string& cls,
                     const std::string& title) {
  double l = px(x0), r = px(x1), top = py(y), base = py(y_.lo);
  marks_ << "<rect class=\"" << cls << "\" x=\"" << num(l) << "\" y=\"" << num(top) << "\" width=\""
         << num(std::max(r - l - 0.6, 0.8)) << "\" height=\"" << num(std::max(base - top, 0.8))
         << "\">" << title_el(title) << "</rect>";
}

void SvgPlot::row_bar(double y0, double y1, double x, const std::string& cls,
                      const std::string& title, std::optional<double> from) {
  double top = py(y1), bottom = py(y0), l = px(from.value_or(x_.lo)), r = px(x);
  if (r < l) std::swap(l, r);
  marks_ << "<rect class=\"" << cls << "\" x=\"" << num(l) << "\" y=\"" << num(top) << "\" width=\""
         << num(std::max(r - l, 0.8)) << "\" height=\"" << num(std::max(bottom - top, 0.8)) << "\">"
         << title_el(title) << "</rect>";
}

void SvgPlot::polyline(const std::vector<std::pair<double, double>>& pts, const std::string& cls) {
  if (pts.empty()) return;
  marks_ << "<path class=\"" << cls << "\" d=\"";
  for (std::size_t i = 0; i < pts.size(); ++i)
    marks_ << (i ? " L" : "M") << num(px(pts[i].first)) << " " << num(py(pts[i].second));
  marks_ << "\"/>";
}

void SvgPlot::point(double x, double y, const std::string& cls, const std::string& title) {
  marks_ << "<circle class=\"" << cls << "\" cx=\"" << num(px(x)) << "\" cy=\"" << num(py(y))
         << "\" r=\"3.2\">" << title_el(title) << "</circle>";
}

void SvgPlot::whisker(double at, double lo, double hi, bool horizontal, const std::string& cls,
                      const std::string& title) {
  double a = horizontal ? py(at) : px(at);
  double p = horizontal ? px(lo) : py(lo), q = horizontal ? px(hi) : py(hi);
  auto seg = [&](double u1, double v1, double u2, double v2) {
    // u runs along the bar, v across it.
    if (horizontal)
      marks_ << "M" << num(u1) << " " << num(v1) << " L" << num(u2) << " " << num(v2) << " ";
    else
      marks_ << "M" << num(v1) << " " << num(u1) << " L" << num(v2) << " " << num(u2) << " ";
  };
  marks_ << "<path class=\"" << cls << "\" d=\"";
  seg(p, a, q, a);
  seg(p, a - 3, p, a + 3);
  seg(q, a - 3, q, a + 3);
  marks_ << "\">" << title_el(title) << "</path>";
}

void SvgPlot::marker(double x, const std::string& label, const std::string& cls, int row) {
  double X = px(x);
  marks_ << "<g class=\"" << cls << "\"><line x1=\"" << num(X) << "\" x2=\"" << num(X) << "\" y1=\""
         << num(box_.top) << "\" y2=\"" << num(box_.height - box_.bottom) << "\"/><text x=\""
         << num(X + 2) << "\" y=\"" << num(row < 0 ? box_.top - 3 : box_.top + 9 + 10 * row)
         << "\">" << xml_escape(label) << "</text></g>";
}

std::string SvgPlot::svg(const std::string& kind, const std::string& aria_label,
                         const std::string& extra_attrs) const {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" data-plot=\"" << xml_escape(kind)
    << "\" role=\"img\" aria-label=\"" << xml_escape(aria_label) << "\" width=\"" << box_.width
    << "\" height=\"" << box_.height << "\" viewBox=\"0 0 " << box_.width << " " << box_.height
    << "\"" << (extra_attrs.empty() ? "" : " " + extra_attrs) << ">";
  axes(o);
  o << "<g class=\"marks\">" << marks_.str() << "</g></svg>";
  return o.str();
}

}  // namespace sigipc

// A small inline-SVG plot: two axes (linear or logarithmic, or named
// categories), bars, polylines, points, error bars and labelled markers.
// The pages that draw figures (bench.html, the matrix) build their plots with
// it so they need no script, font or file from elsewhere.
//
// Every mark carries a class the page's style sheet colours and a <title>
// (the exact figure, shown on hover); the <svg> carries class "plot" and
// data-plot=KIND so a check can find each plot and count its marks.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace sigipc {

struct PlotAxis {
  PlotAxis(double lo, double hi, bool log, std::string label,
           std::string (*format)(double) = nullptr)
      : lo(lo), hi(hi), log(log), label(std::move(label)), format(format) {}
  double lo = 0, hi = 1;
  bool log = false;
  std::string label;
  // Explicit ticks (value, text); empty: chosen from the range (decades on a
  // log axis, 1-2-5 steps on a linear one) and written with format.
  std::vector<std::pair<double, std::string>> ticks;
  std::string (*format)(double) = nullptr;
};

struct PlotBox {
  int width = 420, height = 200;
  int left = 56, right = 12, top = 12, bottom = 40;
};

class SvgPlot {
 public:
  SvgPlot(PlotBox box, PlotAxis x, PlotAxis y);

  // Screen coordinates of a data value (clamped to the plot area).
  double px(double x) const;
  double py(double y) const;

  // A vertical bar over [x0, x1] from the bottom of the plot up to y.
  void column(double x0, double x1, double y, const std::string& cls, const std::string& title);
  // A horizontal bar over [y0, y1] from the left of the plot (or from
  // `from`: bars either side of a reference value) out to x.
  void row_bar(double y0, double y1, double x, const std::string& cls, const std::string& title,
               std::optional<double> from = std::nullopt);
  void polyline(const std::vector<std::pair<double, double>>& pts, const std::string& cls);
  void point(double x, double y, const std::string& cls, const std::string& title);
  // An error bar from (x, lo) to (x, hi), or (lo, y) to (hi, y) when horizontal.
  void whisker(double at, double lo, double hi, bool horizontal, const std::string& cls,
               const std::string& title);
  // A vertical line over the whole plot at x, labelled at its top (in text
  // line `row`, so that close markers do not write over each other; above
  // the frame when row is negative: leave a top margin for it).
  void marker(double x, const std::string& label, const std::string& cls, int row = 0);

  // The whole <svg> element: frame, grid, ticks, axis labels, then the marks
  // in the order they were added.
  std::string svg(const std::string& kind, const std::string& aria_label,
                  const std::string& extra_attrs = "") const;

 private:
  double frac(const PlotAxis& a, double v) const;
  std::vector<std::pair<double, std::string>> ticks_of(const PlotAxis& a) const;
  void axes(std::ostringstream& o) const;

  PlotBox box_;
  PlotAxis x_, y_;
  std::ostringstream marks_;
};

// Short human figures for axes and tooltips: 3.2 µs, 1.5 ms; 4 KiB; 2.1 GB/s.
std::string fmt_ns(double ns);
std::string fmt_bytes(double bytes);
std::string fmt_rate(double bytes_per_s);
std::string fmt_count(double n);
// The plots' style sheet (axes, marks, and the series colours c0 to c7),
// for the page's <style> beside report_css().
const char* svg_plot_css();
// Script text (for a <script> after the plots) that writes on each plot its
// laid-out size (data-box="WxH") and how many of its bars, points and error
// bars have a non-empty box (data-drawn), and on each of those marks the size
// of its box (data-bb="WxH"): what a headless browser check compares with
// the figures the plot was drawn from.
const char* svg_plot_script();

}  // namespace sigipc

#!/usr/bin/env python3
"""Opens a bench.html (or a matrix.html with a performance section) in
headless Chromium and checks that its plots were drawn from the bench.json
documents: no console message, every plot laid out with a non-empty box, and
as many bars, points and error bars drawn (non-empty boxes, measured by the
page's own script in the browser) as the documents have figures, and drawn
to scale: each histogram bar as tall as its share of the samples, the
latency bars as long as their p50s are in order.

usage: check_bench_html.py page BENCH_HTML BENCH_JSON
       check_bench_html.py matrix MATRIX_HTML BENCH_JSON...
Exit 0 checked, 1 a check failed, 77 Chromium is not installed (ctest SKIP)."""
import os
import re
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_html import Rendered, render_from_argv  # noqa: E402

MARKS = {"pbar", "pt", "whisker"}


class Plots(HTMLParser):
    """Each svg.plot's attributes and its marks; table rows by table id."""

    def __init__(self):
        super().__init__()
        self.plots = []
        self.rows = {}
        self.ids = set()
        self.body = {}
        self._svg = 0
        self._table = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "body":
            self.body = a
        if tag == "svg" and "plot" in classes:
            self.plots.append({"attrs": a, "marks": 0, "bars": []})
            self._svg += 1
        elif tag == "svg":
            self._svg += 1
        elif self._svg and classes & MARKS:
            self.plots[-1]["marks"] += 1
            bb = re.fullmatch(r"([\d.]+)x([\d.]+)", a.get("data-bb", ""))
            if "pbar" in classes and bb:
                self.plots[-1]["bars"].append((float(bb.group(1)), float(bb.group(2))))
        if tag == "table":
            self._table.append(a.get("id", ""))
        if tag == "tr" and self._table:
            self.rows.setdefault(self._table[-1], []).append(a)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self._svg -= 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        if tag == "table" and self._table:
            self._table.pop()


def key(row):
    return (row["mechanism"], row.get("topology") or "process")


def check_plot(p, want, errors):
    a = p["attrs"]
    name = a.get("data-plot", "?") + " " + a.get("aria-label", "")
    box = re.fullmatch(r"(\d+)x(\d+)", a.get("data-box", ""))
    if not box or int(box.group(1)) == 0 or int(box.group(2)) == 0:
        errors.append(f"{name}: not laid out (data-box {a.get('data-box')!r})")
    if p["marks"] != want:
        errors.append(f"{name}: {p['marks']} marks in the DOM, {want} figures in bench.json")
    if a.get("data-drawn") != str(want):
        errors.append(f"{name}: {a.get('data-drawn')!r} marks drawn with a box, {want} expected")


def check_heights(p, counts, errors):
    """Histogram bars as tall as their counts (linear axis from 0; a bar is
    at least 0.8 px so that a bin of few samples still shows)."""
    heights = [h for _, h in p["bars"]]
    counts = [c for c in counts if c > 0]
    if len(heights) != len(counts) or not counts:
        return
    scale = max(heights) / max(counts)
    for h, c in zip(heights, counts):
        if abs(h - max(scale * c, 0.8)) > 1.0:
            errors.append(f"histogram {p['attrs'].get('data-mechanism')}/"
                          f"{p['attrs'].get('data-topology')}: a bar of {c} samples is {h} px "
                          f"tall, {scale * c:.1f} px expected")
            return


def check_lengths(p, medians, errors):
    """Latency bars ordered as their p50s (a log axis keeps the order)."""
    widths = [w for w, _ in p["bars"]]
    if len(widths) != len(medians):
        return
    pairs = sorted(zip(medians, widths))
    for (m1, w1), (m2, w2) in zip(pairs, pairs[1:]):
        if w2 + 0.5 < w1 or (m2 > 1.5 * m1 and w2 <= w1):
            errors.append(f"latency summary: p50 {m2} drawn {w2} px long, p50 {m1} {w1} px")
            return


def check_page(dom, doc, errors):
    lat, tp = doc.get("latency", []), doc.get("throughput", [])
    hists = {(p["attrs"].get("data-mechanism"), p["attrs"].get("data-topology")): p
             for p in dom.plots if p["attrs"].get("data-plot") == "histogram"}
    with_hist = [r for r in lat if "histogram" in r]
    if len(hists) != len(with_hist):
        errors.append(f"{len(hists)} histograms, {len(with_hist)} latency rows with one")
    for r in with_hist:
        p = hists.get(key(r))
        if p is None:
            errors.append(f"no histogram of {key(r)}")
            continue
        check_plot(p, sum(1 for c in r["histogram"]["counts"] if c > 0), errors)
        check_heights(p, r["histogram"]["counts"], errors)
    kinds = {p["attrs"].get("data-plot"): p for p in dom.plots}
    if lat:
        summary = kinds.get("latency-summary", {"attrs": {}, "marks": 0, "bars": []})
        check_plot(summary, 3 * len(lat), errors)
        check_lengths(summary, [r["summary"]["p50"]["median"] for r in lat], errors)
    if tp:
        check_plot(kinds.get("throughput", {"attrs": {}, "marks": 0, "bars": []}), 2 * len(tp),
                   errors)
    emulated = doc.get("environment", {}).get("emulated", False)
    if emulated != ("emulated" in dom.ids):
        errors.append(f"environment.emulated is {emulated}, the page's warning "
                      f"{'is' if 'emulated' in dom.ids else 'is not'} there")
    return f"{len(dom.plots)} plots drawn ({len(hists)} histograms, " \
           f"{sum(p['marks'] for p in dom.plots)} marks)"


def check_matrix(dom, docs, errors):
    keys = []
    for d in docs:
        for r in d.get("latency", []):
            if key(r) not in keys:
                keys.append(key(r))
    rows = [r for r in dom.rows.get("bench-latency", []) if "data-mechanism" in r]
    if len(rows) != len(keys):
        errors.append(f"{len(rows)} latency rows in the matrix, {len(keys)} mechanisms measured")
    emulated = sum(1 for d in docs if d.get("environment", {}).get("emulated"))
    heads = [r for r in dom.rows.get("bench-latency", []) if "data-mechanism" not in r]
    if "bench-note" not in dom.ids:
        errors.append("no note on emulated platforms")
    ratio = [p for p in dom.plots if p["attrs"].get("data-plot") == "bench-ratio"]
    for p in ratio:
        check_plot(p, int(p["attrs"].get("data-bars", -1)), errors)
    if emulated < len(docs) and len(docs) > 1 and not ratio:
        errors.append("no ratio plot, though a native platform is there")
    return f"{len(rows)} mechanisms side by side, {emulated} emulated of {len(docs)} platforms, " \
           f"{len(heads)} header rows"


def main():
    r = render_from_argv(("page", "matrix"), __doc__.strip().split("\n\n")[1])
    if not isinstance(r, Rendered):
        return r
    mode, page, docs = r.mode, r.page, r.docs
    errors = ["console message: " + l for l in r.console]
    dom = Plots()
    dom.feed(r.dom_text)
    if mode == "page" and dom.body.get("data-js") != "ready":
        errors.append("the page script did not finish (body data-js is not 'ready')")
    what = check_page(dom, docs[0], errors) if mode == "page" else check_matrix(dom, docs, errors)
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print(f"{page}: rendered without console messages; {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

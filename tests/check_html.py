#!/usr/bin/env python3
"""Opens a sigipc report.html (or matrix.html) in headless Chromium and checks
what a reader would see: the script ran without a console message, and the
rendered DOM shows the counts of the results it was written from; in a
report, every test that did not pass and has a log next to the page links it
(logs/<test>.log), and every link opens a file.

usage: check_html.py report REPORT_HTML RESULTS_JSON
       check_html.py matrix MATRIX_HTML RESULTS_JSON...
Exit 0 checked, 1 a check failed, 77 Chromium is not installed (ctest SKIP)."""
import json
import os
import urllib.parse
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

SKIP = 77


class Dom(HTMLParser):
    """Collects what the checks need from the rendered DOM."""

    def __init__(self):
        super().__init__()
        self.text_by_id = {}
        self.body_attrs = {}
        self.rows = {}          # table id -> [row attrs]
        self.row_links = {}     # table id -> [[log hrefs of that row]]
        self._table = []
        self._in_tbody = False
        self._capture = None    # (id, depth) of an element whose text we keep
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._depth += 1
        if tag == "body":
            self.body_attrs = a
        if tag == "table":
            self._table.append(a.get("id", ""))
        if tag == "tbody":
            self._in_tbody = True
        if tag == "tr" and self._in_tbody and self._table:
            self.rows.setdefault(self._table[-1], []).append(a)
            self.row_links.setdefault(self._table[-1], []).append([])
        if tag == "a" and "log" in a.get("class", "").split() and self._in_tbody and self._table:
            self.row_links[self._table[-1]][-1].append(a.get("href", ""))
        if "id" in a and self._capture is None and tag == "span":
            self._capture = (a["id"], self._depth)
            self.text_by_id[a["id"]] = ""

    def handle_endtag(self, tag):
        if self._capture and self._capture[1] == self._depth:
            self._capture = None
        self._depth -= 1
        if tag == "tbody":
            self._in_tbody = False
        if tag == "table" and self._table:
            self._table.pop()

    def handle_data(self, data):
        if self._capture:
            self.text_by_id[self._capture[0]] += data


def render(chromium, path):
    profile = tempfile.mkdtemp(prefix="sigipc-chromium-")
    try:
        p = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
             "--dump-dom", "file://" + os.path.abspath(path)],
            capture_output=True, text=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return p.returncode, p.stdout, p.stderr


class Rendered:
    """A page rendered in headless Chromium from the command line
    MODE PAGE JSON...: the mode, the page, the JSON documents, the DOM text
    and Chromium's console lines."""

    def __init__(self, mode, page, docs, dom_text, console):
        self.mode, self.page, self.docs = mode, page, docs
        self.dom_text, self.console = dom_text, console


def render_from_argv(modes, usage):
    """Checks sys.argv against modes, finds Chromium and renders the page.
    Returns a Rendered, or the exit status when there is nothing to check
    (2 bad usage, SKIP no Chromium, 1 Chromium gave no DOM)."""
    if len(sys.argv) < 4 or sys.argv[1] not in modes:
        print(usage, file=sys.stderr)
        return 2
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (apt-get install chromium)")
        return SKIP
    docs = []
    for path in sys.argv[3:]:
        with open(path) as f:
            docs.append(json.load(f))
    rc, dom_text, log = render(chromium, sys.argv[2])
    if rc != 0 or "<html" not in dom_text:
        return fail(f"chromium exited {rc} without a DOM:\n{log[-2000:]}")
    console = [l for l in log.splitlines() if re.search(r":CONSOLE[:(]", l)]
    return Rendered(sys.argv[1], sys.argv[2], docs, dom_text, console)


def check_log_links(page, run, rows, row_links):
    """Every non-passing test with a log beside the page links it; no passing
    test links anything; every link opens a file."""
    errors = []
    here = os.path.dirname(os.path.abspath(page))
    linked = set()
    for attrs, hrefs in zip(rows, row_links):
        if hrefs and attrs.get("data-s") == "PASS":
            errors.append(f"a passing test links {hrefs}")
        for href in hrefs:
            target = urllib.parse.unquote(href)
            if href.startswith(("/", "http:", "https:", "file:")) or not target.startswith("logs/"):
                errors.append(f"log link {href!r} is not relative to the page's logs/")
            elif not os.path.isfile(os.path.join(here, target)):
                errors.append(f"log link {href!r} opens nothing")
            linked.add(target)
    for r in run["results"]:
        if r["status"] == "PASS":
            continue
        runs = r.get("runs", 1)
        names = [f"logs/{r['id']}.log"] if runs <= 1 else [f"logs/{r['id']}.{i}.log" for i in range(runs)]
        for name in names:
            if os.path.isfile(os.path.join(here, name)) and name not in linked:
                errors.append(f"{r['id']} ({r['status']}) has {name} but does not link it")
    if not linked and any(r["status"] not in ("PASS", "XPASS") for r in run["results"]):
        errors.append("no test links a log, though some did not pass")
    return errors


def fail(msg):
    print("FAIL: " + msg)
    return 1


def main():
    r = render_from_argv(("report", "matrix"), __doc__.strip().split("\n\n")[1])
    if not isinstance(r, Rendered):
        return r
    mode, page, runs = r.mode, r.page, r.docs
    if r.console:
        return fail("console messages (the page must log nothing):\n" + "\n".join(r.console))
    dom = Dom()
    dom.feed(r.dom_text)
    if dom.body_attrs.get("data-js") != "ready":
        return fail("the page script did not finish (body data-js is not 'ready')")
    errors = []
    if mode == "report":
        run = runs[0]
        summary = run["summary"]
        for status in ("PASS", "FAIL", "ERROR", "TIMEOUT", "UNSUPPORTED", "XFAIL", "XPASS"):
            shown = dom.text_by_id.get("count-" + status)
            if shown is None or int(shown) != summary[status]:
                errors.append(f"count-{status} shows {shown!r}, results.json says {summary[status]}")
        if int(dom.text_by_id.get("count-total", -1)) != len(run["results"]):
            errors.append("count-total differs from the number of results")
        rows = dom.rows.get("tests", [])
        if len(rows) != len(run["results"]):
            errors.append(f"{len(rows)} test rows, {len(run['results'])} results")
        by_status = {}
        for r in rows:
            by_status[r.get("data-s")] = by_status.get(r.get("data-s"), 0) + 1
        for status, n in by_status.items():
            if summary.get(status) != n:
                errors.append(f"{n} rows with status {status}, summary says {summary.get(status)}")
        if dom.text_by_id.get("shown") != str(len(run["results"])):
            errors.append(f"the filter shows {dom.text_by_id.get('shown')!r} rows, not all of them")
        families = {r["family"] for r in run["results"]}
        if len(dom.rows.get("families", [])) != len(families):
            errors.append("the family table does not have one row per family")
        errors += check_log_links(page, run, rows, dom.row_links.get("tests", []))
        links = sum(len(l) for l in dom.row_links.get("tests", []))
        what = f"{len(rows)} rows, counts match results.json, {links} log links open their logs"
    else:
        ids = []
        for run in runs:
            for r in run["results"]:
                if r["id"] not in ids:
                    ids.append(r["id"])
        rows = dom.rows.get("rules", [])
        if len(rows) != len(ids):
            errors.append(f"{len(rows)} rule rows, {len(ids)} distinct tests")
        marked = sum(1 for r in rows if r.get("data-d") == "1")
        if str(marked) != dom.text_by_id.get("count-disagree"):
            errors.append(f"{marked} rows marked, the header says {dom.text_by_id.get('count-disagree')}")
        # Disagreeing rows come first.
        flags = [r.get("data-d") for r in rows]
        if flags != sorted(flags, reverse=True):
            errors.append("disagreeing rows are not listed first")
        what = f"{len(rows)} rule rows, {marked} disagreements marked"
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print(f"{page}: rendered without console messages; {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

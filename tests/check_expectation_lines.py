#!/usr/bin/env python3
"""A `fails:` pattern of the form `basename.cc:LINE` in an expectation file
names one failing check by its place. An edit above that line moves the
check and the pattern silently stops matching: the deviation turns red in
a cell this machine may not run. This check keeps such patterns honest:
each one must name a line under suites/ that holds a check macro, inside
the body of a test its deviation lists under `tests:`.

Usage: check_expectation_lines.py SUITES_DIR EXPECTATION.yaml...
       check_expectation_lines.py --self-test
Exit 0 all patterns hold, 1 some do not (each is listed), 2 bad usage.
"""
import fnmatch
import os
import re
import sys
import tempfile

import yaml

PLACE = re.compile(r"^([A-Za-z0-9_.-]+\.(?:cc|c|h)):([0-9]+)$")
TEST_START = re.compile(r"^SIGIPC_TEST(?:_T)?\(\s*(\w+),\s*(\w+)")
CHECK = re.compile(r"\b(?:EXPECT|ASSERT|CHILD_CHECK|HANDLER_CHECK|CHECK)\w*\s*\(|"
                   r"\bADD_FAILURE\b|\bFAIL\s*\(")


def source_index(suites_dir):
    """basename -> list of paths under suites_dir."""
    index = {}
    for root, _, files in os.walk(suites_dir):
        for f in files:
            index.setdefault(f, []).append(os.path.join(root, f))
    return index


def enclosing_test(lines, lineno):
    """The Suite.Name of the SIGIPC_TEST whose body holds line lineno
    (1-based): the nearest test start above it, or None."""
    for i in range(lineno - 1, -1, -1):
        m = TEST_START.match(lines[i])
        if m:
            return m.group(1) + "." + m.group(2)
    return None


def test_globs(deviation):
    globs = []
    for item in deviation.get("tests") or []:
        globs.extend(item.keys() if isinstance(item, dict) else [item])
    return globs


def problems_of(deviation, where, index):
    found = []
    globs = test_globs(deviation)
    for pattern in deviation.get("fails") or []:
        m = PLACE.match(str(pattern).strip())
        if not m:
            continue
        name, lineno = m.group(1), int(m.group(2))
        paths = index.get(name, [])
        if len(paths) != 1:
            found.append(f"{where}: {pattern}: {len(paths)} files named {name} under suites/")
            continue
        with open(paths[0], encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lineno < 1 or lineno > len(lines):
            found.append(f"{where}: {pattern}: {name} has {len(lines)} lines")
            continue
        text = lines[lineno - 1].strip()
        if not CHECK.search(text):
            found.append(f"{where}: {pattern}: no check on that line: {text!r}")
            continue
        test = enclosing_test(lines, lineno)
        if test is None or not any(fnmatch.fnmatchcase(test, g) for g in globs):
            found.append(f"{where}: {pattern}: the line is in {test}, which the deviation "
                         f"does not list")
    return found


def check(suites_dir, files):
    index = source_index(suites_dir)
    found = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        for dev in doc.get("deviations") or []:
            where = f"{os.path.basename(path)}: {dev.get('id', '?')}"
            found.extend(problems_of(dev, where, index))
    return found


def self_test():
    """The check must fail on a moved line, a line without a check and a
    line in a test the deviation does not list."""
    src = ("SIGIPC_TEST(S, A, \"s.a\", \"XSH x\", \"a\") {\n"
           "  int p = f();\n"
           "  EXPECT_EQ(p, 1);\n"
           "}\n"
           "SIGIPC_TEST(S, B, \"s.b\", \"XSH x\", \"b\") {\n"
           "  EXPECT_EQ(g(), 2);\n"
           "}\n")
    cases = {"t.cc:3": 0, "t.cc:2": 1, "t.cc:6": 1, "t.cc:40": 1, "u.cc:3": 1}
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "suites"))
        with open(os.path.join(d, "suites", "t.cc"), "w", encoding="utf-8") as f:
            f.write(src)
        bad = 0
        for pattern, want in cases.items():
            y = os.path.join(d, "e.yaml")
            with open(y, "w", encoding="utf-8") as f:
                yaml.safe_dump({"deviations": [{"id": "d", "tests": ["S.A"],
                                                "fails": [pattern, "some text"]}]}, f)
            got = len(check(os.path.join(d, "suites"), [y]))
            if got != want:
                print(f"self-test: {pattern}: {got} problems, expected {want}")
                bad += 1
    print("self-test:", "passed" if not bad else f"{bad} cases wrong")
    return 1 if bad else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 3 or not os.path.isdir(argv[1]):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    found = check(argv[1], argv[2:])
    for line in found:
        print(line)
    print(f"{len(found)} stale place patterns in {len(argv) - 2} files")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

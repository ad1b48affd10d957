#!/usr/bin/env python3
"""Every requirement id the suite lists is written whole, once, at its test:
for each id `sigipc list --json` prints, the C/C++ sources under suites/
hold exactly one string literal "<id>". A literal glued to a neighbouring
literal ("injection.errpath." "x") or built by a macro does not count, so
`git grep` on an id from a report always lands on its test.

Usage: check_rule_ids.py SIGIPC_BINARY SUITES_DIR
Exit 0 every id found once, 1 not (the ids are listed), 2 bad usage or a
failing `sigipc list`.
"""
import collections
import json
import os
import subprocess
import sys


def ident_before(text, i):
    """The identifier characters that end just before text[i]."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
        j -= 1
    return text[j:i]


def tokens(text):
    """Yields (kind, value) for the string literals of C/C++ text, in order,
    with kind "str" for a literal and "gap" for any code between literals
    (comments and whitespace are no gap: adjacent literals concatenate)."""
    i, n = 0, len(text)
    code = False
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c.isspace():
            i += 1
        elif c == '"' or c == "'":
            quote, j, value = c, i + 1, []
            while j < n and text[j] != quote and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n:
                    value.append(text[j:j + 2])
                    j += 2
                else:
                    value.append(text[j])
                    j += 1
            if quote == '"':
                if code:
                    yield ("gap", None)
                    code = False
                yield ("str", "".join(value))
            else:
                code = True
            i = j + 1
        elif text.startswith('R"', i) and ident_before(text, i) in ("", "L", "u", "U", "u8"):
            open_end = text.find("(", i + 2)
            delim = text[i + 2:open_end]
            close = text.find(")" + delim + '"', open_end)
            if code:
                yield ("gap", None)
                code = False
            yield ("str", "\0raw")  # never an id: ids are plain literals
            i = n if close < 0 else close + len(delim) + 2
        else:
            code = True
            i += 1


def whole_literals(text):
    """String literals that stand alone (no literal glued before or after)."""
    groups, current = [], []
    for kind, value in tokens(text):
        if kind == "gap":
            groups.append(current)
            current = []
        else:
            current.append(value)
    groups.append(current)
    return [g[0] for g in groups if len(g) == 1]


def main():
    if len(sys.argv) != 3:
        print("usage: check_rule_ids.py SIGIPC_BINARY SUITES_DIR", file=sys.stderr)
        return 2
    binary, suites = sys.argv[1], sys.argv[2]
    listed = subprocess.run([binary, "list", "--json"], stdout=subprocess.PIPE, check=False)
    if listed.returncode != 0:
        print(f"{binary} list --json exited {listed.returncode}", file=sys.stderr)
        return 2
    tests = json.loads(listed.stdout)
    found = collections.defaultdict(list)
    for folder, dirs, files in os.walk(suites):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith((".c", ".cc", ".h")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for literal in whole_literals(f.read()):
                    found[literal].append(os.path.relpath(path, suites))
    bad = 0
    for test in tests:
        rid = test["requirement"]
        where = found.get(rid, [])
        if len(where) == 1:
            continue
        bad += 1
        if not where:
            print(f'{rid} ({test["id"]}): no literal "{rid}" under suites/ (pasted by a macro?)')
        else:
            print(f'{rid} ({test["id"]}): {len(where)} literals, in {", ".join(where)}')
    print(f"{len(tests)} requirement ids, {bad} not written once as a whole literal")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""No suite folder includes another: every #include in suites/FAMILY/ names a
file outside suites/ (fixtures/, injectors/, the system) or one in
suites/FAMILY/ itself. What two families share belongs in fixtures/.

usage: check_suite_includes.py SOURCE_DIR
       check_suite_includes.py --self-test SOURCE_DIR
Exit 0 clean, 1 with the offending lines listed (file:line: text), 2 bad use.
--self-test copies suites/ to a temporary folder, adds one include of another
family's helper header to a file, and exits 0 only when the check fails on
that copy and passes on the untouched one.
"""
import os
import re
import shutil
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
SOURCES = (".c", ".cc", ".cpp", ".h", ".hpp", ".inc")


def family_of(path, suites):
    """The family folder a path lies in, or None when it is outside suites/."""
    rel = os.path.relpath(os.path.normpath(path), suites)
    if rel.startswith(".."):
        return None
    return rel.split(os.sep)[0]


def crossings(root):
    suites = os.path.join(root, "suites")
    bad = []
    for folder, dirs, names in os.walk(suites):
        dirs.sort()
        own = family_of(folder, suites)
        for name in sorted(names):
            if not name.endswith(SOURCES):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    # "suites/X/..." from the source root (the include path),
                    # or a path relative to the including file.
                    if target.startswith("suites/"):
                        other = target.split("/")[1]
                    elif target.startswith("."):
                        other = family_of(os.path.join(folder, target), suites)
                    else:
                        other = own
                    if other is not None and other != own:
                        rel = os.path.relpath(path, root)
                        bad.append(f"{rel}:{number}: {line.strip()}")
    return bad


def check(root):
    if not os.path.isdir(os.path.join(root, "suites")):
        print(f"check_suite_includes: {root} has no suites/ folder", file=sys.stderr)
        return 2
    bad = crossings(root)
    if bad:
        print("includes from one suite folder into another (move what both use to fixtures/):")
        for b in bad:
            print("  " + b)
        return 1
    print("no suite folder includes another")
    return 0


def self_test(root):
    with tempfile.TemporaryDirectory(prefix="sigipc-suite-includes-") as tmp:
        shutil.copytree(os.path.join(root, "suites"), os.path.join(tmp, "suites"))
        if crossings(tmp):
            print("self-test: the untouched copy already has a crossing include")
            return 1
        families = sorted(d for d in os.listdir(os.path.join(tmp, "suites"))
                          if os.path.isdir(os.path.join(tmp, "suites", d)))
        a, b = families[0], families[1]
        victim = sorted(n for n in os.listdir(os.path.join(tmp, "suites", a))
                        if n.endswith(".cc"))[0]
        header = sorted(n for n in os.listdir(os.path.join(tmp, "suites", b))
                        if n.endswith(".h"))[0]
        for form in (f'#include "suites/{b}/{header}"', f'#include "../{b}/{header}"'):
            with open(os.path.join(tmp, "suites", a, victim), encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(tmp, "suites", a, victim), "w", encoding="utf-8") as f:
                f.write(form + "\n" + text)
            found = crossings(tmp)
            if len(found) != 1 or not found[0].startswith(f"suites/{a}/{victim}:1:"):
                print(f"self-test: {form} in suites/{a}/{victim} was not caught: {found}")
                return 1
            with open(os.path.join(tmp, "suites", a, victim), "w", encoding="utf-8") as f:
                f.write(text)
        print(f"self-test: both forms of an include of suites/{b}/{header} "
              f"from suites/{a}/{victim} were caught")
        return 0


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("-"):
        return check(argv[1])
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    print("usage: check_suite_includes.py [--self-test] SOURCE_DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""The repository refers to nothing outside itself: no file points at a
design document or notes a clone does not have, and every "DESIGN.md section
N" names a section docs/DESIGN.md has.

usage: check_references.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys

OUTSIDE = re.compile(r"\.\./shared|shared/DESIGN|/work/")
DESIGN_REF = re.compile(r"(\S*)DESIGN\.md(?:,? sections? (\d+))?")


def tracked_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        return [f for f in out.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if not x.startswith((".git", "build"))]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
        return files


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    design = open(os.path.join(root, "docs/DESIGN.md")).read()
    sections = set(re.findall(r"^## (\d+)\.", design, re.M))
    me = os.path.relpath(os.path.abspath(__file__), os.path.abspath(root))
    problems = []
    for rel in tracked_files(root):
        if rel == me or rel.startswith("fuzz/corpus/"):
            continue
        try:
            text = open(os.path.join(root, rel), encoding="utf-8").read()
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                problems.append(f"{rel}:{n}: refers outside the repository: {line.strip()}")
            for prefix, section in DESIGN_REF.findall(line):
                prefix = prefix.lstrip("`(\"'")
                # Beside it in docs/, "DESIGN.md" is enough.
                if not (prefix.endswith("docs/") or (rel.startswith("docs/") and not prefix)):
                    problems.append(f"{rel}:{n}: name the design notes docs/DESIGN.md: {line.strip()}")
                if section and section not in sections:
                    problems.append(f"{rel}:{n}: docs/DESIGN.md has no section {section}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fails when a C or C++ source of the tree differs from what clang-format
makes of it under the tree's .clang-format.

Usage: check_format.py SOURCE_DIR
Exit 0 formatted, 1 not (the files are listed), 77 clang-format missing.
"""
import os
import shutil
import subprocess
import sys

SOURCE_DIRS = ("bench", "examples", "fixtures", "fuzz", "injectors", "reports", "runner",
               "suites", "tests")


def sources(root):
    for top in SOURCE_DIRS:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("build"))
            for name in sorted(files):
                if name.endswith((".c", ".cc", ".h")):
                    yield os.path.join(folder, name)


def main():
    if len(sys.argv) != 2:
        print("usage: check_format.py SOURCE_DIR", file=sys.stderr)
        return 2
    tool = shutil.which("clang-format")
    if tool is None:
        print("clang-format is not installed (Debian package clang-format)")
        return 77
    root = sys.argv[1]
    files = list(sources(root))
    bad = []
    for start in range(0, len(files), 100):
        batch = files[start:start + 100]
        done = subprocess.run([tool, "--dry-run", "--Werror", "--style=file"] + batch,
                              stderr=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            bad += sorted({line.split(":", 1)[0] for line in done.stderr.splitlines()
                           if "-Wclang-format-violations" in line})
    for path in bad:
        print(f"{os.path.relpath(path, root)}: not formatted (run clang-format -i on it)")
    print(f"{len(files)} files checked, {len(bad)} not formatted")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Every Linux-only rule says so in its clause (README, "Linux-only rules
say so in their clause"; the rule is in docs/DESIGN.md): the clause of a
test must contain "Linux-only" when

  - the test is in the linux family (suites/linux/: eventfd, signalfd,
    pidfd, interfaces POSIX does not have), or
  - its clause cites no POSIX text (no XSH, XBD, XCU or XRAT section) and
    rests on Linux man pages alone ("eventfd(2)", "sem_overview(7)").

A clause that cites POSIX and adds a Linux man page ("XSH pause();
signal(7)") states a POSIX rule and needs no mark.

Usage: check_linux_only.py SIGIPC_BINARY     (checks `sigipc list --json`)
       check_linux_only.py --self-test       (the rule on made-up entries)
Exit 0 every clause marked where due, 1 not (the tests are listed), 2 bad
usage or a failing `sigipc list`.
"""
import json
import re
import subprocess
import sys

MARK = "Linux-only"
POSIX_SOURCE = re.compile(r"\b(XSH|XBD|XCU|XRAT)\b")
MAN_PAGE = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\([1-8][a-z]*\)")


def needs_mark(test):
    """Why the test's clause must say Linux-only, or None."""
    clause = test["clause"]
    if test["family"] == "linux":
        return "linux family"
    if not POSIX_SOURCE.search(clause) and MAN_PAGE.search(clause):
        return "cites only Linux man pages"
    return None


def unmarked(tests):
    return [(t, why) for t in tests if (why := needs_mark(t)) and MARK not in t["clause"]]


def self_test():
    def t(family, clause):
        return {"id": f"{family}:{clause}", "family": family, "clause": clause}

    good = [
        t("linux", "Linux-only, eventfd(2)"),
        t("signal", "XSH pause(); signal(7)"),
        t("posix_sem", "Linux-only (glibc), sem_overview(7)"),
        t("signal", "XSH sigaction()"),
        t("injection", "XSH sigwait() ERRORS; Linux sigwait(3) ERRORS (EINVAL only)"),
    ]
    bad = [
        t("linux", "pidfd_send_signal(2)"),
        t("injection", "Linux eventfd(2) ERRORS"),
        t("posix_sem", "sem_overview(7) (Linux/glibc-specific)"),
    ]
    found = {x["id"] for x, _ in unmarked(good + bad)}
    want = {x["id"] for x in bad}
    if found != want:
        print(f"self-test: flagged {sorted(found)}, expected {sorted(want)}")
        return 1
    print(f"self-test: {len(bad)} unmarked clauses flagged, {len(good)} good ones passed")
    return 0


def main():
    if len(sys.argv) != 2:
        print("usage: check_linux_only.py SIGIPC_BINARY | --self-test", file=sys.stderr)
        return 2
    if sys.argv[1] == "--self-test":
        return self_test()
    listed = subprocess.run([sys.argv[1], "list", "--json"], stdout=subprocess.PIPE, check=False)
    if listed.returncode != 0:
        print(f"{sys.argv[1]} list --json exited {listed.returncode}", file=sys.stderr)
        return 2
    tests = json.loads(listed.stdout)
    bad = unmarked(tests)
    for test, why in bad:
        print(f'{test["id"]}: clause "{test["clause"]}" lacks "{MARK}" ({why})')
    print(f"{len(tests)} tests, {len(bad)} Linux-only clauses without the mark")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

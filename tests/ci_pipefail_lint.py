#!/usr/bin/env python3
"""No shell script under ci/ (or .ci/) reads a pipeline with a command that
may stop before its input ends: grep -q/-m/-l, grep into /dev/null (GNU grep
then stops at the first match), head, sed ...q, awk ... exit. Under
`set -o pipefail` the writer then dies of SIGPIPE and the pipeline fails
although the reader found what it looked for (a package that exists looked
missing that way). Only the first command of a pipeline may stop early.

  tests/ci_pipefail_lint.py REPO     checks REPO/ci and REPO/.ci
  tests/ci_pipefail_lint.py --self-test
Exit 0 clean, 1 with one line per finding."""
import os
import re
import sys

EARLY = [
    (re.compile(r'^grep\b.*\s-[a-zA-Z]*[qlLm][a-zA-Z]*\d*(?=\s|$)'), 'grep -q/-l/-m stops at its first match'),
    (re.compile(r'^grep\b.*--(quiet|silent|max-count|files-with(out)?-match)'), 'grep stops at its first match'),
    (re.compile(r'^grep\b.*>\s*/dev/null'), 'grep into /dev/null stops at its first match'),
    (re.compile(r'^head\b'), 'head stops reading'),
    (re.compile(r'^sed\b.*\bq\b'), 'sed q stops reading'),
    (re.compile(r'^awk\b.*\bexit\b'), 'awk exit stops reading'),
]


def strip_quotes(line):
    """Drops from quoted text the characters that separate commands, so
    that a | inside a regex is not a pipe (the words stay: sed's q)."""
    out, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c in '\'"':
            j = line.find(c, i + 1)
            while c == '"' and j > 0 and line[j - 1] == '\\':
                j = line.find(c, j + 1)
            if j < 0:
                break
            out.append(c + re.sub(r'[|;&(){}`$]', ' ', line[i + 1:j]) + c)
            i = j + 1
        elif c == '#' and (i == 0 or line[i - 1] in ' \t;'):
            break
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def logical_lines(text):
    buf, start = '', 1
    for no, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = no
        if raw.endswith('\\'):
            buf += raw[:-1] + ' '
            continue
        buf += raw
        # A line ending in a pipe continues on the next one.
        if strip_quotes(buf).rstrip().endswith('|') and not strip_quotes(buf).rstrip().endswith('||'):
            buf += ' '
            continue
        yield start, buf
        buf = ''
    if buf:
        yield start, buf


def findings(text):
    for no, line in logical_lines(text):
        code = strip_quotes(line)
        for part in re.split(r'\|\||&&|;|\$\(|`|\(|\)|\{|\}', code):
            stages = [s.strip() for s in re.split(r'(?<![|>])\|(?!\|)', part)]
            for stage in stages[1:]:
                words = stage.split()
                while words and re.match(r'^\w+=', words[0]):
                    words.pop(0)
                stage = ' '.join(words)
                for pattern, why in EARLY:
                    if pattern.search(stage):
                        yield no, why, line.strip()
                        break


def is_shell(path):
    if path.endswith('.sh'):
        return True
    try:
        with open(path, 'rb') as f:
            first = f.readline()
    except OSError:
        return False
    return first.startswith(b'#!') and (b'sh' in first.split(b'/')[-1])


def scan(repo):
    bad = 0
    for top in ('ci', '.ci'):
        for root, _, files in os.walk(os.path.join(repo, top)):
            for name in sorted(files):
                path = os.path.join(root, name)
                if not is_shell(path):
                    continue
                with open(path, encoding='utf-8', errors='replace') as f:
                    text = f.read()
                for no, why, line in findings(text):
                    print(f'{os.path.relpath(path, repo)}:{no}: {why} at the end of a pipeline: {line}')
                    bad += 1
    return bad


def self_test():
    bad = [
        "apt-cache policy \"$p\" 2>/dev/null | grep -q 'Candidate: [^(]' || x",
        'found=$(ls "$d"/v.* 2>/dev/null | head -1 || true)',
        'file "$f" | grep -q static ||\n  die',
        'dpkg-query -W "$p" |\n  grep --quiet ok',
        'a | grep ok >/dev/null',
        'x=$(cat f | sed -n "1p;q")',
        'cat f | awk \'{print; exit}\'',
        'cmd | tr a b | grep -m1 x | sort',
    ]
    good = [
        "grep -q '^# matrix: opt-in' \"$f\" && x",
        "reason=$(grep -m1 '^U: ' \"$log\" | sed 's/^U: //')",
        "grep -m20 -E 'error|Error' \"$log\" >&2",
        'apt-cache search x | awk \'{print $1}\' | grep -v -e -cloud- | sort -V | tail -1',
        'policy=$(apt-cache policy "$1" 2>/dev/null) || return 1',
        '[ -x a ] || { echo "no | head here" >&2; exit 1; }',
        'tar -cf - . | gzip -1 >x  # not | head -1',
    ]
    ok = True
    for t in bad:
        if not list(findings(t)):
            print(f'self-test: not flagged: {t!r}')
            ok = False
    for t in good:
        if list(findings(t)):
            print(f'self-test: flagged wrongly: {t!r}')
            ok = False
    return ok


if __name__ == '__main__':
    if len(sys.argv) == 2 and sys.argv[1] == '--self-test':
        sys.exit(0 if self_test() else 1)
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    if not self_test():
        sys.exit(1)
    n = scan(sys.argv[1])
    sys.exit(1 if n else 0)

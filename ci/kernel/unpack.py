#!/usr/bin/env python3
"""Reads the serial console log of a kernel-cell guest (protocol in
ci/kernel/init) and puts the run's results into OUTDIR:

- the report folder the guest sends at the end (a gzipped tar in base64
  between SIGIPC-BEGIN and SIGIPC-END, checked against its sha256), unpacked
  into OUTDIR: exit 0;
- failing that (the guest panicked, hung or lost power, or the console
  mangled the payload), the result stream the guest printed as the tests
  finished (`sigipc run --stdout-format jsonl`: a header line, then start,
  result and end events), saved as OUTDIR/results.jsonl for `sigipc report`
  to rebuild the reports from: exit 3. When that stream has no end line the
  run was cut short: OUTDIR/stream-cut says after how many of the planned
  tests, and which test(s) had started without a result;
- neither: exit 1.
Prints boot and run times, and what it recovered, on stderr.

  ci/kernel/unpack.py CONSOLE_LOG OUTDIR START END"""
import base64
import hashlib
import io
import json
import os
import re
import sys
import tarfile

STREAM = 'sigipc-stream/1'


def stream_lines(text):
    """The stream's lines from the console, from its last header on: every
    line that is a whole JSON object of the stream (a line a kernel message
    cut into, or the last one the guest did not finish, is left out)."""
    kept = []
    for line in text.split('\n'):
        line = line.strip()
        if not line.startswith('{'):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if not isinstance(obj, dict):
            continue
        if obj.get('stream') == STREAM:
            kept = [(line, obj)]
        elif kept and obj.get('event') in ('start', 'result', 'end'):
            kept.append((line, obj))
    return kept


def describe_stream(kept):
    """(ended, planned ids, finished ids, started-but-unfinished ids)."""
    planned = kept[0][1].get('planned') or []
    finished, running, ended = [], [], False
    for _, obj in kept[1:]:
        ev = obj['event']
        if ev == 'start':
            running.append(obj.get('id'))
        elif ev == 'result':
            finished.append(obj.get('id'))
            if obj.get('id') in running:
                running.remove(obj.get('id'))
        elif ev == 'end':
            ended = True
    return ended, planned, finished, running


def unpack_payload(text, out):
    """Unpacks the report folder; returns None, or why it could not."""
    m = re.search(r'^==== SIGIPC-BEGIN ([0-9a-f]{64}) ====\n(.*?)^==== SIGIPC-END ====', text, re.M | re.S)
    if not m:
        return 'no report folder on the console'
    payload = m.group(2)
    if hashlib.sha256(payload.encode()).hexdigest() != m.group(1):
        return 'the report folder on the console is damaged (checksum mismatch)'
    data = base64.b64decode(payload)
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as t:
        for member in t.getmembers():
            if member.name.startswith('/') or '..' in member.name.split('/'):
                return f'unsafe path {member.name} in the payload'
        for member in t.getmembers():
            if member.name == 'r':
                continue
            member.name = member.name[2:] if member.name.startswith('r/') else member.name
            t.extract(member, out)
    return None


def times(text, start, end):
    started = re.search(r'^SIGIPC-START ([0-9.]+)', text, re.M)
    exited = re.search(r'^SIGIPC-EXIT (\d+) ([0-9.]+)', text, re.M)
    boot = float(started.group(1)) if started else float('nan')
    run = float(exited.group(2)) - boot if exited and started else float('nan')
    print(f'guest: boot {boot:.1f}s, suite {run:.1f}s (guest clock), sigipc exit '
          f'{exited.group(1) if exited else "?"}; host wall {end - start:.1f}s', file=sys.stderr)


def main():
    if len(sys.argv) != 5:
        sys.exit('usage: ci/kernel/unpack.py CONSOLE_LOG OUTDIR START END')
    console, out = sys.argv[1], sys.argv[2]
    start, end = float(sys.argv[3]), float(sys.argv[4])
    text = open(console, 'rb').read().decode('latin-1').replace('\r', '')
    os.makedirs(out, exist_ok=True)
    why = unpack_payload(text, out)
    times(text, start, end)
    if why is None:
        return 0
    kept = stream_lines(text)
    if not kept:
        tail = '\n'.join(text.strip().splitlines()[-15:])
        print(f'ci/kernel/boot: {why} and no result stream (see {console}); last lines:\n{tail}',
              file=sys.stderr)
        return 1
    with open(os.path.join(out, 'results.jsonl'), 'w') as f:
        f.write(''.join(line + '\n' for line, _ in kept))
    ended, planned, finished, running = describe_stream(kept)
    if ended:
        print(f'ci/kernel/boot: {why}; the complete result stream from the console '
              f'({len(finished)} results) is used instead', file=sys.stderr)
        return 3
    note = (f'the guest stopped after {len(finished)} of {len(planned)} planned tests'
            + (f', during {", ".join(running)}' if running else ', between tests'))
    with open(os.path.join(out, 'stream-cut'), 'w') as f:
        f.write(note + '\n')
    print(f'ci/kernel/boot: {why}; {note}; the {len(finished)} results before it come from '
          f'the result stream on the console', file=sys.stderr)
    return 3


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""The kernel cells' console reader (ci/kernel/unpack.py) on console logs
written here: a guest that panics mid-run still yields every result before
the panic, names the test that was running, and lists the rest as not run;
an intact report folder wins over the stream; a console with neither is an
error.
  tests/ci_console_stream.py REPO"""
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

REPO = sys.argv[1] if len(sys.argv) == 2 else os.path.join(os.path.dirname(__file__), '..')
UNPACK = os.path.join(REPO, 'ci', 'kernel', 'unpack.py')
IDS = [f'Family.Test{i:03d}' for i in range(1, 9)]
BOOT_NOISE = '\r\n'.join([
    'SeaBIOS (version 1.16.2-debian-1.16.2-1)',
    'Booting from ROM..',
    '[    0.000000] Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org)',
    'SIGIPC-START 3.41 2.10',
]) + '\r\n'


def header():
    return json.dumps({'stream': 'sigipc-stream/1',
                       'environment': {'kernel_release': '6.1.0-28-amd64', 'arch': 'x86_64'},
                       'planned': IDS})


def start(i):
    return json.dumps({'event': 'start', 'id': IDS[i]})


def result(i, status='PASS'):
    return json.dumps({'event': 'result', 'id': IDS[i], 'status': status,
                       'requirement': f'family.rule-{i}', 'message': '', 'duration_ms': 12})


def end():
    return json.dumps({'event': 'end', 'summary': {'total': len(IDS), 'PASS': len(IDS)}})


def payload():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as t:
        data = json.dumps({'summary': {'total': len(IDS)}}).encode()
        info = tarfile.TarInfo('r/results.json')
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    b64 = base64.encodebytes(buf.getvalue()).decode()
    return b64, hashlib.sha256(b64.encode()).hexdigest()


def run(console_text):
    d = tempfile.mkdtemp(dir=ROOT)
    with open(os.path.join(d, 'console.log'), 'w', newline='') as f:
        f.write(console_text)
    out = os.path.join(d, 'out')
    p = subprocess.run([sys.executable, UNPACK, os.path.join(d, 'console.log'), out, '0', '1'],
                       capture_output=True, text=True)
    return p.returncode, out, p.stderr, d


failures = []
ROOT = tempfile.mkdtemp(prefix='sigipc-ci-console.')


def check(cond, what):
    if not cond:
        failures.append(what)


def read(path):
    with open(path) as f:
        return f.read()


def case_panic_mid_run():
    # Six results, the seventh test started, then a panic: its messages
    # arrive on the console, one of them cutting into nothing but noise, and
    # the guest's last JSON line is cut off mid-write.
    lines = [header()]
    for i in range(6):
        lines += [start(i), result(i, 'FAIL' if i == 2 else 'PASS')]
    lines += [start(6)]
    text = BOOT_NOISE + '\r\n'.join(lines) + '\r\n'
    text += '[  612.338201] Kernel panic - not syncing: Fatal exception in interrupt\r\n'
    text += '[  612.338907] ---[ end Kernel panic - not syncing ]---\r\n'
    text += '{"event":"result","id":"Family.Te'
    rc, out, err, _ = run(text)
    check(rc == 3, f'panic: exit {rc}, expected 3 (stream only); stderr: {err}')
    stream = read(os.path.join(out, 'results.jsonl')).splitlines()
    objs = [json.loads(line) for line in stream]
    check(objs[0].get('planned') == IDS, 'panic: the header line is not the first of results.jsonl')
    got = [o['id'] for o in objs if o.get('event') == 'result']
    check(got == IDS[:6], f'panic: results recovered {got}, expected the six before the panic')
    check(objs[-1] == {'event': 'start', 'id': IDS[6]}, 'panic: the running test\'s start line is missing')
    cut = read(os.path.join(out, 'stream-cut'))
    check('after 6 of 8 planned tests' in cut and IDS[6] in cut,
          f'panic: stream-cut does not name the count and the running test: {cut!r}')
    check(IDS[6] in err, 'panic: stderr does not name the running test')


def case_payload_wins():
    b64, digest = payload()
    lines = [header()] + [x for i in range(8) for x in (start(i), result(i))] + [end()]
    text = (BOOT_NOISE + '\r\n'.join(lines) + '\r\nSIGIPC-EXIT 0 99.0\r\n'
            + f'==== SIGIPC-BEGIN {digest} ====\r\n' + b64.replace('\n', '\r\n') + '==== SIGIPC-END ====\r\n')
    rc, out, err, _ = run(text)
    check(rc == 0, f'payload: exit {rc}, expected 0; stderr: {err}')
    check(os.path.isfile(os.path.join(out, 'results.json')), 'payload: results.json not unpacked')
    check(not os.path.exists(os.path.join(out, 'stream-cut')), 'payload: a complete run marked cut')


def case_damaged_payload_complete_stream():
    b64, digest = payload()
    lines = [header()] + [x for i in range(8) for x in (start(i), result(i))] + [end()]
    damaged = b64[:20] + ('A' if b64[20] != 'A' else 'B') + b64[21:]
    text = (BOOT_NOISE + '\r\n'.join(lines) + '\r\n'
            + f'==== SIGIPC-BEGIN {digest} ====\r\n' + damaged + '==== SIGIPC-END ====\r\n')
    rc, out, err, _ = run(text)
    check(rc == 3, f'damaged payload: exit {rc}, expected 3; stderr: {err}')
    check(not os.path.exists(os.path.join(out, 'stream-cut')), 'damaged payload: a complete stream marked cut')
    check(len(read(os.path.join(out, 'results.jsonl')).splitlines()) == 18,
          'damaged payload: the stream is not saved whole')


def case_nothing():
    rc, out, err, _ = run(BOOT_NOISE + '[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n')
    check(rc == 1, f'nothing: exit {rc}, expected 1')
    check('Unable to mount root fs' in err, 'nothing: the console\'s last lines are not shown')


def case_hang_between_tests():
    lines = [header()] + [x for i in range(3) for x in (start(i), result(i))]
    rc, out, err, _ = run(BOOT_NOISE + '\r\n'.join(lines) + '\r\n')
    check(rc == 3, f'hang: exit {rc}, expected 3')
    cut = read(os.path.join(out, 'stream-cut'))
    check('after 3 of 8 planned tests, between tests' in cut, f'hang: stream-cut says {cut!r}')


for case in (case_panic_mid_run, case_payload_wins, case_damaged_payload_complete_stream, case_nothing,
             case_hang_between_tests):
    try:
        case()
    except Exception as e:  # a crash of the reader is a failure of the case
        failures.append(f'{case.__name__}: {type(e).__name__}: {e}')
shutil.rmtree(ROOT)
for f in failures:
    print('FAIL:', f)
if not failures:
    print('ok: 5 console logs')
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""Reads the serial console log of a kernel-cell guest (protocol in
ci/kernel/init), checks the payload's sha256, and unpacks the report folder
into OUTDIR. Prints boot and run times. Exit 1 if the payload is missing or
damaged."""
import base64, hashlib, io, re, sys, tarfile

console, out, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
text = open(console, 'rb').read().decode('latin-1').replace('\r', '')
started = re.search(r'^SIGIPC-START ([0-9.]+)', text, re.M)
exited = re.search(r'^SIGIPC-EXIT (\d+) ([0-9.]+)', text, re.M)
m = re.search(r'^==== SIGIPC-BEGIN ([0-9a-f]{64}) ====\n(.*?)^==== SIGIPC-END ====', text, re.M | re.S)
if not m:
    tail = '\n'.join(text.strip().splitlines()[-15:])
    sys.exit(f'ci/kernel/boot: no results on the console (see {console}); last lines:\n{tail}')
payload = m.group(2)
if hashlib.sha256(payload.encode()).hexdigest() != m.group(1):
    sys.exit(f'ci/kernel/boot: results on the console are damaged (checksum mismatch; see {console})')
data = base64.b64decode(payload)
with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as t:
    for member in t.getmembers():
        if member.name.startswith('/') or '..' in member.name.split('/'):
            sys.exit(f'ci/kernel/boot: unsafe path {member.name} in the payload')
        if member.name == 'r':
            continue
        member.name = member.name[2:] if member.name.startswith('r/') else member.name
        t.extract(member, out)
boot = float(started.group(1)) if started else float('nan')
run = float(exited.group(2)) - boot if exited and started else float('nan')
print(f'guest: boot {boot:.1f}s, suite {run:.1f}s (guest clock), sigipc exit '
      f'{exited.group(1) if exited else "?"}; host wall {end - start:.1f}s', file=sys.stderr)

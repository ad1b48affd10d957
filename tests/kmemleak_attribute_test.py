#!/usr/bin/env python3
"""ci/kernel/kmemleak-attribute on a fabricated run: a results.json with
three tests of the injection.kernel family and a kmemleak dump with one
leak of a family child ("kfmsgsnd@2"), one of another task, and the guest's
header line. Checks the attribution, the verdicts and the exit status.

Usage: kmemleak_attribute_test.py SCRIPT   (exit 0 pass, 1 fail)
"""
import json
import os
import subprocess
import sys
import tempfile

RESULTS = {"results": [
    {"id": "KernelFaults.MsgsndFailureLeavesQueueUnchanged", "status": "PASS",
     "requirement": "injection.kernel.msgsnd.failure-leaves-queue-unchanged",
     "message": "observed: kernel-fault call=msgsnd tag=kfmsgsnd points=2 failed=1 absorbed=1 "
                "errnos=ENOMEM:1 sites=load_msg<ksys_msgsnd"},
    {"id": "KernelFaults.MsggetFailureCreatesNoQueue", "status": "PASS",
     "requirement": "injection.kernel.msgget.failure-creates-no-queue",
     "message": "observed: kernel-fault call=msgget tag=kfmsgget points=4 failed=1 absorbed=3 "
                "errnos=ENOMEM:1 sites=newque<ipcget"},
    {"id": "KernelFaults.Pipe2FailureLeavesNoDescriptor", "status": "FAIL",
     "requirement": "injection.kernel.pipe2.failure-leaves-no-fd",
     "message": "x.cc:53: Actual: false (kernel-fault call=pipe2 tag=kfpipe2 points=12 failed=6 "
                "absorbed=6 errnos=ENFILE:3,ENOMEM:3 sites=alloc_pipe_info<create_pipe_files "
                "pipe2 N=7: failed with ENOMEM) Expected: true"},
    {"id": "SignalMask.Other", "status": "PASS", "requirement": "signal.mask.x", "message": ""},
]}

DUMP = """# kmemleak: scanned
unreferenced object 0xffff888004d1c000 (size 64):
  comm "kfmsgsnd@2", pid 231, jiffies 4294937296 (age 7.120s)
  hex dump (first 32 bytes):
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................
  backtrace:
    [<000000004bb1c9b5>] __kmalloc+0x4e/0x90
    [<00000000b2c3d4e5>] load_msg+0x2c/0x120
    [<00000000c3d4e5f6>] do_msgsnd+0x6a/0x3a0
unreferenced object 0xffff888004d1d000 (size 32):
  comm "swapper/0", pid 1, jiffies 4294890000 (age 60.000s)
  backtrace:
    [<000000001111aaaa>] kmem_cache_alloc+0x3a/0x2e0
    [<000000002222bbbb>] some_init+0x10/0x40
"""


def main():
    script = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "results.json"), "w") as f:
            json.dump(RESULTS, f)
        with open(os.path.join(d, "kmemleak.txt"), "w") as f:
            f.write(DUMP)
        r = subprocess.run([script, d], capture_output=True, text=True)
        if r.returncode != 1:
            failures.append(f"exit {r.returncode}, expected 1 (a leak attributed): {r.stderr}")
        rep = json.load(open(os.path.join(d, "kernel-injection.json")))
        calls = {c["call"]: c for c in rep["calls"]}
        if sorted(calls) != ["msgget", "msgsnd", "pipe2"]:
            failures.append(f"calls {sorted(calls)}")
        snd = calls.get("msgsnd", {})
        if [l["n"] for l in snd.get("leaks", [])] != [2] or snd.get("verdict") != "FAIL":
            failures.append(f"msgsnd: {snd}")
        if snd.get("leaks") and snd["leaks"][0]["backtrace"][:2] != ["__kmalloc", "load_msg"]:
            failures.append(f"msgsnd backtrace {snd['leaks'][0]['backtrace']}")
        if calls.get("msgget", {}).get("verdict") != "PASS":
            failures.append(f"msgget: {calls.get('msgget')}")
        if calls.get("pipe2", {}).get("errnos") != {"ENFILE": 3, "ENOMEM": 3} or \
                calls["pipe2"]["verdict"] != "FAIL":
            failures.append(f"pipe2: {calls.get('pipe2')}")
        if [o["comm"] for o in rep["unattributed_leaks"]] != ["swapper/0"]:
            failures.append(f"unattributed {rep['unattributed_leaks']}")
        if rep["kmemleak"] != "scanned":
            failures.append(f"kmemleak state {rep['kmemleak']}")
        md = open(os.path.join(d, "kernel-injection.md")).read()
        if "N=2 64 B at __kmalloc<load_msg<do_msgsnd" not in md:
            failures.append("markdown lacks the leak line:\n" + md)
        # The dump named elsewhere (--kmemleak), the reports elsewhere (--out).
        os.rename(os.path.join(d, "kmemleak.txt"), os.path.join(d, "dump.txt"))
        r = subprocess.run([script, d, "--kmemleak", os.path.join(d, "dump.txt"), "--out",
                            os.path.join(d, "o")], capture_output=True, text=True)
        rep = json.load(open(os.path.join(d, "o", "kernel-injection.json")))
        if r.returncode != 1 or rep["kmemleak"] != "scanned":
            failures.append(f"--kmemleak: exit {r.returncode}, state {rep['kmemleak']}")
        # Without the dump nothing is attributed and the verdict says so.
        r = subprocess.run([script, d], capture_output=True, text=True)
        rep = json.load(open(os.path.join(d, "kernel-injection.json")))
        if r.returncode != 0 or rep["kmemleak"] != "missing" or \
                rep["calls"][1]["verdict"] != "PASS (no kmemleak scan)":
            failures.append(f"without a dump: exit {r.returncode}, {rep['calls'][1]}")
        # Bad input: one line, exit 2.
        r = subprocess.run([script, os.path.join(d, "nope")], capture_output=True, text=True)
        if r.returncode != 2 or r.stderr.count("\n") != 1:
            failures.append(f"bad folder: exit {r.returncode}, stderr {r.stderr!r}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

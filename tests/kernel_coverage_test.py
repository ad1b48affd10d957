#!/usr/bin/env python3
"""Self-tests of the kernel coverage report (ci/kernel/coverage-report) and
of test selection by kernel function (sigipc list/run --touching), without
booting: a fake "kernel" of three small C files built in-tree with
--coverage, run with different inputs, each run's counters laid out as a
guest's kernel-gcov/ unit folder.

  kernel_coverage_test.py SOURCE_DIR SIGIPC_BINARY [unittest args]"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = SIGIPC = None

HEADER = r'''
static inline int twice(int v) { return 2 * v; }
'''
SIGNAL_C = r'''
#include "../include/fake.h"
#define __init __attribute__((cold))
#define core_initcall(fn) int (*fn##_call)(void) = fn
int do_sigaction(int v) { if (v > 100) return twice(v); return v + 1; }
int shared_path(int v) { return v * 3; }
static int __init
signals_init(void) { return 1; }
int (*boot_hook)(void) = signals_init;
static int sig_setup(void) { return 2; }
core_initcall(sig_setup);
int kthread_only(int v) { return v - 4; }
int never_called(int v) { return v ^ 5; }
/* Inlined before the profiling pass: gcov counts no entry into it. */
extern int find_helper(int v);
inline __attribute__((always_inline)) int find_helper(int v) { return v + 11; }
/* A weak default that fs/pipe.c overrides: its call never lands here. */
#define __weak __attribute__((weak))
int __weak arch_hook(int v) { return v; }
int uses_helpers(int v) { return find_helper(v) + arch_hook(v); }
/* SYSCALL_DEFINE's functions: oldcall is only in the 32-bit table. */
long __do_sys_oldcall(long v) { return v; }
long __x64_sys_oldcall(long v) { return __do_sys_oldcall(v); }
long __x64_sys_newcall(long v) { return v; }
'''
MSG_C = r'''
int do_msgsnd(int v) { if (v == 7) return 1; return 0; }
int msg_unused(int v) { return v + 9; }
'''
PIPE_C = r'''
int pipe_write(int v) { return v & 1; }
int arch_hook(int v) { return v * 2; }
'''
MAIN_C = r'''
#include <stdlib.h>
int do_sigaction(int), shared_path(int), do_msgsnd(int), pipe_write(int), uses_helpers(int);
int main(int argc, char **argv) {
  int r = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == 's') r += do_sigaction(i) + shared_path(i) + uses_helpers(i);
    if (argv[i][0] == 'm') r += do_msgsnd(i) + shared_path(i) + pipe_write(i);
  }
  return r & 0;
}
'''
CURATED = '''kernel/signal.c:kthread_only: called only from a kernel thread (the fake's kworker), never from a system call
'''
OBJECTS = ('kernel/signal', 'ipc/msg', 'fs/pipe')


def build_fake_kernel(tree, signal_c=SIGNAL_C):
    """The fake kernel's objects, compiled from the tree's top as kbuild
    does (relative names), profiled like GCOV_PROFILE; main is not."""
    sources = {'include/fake.h': HEADER, '.config': '# CONFIG_IA32_EMULATION is not set\n',
               'arch/x86/entry/syscalls/syscall_64.tbl':
                   '# number abi name entry\n1 common newcall sys_newcall\n2 x32 oldcall sys_oldcall\n', 'kernel/signal.c': signal_c, 'ipc/msg.c': MSG_C,
               'fs/pipe.c': PIPE_C, 'main.c': MAIN_C}
    for rel, text in sources.items():
        os.makedirs(os.path.join(tree, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(tree, rel), 'w') as f:
            f.write(text)
    for obj in OBJECTS:
        subprocess.run(['gcc', '-O0', '--coverage', '-c', obj + '.c', '-o', obj + '.o'],
                       cwd=tree, check=True)
    subprocess.run(['gcc', '-O0', '-c', 'main.c', '-o', 'main.o'], cwd=tree, check=True)
    subprocess.run(['gcc', '--coverage', '-o', 'fake-kernel', 'main.o'] +
                   [o + '.o' for o in OBJECTS], cwd=tree, check=True)


def run_unit(tree, gcov_dir, unit, args):
    """One unit: a run of the fake kernel whose counters land in
    gcov_dir/unit/<path relative to the tree>.gcda, as the guest copies
    them out of /sys/kernel/debug/gcov."""
    strip = len([p for p in os.path.realpath(tree).split('/') if p])
    env = dict(os.environ, GCOV_PREFIX=os.path.join(gcov_dir, unit),
               GCOV_PREFIX_STRIP=str(strip))
    subprocess.run([os.path.join(tree, 'fake-kernel'), *args], env=env, check=True)


def write_guest(gcov_dir, tree, units):
    os.makedirs(gcov_dir, exist_ok=True)
    with open(os.path.join(gcov_dir, 'build-path'), 'w') as f:
        f.write(os.path.realpath(tree) + '\n')
    with open(os.path.join(gcov_dir, 'units.tsv'), 'w') as f:
        for name, kind, filter_, args in units:
            f.write(f'{name}\t{kind}\t{filter_}\n')
            run_unit(tree, gcov_dir, name, args)


FAMILY_UNITS = [('all', 'all', '*', ['s', 'm']), ('signal', 'family', 'signal.*', ['s']),
                ('sysv_msg', 'family', 'sysv_msg.*', ['m'])]


def tree_state(tree):
    state = {}
    for root, _, files in os.walk(tree):
        for f in files:
            p = os.path.join(root, f)
            st = os.stat(p)
            state[os.path.relpath(p, tree)] = (st.st_size, st.st_mtime_ns)
    return state


class Fake:
    """One fake kernel and guest folder for the whole module (the compile
    is the slow part)."""
    dir = None

    @classmethod
    def setup(cls):
        cls.dir = tempfile.mkdtemp(prefix='sigipc-kcov-test-')
        cls.tree = os.path.join(cls.dir, 'tree')
        build_fake_kernel(cls.tree)
        cls.tmp = os.path.join(cls.dir, 'tmp')
        os.makedirs(cls.tmp)

    @classmethod
    def report(cls, gcov_dir, out, curated=None):
        cmd = [os.path.join(SOURCE_DIR, 'ci/kernel/coverage-report'), '--tree', cls.tree,
               '--gcov', gcov_dir, '--out', out]
        if curated:
            cmd += ['--unreachable', curated]
        return subprocess.run(cmd, capture_output=True, text=True,
                              env=dict(os.environ, TMPDIR=cls.tmp))


def load(path):
    with open(path) as f:
        return json.load(f)


class ReportTest(unittest.TestCase):
    """The family-unit report, built once."""

    @classmethod
    def setUpClass(cls):
        cls.gcov = os.path.join(Fake.dir, 'family-gcov')
        write_guest(cls.gcov, Fake.tree, FAMILY_UNITS)
        cls.curated = os.path.join(Fake.dir, 'unreachable.yaml')
        with open(cls.curated, 'w') as f:
            f.write(CURATED)
        cls.before = tree_state(Fake.tree)
        cls.out = os.path.join(Fake.dir, 'family-report')
        cls.proc = Fake.report(cls.gcov, cls.out, cls.curated)

    def test_report_files_written(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        for f in ('html/index.html', 'html/attribution.html', 'coverage.xml', 'summary.json',
                  'summary.md', 'attribution.json', 'unreached.json'):
            self.assertTrue(os.path.isfile(os.path.join(self.out, f)), f)
        with open(os.path.join(self.out, 'html/index.html')) as f:
            self.assertIn('attribution.html', f.read())
        with open(os.path.join(self.out, 'coverage.xml')) as f:
            xml = f.read()
        self.assertIn(f'<source>{Fake.tree}</source>', xml)
        self.assertIn('filename="kernel/signal.c"', xml)

    def test_tree_untouched_and_no_scratch_left(self):
        self.assertEqual(tree_state(Fake.tree), self.before)
        self.assertEqual(os.listdir(Fake.tmp), [])

    def test_gcda_unpacked_beside_notes_per_file(self):
        s = load(os.path.join(self.out, 'summary.json'))
        self.assertEqual(s['schema'], 'sigipc-kernel-coverage/1')
        # Profiled sources only: no header, no main.c (not profiled).
        self.assertEqual(sorted(s['files']), ['fs/pipe.c', 'ipc/msg.c', 'kernel/signal.c'])
        msg = s['files']['ipc/msg.c']
        self.assertEqual((msg['functions']['covered'], msg['functions']['total']), (1, 2))
        self.assertEqual(s['files']['fs/pipe.c']['lines']['percent'], 100.0)
        self.assertIn('unit "all"', s['counters'])

    def test_targets_follow_the_figures(self):
        s = load(os.path.join(self.out, 'summary.json'))
        targets = {t['scope']: t for t in s['targets']}
        self.assertEqual(sorted(targets), ['fs/pipe.c', 'ipc/', 'kernel/signal.c'])
        self.assertTrue(targets['fs/pipe.c']['met'])
        ipc = targets['ipc/']
        self.assertEqual(ipc['percent'], s['aggregates']['ipc/']['lines']['percent'])
        self.assertEqual(ipc['met'], ipc['percent'] >= 85)
        self.assertFalse(ipc['met'])  # msg_unused and one branch of do_msgsnd are not run
        sig = targets['kernel/signal.c']
        self.assertEqual(sig['met'], sig['percent'] >= 75)

    def test_attribution_names_the_units_that_reach_each_function(self):
        a = load(os.path.join(self.out, 'attribution.json'))
        self.assertEqual(a['schema'], 'sigipc-kernel-attribution/1')
        self.assertEqual(a['granularity'], 'family')
        f = a['functions']
        self.assertEqual(f['kernel/signal.c:do_sigaction'], ['signal'])
        self.assertEqual(f['ipc/msg.c:do_msgsnd'], ['sysv_msg'])
        self.assertEqual(f['fs/pipe.c:pipe_write'], ['sysv_msg'])
        self.assertEqual(f['kernel/signal.c:shared_path'], ['signal', 'sysv_msg'])
        self.assertEqual(f['kernel/signal.c:never_called'], [])
        self.assertEqual(f['kernel/signal.c:find_helper'], ['signal'])
        self.assertEqual(f['kernel/signal.c:arch_hook'], [])
        self.assertEqual(f['fs/pipe.c:arch_hook'], ['signal'])
        self.assertNotIn('main.c:main', f)

    def test_unreached_marks_reachability_with_reasons(self):
        u = load(os.path.join(self.out, 'unreached.json'))
        by = {e['function']: e for e in u['functions']}
        self.assertEqual(sorted(by), ['ipc/msg.c:msg_unused', 'kernel/signal.c:__do_sys_oldcall',
                                      'kernel/signal.c:__x64_sys_newcall',
                                      'kernel/signal.c:__x64_sys_oldcall', 'kernel/signal.c:arch_hook',
                                      'kernel/signal.c:kthread_only',
                                      'kernel/signal.c:never_called', 'kernel/signal.c:sig_setup',
                                      'kernel/signal.c:signals_init'])
        self.assertFalse(by['kernel/signal.c:signals_init']['reachable'])
        self.assertIn('__init', by['kernel/signal.c:signals_init']['reason'])
        self.assertFalse(by['kernel/signal.c:sig_setup']['reachable'])
        self.assertIn('initcall', by['kernel/signal.c:sig_setup']['reason'])
        self.assertFalse(by['kernel/signal.c:kthread_only']['reachable'])
        self.assertIn('kernel thread', by['kernel/signal.c:kthread_only']['reason'])
        self.assertTrue(by['kernel/signal.c:never_called']['reachable'])
        self.assertTrue(by['kernel/signal.c:__x64_sys_newcall']['reachable'])
        for f in ('__x64_sys_oldcall', '__do_sys_oldcall'):
            self.assertFalse(by['kernel/signal.c:' + f]['reachable'])
            self.assertIn('no entry in the x86_64 system call table', by['kernel/signal.c:' + f]['reason'])
        self.assertIn('IA32_EMULATION is off', by['kernel/signal.c:__do_sys_oldcall']['reason'])
        self.assertEqual((u['reachable'], u['not_reachable']), (4, 5))
        with open(os.path.join(self.out, 'summary.md')) as f:
            md = f.read()
        self.assertIn('`kernel/signal.c:never_called`', md)
        self.assertIn('| `kernel/signal.c:shared_path` | 2 | signal, sysv_msg |', md)

    def test_zero_counter_files_are_recognised(self):
        sys.path.insert(0, os.path.join(SOURCE_DIR, 'ci/kernel'))
        from kcov_input import all_counters_zero
        unit = os.path.join(self.gcov, 'signal')
        self.assertTrue(all_counters_zero(os.path.join(unit, 'ipc/msg.gcda')))
        self.assertFalse(all_counters_zero(os.path.join(unit, 'kernel/signal.gcda')))
        # The kernel's own layout (kernel/gcov/gcc_4_7.c): zero counters
        # written out, no end mark.
        head = b'adcg' + b'*22B' + b'\1\2\3\4' + bytes(4)
        fn = struct.pack('<II', 0x01000000, 12) + bytes([1] * 12)
        path = os.path.join(Fake.dir, 'kernel-style.gcda')
        for value, zero in ((0, True), (5, False)):
            with open(path, 'wb') as f:
                f.write(head + fn + struct.pack('<IIQQ', 0x01a10000, 16, 0, value))
            self.assertEqual(all_counters_zero(path), zero)

    def test_sum_of_units_without_all_gives_the_same_figures(self):
        gcov = os.path.join(Fake.dir, 'sum-gcov')
        shutil.copytree(self.gcov, gcov)
        shutil.rmtree(os.path.join(gcov, 'all'))
        with open(os.path.join(gcov, 'units.tsv'), 'w') as f:
            f.write('signal\tfamily\tsignal.*\nsysv_msg\tfamily\tsysv_msg.*\n')
        out = os.path.join(Fake.dir, 'sum-report')
        p = Fake.report(gcov, out, self.curated)
        self.assertEqual(p.returncode, 0, p.stderr)
        with_all = load(os.path.join(self.out, 'summary.json'))
        summed = load(os.path.join(out, 'summary.json'))
        self.assertEqual(summed['files'], with_all['files'])
        self.assertIn('sum of 2 units', summed['counters'])
        self.assertEqual(os.listdir(Fake.tmp), [])

    def test_curated_entry_contradicted_by_the_run_is_reported(self):
        curated = os.path.join(Fake.dir, 'wrong.yaml')
        with open(curated, 'w') as f:
            f.write('kernel/signal.c:shared_path: called only from a kernel thread, says nobody\n'
                    'kernel/signal.c:gone: called only from code this config leaves out\n')
        out = os.path.join(Fake.dir, 'wrong-report')
        p = Fake.report(self.gcov, out, curated)
        self.assertEqual(p.returncode, 0, p.stderr)
        problems = load(os.path.join(out, 'unreached.json'))['curated_problems']
        self.assertEqual(len(problems), 2, problems)
        self.assertIn('shared_path is listed unreachable but the run reaches it', problems[0] +
                      problems[1])
        self.assertIn('run reaches it', p.stderr)


class CuratedListTest(unittest.TestCase):
    def test_repository_list_loads_and_gives_reasons(self):
        sys.path.insert(0, os.path.join(SOURCE_DIR, 'ci/kernel'))
        from kcov_unreached import load_curated
        curated = load_curated(os.path.join(SOURCE_DIR, 'ci/kernel/unreachable.yaml'))
        for key, reason in curated.items():
            self.assertRegex(key, r'^(kernel|ipc|fs|arch/x86/kernel)/[a-z0-9_/-]+\.c:\w+$')
            self.assertGreater(len(reason), 20, key)


class InterruptTest(unittest.TestCase):
    def test_sigterm_leaves_no_scratch(self):
        """A gcov that has the report killed (SIGTERM) while it reads a
        unit: exit 128+15, the scratch mirrors removed."""
        gcov = os.path.join(Fake.dir, 'int-gcov')
        write_guest(gcov, Fake.tree, [('signal', 'family', 'signal.*', ['s'])])
        fake_gcov = os.path.join(Fake.dir, 'gcov-that-kills')
        with open(fake_gcov, 'w') as f:
            f.write('#!/bin/sh\nkill -TERM "$PPID"\n')
        os.chmod(fake_gcov, 0o755)
        p = subprocess.run([os.path.join(SOURCE_DIR, 'ci/kernel/coverage-report'), '--tree',
                            Fake.tree, '--gcov', gcov, '--out', os.path.join(Fake.dir, 'int-out'),
                            '--gcov-executable', fake_gcov, '--jobs', '1'],
                           capture_output=True, text=True, env=dict(os.environ, TMPDIR=Fake.tmp))
        self.assertEqual(p.returncode, 128 + 15, p.stderr)
        self.assertEqual(os.listdir(Fake.tmp), [])


class TestUnitsTest(unittest.TestCase):
    def test_test_granularity(self):
        gcov = os.path.join(Fake.dir, 'test-gcov')
        write_guest(gcov, Fake.tree, [('Sig.One', 'test', 'Sig.One', ['s']),
                                      ('Msg.Two', 'test', 'Msg.Two', ['m'])])
        out = os.path.join(Fake.dir, 'test-report')
        p = Fake.report(gcov, out)
        self.assertEqual(p.returncode, 0, p.stderr)
        a = load(os.path.join(out, 'attribution.json'))
        self.assertEqual(a['granularity'], 'test')
        self.assertEqual(a['functions']['kernel/signal.c:shared_path'], ['Sig.One', 'Msg.Two'])


class BadInputTest(unittest.TestCase):
    """Bad guest folders and trees: exit 2 with one line, nothing left."""

    @classmethod
    def setUpClass(cls):
        cls.good = os.path.join(Fake.dir, 'bad-base')
        write_guest(cls.good, Fake.tree, [('signal', 'family', 'signal.*', ['s'])])

    def variant(self, name, edit):
        d = os.path.join(Fake.dir, 'bad-' + name)
        shutil.copytree(self.good, d)
        edit(d)
        return d

    def assert_refused(self, gcov, words, tree=None):
        cmd = [os.path.join(SOURCE_DIR, 'ci/kernel/coverage-report'), '--tree',
               tree or Fake.tree, '--gcov', gcov, '--out', os.path.join(Fake.dir, 'bad-out')]
        p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TMPDIR=Fake.tmp))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().split('\n')), 1, p.stderr)
        self.assertIn(words, p.stderr)
        self.assertEqual(os.listdir(Fake.tmp), [])

    def test_units_tsv_missing(self):
        self.assert_refused(self.variant('nounits', lambda d: os.unlink(d + '/units.tsv')),
                            'units.tsv')

    def test_bad_kind(self):
        def edit(d):
            with open(d + '/units.tsv', 'w') as f:
                f.write('signal\tsuite\tsignal.*\n')
        self.assert_refused(self.variant('kind', edit), 'kind must be all, family or test')

    def test_unit_folder_missing(self):
        def edit(d):
            with open(d + '/units.tsv', 'a') as f:
                f.write('pipe\tfamily\tpipe.*\n')
        self.assert_refused(self.variant('nofolder', edit), 'unit pipe has no counter folder')

    def test_mixed_granularity(self):
        def edit(d):
            shutil.copytree(d + '/signal', d + '/Sig.One')
            with open(d + '/units.tsv', 'a') as f:
                f.write('Sig.One\ttest\tSig.One\n')
        self.assert_refused(self.variant('mixed', edit), 'mixes family and test units')

    def test_build_path_missing(self):
        self.assert_refused(self.variant('nobp', lambda d: os.unlink(d + '/build-path')),
                            'build-path')

    def test_tree_without_notes(self):
        self.assert_refused(self.good, 'is missing: --tree is not the tree',
                            tree=os.path.join(Fake.dir, 'tmp'))

    def test_curated_list_without_reasons(self):
        bad = os.path.join(Fake.dir, 'bad.yaml')
        with open(bad, 'w') as f:
            f.write('kernel/signal.c:foo: x\n')
        p = Fake.report(self.good, os.path.join(Fake.dir, 'bad-out'), bad)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn('kernel/signal.c:foo: the reason must say why', p.stderr)
        self.assertEqual(os.listdir(Fake.tmp), [])

    def test_counters_of_another_build(self):
        other = os.path.join(Fake.dir, 'other-tree')
        build_fake_kernel(other, SIGNAL_C.replace('v + 1', 'v + 2'))
        self.assert_refused(self.good, 'not from a kernel built in this --tree', tree=other)


class TouchingTest(unittest.TestCase):
    """sigipc list --touching over the fake report's attribution."""

    @classmethod
    def setUpClass(cls):
        cls.attr = os.path.join(Fake.dir, 'family-report', 'attribution.json')
        if not os.path.exists(cls.attr):
            ReportTest.setUpClass()

    def list(self, *args, env=None):
        return subprocess.run([SIGIPC, 'list', *args], capture_output=True, text=True,
                              env=dict(os.environ, **(env or {})))

    def families(self, p):
        self.assertEqual(p.returncode, 0, p.stderr)
        return {line.split('\t')[1] for line in p.stdout.strip().split('\n')}

    def test_family_units_select_their_families(self):
        p = self.list('--touching', 'ipc/msg.c:do_msgsnd', '--attribution', self.attr)
        self.assertEqual(self.families(p), {'sysv_msg'})
        every = self.list('--filter', 'sysv_msg.*')
        self.assertEqual(p.stdout, every.stdout)

    def test_union_filter_and_environment(self):
        p = self.list('--touching', 'kernel/signal.c:shared_path',
                      env={'SIGIPC_KERNEL_ATTRIBUTION': self.attr})
        self.assertEqual(self.families(p), {'signal', 'sysv_msg'})
        p = self.list('--touching', 'kernel/signal.c:shared_path', '--filter', 'signal.*',
                      env={'SIGIPC_KERNEL_ATTRIBUTION': self.attr})
        self.assertEqual(self.families(p), {'signal'})

    def test_test_units_select_those_tests(self):
        ids = self.list('--filter', 'sysv_msg.*').stdout.split('\n')[:2]
        ids = [i.split('\t')[0] for i in ids]
        attr = os.path.join(Fake.dir, 'by-test.json')
        with open(attr, 'w') as f:
            json.dump({'schema': 'sigipc-kernel-attribution/1', 'granularity': 'test',
                       'functions': {'ipc/msg.c:do_msgsnd': ids + ['Gone.Test']}}, f)
        p = self.list('--touching', 'ipc/msg.c:do_msgsnd', '--attribution', attr)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(l.split('\t')[0] for l in p.stdout.strip().split('\n')), sorted(ids))

    def assert_bad(self, args, words, env=None, cmd='list'):
        p = subprocess.run([SIGIPC, cmd, *args], capture_output=True, text=True,
                           env=dict(os.environ, **(env or {})))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().split('\n')), 1, p.stderr)
        self.assertIn(words, p.stderr)
        self.assertEqual(p.stdout, '')

    def test_bad_input(self):
        env = {'SIGIPC_KERNEL_ATTRIBUTION': ''}
        self.assert_bad(['--touching', 'ipc/msg.c:do_msgsnd'], 'needs the attribution file', env)
        self.assert_bad(['--touching', 'kernel/signal.c:foo', '--attribution', self.attr],
                        f'kernel/signal.c:foo is not a profiled function in {self.attr}')
        self.assert_bad(['--touching', 'kernel/signal.c:sigaction', '--attribution', self.attr],
                        'did you mean kernel/signal.c:do_sigaction?')
        self.assert_bad(['--touching', 'kernel/signal.c:never_called', '--attribution', self.attr],
                        'reached by no test')
        self.assert_bad(['--touching', 'kernel/signal.c:never_called', '--attribution', self.attr],
                        'unreached list')
        summary = os.path.join(Fake.dir, 'family-report', 'summary.json')
        self.assert_bad(['--touching', 'ipc/msg.c:do_msgsnd', '--attribution', summary],
                        'schema must be sigipc-kernel-attribution/1')
        self.assert_bad(['--touching', 'ipc/msg.c:do_msgsnd', '--attribution',
                         os.path.join(Fake.dir, 'nothing.json')], 'cannot read attribution file')
        self.assert_bad(['--touching', 'ipc/msg.c:do_msgsnd', '--attribution', self.attr,
                         '--filter', 'signal.*'], 'no selected test is in the family units')
        out = os.path.join(Fake.dir, 'run-out')
        self.assert_bad(['--touching', 'kernel/signal.c:foo', '--attribution', self.attr,
                         '--out', out], 'is not a profiled function', cmd='run')


def main():
    global SOURCE_DIR, SIGIPC
    SOURCE_DIR, SIGIPC = sys.argv[1], sys.argv[2]
    Fake.setup()
    try:
        return unittest.main(argv=[sys.argv[0]] + sys.argv[3:], exit=False).result.wasSuccessful()
    finally:
        shutil.rmtree(Fake.dir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(0 if main() else 1)

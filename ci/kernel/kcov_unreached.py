"""Which profiled kernel functions no unit reaches, and whether user space
could reach them at all.

A function compiled out (its #ifdef's option off) has no counters and is
never listed. Of the rest, a function is unreachable from user space when:
- it is a system call the x86_64 table lacks (SYSCALL_DEFINE makes
  __x64_sys_waitpid, but only the 32-bit table has waitpid), and for its
  __do_sys_/__se_sys_ body, when IA32_EMULATION is off too;
- its definition is marked __init (runs once at boot, before the first
  unit's counters are reset, and is freed after boot) or __exit (module
  unload code, discarded when built in), or the same file registers it as
  an initcall (core_initcall(fn), module_init(fn), __setup(..., fn), ...);
- ci/kernel/unreachable.yaml says so, with the reason (its only callers).
Every other function is reachable and simply not reached by a test yet."""
import os
import re

import yaml

from kcov_input import declaration

DEFAULT_REASON = 'reachable, no test reaches it yet'
FUNCTION_KEY = re.compile(r'^[A-Za-z0-9_./-]+\.[chS]:[A-Za-z_][A-Za-z0-9_.]*$')
INITCALL = re.compile(
    r'\b(?:(?:pure|core|postcore|arch|subsys|fs|rootfs|device|late)_initcall(?:_sync)?|'
    r'early_initcall|module_init|module_exit|console_initcall|security_initcall)'
    r'\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)')
SETUP = re.compile(r'\b(?:__setup|early_param)\s*\([^,]*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)')


def load_curated(path):
    """{file:function: reason} from the curated YAML file."""
    try:
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
    except OSError as e:
        raise ValueError(f'cannot read {path}: {e.strerror}') from None
    except yaml.YAMLError as e:
        raise ValueError(f'{path}: not YAML: {str(e).splitlines()[0]}') from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f'{path}: expected a mapping file:function -> reason')
    for key, reason in data.items():
        if not isinstance(key, str) or not FUNCTION_KEY.match(key):
            raise ValueError(f'{path}: {key!r} is not FILE:FUNCTION (e.g. kernel/signal.c:foo)')
        if not isinstance(reason, str) or len(reason.strip()) < 10:
            raise ValueError(f'{path}: {key}: the reason must say why (name the only callers)')
    return data


class SourceFacts:
    """What a profiled source file says about its functions' reachability."""

    def __init__(self, path):
        try:
            with open(path, encoding='utf-8', errors='replace') as f:
                self.lines = f.read().split('\n')
        except OSError:
            self.lines = []
        text = '\n'.join(self.lines)
        self.initcalls = set(INITCALL.findall(text)) | set(SETUP.findall(text))

    def reason(self, name, line):
        decl = declaration(self.lines, line)
        if re.search(r'\b__init\b', decl):
            return 'marked __init: runs once at boot, before the first unit, and is freed then'
        if re.search(r'\b__exit\b', decl):
            return 'marked __exit: module unload code, discarded in a built-in kernel'
        if name in self.initcalls:
            return 'registered as an initcall or boot parameter in its file: runs at boot only'
        return None


class TreeFacts:
    """What the kernel tree says: the x86_64 system call table and the
    configuration it was built with."""
    TABLE = 'arch/x86/entry/syscalls/syscall_64.tbl'

    def __init__(self, tree):
        self.entries = self._table(os.path.join(tree, self.TABLE))
        self.ia32 = self._option(os.path.join(tree, '.config'), 'CONFIG_IA32_EMULATION')

    @staticmethod
    def _table(path):
        """Entry points of the 64-bit ABI (common and 64), or None."""
        try:
            with open(path, encoding='utf-8') as f:
                rows = [line.split() for line in f if line.strip() and not line.startswith('#')]
        except OSError:
            return None
        return {r[3] for r in rows if len(r) >= 4 and r[1] in ('common', '64')}

    @staticmethod
    def _option(path, name):
        try:
            with open(path, encoding='utf-8') as f:
                return any(line.strip() == f'{name}=y' for line in f)
        except OSError:
            return True  # unknown: assume the 32-bit entry exists

    def reason(self, name):
        """Why a SYSCALL_DEFINE function cannot be called: a system call the
        64-bit table lacks (waitpid, signal, sigprocmask: 32-bit only)."""
        m = re.match(r'^__(x64|do|se)_sys_(\w+)$', name)
        if not m or self.entries is None or f'sys_{m.group(2)}' in self.entries:
            return None
        where = f'sys_{m.group(2)} has no entry in the x86_64 system call table ({self.TABLE})'
        if m.group(1) == 'x64':
            return where + ': only 32-bit processes have this call'
        if not self.ia32:
            return where + ' and CONFIG_IA32_EMULATION is off: no process can make it'
        return None


def classify(unreached, tree, curated):
    """unreached: [(file, record)]. Returns the entries of unreached.json,
    sorted by function key."""
    facts, out, tree_facts = {}, [], TreeFacts(tree)
    for rel, rec in unreached:
        key = f'{rel}:{rec["name"]}'
        if rel not in facts:
            facts[rel] = SourceFacts(os.path.join(tree, rel))
        auto = facts[rel].reason(rec['name'], rec['start_line']) or tree_facts.reason(rec['name'])
        entry = {'function': key, 'file': rel, 'line': rec['start_line']}
        if auto:
            entry.update(reachable=False, reason=auto, decided_by='source')
        elif key in curated:
            entry.update(reachable=False, reason=curated[key].strip(),
                         decided_by='ci/kernel/unreachable.yaml')
        else:
            entry.update(reachable=True, reason=DEFAULT_REASON, decided_by='default')
        out.append(entry)
    return sorted(out, key=lambda e: e['function'])


def curated_problems(curated, reached, profiled):
    """Curated entries the counters contradict (reached) or that name no
    profiled function: both make the list untrustworthy."""
    problems = []
    for key in sorted(curated):
        if key in reached:
            problems.append(f'{key} is listed unreachable but the run reaches it')
        elif key not in profiled:
            problems.append(f'{key} is listed unreachable but is not a profiled function')
    return problems

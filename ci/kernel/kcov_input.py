"""The guest's kernel counters (the kernel-gcov/ folder of a kernel-coverage
run) and their reading with the kernel tree's notes files.

Layout of GCOV_DIR (written by the guest, ci/kernel/init):
  build-path          one line: the absolute path the kernel was built in
  units.tsv           <unit>\\t<kind>\\t<filter> per line; kind is all (unit
                      "all"), family or test
  <unit>/<rel>.gcda   the counters of object <rel>.o, relative to the build
                      tree, as that unit alone left them (reset before it)

gcov needs a .gcda beside its .gcno. The kernel tree belongs to its build
cache and is never written to: each unit is read in a scratch mirror that
holds copies of that unit's .gcda files, links to the tree's .gcno files and
copies of the profiled sources (gcovr resolves links to their real path,
which would take the sources out of its --root)."""
import json
import os
import re
import shutil
import struct
import subprocess
import threading

UNIT_NAME = re.compile(r'^[A-Za-z0-9_.]+$')
KINDS = ('all', 'family', 'test')


class InputError(Exception):
    """Bad input: one line, exit 2."""


class Unit:
    def __init__(self, name, kind, filter_, folder):
        self.name, self.kind, self.filter, self.folder = name, kind, filter_, folder

    def gcda_files(self):
        """Paths of this unit's .gcda files, relative to the build tree."""
        found = []
        for root, _, files in os.walk(self.folder):
            for f in files:
                if f.endswith('.gcda'):
                    found.append(os.path.relpath(os.path.join(root, f), self.folder))
        return sorted(found)


class GuestCounters:
    """build-path, units.tsv and the unit folders of GCOV_DIR."""

    def __init__(self, gcov_dir):
        self.dir = gcov_dir
        if not os.path.isdir(gcov_dir):
            raise InputError(f'{gcov_dir} is not a folder (the guest report\'s kernel-gcov/)')
        self.build_path = self._read_build_path()
        self.units = self._read_units()
        kinds = {u.kind for u in self.units if u.kind != 'all'}
        if len(kinds) > 1:
            raise InputError(f'{self._tsv()}: mixes family and test units; one granularity a run')
        self.granularity = kinds.pop() if kinds else None

    def _tsv(self):
        return os.path.join(self.dir, 'units.tsv')

    def _read_build_path(self):
        path = os.path.join(self.dir, 'build-path')
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read().strip()
        except OSError as e:
            raise InputError(f'cannot read {path}: {e.strerror}') from None
        if not text.startswith('/') or '\n' in text:
            raise InputError(f'{path}: expected one absolute path, got {text[:60]!r}')
        return text

    def _read_units(self):
        try:
            with open(self._tsv(), encoding='utf-8') as f:
                lines = f.read().split('\n')
        except OSError as e:
            raise InputError(f'cannot read {self._tsv()}: {e.strerror}') from None
        units, seen = [], set()
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            units.append(self._parse_unit(n, line, seen))
        if not units:
            raise InputError(f'{self._tsv()}: no units')
        return units

    def _parse_unit(self, n, line, seen):
        where = f'{self._tsv()}:{n}'
        fields = line.split('\t')
        if len(fields) != 3:
            raise InputError(f'{where}: expected <unit> TAB <kind> TAB <filter>, got {len(fields)} fields')
        name, kind, filter_ = fields
        if kind not in KINDS:
            raise InputError(f'{where}: kind must be all, family or test, not {kind!r}')
        if not UNIT_NAME.match(name) or name in ('.', '..'):
            raise InputError(f'{where}: unit name {name!r} is not [A-Za-z0-9_.]')
        if (kind == 'all') != (name == 'all'):
            raise InputError(f'{where}: only the unit "all" has kind all')
        if name in seen:
            raise InputError(f'{where}: unit {name} listed twice')
        seen.add(name)
        folder = os.path.join(self.dir, name)
        if not os.path.isdir(folder):
            raise InputError(f'{where}: unit {name} has no counter folder {folder}')
        return Unit(name, kind, filter_, folder)

    def unit(self, name):
        return next((u for u in self.units if u.name == name), None)

    def attributed_units(self):
        return [u for u in self.units if u.kind != 'all']

    def objects(self):
        """Every object some unit has counters for (relative .gcda paths)."""
        objs = set()
        for u in self.units:
            objs.update(u.gcda_files())
        if not objs:
            raise InputError(f'{self.dir}: no .gcda file in any unit folder')
        return sorted(objs)


def check_tree(tree, objects):
    """Every object needs the tree's notes file (.gcno)."""
    if not os.path.isdir(tree):
        raise InputError(f'--tree {tree} is not a folder')
    for rel in objects:
        gcno = os.path.join(tree, rel[:-len('.gcda')] + '.gcno')
        if not os.path.isfile(gcno):
            raise InputError(f'{gcno} is missing: --tree is not the tree the guest kernel was '
                             f'built from (or not built with GCOV_PROFILE for {rel[:-5]}.o)')


class Mirror:
    """A scratch tree: every directory on the way to a profiled object is a
    real directory whose other entries link to the tree's (so gcov finds the
    .gcno files and every header); .gcda files are copied in per unit and
    the profiled sources copied on demand."""

    def __init__(self, tree, root, objects, build_path):
        self.tree, self.root, self.objects, self.build_path = tree, root, objects, build_path
        self.real_dirs = {''}
        for rel in objects:
            d = os.path.dirname(rel)
            while d:
                self.real_dirs.add(d)
                d = os.path.dirname(d)
        for d in sorted(self.real_dirs):
            os.makedirs(os.path.join(root, d), exist_ok=True)
            self._link_entries(d)

    def _link_entries(self, d):
        src = os.path.join(self.tree, d)
        for name in os.listdir(src):
            rel = os.path.join(d, name)
            if rel in self.real_dirs or name.endswith(('.gcda', '.gcov')):
                continue
            os.symlink(os.path.join(src, name), os.path.join(self.root, rel))

    def exclude_dirs_regex(self):
        """For gcovr --exclude-directories: every directory but the real
        ones, so its search never walks the tree through the links (an
        absolute pattern, which gcovr matches against the real path)."""
        keep = '|'.join(re.escape(os.path.realpath(os.path.join(self.root, d))[1:])
                        for d in sorted(self.real_dirs) if d)
        return f'/(?!(?:{keep})$).*' if keep else '/.*'

    def load(self, folder, skip_zero=False):
        """Puts the .gcda files of FOLDER (a unit's, or merged) in place;
        returns the objects it has. skip_zero leaves out those whose
        counters are all zero (the guest copies every object's, reached
        or not), which reach no function."""
        present = []
        for rel in self.objects:
            dst = os.path.join(self.root, rel)
            src = os.path.join(folder, rel)
            if os.path.exists(dst):
                os.unlink(dst)
            if os.path.isfile(src) and not (skip_zero and all_counters_zero(src)):
                shutil.copyfile(src, dst)
                present.append(rel)
        return present

    def relative(self, path):
        """A source path from gcov, relative to the build tree (None when it
        lies outside it)."""
        if os.path.isabs(path):
            for base in (self.build_path, os.path.abspath(self.tree)):
                if path.startswith(base.rstrip('/') + '/'):
                    return os.path.normpath(path[len(base.rstrip('/')) + 1:])
            return None
        path = os.path.normpath(path)
        return None if path.startswith('..') else path

    def add_source(self, rel):
        """Puts a copy of the tree's source REL in place of its link: gcovr
        follows links to their real path, which would be outside its --root."""
        src, dst = os.path.join(self.tree, rel), os.path.join(self.root, rel)
        if not os.path.islink(dst) or os.path.dirname(rel) not in self.real_dirs:
            return
        os.unlink(dst)
        shutil.copy2(src, dst)  # its time too: gcov warns of a source newer than its notes


GCDA_MAGIC = b'adcg'  # "gcda", little-endian
TAG_COUNTER_FIRST, TAG_COUNTER_END = 0x01a10000, 0x01b00000


def all_counters_zero(path):
    """True when a .gcda (GCC 12 or later: a checksum in the header, record
    lengths in bytes) holds no counter above zero. Any other layout is
    answered False, and gcov reads the file."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 16 or data[:4] != GCDA_MAGIC or data[7:8] != b'B' or data[5:7] < b'20':
        return False
    pos = 16
    while pos + 4 <= len(data):
        tag = struct.unpack_from('<I', data, pos)[0]
        if tag == 0:  # the end mark
            return True
        if pos + 8 > len(data):
            return False
        length = struct.unpack_from('<i', data, pos + 4)[0]
        pos += 8
        if length < 0:  # a record of -length bytes of zero counters, not written out
            continue
        if pos + length > len(data):
            return False
        if TAG_COUNTER_FIRST <= tag < TAG_COUNTER_END and (tag & 0xffff) == 0 \
                and any(data[pos:pos + length]):
            return False
        pos += length
    return pos == len(data)


class Counts:
    """What gcov says of the loaded objects, for the profiled sources (not
    headers): functions {file: {name: {name, start_line, end_line,
    count}}} and executed lines {file: {line: count}}."""

    def __init__(self):
        self.functions, self.lines = {}, {}

    def add_document(self, mirror, doc):
        for f in doc.get('files', []):
            rel = mirror.relative(f['file'])
            if rel is None or rel.endswith('.h'):
                continue
            recs = self.functions.setdefault(rel, {})
            for fn in f.get('functions', []):
                name = fn.get('demangled_name') or fn['name']
                old = recs.get(name)
                recs[name] = {'name': name, 'start_line': fn['start_line'],
                              'end_line': fn['end_line'],
                              'count': fn['execution_count'] + (old['count'] if old else 0)}
            lines = self.lines.setdefault(rel, {})
            for ln in f.get('lines', []):
                lines[ln['line_number']] = lines.get(ln['line_number'], 0) + ln['count']

    def reached(self, sources):
        """{file:function} of the functions that ran: counted on entry, or
        inlined. gcov counts the entries of a function that the compiler
        inlined into its callers before the profiling pass only when it is
        called out of line. Its code ran when a line of its body was
        executed (set_task_stack_end_magic in dup_task_struct), or when its
        call, `name(`, stands on an executed line of another function of its
        file (find_pid_ns in find_vpid: the body's lines count 0), unless it
        is __weak (never inlined, and the call may go to the strong
        definition elsewhere). sources(rel) gives the file's lines."""
        keys = set()
        for rel, recs in self.functions.items():
            hot = [n for n, c in self.lines.get(rel, {}).items() if c > 0]
            text = None
            for name, r in recs.items():
                if r['count'] > 0 or any(r['start_line'] <= n <= r['end_line'] for n in hot):
                    keys.add(f'{rel}:{name}')
                    continue
                text = text if text is not None else sources(rel)
                if re.search(r'\b__weak\b', declaration(text, r['start_line'])):
                    continue
                # A direct call: not ops->name( or s.name(, a member.
                call = re.compile(r'(?<![\w.>])' + re.escape(name) + r'\s*\(')
                if any(not r['start_line'] <= n <= r['end_line'] and 0 < n <= len(text)
                       and call.search(text[n - 1]) for n in hot):
                    keys.add(f'{rel}:{name}')
        return keys


def declaration(lines, line):
    """The declaration of a function whose name is on LINE (1-based) of
    LINES: that line and those before it that belong to it (kernel style
    puts `static int __init` on a line of its own)."""
    if not 1 <= line <= len(lines):
        return ''
    parts = [lines[line - 1]]
    i = line - 2
    while i >= 0 and len(parts) < 4:
        prev = lines[i].rstrip()
        if not prev or prev.endswith((';', '}', '*/', '{')) or prev.lstrip().startswith('#'):
            break
        parts.insert(0, prev)
        i -= 1
    return ' '.join(parts)


class SourceCache:
    """The tree's profiled sources as lists of lines, read once."""

    def __init__(self, tree):
        self.tree, self.cache, self.lock = tree, {}, threading.Lock()

    def __call__(self, rel):
        with self.lock:
            if rel not in self.cache:
                try:
                    with open(os.path.join(self.tree, rel), encoding='utf-8',
                              errors='replace') as f:
                        self.cache[rel] = f.read().split('\n')
                except OSError:
                    self.cache[rel] = []
            return self.cache[rel]


def gcov_functions(mirror, present, gcov='gcov'):
    """Runs gcov's JSON output over the loaded objects: their Counts.
    Raises InputError when a .gcda does not belong to the tree's .gcno
    (another build)."""
    counts = Counts()
    for i in range(0, len(present), 200):
        chunk = present[i:i + 200]
        p = subprocess.run([gcov, '--json-format', '--stdout', *chunk], cwd=mirror.root,
                           capture_output=True, text=True)
        check_gcov_errors(p, chunk)
        for line in p.stdout.split('\n'):
            if line.strip():
                counts.add_document(mirror, json.loads(line))
    return counts


def check_gcov_errors(p, chunk):
    for line in p.stderr.split('\n'):
        if re.search(r'stamp mismatch|version .* prefer|cannot open notes|not a gcov', line):
            raise InputError(f'gcov: {line.strip()}: the counters are not from a kernel built '
                             f'in this --tree')
    if p.returncode != 0:
        raise InputError(f'gcov failed on {" ".join(chunk[:3])}...: '
                         f'{p.stderr.strip().splitlines()[-1:] or p.returncode}')

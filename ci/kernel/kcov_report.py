"""The kernel coverage report's own files: summary.json/.md (per profiled
file and the issue's targets), attribution.json, unreached.json and the
attribution page beside gcovr's HTML."""
import html
import json
import os

SUMMARY_SCHEMA = 'sigipc-kernel-coverage/1'
ATTRIBUTION_SCHEMA = 'sigipc-kernel-attribution/1'
UNREACHED_SCHEMA = 'sigipc-kernel-unreached/1'
# (scope, metric, minimum percent): a scope ending in / is a folder.
TARGETS = (('ipc/', 'lines', 85.0), ('fs/pipe.c', 'lines', 85.0), ('kernel/signal.c', 'lines', 75.0))
METRICS = (('lines', 'line'), ('functions', 'function'), ('branches', 'branch'))


def figure(covered, total):
    return {'covered': covered, 'total': total,
            'percent': round(100.0 * covered / total, 1) if total else None}


def file_figures(gcovr_file):
    return {m: figure(gcovr_file[f'{g}_covered'], gcovr_file[f'{g}_total']) for m, g in METRICS}


def aggregate(files, names):
    return {m: figure(sum(files[n][m]['covered'] for n in names),
                      sum(files[n][m]['total'] for n in names)) for m, _ in METRICS}


def in_scope(name, scope):
    return name.startswith(scope) if scope.endswith('/') else name == scope


def build_summary(gcovr_summary, build_path, source):
    """summary.json from gcovr's --json-summary output."""
    files = {f['filename']: file_figures(f) for f in gcovr_summary['files']}
    folders = sorted({n.split('/')[0] + '/' for n in files if '/' in n})
    aggregates = {s: aggregate(files, [n for n in files if in_scope(n, s)]) for s in folders}
    aggregates['total'] = aggregate(files, list(files))
    targets = []
    for scope, metric, minimum in TARGETS:
        names = [n for n in files if in_scope(n, scope)]
        fig = aggregate(files, names)[metric] if names else figure(0, 0)
        targets.append({'scope': scope, 'metric': metric, 'min_percent': minimum,
                        'percent': fig['percent'], 'covered': fig['covered'],
                        'total': fig['total'],
                        'met': fig['percent'] is not None and fig['percent'] >= minimum})
    return {'schema': SUMMARY_SCHEMA, 'build_path': build_path, 'counters': source,
            'files': dict(sorted(files.items())), 'aggregates': aggregates, 'targets': targets}


def pct(fig):
    return '-' if fig['percent'] is None else f'{fig["percent"]:.1f}%'


def cell(fig):
    return f'{pct(fig)} ({fig["covered"]}/{fig["total"]})'


def summary_markdown(summary, attribution, unreached, problems):
    out = ['# Kernel coverage', '',
           f'Counters: {summary["counters"]}; kernel built in `{summary["build_path"]}`.', '',
           '## Targets', '', '| scope | metric | minimum | reached | met |', '|---|---|---|---|---|']
    for t in summary['targets']:
        out.append(f'| `{t["scope"]}` | {t["metric"]} | {t["min_percent"]:.0f}% | '
                   f'{pct(t)} ({t["covered"]}/{t["total"]}) | {"yes" if t["met"] else "**no**"} |')
    out += ['', '## Per file', '', '| file | lines | functions | branches |', '|---|---|---|---|']
    for name, f in summary['files'].items():
        out.append(f'| `{name}` | {cell(f["lines"])} | {cell(f["functions"])} | {cell(f["branches"])} |')
    for name, f in summary['aggregates'].items():
        label = 'all profiled files' if name == 'total' else f'`{name}`'
        out.append(f'| **{label}** | {cell(f["lines"])} | {cell(f["functions"])} | '
                   f'{cell(f["branches"])} |')
    if attribution:
        out += attribution_markdown(attribution)
    out += unreached_markdown(unreached, problems)
    return '\n'.join(out) + '\n'


def short_units(units, limit=8):
    shown = ', '.join(units[:limit])
    return shown + (f' (+{len(units) - limit} more)' if len(units) > limit else '')


def attribution_markdown(attribution):
    g = attribution['granularity']
    per_unit = {u: 0 for u in attribution['units']}
    for units in attribution['functions'].values():
        for u in units:
            per_unit[u] = per_unit.get(u, 0) + 1
    out = ['', f'## Which {g} units reach each kernel function', '',
           f'Select the tests of a function with `sigipc run --touching FILE:FUNCTION '
           f'--attribution attribution.json`.', '',
           f'Profiled functions each {g} unit reaches (of {len(attribution["functions"])}):', '',
           f'| {g} | functions |', '|---|---|']
    out += [f'| {u} | {n} |' for u, n in sorted(per_unit.items(), key=lambda x: (-x[1], x[0]))]
    out += ['', f'| function | {g} units | reached by |', '|---|---|---|']
    for key, units in attribution['functions'].items():
        if units:
            out.append(f'| `{key}` | {len(units)} | {short_units(units)} |')
    return out


def unreached_markdown(unreached, problems):
    fns = unreached['functions']
    blocked = [e for e in fns if not e['reachable']]
    open_ = [e for e in fns if e['reachable']]
    out = ['', '## Profiled functions no unit reaches', '',
           f'{len(fns)} functions: {len(open_)} reachable from user space (no test reaches them '
           f'yet), {len(blocked)} not reachable from user space.', '']
    if problems:
        out += ['Problems in the curated list (ci/kernel/unreachable.yaml):', '']
        out += [f'- {p}' for p in problems] + ['']
    if blocked:
        out += ['### Not reachable from user space', '', '| function | why |', '|---|---|']
        out += [f'| `{e["function"]}` | {e["reason"]} |' for e in blocked]
        out.append('')
    if open_:
        out += ['### Reachable, not reached yet', '']
        out += [f'- `{e["function"]}` (line {e["line"]})' for e in open_]
    return out


def attribution_html(attribution, unreached):
    """A page beside gcovr's index.html: function -> units, and the
    unreached list."""
    esc = html.escape
    rows = []
    if attribution:
        for key, units in attribution['functions'].items():
            rows.append(f'<tr><td><code>{esc(key)}</code></td><td>{len(units)}</td>'
                        f'<td>{esc(short_units(units, 40)) or "<em>none</em>"}</td></tr>')
    unr = ''.join(
        f'<tr><td><code>{esc(e["function"])}</code></td>'
        f'<td>{"yes" if e["reachable"] else "no"}</td><td>{esc(e["reason"])}</td></tr>'
        for e in unreached['functions'])
    g = attribution['granularity'] if attribution else 'unit'
    table = (f'<h2>Which {esc(g)} units reach each function</h2><table><tr><th>function</th>'
             f'<th>units</th><th>reached by</th></tr>{"".join(rows)}</table>') if rows else ''
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<title>Kernel coverage: attribution</title><style>'
            'body{font-family:sans-serif}table{border-collapse:collapse}'
            'td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}'
            '</style></head><body><h1>Kernel coverage: attribution</h1>'
            '<p><a href="index.html">Coverage per file</a></p>' + table +
            '<h2>Profiled functions no unit reaches</h2><table><tr><th>function</th>'
            f'<th>reachable from user space</th><th>reason</th></tr>{unr}</table></body></html>\n')


def link_from_index(index_path):
    """Puts a link to the attribution page at the top of gcovr's index."""
    with open(index_path, encoding='utf-8') as f:
        text = f.read()
    link = '<p><a href="attribution.html">Attribution and unreached functions</a></p>'
    at = text.find('<body>')
    if at >= 0 and link not in text:
        text = text[:at + 6] + link + text[at + 6:]
        with open(index_path, 'w', encoding='utf-8') as f:
            f.write(text)


def point_cobertura_at(xml_path, tree):
    """gcovr names the sources relative to its root, a scratch folder: the
    XML's <source> becomes the kernel tree, where they are."""
    with open(xml_path, encoding='utf-8') as f:
        text = f.read()
    text = text.replace('<sources><source>.</source></sources>',
                        f'<sources><source>{html.escape(tree)}</source></sources>', 1)
    with open(xml_path, 'w', encoding='utf-8') as f:
        f.write(text)


def write_json(path, data):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=2)
        f.write('\n')


def write_text(path, text):
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)

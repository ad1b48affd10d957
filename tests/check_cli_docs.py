#!/usr/bin/env python3
"""Every command and long option that sigipc's --help output names is
documented in the man page (docs/sigipc.1) and offered by the bash completion
(completions/sigipc), under the same command.

usage: check_cli_docs.py SIGIPC MAN_PAGE COMPLETION
"""
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def help_text(sigipc, *args):
    p = subprocess.run([sigipc, *args, "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    if p.returncode != 0:
        sys.exit(f"{sigipc} {' '.join(args)} --help exited {p.returncode}:\n{p.stdout}")
    return p.stdout


def commands(top_help):
    """Subcommands CLI11 lists, and those the footer names ("sigipc inject")."""
    found = []
    in_section = False
    for line in top_help.splitlines():
        if re.match(r"^subcommands:", line, re.I):
            in_section = True
            continue
        if in_section:
            m = re.match(r"^\s+([a-z][a-z0-9-]*)\s", line + " ")
            if m:
                found.append(m.group(1))
                continue
            if line.strip():
                in_section = False
    found += re.findall(r"\bsigipc ([a-z][a-z0-9-]*)", top_help)
    return sorted(set(found))


def man_sections(man):
    """Text of each '.SS sigipc CMD' section; '' holds the rest of the page."""
    text = man.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")
    sections = {"": text}
    for m in re.finditer(r"^\.SS sigipc (\S+)\n(.*?)(?=^\.S[SH] |\Z)", text, re.M | re.S):
        sections[m.group(1)] = m.group(2)
    every = re.search(r"^\.SS Every command\n(.*?)(?=^\.S[SH] |\Z)", text, re.M | re.S)
    sections["*"] = every.group(1) if every else ""
    return sections


def completion_options(completion, cmd):
    m = re.search(r"^\s*" + re.escape(cmd) + r'\)\s*echo\s*"([^"]*)"', completion, re.M | re.S)
    return set(m.group(1).split()) if m else None


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sigipc, man_path, completion_path = sys.argv[1:]
    man = man_sections(open(man_path).read())
    completion = open(completion_path).read()
    problems = []

    top = help_text(sigipc)
    cmds = commands(top)
    if not cmds:
        problems.append("found no command in `sigipc --help`")
    m = re.search(r'local commands="([^"]*)"', completion)
    completed_cmds = set(m.group(1).split()) if m else set()
    m = re.search(r'compgen -W "\$commands ([^"]*)"', completion)
    top_completed = set(m.group(1).split()) if m else set()
    for opt in sorted(set(OPTION.findall(top))):
        if opt not in man["*"]:
            problems.append(f"sigipc {opt}: not in the man page's 'Every command' section")
        if opt not in top_completed:
            problems.append(f"sigipc {opt}: not offered by the completion before a command")

    for cmd in cmds:
        if cmd not in man:
            problems.append(f"sigipc {cmd}: no '.SS sigipc {cmd}' section in the man page")
        if cmd not in completed_cmds:
            problems.append(f"sigipc {cmd}: not in the completion's command list")
        completed = completion_options(completion, cmd)
        if completed is None:
            problems.append(f"sigipc {cmd}: no option list in the completion")
            completed = set()
        # Options of the command itself: its description may name another
        # command's ("sigipc run --shard" in merge's).
        own = help_text(sigipc, cmd)
        own = own[own.find("Options:"):] if "Options:" in own else own
        own = re.sub(r"sigipc [a-z]+ --[a-z0-9-]+", "", own)
        for opt in sorted(set(OPTION.findall(own))):
            documented = man.get(cmd, "") + man["*"]
            if not re.search(re.escape(opt) + r"(?![\w-])", documented):
                problems.append(f"sigipc {cmd} {opt}: not in the man page under sigipc {cmd}")
            if opt not in completed:
                problems.append(f"sigipc {cmd} {opt}: not offered by the completion")

    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(cmds)} commands ({', '.join(cmds)}): every option documented and completed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

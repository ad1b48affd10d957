#!/bin/sh
# Cost per getppid() call of the same workload (bench/inject_workload.c):
#   native       no filter
#   filter       sigipc inject with an every-call rule on another syscall:
#                getppid goes through the BPF filter but is not intercepted
#   notified     sigipc inject with a counted rule on getppid: every call is
#                notified to the supervisor (fails from call 65535 on)
#   strace       strace -f -e inject=getppid:error=EPERM:when=65535+ (a
#                ptrace stop on every call; strace caps "when" at 65535)
# Each figure is the median of RUNS runs (default 5).
# Usage: bench/inject_vs_strace.sh BUILD_DIR [CALLS] [RUNS]
set -eu
build=${1:?usage: inject_vs_strace.sh BUILD_DIR [CALLS] [RUNS]}
calls=${2:-200000}
runs=${3:-5}
sigipc="$build/sigipc"
work="$build/bench/sigipc-inject-workload"
[ -x "$sigipc" ] && [ -x "$work" ] || { echo "inject_vs_strace.sh: build sigipc and sigipc-inject-workload in $build first" >&2; exit 2; }
command -v strace >/dev/null || { echo "inject_vs_strace.sh: strace is not installed (apt-get install strace)" >&2; exit 2; }

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
measure() {
  i=0
  while [ "$i" -lt "$runs" ]; do
    "$@" 2>/dev/null | awk '/^ns_per_call/ {print $2}'
    i=$((i+1))
  done | median
}

native=$(measure "$work" "$calls")
filter=$(measure "$sigipc" inject --quiet --fail 'mq_timedsend=EAGAIN' -- "$work" "$calls")
notified=$(measure "$sigipc" inject --quiet --fail 'getppid=EPERM@65535+' -- "$work" "$calls")
straced=$(measure strace -f -o /dev/null -e trace=getppid -e inject=getppid:error=EPERM:when=65535+ "$work" "$calls")

awk -v n="$native" -v f="$filter" -v q="$notified" -v s="$straced" -v c="$calls" -v r="$runs" 'BEGIN {
  printf "getppid x %d, median of %d runs (us per call)\n", c, r
  printf "  native                      %7.3f\n", n / 1000
  printf "  filter, call not intercepted %6.3f  (%.2fx native)\n", f / 1000, f / n
  printf "  notified (supervisor)       %7.3f  (%.1fx native)\n", q / 1000, q / n
  printf "  strace -e inject            %7.3f  (%.1fx the notified call)\n", s / 1000, s / q
}'

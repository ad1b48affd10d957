# Shared shell functions for the matrix cells (ci/cells/<cell> OUTDIR).
# Source it from a cell script:  . "$(dirname "$0")/lib.sh"
#
# Cell contract (see ci/matrix): exit 0 green, 1 red (new deviations or a
# broken run), 3 unreachable on this machine (one line "UNREACHABLE: reason"
# on stderr). Progress goes to stderr, short.
#
# Functions:
#   cell_log MSG...                   progress line on stderr, prefixed by the cell name
#   cell_die MSG...                   error line on stderr, exit 1 (red)
#   cell_unreachable REASON...        "UNREACHABLE: reason" on stderr, exit 3
#   cell_have_cmd CMD                 whether CMD is on PATH
#   cell_ensure_packages PKG...       apt-get install what is missing (idempotent; no
#                                     network when all present); a package the registry
#                                     does not know makes the cell unreachable; holds
#                                     the machine-wide apt lock (ci/cells/lock.sh)
#   cell_package_installed PKG        whether PKG is installed
#   cell_package_available PKG        whether the package lists offer PKG
#   cell_build_dir CELL               build folder of a cell (created)
#   cell_build CELL [CMAKE ARGS...]   configure + build the sigipc tool into
#                                     cell_build_dir CELL (serialised by a lock, so
#                                     two cells sharing a build never race); prints
#                                     the path of the binary on stdout; other
#                                     CMAKE ARGS than the folder was configured
#                                     with configure it afresh
#   cell_native_sigipc                the host build every x86_64 cell shares
#                                     (native, qemu-x86_64, valgrind, gvisor);
#                                     $SIGIPC_NATIVE_SIGIPC names a prebuilt one;
#                                     SIGIPC_MATRIX_PREBUILT=1 (ci/matrix sets it):
#                                     use build-matrix/native as it is
#   cell_expect_args CELL             prints "[--expect CELL.yaml] --expect linux.yaml"
#   cell_run_suite CELL OUTDIR SIGIPC [RUN ARGS...]
#                                     sigipc run with the cell's expectations and
#                                     $SIGIPC_CELL_ARGS; returns its exit status
#                                     (0 green, 1 red)
#   cell_report CELL RESULTS OUTDIR   re-applies the cell's expectations to a saved
#                                     results.json (runs that cannot read host files)
#   cell_check_env OUTDIR KEY VALUE   red unless results.json environment.KEY == VALUE
#                                     (proves the run really happened on the platform)
#   cell_run_bench OUTDIR EMULATED SIGIPC [PREFIX...]
#                                     only with SIGIPC_CELL_BENCH=1 (ci/matrix --bench):
#                                     PREFIX... SIGIPC bench $SIGIPC_BENCH_ARGS (unset:
#                                     --quick) --out OUTDIR/bench; red unless it wrote
#                                     bench.json saying environment.emulated EMULATED
#                                     (true/false: it ran where the cell says)
#   cell_check_bench OUTDIR EMULATED  red unless OUTDIR/bench/bench.json exists and says
#                                     environment.emulated EMULATED (for a cell whose
#                                     bench runs elsewhere, e.g. in a guest)
#   cell_wants_bench                  whether the cell is to measure (SIGIPC_CELL_BENCH=1)
#   cell_bench_args                   sigipc bench's options, one a line:
#                                     $SIGIPC_BENCH_ARGS split on spaces (unset: --quick)
#   cell_bench_done OUTDIR EMULATED STATUS SECONDS
#                                     after a bench run elsewhere (e.g. in a sandbox) into
#                                     OUTDIR/bench, its output in OUTDIR/bench.log: logs
#                                     its time; red unless STATUS is 0 and cell_check_bench
#   cell_summary OUTDIR               one line of counts from results.json on stderr

set -euo pipefail

SIGIPC_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$SIGIPC_REPO/ci/cells/lock.sh"
SIGIPC_MATRIX_BUILD=${SIGIPC_MATRIX_BUILD:-$SIGIPC_REPO/build-matrix}
CELL_NAME=${CELL_NAME:-$(basename "$0")}

cell_log() { printf '[%s] %s\n' "$CELL_NAME" "$*" >&2; }
cell_die() { printf '[%s] error: %s\n' "$CELL_NAME" "$*" >&2; exit 1; }
cell_unreachable() { printf 'UNREACHABLE: %s\n' "$*" >&2; exit 3; }
cell_have_cmd() { command -v "$1" >/dev/null 2>&1; }

# Usage check shared by every cell: exactly one OUTDIR argument.
cell_parse_outdir() {
  if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf '%s: usage: %s OUTDIR\n' "$CELL_NAME" "$0" >&2
    exit 2
  fi
  mkdir -p "$1" || cell_die "cannot create output folder $1"
  (cd "$1" && pwd)
}

# Whether PKG is installed. Like every check here, the command's output is
# read whole before it is matched: under pipefail, a reader at the end of a
# pipeline that stops at its first match (grep -q) kills the writer with
# SIGPIPE and fails the pipeline, so a true answer would come out false.
cell_package_installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [ "$status" = "install ok installed" ]
}

# Whether this machine's registry offers PKG: apt-cache policy prints
# "Candidate: (none)" for a name it knows without an installable version and
# nothing for a name it does not know.
cell_package_available() {
  local policy re='Candidate: [^(]'
  policy=$(apt-cache policy "$1" 2>/dev/null) || return 1
  [[ $policy =~ $re ]]
}

cell_ensure_packages() {
  # The whole check-update-install sequence holds the machine's apt lock:
  # cells run in parallel, and a check made while another cell installs
  # would see a half-installed package.
  sigipc_lock "$SIGIPC_APT_LOCK" || cell_die "cannot take the package lock $SIGIPC_APT_LOCK"
  local rc=0
  cell_ensure_packages_locked "$@" || rc=$?
  sigipc_unlock "$SIGIPC_APT_LOCK"
  return "$rc"
}

cell_ensure_packages_locked() {
  local missing=() p
  for p in "$@"; do
    cell_package_installed "$p" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    cell_have_cmd sudo || cell_unreachable "packages ${missing[*]} missing and not root"
    sudo=(sudo)
  fi
  # apt-get waits for dpkg's own lock (held by an apt outside the matrix)
  # instead of failing at once.
  local apt=(-o DPkg::Lock::Timeout=600)
  # A package the registry does not offer is a limit of this machine, not a
  # failure of the platform: the cell is unreachable here. Lists too old to
  # name it are refreshed once first.
  local updated=0
  for p in "${missing[@]}"; do
    cell_package_available "$p" && continue
    if [ $updated -eq 0 ]; then
      cell_log "package $p not in the package lists: apt-get update"
      "${sudo[@]}" apt-get "${apt[@]}" update -qq >/dev/null 2>&1 || true
      updated=1
    fi
    cell_package_available "$p" ||
      cell_unreachable "package $p is not in this machine's Debian registry"
  done
  cell_log "installing ${missing[*]}"
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get "${apt[@]}" install -y -qq
                 --no-install-recommends "${missing[@]}")
  "${sudo[@]}" "${install[@]}" >/dev/null 2>&1 && return 0
  # Lists older than the mirror name files it no longer has: refresh, retry.
  if [ $updated -eq 0 ]; then
    "${sudo[@]}" apt-get "${apt[@]}" update -qq >/dev/null 2>&1 || true
  fi
  "${sudo[@]}" "${install[@]}" >/dev/null || cell_die "apt-get install ${missing[*]} failed"
}

cell_build_dir() {
  local d="$SIGIPC_MATRIX_BUILD/$1"
  mkdir -p "$d"
  printf '%s\n' "$d"
}

cell_build() {
  local cell=$1; shift
  local dir; dir=$(cell_build_dir "$cell")
  cell_log "building $cell in $dir"
  (
    # Cells sharing one build (qemu-x86_64 and valgrind use native's) may run
    # at the same time under ci/matrix: one builds, the other waits.
    flock 9
    # The configure arguments are kept in a stamp: a build folder configured
    # with other ones is configured afresh. Re-running cmake over the old
    # cache would not do: a -D left out of the new set keeps its cached value.
    local args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGIPC_BUILD_TESTS=OFF
      -DSIGIPC_BUILD_BENCH=OFF "$@")
    local stamp="$dir/.sigipc-configure-args" want
    want=$(printf '%s\n' "${args[@]}")
    if [ ! -f "$dir/CMakeCache.txt" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
      [ -f "$dir/CMakeCache.txt" ] && cell_log "configure arguments changed: configuring $dir afresh"
      rm -f "$dir/CMakeCache.txt" "$stamp"
      cmake -S "$SIGIPC_REPO" -B "$dir" "${args[@]}" >"$dir/configure.log" 2>&1 ||
        { tail -20 "$dir/configure.log" >&2; exit 1; }
      printf '%s\n' "$want" >"$stamp"
    fi
    nice -n 5 cmake --build "$dir" --target sigipc -j"${SIGIPC_MATRIX_BUILD_JOBS:-$(nproc)}" \
      >"$dir/build.log" 2>&1 || { grep -m20 -E 'error|Error' "$dir/build.log" >&2; exit 1; }
  ) 9>"$dir/.lock" || cell_die "build of $cell failed (log: $dir/build.log)"
  printf '%s\n' "$dir/sigipc"
}

cell_native_sigipc() {
  # SIGIPC_NATIVE_SIGIPC: an x86_64 tool built already (e.g. .ci/run's
  # build/sigipc), so a CI job does not build the suite twice.
  if [ -n "${SIGIPC_NATIVE_SIGIPC:-}" ]; then
    [ -x "$SIGIPC_NATIVE_SIGIPC" ] || cell_die "SIGIPC_NATIVE_SIGIPC=$SIGIPC_NATIVE_SIGIPC is not an executable"
    printf '%s\n' "$SIGIPC_NATIVE_SIGIPC"
    return 0
  fi
  # ci/matrix builds the shared tool once before starting cells, so that
  # every x86_64 cell of one matrix runs the same binary (and none rebuilds it
  # under another's feet). Cells with their own build (cross, musl, chroots)
  # always bring it up to date: a stale binary would test old code.
  local dir; dir=$(cell_build_dir native)
  if [ "${SIGIPC_MATRIX_PREBUILT:-0}" = 1 ] && [ -x "$dir/sigipc" ]; then
    printf '%s\n' "$dir/sigipc"
    return 0
  fi
  cell_ensure_packages build-essential cmake pkg-config libgtest-dev libgmock-dev libseccomp-dev \
    nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libfmt-dev python3
  cell_build native
}

# The cell's own file comes first: the first entry naming a test decides,
# and a platform's entry is more specific than linux.yaml's (e.g. a test
# Linux fails, which errors out on a platform missing the call).
cell_expect_args() {
  local cell=$1
  # One file serves the three qemu-user cells (entries narrowed by arch).
  case $cell in qemu-x86_64 | aarch64 | armhf) cell=qemu-user ;; esac
  [ -f "$SIGIPC_REPO/ci/expectations/$cell.yaml" ] &&
    printf -- '--expect\n%s\n' "$SIGIPC_REPO/ci/expectations/$cell.yaml"
  printf -- '--expect\n%s\n' "$SIGIPC_REPO/ci/expectations/linux.yaml"
}

cell_run_suite() {
  local cell=$1 out=$2 sigipc=$3; shift 3
  local expect=(); mapfile -t expect < <(cell_expect_args "$cell")
  local rc=0
  cell_log "running the suite: $sigipc run $*"
  # The runner's per-test lines go to a log; the cell prints a summary only.
  # SIGIPC_CELL_ARGS: extra words for sigipc run (e.g. "--jobs 4" or a
  # --filter for a quick look), split on spaces.
  local extra=(); read -ra extra <<<"${SIGIPC_CELL_ARGS:-}"
  CI=1 "$sigipc" run --out "$out" "${expect[@]}" "$@" "${extra[@]}" >"$out/run.log" 2>&1 || rc=$?
  [ -f "$out/results.json" ] || { tail -5 "$out/run.log" >&2; cell_die "no results.json (sigipc exit $rc)"; }
  return "$rc"
}

cell_report() {
  local cell=$1 results=$2 out=$3 sigipc=${4:-}
  [ -n "$sigipc" ] || sigipc=$(cell_native_sigipc)
  local expect=(); mapfile -t expect < <(cell_expect_args "$cell")
  local rc=0
  "$sigipc" report "$results" --out "$out" "${expect[@]}" >"$out/report.log" 2>&1 || rc=$?
  [ "$rc" -le 1 ] || { cat "$out/report.log" >&2; cell_die "sigipc report failed (exit $rc)"; }
  return "$rc"
}

cell_json_get() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split('.'):
    v = v.get(k) if isinstance(v, dict) else None
print('' if v is None else v)
EOF
}

cell_check_env() {
  local out=$1 key=$2 want=$3 got
  got=$(cell_json_get "$out/results.json" "environment.$key")
  [ "$got" = "$want" ] ||
    cell_die "results.json says $key '$got', expected '$want': the tests did not run on this platform"
}

cell_wants_bench() { [ "${SIGIPC_CELL_BENCH:-0}" = 1 ]; }

cell_bench_args() {
  local args=(); read -ra args <<<"${SIGIPC_BENCH_ARGS---quick}"
  [ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}"
}

cell_run_bench() {
  cell_wants_bench || return 0
  local out=$1 emulated=$2 sigipc=$3; shift 3
  local args=(); mapfile -t args < <(cell_bench_args)
  local rc=0 t0=$SECONDS
  cell_log "measuring: ${*:+$* }$sigipc bench ${args[*]} --out $out/bench"
  "$@" "$sigipc" bench "${args[@]}" --out "$out/bench" >"$out/bench.log" 2>&1 || rc=$?
  cell_bench_done "$out" "$emulated" "$rc" $((SECONDS - t0))
}

cell_bench_done() {
  local out=$1 emulated=$2 rc=$3 secs=$4
  if [ "$rc" -ne 0 ]; then
    tail -5 "$out/bench.log" >&2
    cell_die "sigipc bench failed (exit $rc after $secs s; log: $out/bench.log)"
  fi
  cell_log "bench took $secs s"
  cell_check_bench "$out" "$emulated"
}

cell_check_bench() {
  local out=$1 emulated=$2 got
  [ -f "$out/bench/bench.json" ] || cell_die "no bench/bench.json in $out"
  got=$(cell_json_get "$out/bench/bench.json" environment.emulated)
  [ "$got" = "$([ "$emulated" = true ] && echo True || echo False)" ] ||
    cell_die "bench.json says emulated '$got', expected $emulated: it did not run on this platform"
}

cell_summary() {
  python3 - "$1/results.json" <<'EOF' >&2
import json, sys
r = json.load(open(sys.argv[1]))
s = r.get('summary', {})
e = r.get('environment', {})
counts = ' '.join(f'{k}={v}' for k, v in s.items() if isinstance(v, int) and v and k != 'total')
print(f"  {s.get('total', '?')} tests: {counts}; kernel {e.get('kernel_release')}, "
      f"{e.get('libc')} {e.get('libc_version')}, {e.get('arch')}, emulator {e.get('emulator')}, "
      f"isolation {e.get('isolation')}")
EOF
}

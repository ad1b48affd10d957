# shellcheck shell=bash
# Locks around what the matrix cells share. Sourced by ci/cells/lib.sh and by
# the helper scripts that run outside a cell's shell (ci/cross/deps,
# ci/kernel/fetch).
#
#   sigipc_lock FILE     waits for an exclusive flock(2) on FILE and holds it
#                        in this shell until sigipc_unlock FILE or exit
#                        (re-entrant: a nested call only counts)
#   sigipc_unlock FILE   releases it (when the outermost holder lets go)
#   SIGIPC_APT_LOCK      the machine-wide lock every package check,
#                        apt-get update, install and apt-get source/download
#                        of every cell takes, whichever matrix or checkout it
#                        belongs to (default /var/lock/sigipc-apt.lock): apt's
#                        own lock makes a second apt-get fail at once instead
#                        of waiting, and a check made while another cell
#                        installs would see a half-installed package
#                        (/tmp/sigipc-apt.lock where /var/lock is missing).
#
# Files other cells read (a download, a built dependency prefix, a kernel
# image, the static binary, the initramfs) are written by one holder of the
# resource's lock at a time, under a temporary name renamed into place, so a
# reader never sees a partial file.

if [ -z "${SIGIPC_APT_LOCK:-}" ]; then
  # /var/lock (/run/lock) is shared by every user; a container may lack it.
  if [ -d /var/lock ] && [ -w /var/lock ]; then SIGIPC_APT_LOCK=/var/lock/sigipc-apt.lock
  else SIGIPC_APT_LOCK=/tmp/sigipc-apt.lock; fi
fi
declare -gA sigipc_lock_fd=() sigipc_lock_depth=()

sigipc_lock() {
  local file=$1 fd
  if [ -n "${sigipc_lock_fd[$file]:-}" ]; then
    sigipc_lock_depth[$file]=$(( ${sigipc_lock_depth[$file]} + 1 ))
    return 0
  fi
  # World-writable when this call creates it: a later run as another user
  # must be able to open it. A read-only descriptor is enough for flock.
  [ -e "$file" ] || (umask 0; : >>"$file") 2>/dev/null
  exec {fd}<"$file" || { printf 'cannot open the lock file %s\n' "$file" >&2; return 1; }
  flock "$fd" || { exec {fd}<&-; printf 'cannot lock %s\n' "$file" >&2; return 1; }
  sigipc_lock_fd[$file]=$fd
  sigipc_lock_depth[$file]=1
}

sigipc_unlock() {
  local file=$1 fd=${sigipc_lock_fd[$1]:-}
  [ -n "$fd" ] || return 0
  sigipc_lock_depth[$file]=$(( ${sigipc_lock_depth[$file]} - 1 ))
  [ "${sigipc_lock_depth[$file]}" -gt 0 ] && return 0
  exec {fd}<&-
  unset "sigipc_lock_fd[$file]" "sigipc_lock_depth[$file]"
}

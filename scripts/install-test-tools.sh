#!/usr/bin/env bash
# Installs the Debian packages that the integration tests run for real (test-tools.txt: one line
# per package, with the binaries the tests run from it or the Python modules Debian's interpreter
# must import from it), only those with something missing. Needs root for apt-get; says what to run
# otherwise. Quiet: apt-get's and dpkg's output goes to a log that is printed only on failure.
#
# The tests start their own redis-server, prometheus and alertmanager on loopback, so the packages
# this script installs are left neither running nor enabled at boot: a policy-rc.d keeps their
# maintainer scripts from starting them, and their units are disabled afterwards. Packages that
# were installed before are not touched.
#
# Another apt-get or dpkg (unattended-upgrades, a second terminal) may hold a lock: the script
# waits for it up to TEST_TOOLS_LOCK_WAIT_SECONDS (300) instead of failing at once. apt-get's own
# DPkg::Lock::Timeout covers only the dpkg locks, not the lists and archives locks, so a lock
# failure is also retried until then.
set -euo pipefail

list="${TEST_TOOLS_LIST:-$(dirname "$0")/test-tools.txt}"
lock_wait_seconds="${TEST_TOOLS_LOCK_WAIT_SECONDS:-300}"
# Where invoke-rc.d and deb-systemd-invoke look for a start policy (policy-rc.d(8)).
policy_rc_d="${TEST_TOOLS_POLICY_RC_D:-/usr/sbin/policy-rc.d}"

# A package is missing when anything the tests need from it is: a binary on PATH, or
# (<interpreter>:<module>) a module Debian's own interpreter cannot import.
present() {
  if [[ "$1" == *:* ]]; then
    "/usr/bin/${1%%:*}" -c "import ${1#*:}" >/dev/null 2>&1
  else
    command -v "$1" >/dev/null 2>&1
  fi
}
missing=()
while read -r package needs; do
  [[ -z "$package" || "$package" == \#* ]] && continue
  for need in $needs; do
    if ! present "$need"; then
      missing+=("$package")
      break
    fi
  done
done <"$list"

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "test tools: all present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "test tools missing: ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

log="$(mktemp)"
wrote_policy=""
trap 'rm -f "$log"; [[ -z "$wrote_policy" ]] || rm -f "$policy_rc_d"' EXIT

# The log so far and what failed, then stop.
fail() {
  cat "$log" >&2
  echo "test tools: $* failed (output above)" >&2
  exit 1
}

deadline=$((SECONDS + lock_wait_seconds))
# apt-get "$@", output to the log; waits out another package manager's lock until the deadline.
apt_get() {
  local waiting=""
  while :; do
    local remaining=$((deadline - SECONDS))
    ((remaining < 0)) && remaining=0
    if DEBIAN_FRONTEND=noninteractive apt-get -o "DPkg::Lock::Timeout=$remaining" "$@" >"$log" 2>&1; then
      return 0
    fi
    if grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock' "$log" && ((SECONDS < deadline)); then
      if [[ -z "$waiting" ]]; then
        waiting=yes
        echo "test tools: another package manager holds a lock ($(grep -oE '/var/[^ ]*lock[^ .]*' "$log" | head -n 1)); waiting up to ${lock_wait_seconds} s"
      fi
      sleep 2
      continue
    fi
    fail "apt-get $*"
  done
}

if [[ ! -e "$policy_rc_d" ]]; then
  printf '#!/bin/sh\n# Written by uag-platform scripts/install-test-tools.sh while it installs; removed after.\nexit 101\n' >"$policy_rc_d"
  chmod 755 "$policy_rc_d"
  wrote_policy=yes
fi

echo "test tools: installing ${missing[*]}"
apt_get update -q
apt_get install -y -q --no-install-recommends "${missing[@]}"

# Their maintainer scripts enabled the services for boot; the tests never use them.
for package in "${missing[@]}"; do
  files="$(dpkg -L "$package" 2>>"$log")" || fail "dpkg -L $package"
  while read -r path; do
    case "$path" in
      /lib/systemd/system/*.service | /usr/lib/systemd/system/*.service)
        unit="${path##*/}"
        [[ "$unit" == *@.service ]] || deb-systemd-helper disable "$unit" >>"$log" 2>&1 || fail "deb-systemd-helper disable $unit"
        ;;
      /etc/init.d/?*)
        update-rc.d "${path##*/}" disable >>"$log" 2>&1 || fail "update-rc.d ${path##*/} disable"
        ;;
    esac
  done <<<"$files"
done
echo "test tools: installed ${missing[*]} (services neither started nor enabled at boot)"

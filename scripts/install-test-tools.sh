#!/usr/bin/env bash
# Installs the Debian packages that the integration tests run for real (see test-tools.txt),
# only those whose binary (or the Python module a line names) is missing. Needs root for apt-get; says what to run otherwise.
set -euo pipefail
list="$(dirname "$0")/test-tools.txt"
missing=()
while read -r binary package module; do
  [[ -z "$binary" || "$binary" == \#* ]] && continue
  if ! command -v "$binary" >/dev/null 2>&1; then
    missing+=("$package")
  elif [[ -n "$module" ]] && ! "$binary" -c "import $module" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done < "$list"
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "test tools: all present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "test tools missing: ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "test tools: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

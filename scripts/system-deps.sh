#!/usr/bin/env bash
# Installs the Debian packages formapp needs, only those missing, so `make` is a no-op when all are there.
# Usage: scripts/system-deps.sh PACKAGE...
# "libicu" stands for the runtime ICU library, whose package name carries ICU's version
# (libicu72 on Debian 12, libicu76 on Debian 13): any installed one will do, else the newest apt has.
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

installed_icu() {
  dpkg-query -W -f='${Package} ${Status}\n' 'libicu[0-9]*' 2>/dev/null \
    | awk '$1 ~ /^libicu[0-9]+$/ && /install ok installed/ {print $1; exit}'
}

echo "==> Checking Debian packages: $*"
missing=()
for pkg in "$@"; do
  if [ "$pkg" = libicu ]; then
    [ -n "$(installed_icu)" ] || missing+=(libicu)
  else
    installed "$pkg" || missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "    all installed."
  exit 0
fi

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
echo "==> Updating apt's package lists (apt-get update)"
"${as_root[@]}" apt-get update -q
for i in "${!missing[@]}"; do
  if [ "${missing[$i]}" = libicu ]; then
    missing[$i]=$(apt-cache pkgnames libicu | grep -E '^libicu[0-9]+$' | sort -V | tail -n 1)
    [ -n "${missing[$i]}" ] || { echo "apt knows no libicuNN package" >&2; exit 1; }
  fi
done
echo "==> Installing Debian packages (with what they need): ${missing[*]}"
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Make sure a command from a Debian package is available: ensure-package.sh PACKAGE PURPOSE COMMAND...
# Succeeds when one of the COMMANDs is on PATH; otherwise installs PACKAGE with apt-get when running
# as root, else explains what to install. Never fails: what needs the package degrades by itself
# (tours skip without a browser; invoices get no PDF without wkhtmltopdf).
set -uo pipefail
package="$1"; purpose="$2"; shift 2
for bin in "$@"; do
  command -v "$bin" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's $package for $purpose (once, about a minute)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp)"
  if apt-get install -y -q --no-install-recommends "$package" >"$log" 2>&1 \
     || { apt-get update -q >>"$log" 2>&1 && apt-get install -y -q --no-install-recommends "$package" >>"$log" 2>&1; }; then
    rm -f "$log"
    exit 0
  fi
  tail -n 20 "$log" >&2
  rm -f "$log"
  echo "WARNING: could not install $package: $purpose will not be available." >&2
else
  echo "NOTE: $package is missing: $purpose will not be available (e.g. 'sudo apt-get install $package')." >&2
fi
exit 0

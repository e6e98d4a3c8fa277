#!/usr/bin/env bash
# Make sure a headless Chromium is available for the browser tests (Odoo tours, screenshots).
# Odoo's HttpCase looks for google-chrome, chromium, chromium-browser or google-chrome-stable on
# PATH and runs it with --headless --no-sandbox, so Debian's `chromium` package works as root.
# Installs it with apt-get when missing and running as root; otherwise explains what to do.
# Never fails: without a browser the tour tests skip themselves with a clear message.
set -uo pipefail
for bin in google-chrome chromium chromium-browser google-chrome-stable; do
  command -v "$bin" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (once, about a minute)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp)"
  if apt-get install -y -q --no-install-recommends chromium >"$log" 2>&1 \
     || { apt-get update -q >>"$log" 2>&1 && apt-get install -y -q --no-install-recommends chromium >>"$log" 2>&1; }; then
    rm -f "$log"
    exit 0
  fi
  tail -n 20 "$log" >&2
  rm -f "$log"
  echo "WARNING: could not install chromium; the browser tests (tours) will be skipped." >&2
else
  echo "NOTE: no Chromium/Chrome found; the browser tests (tours) will be skipped." >&2
  echo "      Install one to run them, e.g. 'sudo apt-get install chromium' on Debian/Ubuntu." >&2
fi
exit 0

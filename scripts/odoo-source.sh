#!/usr/bin/env bash
# Print the path of an Odoo 18.0 source tree, in this order:
#   1. $ODOO_SOURCE (a local tree)
#   2. the per-user cache ~/.cache/odoo/18.0
#   3. a shallow clone of the official 18.0 branch into that cache ($ODOO_GIT_URL)
# Exit 1 with an actionable message when none is reachable.
set -euo pipefail
cache="${ODOO_CACHE:-$HOME/.cache/odoo/18.0}"
url="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"

is_odoo18() { [ -f "$1/odoo/release.py" ] && grep -q "version_info = (18, 0" "$1/odoo/release.py"; }

if [ -n "${ODOO_SOURCE:-}" ]; then
  if is_odoo18 "$ODOO_SOURCE"; then echo "$ODOO_SOURCE"; exit 0; fi
  echo "ODOO_SOURCE=$ODOO_SOURCE is not an Odoo 18.0 source tree (no odoo/release.py with version 18.0)." >&2
  exit 1
fi
if is_odoo18 "$cache"; then echo "$cache"; exit 0; fi
echo "No Odoo 18.0 source in \$ODOO_SOURCE or $cache; cloning $url (branch 18.0)..." >&2
tmp="$cache.partial"
rm -rf "$tmp"; mkdir -p "$(dirname "$cache")"
if git clone --quiet --depth 1 --branch 18.0 "$url" "$tmp" >&2 && is_odoo18 "$tmp"; then
  rm -rf "$cache"; mv "$tmp" "$cache"; echo "$cache"; exit 0
fi
rm -rf "$tmp"
cat >&2 <<MSG
ERROR: no Odoo 18.0 source tree is reachable.
  - set ODOO_SOURCE=/path/to/odoo-18.0 (a tree holding odoo-bin and odoo/release.py), or
  - put one at $cache, or
  - give network access to $url (or set ODOO_GIT_URL to a reachable mirror).
MSG
exit 1

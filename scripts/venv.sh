#!/usr/bin/env bash
# Create .venv with Odoo 18.0 (from scripts/odoo-source.sh) and the suite's Python deps.
# Idempotent: does nothing when the stamp matches the inputs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
src="$("$root/scripts/odoo-source.sh")"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null || { echo "ERROR: $py not found; install Python 3.11." >&2; exit 1; }

stamp="$venv/.stamp"
want="$(cat "$root/constraints.txt" "$src/requirements.txt" "$root/scripts/venv.sh" | sha1sum | cut -c1-16) $src"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
reqs="$venv/odoo-requirements.txt"
# Drop the pins that do not build on Python 3.11 here; constraints.txt replaces them.
grep -v -E '^(cbor2|python-ldap)[ =]' "$src/requirements.txt" > "$reqs"
"$venv/bin/pip" install --quiet --upgrade "pip<25" "setuptools<70" wheel
"$venv/bin/pip" install --quiet -r "$reqs" -c "$root/constraints.txt" \
  cbor2 zeep requests python-stdnum phonenumbers pytest pytest-odoo hypothesis coverage websocket-client
# Odoo runs from its source tree: a .pth puts it on the path, nothing is copied.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$src" > "$site/odoo-source.pth"
"$venv/bin/python" -c "import odoo.release as r; assert r.version_info[:2] == (18, 0), r.version"
echo "$want" > "$stamp"

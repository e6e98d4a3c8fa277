#!/usr/bin/env bash
# Create .venv with Odoo 18.0 (from scripts/odoo-source.sh) and the suite's Python deps.
# Idempotent: does nothing when the stamp matches the inputs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
src="$("$root/scripts/odoo-source.sh")"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null || { echo "ERROR: $py not found; install Python 3.11." >&2; exit 1; }

# --- Optional extra: OCA queue_job (WITH_QUEUE_JOB=1; scripts/bench.sh sets it) -------------
# For marketplace_queue_job (scale-out, docs/scale-out.md). PyPI's wheel requires an "odoo"
# distribution that PyPI does not serve: install it with --no-deps (its only Python dependency,
# requests, is pinned in constraints.txt). It lands in site-packages/odoo/addons/queue_job,
# which odoo.addons finds through pkgutil.extend_path with our source-tree Odoo.
QUEUE_JOB_WHEEL="odoo-addon-queue-job==18.0.4.1.2.2"
with_queue_job() {
  [ "${WITH_QUEUE_JOB:-0}" = 1 ] && [ -x "$venv/bin/python" ] || return 0
  "$venv/bin/python" -c "import importlib.util as u, sys; sys.exit(u.find_spec('odoo.addons.queue_job') is None)" \
    2>/dev/null && return 0
  "$venv/bin/python" -c "import odoo" 2>/dev/null || return 0  # Odoo not installed yet: after the build
  "$venv/bin/pip" install --quiet --no-deps "$QUEUE_JOB_WHEEL"
}
with_queue_job
# --- end of the optional extra ---------------------------------------------------------------------

stamp="$venv/.stamp"
want="$(cat "$root/constraints.txt" "$src/requirements.txt" "$root/scripts/venv.sh" | sha1sum | cut -c1-16) $src"
# The add-ons import marketplace_transport (setup.cfg), installed editable. A venv shared between
# checkouts keeps the one it finds; scripts/odoo-env.sh puts the running checkout first on PYTHONPATH.
with_transport_package() {
  (cd / && "$venv/bin/python" -I -c "import marketplace_transport") 2>/dev/null && return 0
  "$venv/bin/pip" install --quiet --no-deps --no-build-isolation -e "$root"
}
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then with_transport_package; exit 0; fi

[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
reqs="$venv/odoo-requirements.txt"
# Drop the pins that do not build on Python 3.11 here; constraints.txt replaces them.
grep -v -E '^(cbor2|python-ldap)[ =]' "$src/requirements.txt" > "$reqs"
"$venv/bin/pip" install --quiet --upgrade "pip<25" "setuptools<70" wheel
"$venv/bin/pip" install --quiet -r "$reqs" -c "$root/constraints.txt" \
  cbor2 zeep requests python-stdnum phonenumbers pytest pytest-odoo hypothesis coverage websocket-client factur-x
# Odoo runs from its source tree: a .pth puts it on the path, nothing is copied.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$src" > "$site/odoo-source.pth"
"$venv/bin/python" -c "import odoo.release as r; assert r.version_info[:2] == (18, 0), r.version"
with_transport_package
echo "$want" > "$stamp"
with_queue_job  # optional extra, see above

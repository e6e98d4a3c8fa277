#!/usr/bin/env bash
# Create .venv-pure: a Python WITHOUT Odoo and psycopg2, with only what marketplace_transport needs
# (requests, zeep, lxml, python-stdnum) and the test tools, pinned by constraints.txt, plus the
# package itself (editable). scripts/test-pure.sh runs the transport tests in it.
# Idempotent: does nothing when the stamp matches the inputs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-pure"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null || { echo "ERROR: $py not found; install Python 3.11." >&2; exit 1; }

stamp="$venv/.stamp"
want="$(cat "$root/constraints.txt" "$root/setup.cfg" "$root/pyproject.toml" "$root/scripts/venv-pure.sh" | sha1sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade "pip<25" "setuptools<70" wheel
"$venv/bin/pip" install --quiet -c "$root/constraints.txt" requests zeep lxml python-stdnum pytest hypothesis
"$venv/bin/pip" install --quiet --no-deps --no-build-isolation -e "$root"
for module in odoo psycopg2; do  # what this Python is for
  if "$venv/bin/python" -c "import $module" 2>/dev/null; then
    echo "ERROR: $module can be imported in $venv; it must not." >&2; exit 1
  fi
done
echo "$want" > "$stamp"

#!/usr/bin/env bash
# Pre-commit hooks on the whole tree (ruff, pylint-odoo, generated addon READMEs); scripts/test.sh runs
# it first for the whole suite. The linters live in .venv-lint, installed from the package registry
# (versions pinned in lint-requirements.txt) whenever the installed versions are not the pinned ones.
# PYTHON picks the interpreter of a new .venv-lint (default python3.11, else python3; 3.10 at least).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-lint"
pinned() {  # true when .venv-lint holds exactly the pinned versions
  [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$root/lint-requirements.txt" <<'PYTHON'
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open(sys.argv[1]):
    name, _sep, wanted = line.split("#")[0].strip().partition("==")
    try:
        if name and version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PYTHON
}
if ! pinned; then
  py="${PYTHON:-python3.11}"
  command -v "$py" >/dev/null || py=python3
  "$py" -c "import sys; sys.exit(sys.version_info < (3, 10))" \
    || { echo "ERROR: the linters need Python 3.10 or later (set PYTHON)." >&2; exit 1; }
  echo "Installing the linters into .venv-lint with $py..." >&2
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$root/lint-requirements.txt"
fi
cd "$root"
exec "$venv/bin/pre-commit" run --all-files "$@"

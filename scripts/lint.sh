#!/usr/bin/env bash
# Pre-commit hooks on the whole tree (ruff, pylint-odoo, generated addon READMEs).
# The linters live in .venv-lint, installed from the package registry (pinned in lint-requirements.txt).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-lint"
stamp="$venv/.stamp"
want="$(sha1sum < "$root/lint-requirements.txt" | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing the linters into .venv-lint (once)..." >&2
  "${PYTHON:-python3.11}" -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$root/lint-requirements.txt"
  echo "$want" > "$stamp"
fi
cd "$root"
exec "$venv/bin/pre-commit" run --all-files --show-diff-on-failure "$@"

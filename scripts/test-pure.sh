#!/usr/bin/env bash
# Run the transport tests (tests/transport) in .venv-pure: a Python without Odoo and psycopg2
# (scripts/venv-pure.sh), no database. Arguments go to pytest:
#   scripts/test-pure.sh                                  # all of tests/transport
#   scripts/test-pure.sh tests/transport/test_wix_transport.py -k refund
# scripts/test.sh runs it first; the same files also run under pytest-odoo there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/venv-pure.sh"
cd "$ROOT"
# this checkout's package first, whatever the venv's editable install points to
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" MARKETPLACE_PURE_PYTHON=1
[ $# -eq 0 ] && set -- tests/transport
exec "$ROOT/.venv-pure/bin/python" -m pytest "$@"

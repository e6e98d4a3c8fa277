#!/usr/bin/env bash
# Run tests that need Odoo importable but none of our modules installed (the transport tests need no
# Odoo at all: scripts/test-pure.sh):
#   scripts/pytest-pure.sh tests/test_vat_regime.py -k oss
# Uses a database copied once from the template (never the template itself: copies need it idle).
source "$(dirname "$0")/odoo-env.sh"
db="mkt_pure"
if ! db_exists "$db"; then
  tpl="$(template_db nodemo)"
  psql -d postgres -qc "create database \"$db\" template \"$tpl\""
fi
cd "$ROOT"
exec "$PY" -m pytest --odoo-database="$db" --odoo-config="$ODOO_CONF" "$@"

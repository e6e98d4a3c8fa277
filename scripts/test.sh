#!/usr/bin/env bash
# Run the test suite with pytest-odoo on a fresh database copied from the template.
#   scripts/test.sh                      # whole suite (what `make test` and CI run)
#   TEST_DB=mkt_test_me scripts/test.sh marketplace_octopia/tests -k ship
#   REUSE_DB=1 ...                       # keep the database, only update our modules (fast)
# Exit code 5 (no test collected) is an error only when the whole suite was asked for.
source "$(dirname "$0")/odoo-env.sh"
db="${TEST_DB:-mkt_test}"
modules="${TEST_MODULES:-$OUR_MODULES}"
if [ -n "${REUSE_DB:-}" ] && db_exists "$db"; then
  odoo -d "$db" -u "$modules" --stop-after-init --no-http >&2
else
  fresh_db "$db" nodemo "$modules"
fi
cd "$ROOT"
paths=("$@")
[ ${#paths[@]} -eq 0 ] && paths=("${OUR_ADDONS[@]}" tests)
# Odoo's HttpCase runs google-chrome/chromium headless with --no-sandbox: Debian's chromium works as root.
"$ROOT/scripts/ensure-package.sh" chromium "the browser tests (Odoo tours)" google-chrome chromium chromium-browser google-chrome-stable
set +e
"$PY" -m pytest --odoo-database="$db" --odoo-config="$ODOO_CONF" "${paths[@]}"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  echo "pytest collected no test (exit 5)" >&2
  [ $# -eq 0 ] && exit 1 || exit 0
fi
exit $rc

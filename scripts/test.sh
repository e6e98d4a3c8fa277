#!/usr/bin/env bash
# Run the test suite with pytest-odoo on a fresh database copied from the template.
#   scripts/test.sh                      # whole suite (what `make test` and CI run)
#   TEST_DB=mkt_test_me scripts/test.sh marketplace_octopia/tests -k ship
#   REUSE_DB=1 ...                       # keep the database, only update our modules (fast)
#   ODOO_SUBSETS=0 scripts/test.sh       # whole suite without Odoo's own tests (scripts/odoo-subsets.sh)
# Exit code 5 (no test collected) is an error only when the whole suite was asked for.
# The whole suite starts with the linters (scripts/lint.sh: a finding fails the suite, which still runs
# the tests) and the transport tests in a Python without Odoo (scripts/test-pure.sh).
lint_rc=0
if [ $# -eq 0 ]; then
  bash "$(dirname "$0")/lint.sh" || { lint_rc=1; echo "lint failed (scripts/lint.sh); the tests run on" >&2; }
  bash "$(dirname "$0")/test-pure.sh" || { echo "transport tests without Odoo failed" >&2; exit 1; }
fi
export WITH_QUEUE_JOB="${WITH_QUEUE_JOB:-1}"  # OCA queue_job, for the scale-out glue's tests
source "$(dirname "$0")/odoo-env.sh"
db="${TEST_DB:-mkt_test}"
modules="${TEST_MODULES:-$OUR_MODULES}"
cd "$ROOT"
# Odoo's HttpCase runs google-chrome/chromium headless with --no-sandbox: Debian's chromium works as root.
"$ROOT/scripts/ensure-package.sh" chromium "the browser tests (Odoo tours)" google-chrome chromium chromium-browser google-chrome-stable
# Real invoice PDFs (Factur-X tests of marketplace_einvoice): Odoo renders reports with wkhtmltopdf.
"$ROOT/scripts/ensure-package.sh" wkhtmltopdf "the Factur-X PDF tests" wkhtmltopdf

run_pytest() {  # database, paths...: pytest's exit code, 5 (nothing collected) kept as is
  local database="$1"; shift
  set +e
  "$PY" -m pytest --odoo-database="$database" --odoo-config="$ODOO_CONF" "$@"
  local code=$?
  set -e
  return $code
}

glue_rc=0
if [ $# -eq 0 ] && "$PY" -c "import odoo.addons.queue_job" 2>/dev/null; then
  # marketplace_queue_job turns imports into jobs: it gets a database of its own, so that the
  # rest of the suite tests the scheduled actions.
  fresh_db mkt_test_queue_job nodemo marketplace_connector,marketplace_octopia,marketplace_shopify,queue_job,marketplace_queue_job
  run_pytest mkt_test_queue_job marketplace_queue_job || glue_rc=$?
fi

if [ -n "${REUSE_DB:-}" ] && db_exists "$db"; then
  odoo -d "$db" -u "$modules" --stop-after-init --no-http >&2
else
  fresh_db "$db" nodemo "$modules"
fi
paths=("$@")
[ ${#paths[@]} -eq 0 ] && paths=("${OUR_ADDONS[@]}" tests)
rc=0
run_pytest "$db" "${paths[@]}" || rc=$?
if [ $rc -eq 5 ]; then
  echo "pytest collected no test (exit 5)" >&2
  [ $# -eq 0 ] && rc=1 || rc=0
fi
# Odoo's own stock, sale_stock and mail tests with our suite installed, batch confirmation on and off
odoo_rc=0
if [ $# -eq 0 ] && [ "${ODOO_SUBSETS:-1}" != 0 ]; then
  SUBSETS_FROM="$db" "$ROOT/scripts/odoo-subsets.sh" || odoo_rc=$?
fi
[ $rc -eq 0 ] && rc=$glue_rc
[ $rc -eq 0 ] && rc=$odoo_rc
if [ $lint_rc -ne 0 ]; then
  echo "The suite fails on lint findings (scripts/lint.sh)." >&2
  [ $rc -eq 0 ] && rc=$lint_rc
fi
exit $rc

#!/usr/bin/env bash
# Odoo's own tests of the code our batch confirmation overrides (stock moves, reservation and
# quants, procurement rules and reordering, pickings, sale deliveries, chatter and followers), run
# with our suite installed, once with the system parameter marketplace_connector.batch_confirmation
# on and once off. pytest-odoo runs them on the loaded registry, the at_install ones included
# (odoo-bin runs those only while installing the module, before our addons exist).
#   scripts/odoo-subsets.sh              # on a fresh database with our addons
#   SUBSETS_FROM=mkt_test scripts/odoo-subsets.sh   # on a copy of that database (what test.sh does)
#   scripts/odoo-subsets.sh DATABASE     # on an existing database (e.g. one without our addons)
# Prints "Odoo subsets: N passed, M failed" and exits non-zero on any failure or error.
source "$(dirname "$0")/odoo-env.sh"
cd "$ROOT"
SUBSETS=(
  stock/tests/test_move.py::StockMove
  stock/tests/test_move2.py::TestPickShip
  stock/tests/test_move2.py::TestSinglePicking
  stock/tests/test_move2.py::TestAutoAssign
  stock/tests/test_move2.py::TestRoutes
  stock/tests/test_quant.py::StockQuant
  stock/tests/test_proc_rule.py::TestProcRule
  stock/tests/test_stock_return_picking.py::TestReturnPicking
  sale_stock/tests/test_sale_stock_multi_warehouse.py::TestSaleStockMultiWarehouse
  sale_stock/tests/test_sale_stock_lead_time.py::TestSaleStockLeadTime
  sale_stock/tests/test_sale_order_dates.py::TestSaleExpectedDate
  mail/tests/test_res_partner.py::TestPartner
  mail/tests/test_mail_tools.py::TestMailTools
  mail/tests/test_mail_render.py::TestMailRender
  mail/tests/test_mail_composer.py::TestMailComposerForm
  mail/tests/test_mail_template.py::TestMailTemplate
)
db="${1:-mkt_test_odoo}"
copy_db() {  # database $2 as a copy of $1 (no connection to $1 may be open), with its files
  psql -d postgres -qc "drop database if exists \"$2\" with (force)"
  psql -d postgres -qc "create database \"$2\" template \"$1\""
  local files="$ROOT/.local/filestore/filestore"
  rm -rf "${files:?}/$2"
  if [ -d "$files/$1" ]; then cp -r "$files/$1" "$files/$2"; fi
}
if [ $# -eq 0 ] && [ -n "${SUBSETS_FROM:-}" ]; then
  copy_db "$SUBSETS_FROM" "$db"
elif [ $# -eq 0 ]; then
  fresh_db "$db" nodemo "$OUR_MODULES"
fi
# the folder of each module as Odoo loads it (the first of the addons path that has it)
modules_dir="$("$PY" - "$ODOO_CONF" <<'PYTHON'
import sys
import odoo
from odoo.modules.module import get_module_path, initialize_sys_path
odoo.tools.config.parse_config(["-c", sys.argv[1]])
initialize_sys_path()
print(get_module_path("stock").rsplit("/", 1)[0])
PYTHON
)"
paths=()
for subset in "${SUBSETS[@]}"; do paths+=("$modules_dir/$subset"); done

set_parameter() {  # the batch confirmation setting of the database (read by each new Odoo process)
  psql -d "$db" -qc "INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
    VALUES ('marketplace_connector.batch_confirmation', '$1', 1, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
}

passed=0 failed=0 rc=0
for setting in 1 0; do
  set_parameter "$setting"
  report="$ROOT/.local/odoo-subsets-$setting.xml"
  echo "Odoo's own tests, batch confirmation $([ "$setting" = 1 ] && echo on || echo off):" >&2
  set +e
  "$PY" -m pytest -c setup.cfg --rootdir="$ROOT" --odoo-database="$db" --odoo-config="$ODOO_CONF" \
    -q -o addopts="-p no:cacheprovider -p no:hypothesispytest --import-mode=importlib -ra" \
    --junitxml="$report" "${paths[@]}" >&2
  code=$?
  set -e
  [ $code -ne 0 ] && rc=1
  read -r run_passed run_failed < <("$PY" - "$report" <<'PYTHON'
import sys
import xml.etree.ElementTree as ET
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for suite in ET.parse(sys.argv[1]).getroot().iter("testsuite"):
    for key in totals:
        totals[key] += int(suite.get(key, 0))
bad = totals["failures"] + totals["errors"]
print(totals["tests"] - bad - totals["skipped"], bad)
PYTHON
  ) || { run_passed=0; run_failed=1; }
  passed=$((passed + run_passed)) failed=$((failed + run_failed))
done
set_parameter 1
echo "Odoo subsets: $passed passed, $failed failed (batch confirmation on and off)"
[ $failed -eq 0 ] || rc=1
exit $rc

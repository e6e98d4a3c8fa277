#!/usr/bin/env bash
# Our addons' tests run by odoo-bin itself (--test-enable, the way Odoo and the OCA run them), on fresh
# databases where the addons are installed with their tests; then the tests Odoo ran compared, by name,
# with what pytest collects in the same folders (scripts/test.sh runs those through pytest-odoo).
#   scripts/odoo-bin-tests.sh          # marketplace_queue_job on a database of its own, as in test.sh
# Prints per addon "odoo-bin N, pytest M" and the names found by one side only. Exit code: non-zero
# when a test fails under odoo-bin or the two lists differ. Logs: .local/odoo-bin-tests-DATABASE.log
# The top-level tests/ folder belongs to no addon: only pytest runs it.
source "$(dirname "$0")/odoo-env.sh"
cd "$ROOT"
export PYTHONPATH="$ROOT/tests${PYTHONPATH:+:$PYTHONPATH}"  # marketplace_simulator, as setup.cfg's pythonpath
"$ROOT/scripts/ensure-package.sh" chromium "the browser tests (Odoo tours)" google-chrome chromium chromium-browser google-chrome-stable

template_copy() {  # database $1: a copy of the template, without our addons yet
  local tpl; tpl="$(template_db nodemo)"
  psql -d postgres -qc "drop database if exists \"$1\" with (force)"
  psql -d postgres -qc "create database \"$1\" template \"$tpl\""
  local files="$ROOT/.local/filestore/filestore"
  rm -rf "${files:?}/$1"
  if [ -d "$files/$tpl" ]; then mkdir -p "$files" && cp -r "$files/$tpl" "$files/$1"; fi
}

odoo_bin_tests() {  # database, modules to install, addons whose tests run...: odoo-bin's exit code
  local db="$1" install="$2"; shift 2
  local tags=() handlers=(--log-handler=odoo.tests.stats:INFO --log-handler=odoo.service.server:INFO)
  for addon in "$@"; do tags+=("/$addon"); handlers+=("--log-handler=odoo.addons.$addon.tests:INFO"); done
  local port; port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  template_copy "$db"
  echo "odoo-bin: installing $install in $db with --test-enable --test-tags $(IFS=,; echo "${tags[*]}")..." >&2
  set +e
  odoo -d "$db" -i "$install" --test-enable --test-tags "$(IFS=,; echo "${tags[*]}")" --stop-after-init \
    --http-interface=127.0.0.1 --http-port="$port" --gevent-port="$((port + 1))" "${handlers[@]}" \
    > "$ROOT/.local/odoo-bin-tests-$db.log" 2>&1
  local code=$?
  set -e
  return $code
}

compare() {  # database, addons...: odoo-bin's test list (from its log) against pytest --collect-only
  local db="$1"; shift
  local folders=(); for addon in "$@"; do folders+=("$addon/tests"); done
  local collected="$ROOT/.local/odoo-bin-tests-$db.pytest"
  "$PY" -m pytest --collect-only -q --odoo-database="$db" --odoo-config="$ODOO_CONF" "${folders[@]}" \
    > "$collected" 2>&1 || { tail -n 30 "$collected" >&2; return 1; }
  "$PY" - "$ROOT/.local/odoo-bin-tests-$db.log" "$collected" "$@" <<'PYTHON'
import re
import sys
from collections import Counter

log, collected, addons = sys.argv[1], sys.argv[2], sys.argv[3:]
started = re.compile(r" INFO \S+ odoo\.addons\.(\w+)\.tests\.(\w+): Starting (\w+)\.(\w+) \.\.\.$")
ran = Counter(f"{m[1]}/tests/{m[2]}.py::{m[3]}::{m[4]}" for line in open(log) if (m := started.search(line.rstrip())))
listed = Counter(line.strip() for line in open(collected) if "::" in line)
ok = True
for addon in addons:
    odoo_side = Counter({k: v for k, v in ran.items() if k.startswith(addon + "/")})
    pytest_side = Counter({k: v for k, v in listed.items() if k.startswith(addon + "/")})
    print(f"{addon}: odoo-bin {sum(odoo_side.values())}, pytest {sum(pytest_side.values())}")
    for name in sorted((odoo_side - pytest_side) + (pytest_side - odoo_side)):
        side = "odoo-bin only" if odoo_side[name] > pytest_side[name] else "pytest only"
        print(f"  {side}: {name}")
        ok = False
print(f"total: odoo-bin {sum(ran.values())}, pytest {sum(listed.values())}")
sys.exit(0 if ok else 1)
PYTHON
}

summary() {  # database: odoo-bin's own account of the run
  grep -E "odoo\.tests\.stats: |post-tests in|tests when loading database|(ERROR|CRITICAL) " \
    "$ROOT/.local/odoo-bin-tests-$1.log" | sed -E 's/^[0-9-]+ [0-9:,]+ [0-9]+ //' | cut -c1-300 >&2 || true
}

rc=0
odoo_bin_tests mkt_obt "$OUR_MODULES" "${OUR_ADDONS[@]}" || rc=$?
summary mkt_obt
compare mkt_obt "${OUR_ADDONS[@]}" || { [ $rc -ne 0 ] || rc=2; }
if "$PY" -c "import odoo.addons.queue_job" 2>/dev/null; then
  # as in scripts/test.sh: with queue_job installed, imports become jobs, so the glue has a database of its own
  odoo_bin_tests mkt_obt_queue_job marketplace_connector,marketplace_octopia,queue_job,marketplace_queue_job \
    marketplace_queue_job || rc=$?
  summary mkt_obt_queue_job
  compare mkt_obt_queue_job marketplace_queue_job || { [ $rc -ne 0 ] || rc=2; }
fi
exit $rc

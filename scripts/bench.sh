#!/usr/bin/env bash
# `make bench`: import throughput benchmark on a fresh database (see docs/scale-out.md).
#   scripts/bench.sh                       # 5,000 orders + naive baseline + profile + 50,000 offers
#   scripts/bench.sh --quick               # 500 orders, 5,000 offers (a few minutes)
#   scripts/bench.sh --workers 2 --scale   # also the 2-worker speed-up and RSS at N then 4N orders
#   BENCH_DB=mkt_bench                     # database name (dropped and re-created on every run)
#   WITH_QUEUE_JOB=0                       # without OCA queue_job (workers split channels instead)
#   BENCH_MODULES=a,b                      # our modules to install (default: $OUR_MODULES)
# Results: a table, a final JSON line, and bench/results/latest.json.
export WITH_QUEUE_JOB="${WITH_QUEUE_JOB:-1}"
source "$(dirname "$0")/odoo-env.sh"
db="${BENCH_DB:-mkt_bench}"
modules="${BENCH_MODULES:-$OUR_MODULES}"
if [ "$WITH_QUEUE_JOB" = 1 ] && "$PY" -c "import importlib.util as u, sys; sys.exit(u.find_spec('odoo.addons.queue_job') is None)" 2>/dev/null; then
  modules="$modules,queue_job,marketplace_queue_job"
fi
echo "Creating database $db with $modules..." >&2
fresh_db "$db" nodemo "$modules"
cd "$ROOT"
exec "$PY" bench/import_bench.py -c "$ODOO_CONF" -d "$db" "$@"

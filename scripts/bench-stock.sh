#!/usr/bin/env bash
# `make bench-stock`: stock sync benchmark of the four shop connectors on a fresh database (bench/stock_bench.py).
#   scripts/bench-stock.sh                    # 50,000 variants per shop simulator
#   scripts/bench-stock.sh --variants 5000    # a quicker run
#   BENCH_DB=mkt_bench_stock                  # database name (dropped and re-created on every run)
# Without queue_job: the stock runs are measured in the process, not delayed as jobs.
export WITH_QUEUE_JOB=0
source "$(dirname "$0")/odoo-env.sh"
db="${BENCH_DB:-mkt_bench_stock}"
modules="${BENCH_MODULES:-$OUR_MODULES}"
echo "Creating database $db with $modules..." >&2
fresh_db "$db" nodemo "$modules"
cd "$ROOT"
exec "$PY" bench/stock_bench.py -c "$ODOO_CONF" -d "$db" "$@"

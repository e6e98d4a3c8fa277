#!/usr/bin/env bash
# `make run`: Odoo 18 with the suite on a demo database, the marketplace simulator feeding it,
# and the scheduled actions running. Ctrl-C stops Odoo and the simulator (the cluster keeps running;
# `make db-stop` stops it).
source "$(dirname "$0")/odoo-env.sh"
db="${RUN_DB:-marketplace_demo}"
http_port="${ODOO_HTTP_PORT:-8069}"
sim_port="${SIMULATOR_PORT:-8070}"
modules="${RUN_MODULES:-$OUR_MODULES}"
log="$ROOT/.local/run"
mkdir -p "$log"
"$ROOT/scripts/ensure-package.sh" wkhtmltopdf "invoice PDFs (printing, upload to Octopia)" wkhtmltopdf

# Stop what a previous `make run` left behind.
for pidfile in "$log/simulator.pid" "$log/odoo.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
done

PYTHONPATH="$ROOT/tests" "$PY" -m marketplace_simulator --port "$sim_port" --orders 25 --trickle 20 \
  > "$log/simulator.log" 2>&1 &
echo $! > "$log/simulator.pid"
trap 'kill $(cat "$log/simulator.pid") 2>/dev/null; rm -f "$log/simulator.pid"' EXIT

if ! db_exists "$db"; then
  echo "Creating the demo database '$db' (once, a few minutes)..."
  fresh_db "$db" demo "$modules"
else
  echo "Updating our modules in '$db'..."
  odoo -d "$db" -u "$modules" --stop-after-init --no-http >&2
fi
# Point the demo channels at this simulator and make their crons due now.
SIMULATOR_URL="http://127.0.0.1:$sim_port" ODOO_URL="http://127.0.0.1:$http_port" "$PY" "$ODOO_BIN" shell -c "$ODOO_CONF" -d "$db" --no-http \
  < "$ROOT/scripts/demo_setup.py" >&2

cat <<MSG

  Odoo:      http://localhost:$http_port   (login admin / password admin, database $db)
  Simulator: http://127.0.0.1:$sim_port     (log: .local/run/simulator.log)
  Demo orders arrive within a minute: Sales > Marketplaces > Orders.

MSG
exec "$PY" "$ODOO_BIN" -c "$ODOO_CONF" -d "$db" --db-filter="^$db\$" --http-port "$http_port" \
  --max-cron-threads 2 --log-level info

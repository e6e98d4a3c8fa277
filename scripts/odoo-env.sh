# Sourced by the other scripts: resolves Odoo, the venv, the cluster and writes .local/odoo.conf.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/venv.sh"
# marketplace_transport (the add-ons' pure-Python package) from this checkout, whatever the venv holds
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
ODOO_SRC="$("$ROOT/scripts/odoo-source.sh")"
PG_PORT="$("$ROOT/scripts/pg.sh" start)"
PY="$ROOT/.venv/bin/python"
ODOO_BIN="$ODOO_SRC/odoo-bin"
# Standard modules our addons are tested and demoed with (the template database holds them).
BASE_MODULES="sale_management,sale_stock,base_vat,l10n_fr_account,account_payment"
# Every addon of the suite; marketplace_queue_job is auto-installed when OCA queue_job is present.
OUR_ADDONS=()
for manifest in "$ROOT"/marketplace_*/__manifest__.py; do
  addon="$(basename "$(dirname "$manifest")")"
  [ "$addon" = marketplace_queue_job ] && continue
  OUR_ADDONS+=("$addon")
done
OUR_MODULES="$(IFS=,; echo "${OUR_ADDONS[*]}")"
addons="$ODOO_SRC/odoo/addons"
[ -d "$ODOO_SRC/addons" ] && addons="$ODOO_SRC/addons,$addons"
ODOO_CONF="$ROOT/.local/odoo.conf"
mkdir -p "$ROOT/.local"
cat > "$ODOO_CONF.tmp" <<CONF
[options]
addons_path = $addons,$ROOT
data_dir = $ROOT/.local/filestore
db_host = 127.0.0.1
db_port = $PG_PORT
db_user = odoo
db_password = False
admin_passwd = admin
list_db = True
without_demo = all
log_level = warn
CONF
mv "$ODOO_CONF.tmp" "$ODOO_CONF"
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=odoo
odoo() { "$PY" "$ODOO_BIN" -c "$ODOO_CONF" "$@"; }
db_exists() { [ "$(psql -d postgres -Atc "select 1 from pg_database where datname='$1'")" = 1 ]; }
# A template database with Odoo's own modules, keyed by the Odoo tree and module list. Its main
# company is French (country, EUR) before accounting is installed, so Odoo loads the French chart.
template_db() {
  local flavor="${1:-nodemo}"
  local key; key="$(echo "$ODOO_SRC $BASE_MODULES $flavor fr-v2 $(stat -c %Y "$ODOO_SRC/odoo/release.py")" | sha1sum | cut -c1-10)"
  local name="mkt_tpl_${flavor}_$key"
  (
    flock 9
    if ! db_exists "$name"; then
      echo "Creating template database $name with $BASE_MODULES (one to three minutes, once)..." >&2
      psql -d postgres -qc "drop database if exists \"$name.partial\" with (force)"
      local demo_flag=(--without-demo=all); [ "$flavor" = demo ] && demo_flag=(--without-demo=)
      odoo -d "$name.partial" -i base "${demo_flag[@]}" --stop-after-init --no-http >&2
      "$PY" "$ODOO_BIN" shell -c "$ODOO_CONF" -d "$name.partial" --no-http >&2 <<'PYSHELL'
company = env.ref("base.main_company")
company.write({"country_id": env.ref("base.fr").id, "currency_id": env.ref("base.EUR").id, "state_id": False,
               "street": "12 rue de Rivoli", "street2": False, "zip": "75001", "city": "Paris"})
env.ref("base.EUR").active = True
env.cr.commit()
PYSHELL
      odoo -d "$name.partial" -i "$BASE_MODULES" "${demo_flag[@]}" --stop-after-init --no-http >&2
      psql -d postgres -qc "alter database \"$name.partial\" rename to \"$name\""
    fi
    # the template's attachments (images, reports) live in the filestore folder named after it
    local files="$ROOT/.local/filestore/filestore"
    if [ -d "$files/$name.partial" ] && [ ! -d "$files/$name" ]; then mv "$files/$name.partial" "$files/$name"; fi
  ) 9>"$ROOT/.local/template.lock"
  echo "$name"
}
# Fresh database $1 copied from the template, with our addons installed.
fresh_db() {
  local db="$1" tpl; tpl="$(template_db "${2:-nodemo}")"
  psql -d postgres -qc "drop database if exists \"$db\" with (force)"
  psql -d postgres -qc "create database \"$db\" template \"$tpl\""
  rm -rf "$ROOT/.local/filestore/filestore/$db"
  [ -d "$ROOT/.local/filestore/filestore/$tpl" ] && mkdir -p "$ROOT/.local/filestore/filestore" && cp -r "$ROOT/.local/filestore/filestore/$tpl" "$ROOT/.local/filestore/filestore/$db"
  odoo -d "$db" -i "${3:-$OUR_MODULES}" --stop-after-init --no-http >&2
}

#!/usr/bin/env bash
# After a string change: re-export each addon's i18n/<addon>.pot from a fresh database and merge it
# into i18n/fr.po; prints the French entries left to translate (empty or fuzzy), which tests/test_i18n.py refuses.
#   bash scripts/i18n-update.sh [addon ...]      # default: every addon with an i18n folder
source "$(dirname "$0")/odoo-env.sh"
cd "$ROOT"
db="${I18N_DB:-mkt_i18n}"
addons=("$@")
if [ ${#addons[@]} -eq 0 ]; then
  for dir in marketplace_*/i18n; do addons+=("$(dirname "$dir")"); done
fi
modules="$OUR_MODULES"
"$PY" -c "import odoo.addons.queue_job" 2>/dev/null && modules="$modules,queue_job,marketplace_queue_job"
fresh_db "$db" nodemo "$modules"
for addon in "${addons[@]}"; do
  odoo -d "$db" --i18n-export="$addon/i18n/$addon.pot" --modules="$addon" --language= --stop-after-init --no-http >&2
  msgmerge --quiet --no-wrap --update --no-fuzzy-matching --backup=none "$addon/i18n/fr.po" "$addon/i18n/$addon.pot"
  msgattrib --no-wrap --no-obsolete -o "$addon/i18n/fr.po" "$addon/i18n/fr.po"
  left="$(msgattrib --untranslated "$addon/i18n/fr.po" | grep -c '^msgid ' || true)"
  echo "$addon: $left msgid(s) without French"
done

"""18.0.1.1.0: the manual "above the threshold" flag becomes an option for destination taxation dated today.

The flag said "EU consumers pay their own country's VAT"; the threshold is now computed (art. 59c of
directive 2006/112/EC) and only an explicit option, with its date, forces destination taxation.
"""


def migrate(cr, version):
    cr.execute("""SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'res_company' AND column_name = 'marketplace_above_oss_threshold'""")
    if not cr.fetchone():
        return
    cr.execute("ALTER TABLE res_company ADD COLUMN IF NOT EXISTS marketplace_oss_option_date date")
    cr.execute("""UPDATE res_company SET marketplace_oss_option_date = CURRENT_DATE
                   WHERE marketplace_above_oss_threshold AND marketplace_oss_option_date IS NULL""")

from . import vat
from . import models


def post_init_hook(env):
    """Create the marketplace fiscal positions of every French company that has a chart of accounts."""
    companies = env["res.company"].search([("chart_template", "!=", False)])
    companies.filtered(lambda c: c.account_fiscal_country_id.code == "FR")._marketplace_vat_setup()

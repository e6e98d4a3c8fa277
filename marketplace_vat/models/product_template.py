"""VAT category of a product and its own OSS rates, per destination."""
from odoo import fields, models

from ..vat.rates import category_candidates, category_rate, home_category, valid_rates
from ..vat.territories import territory_country

VAT_CATEGORIES = [
    ("standard", "Standard"),
    ("reduced", "Reduced"),
    ("super_reduced", "Super-reduced"),
    ("zero", "Zero"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    marketplace_vat_category = fields.Selection(
        VAT_CATEGORIES, "VAT category",
        help="Gives the destination rate of EU distance sales taxed through OSS (the destination's rate of this "
             "category, when it has a single one). Empty: from the product's sale tax (French 20 %: standard; "
             "10 and 5.5 %: reduced; 2.1 %: super-reduced; 0 %: zero).")
    marketplace_vat_rate_ids = fields.One2many(
        "marketplace.vat.product.rate", "product_tmpl_id", "OSS rates by destination",
        help="The product's own rate in a destination, where its VAT category does not give one (several reduced "
             "rates) or gives the wrong one for these goods.")

    def _marketplace_vat_category(self, company, on_date=None):
        """The product's VAT category: set on it, else that of its sale tax in ``company``'s country."""
        self.ensure_one()
        if self.marketplace_vat_category:
            return self.marketplace_vat_category
        taxes = self.taxes_id.filtered(lambda t: t.company_id == company and t.amount_type == "percent")
        home = company.account_fiscal_country_id.code
        return home_category(home, taxes[:1].amount, on_date) if taxes else "standard"

    def _marketplace_oss_rate(self, company, territory, on_date):
        """The product's rate in a destination territory on a date (``None`` when none follows).

        The product's own rate for the destination when it has one and it is in force, else the
        destination's rate of the product's VAT category.
        """
        self.ensure_one()
        own = self.marketplace_vat_rate_ids.filtered(lambda r: r.country_id.code == territory_country(territory))
        if own:
            return own[:1].rate if own[:1].rate in valid_rates(territory, on_date) else None
        category = self._marketplace_vat_category(company, on_date)
        return category_rate(territory, category, on_date) if category else None

    def _marketplace_oss_candidates(self, company, territory, on_date):
        """The rates the product may bear in the destination (shown when none could be chosen)."""
        self.ensure_one()
        category = self._marketplace_vat_category(company, on_date)
        return category_candidates(territory, category, on_date) if category else ()

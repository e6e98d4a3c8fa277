"""A product's own VAT rate in one OSS destination (where its VAT category gives none, or not the right one)."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..vat.rates import EU_MEMBER_STATES, valid_rates
from ..vat.territories import NORTHERN_IRELAND, territory_country

NI_COUNTRY = territory_country(NORTHERN_IRELAND)


class MarketplaceVatProductRate(models.Model):
    _name = "marketplace.vat.product.rate"
    _description = "OSS rate of a product in a destination"
    _order = "product_tmpl_id, country_id"

    product_tmpl_id = fields.Many2one("product.template", "Product", required=True, ondelete="cascade", index=True)
    country_id = fields.Many2one(
        "res.country", "Destination", required=True, domain=lambda self: self._country_domain(),
        help="Member state of destination (United Kingdom: Northern Ireland).")
    rate = fields.Float("Rate (%)", digits=(16, 2), required=True)

    _sql_constraints = [("product_country_unique", "UNIQUE(product_tmpl_id, country_id)",
                         "One rate per product and destination.")]

    @api.model
    def _country_domain(self):
        return [("code", "in", sorted(EU_MEMBER_STATES | {NI_COUNTRY}))]

    def _territory(self):
        self.ensure_one()
        return NORTHERN_IRELAND if self.country_id.code == NI_COUNTRY else self.country_id.code

    @api.constrains("rate", "country_id")
    def _check_rate(self):
        for line in self:
            rates = valid_rates(line._territory(), fields.Date.context_today(self))
            if line.rate not in rates:
                raise ValidationError(self.env._(
                    "%(rate)s %% is not a VAT rate of %(country)s today (rates: %(rates)s).", rate=line.rate,
                    country=line.country_id.name, rates=", ".join(f"{rate:g} %" for rate in sorted(rates))))

    @api.model
    def _marketplace_stale_rates(self, company):
        """Products' own rates that are no rate of their destination any more (the scheduled check).

        :return: list of texts
        """
        today = fields.Date.context_today(self)
        lines = self.search([("product_tmpl_id.company_id", "in", (False, company.id))])
        return [self.env._("%(product)s: %(rate)s %% is no VAT rate of %(country)s any more",
                           product=line.product_tmpl_id.display_name, rate=line.rate, country=line.country_id.name)
                for line in lines if line.rate not in valid_rates(line._territory(), today)]

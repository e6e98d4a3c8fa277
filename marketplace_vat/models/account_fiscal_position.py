from collections import defaultdict

from odoo import api, fields, models

from ..vat.territories import NORTHERN_IRELAND, territory_country

VAT_REGIMES = [
    ("domestic", "Domestic"),
    ("intra_eu_b2b", "Intra-EU B2B (reverse charge)"),
    ("eu_b2c_home", "EU B2C, home VAT (below threshold)"),
    ("eu_b2c_oss", "EU B2C, OSS destination VAT"),
    ("export", "Export (incl. overseas departments)"),
    ("deemed_supplier", "Platform deemed supplier"),
]


class AccountFiscalPosition(models.Model):
    _inherit = "account.fiscal.position"

    marketplace_vat_regime = fields.Selection(
        VAT_REGIMES, "Marketplace VAT regime", copy=False, index=True,
        help="Set on the positions created by the marketplace VAT setup: imported orders get the position "
             "of their regime (and destination country for OSS).")
    marketplace_country_id = fields.Many2one(
        "res.country", "Marketplace destination", copy=False,
        help="Destination country of an OSS position (United Kingdom: Northern Ireland).")

    @api.depends("tax_ids.tax_src_id", "tax_ids.tax_dest_id", "tax_ids.marketplace_date_from",
                 "tax_ids.marketplace_date_to")
    @api.depends_context("marketplace_tax_date")
    def _compute_tax_map(self):
        """Odoo's mapping, restricted to the lines in force on the context's ``marketplace_tax_date``
        (default: today): a rate change moves the mapping to the new tax from its start date."""
        on_date = fields.Date.to_date(self.env.context.get("marketplace_tax_date")) or fields.Date.context_today(self)
        for position in self:
            tax_map = defaultdict(list)
            for line in position.tax_ids.filtered(lambda line: line._marketplace_in_force(on_date)):
                if line.tax_dest_id:
                    tax_map[line.tax_src_id.id].append(line.tax_dest_id.id)
                else:
                    tax_map.setdefault(line.tax_src_id.id, [])  # maps to no tax, as Odoo does
            position.tax_map = dict(tax_map)

    def _marketplace_territory(self):
        """VAT territory of an OSS position: its country's code, XI for the United Kingdom (Northern Ireland)."""
        self.ensure_one()
        code = self.marketplace_country_id.code or ""
        return NORTHERN_IRELAND if code == territory_country(NORTHERN_IRELAND) else code


class AccountFiscalPositionTax(models.Model):
    _inherit = "account.fiscal.position.tax"

    marketplace_date_from = fields.Date(
        "Valid from", help="Marketplace OSS mappings: first day the mapping applies (empty: always did).")
    marketplace_date_to = fields.Date(
        "Valid until", help="Marketplace OSS mappings: last day the mapping applies (empty: no end), e.g. the day "
                            "before a destination rate changes.")

    def _marketplace_in_force(self, on_date):
        self.ensure_one()
        return ((not self.marketplace_date_from or self.marketplace_date_from <= on_date)
                and (not self.marketplace_date_to or self.marketplace_date_to >= on_date))

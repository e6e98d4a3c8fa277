from odoo import fields, models

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
        "res.country", "Marketplace destination", copy=False, help="Destination country of an OSS position.")

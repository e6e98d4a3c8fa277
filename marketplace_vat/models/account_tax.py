from odoo import fields, models


class AccountTax(models.Model):
    _inherit = "account.tax"

    marketplace_oss_country_id = fields.Many2one(
        "res.country", "OSS destination", index=True,
        help="Destination-country VAT tax created by the marketplace VAT setup (One Stop Shop).")

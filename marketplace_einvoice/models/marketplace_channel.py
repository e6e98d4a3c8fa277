from odoo import fields, models


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    einvoice_all = fields.Boolean(
        "Factur-X for every invoice",
        help="Issue every invoice of this channel as Factur-X (PDF/A-3 with its EN 16931 XML), consumers and "
             "foreign buyers included. Without it, only invoices to businesses in France are (e-invoicing).")

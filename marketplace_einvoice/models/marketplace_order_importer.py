from odoo import models

from .account_move import FACTURX


class MarketplaceOrderImporter(models.AbstractModel):
    _inherit = "marketplace.order.importer"

    def _prepare_partner_vals(self, channel, order, run):
        """Business buyers get Factur-X as their e-invoice format (``invoice_edi_format``)."""
        vals = super()._prepare_partner_vals(channel, order, run)
        if vals.get("is_company") or vals.get("marketplace_vat"):
            vals["invoice_edi_format"] = FACTURX
        return vals

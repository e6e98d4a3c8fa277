from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        orders = self.filtered(lambda p: p.picking_type_code == "outgoing").sale_id
        orders.filtered(lambda s: s.marketplace_channel_id.invoice_policy == "delivery")._marketplace_invoice_if_due()
        return result

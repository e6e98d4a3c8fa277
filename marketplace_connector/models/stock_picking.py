from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    marketplace_channel_id = fields.Many2one(related="sale_id.marketplace_channel_id", store=True)
    marketplace_carrier_name = fields.Char(
        "Carrier (marketplace)", help="Carrier label sent to the marketplace when no carrier mapping applies.")
    marketplace_tracking_url = fields.Char("Tracking URL (marketplace)")
    ship_sync_state = fields.Selection(related="sale_id.ship_sync_state")

    def _action_done(self):
        res = super()._action_done()
        to_send = self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.sale_id.marketplace_channel_id
            and p.sale_id.marketplace_channel_id.ship_on_validate and p.sale_id.ship_sync_state != "done")
        if to_send:
            to_send.sale_id.write({"ship_sync_state": "todo", "ship_sync_error": False})
            # Sent by the cron right after this transaction commits: no HTTP call inside validation.
            cron = self.env.ref("marketplace_connector.ir_cron_marketplace_send_shipments", raise_if_not_found=False)
            if cron:
                cron._trigger()
        return res

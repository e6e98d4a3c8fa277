from odoo import models


class MarketplaceRefundWizard(models.TransientModel):
    _inherit = "marketplace.refund.wizard"

    def action_confirm(self):
        """Validate now, send from a queue job when the channel dispatches to jobs."""
        self.ensure_one()
        channel = self.order_id.marketplace_channel_id
        if not channel or not channel._queue_job_dispatch_enabled():
            return super().action_confirm()
        request = self._prepare_refund_request()
        self.order_id._delay_marketplace_refund(request)
        return channel._notify(self.env._("Refund queued"),
                               self.env._("The refund is sent in the background; see the order."), "info")

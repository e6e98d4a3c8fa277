from odoo import models

from marketplace_transport import MarketplaceError, RefundLine, RefundRequest


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # -- shipments ------------------------------------------------------------------------
    def _delay_marketplace_shipment(self):
        """Queue the shipment of this order; nothing when one is already waiting."""
        self.ensure_one()
        channel = self.marketplace_channel_id
        return self.with_delay(
            channel=channel._queue_job_channel_name(),
            identity_key=f"marketplace-ship-{self.id}",
            description=self.env._("%(channel)s: send the shipment of %(order)s", channel=channel.name,
                                   order=self.name),
        )._job_send_marketplace_shipment()

    def _job_send_marketplace_shipment(self):
        """Job: send carrier and tracking (errors land on the order, as with the cron)."""
        self.ensure_one()
        if self.ship_sync_state != "todo":
            return self.env._("Nothing to send (shipment state: %s)", self.ship_sync_state)
        order = self.with_context(marketplace_in_job=True, marketplace_no_commit=True)
        order._send_marketplace_shipment()
        return self.env._("Shipment state: %s", order.ship_sync_state)

    # -- refunds --------------------------------------------------------------------------
    def _delay_marketplace_refund(self, request):
        self.ensure_one()
        channel = self.marketplace_channel_id
        vals = {
            "order_external_id": request.order_external_id, "reason": request.reason,
            "refund_shipping": request.refund_shipping, "amount": request.amount,
            "currency": request.currency, "note": request.note, "idempotency_key": request.idempotency_key,
            "amount_only": request.amount_only,
            "lines": [[line.line_external_id, line.quantity, line.amount] for line in request.lines],
        }
        self.write({"refund_sync_state": "todo", "refund_sync_error": False})
        return self.with_delay(
            channel=channel._queue_job_channel_name(),
            identity_key=f"marketplace-refund-{self.id}",
            description=self.env._("%(channel)s: send the refund of %(order)s", channel=channel.name, order=self.name),
        )._job_send_marketplace_refund(vals)

    def _job_send_marketplace_refund(self, vals):
        """Job: send a refund prepared by the refund wizard."""
        self.ensure_one()
        vals = dict(vals, lines=[RefundLine(*line) for line in vals.get("lines") or ()])
        request = RefundRequest(**vals)
        channel = self.marketplace_channel_id.with_context(marketplace_in_job=True, marketplace_no_commit=True)
        try:
            channel._send_refund(self, request)
        except MarketplaceError as exc:
            self._set_sync_error("refund", channel._error_text(exc))
            return self.env._("Refund failed: %s", self.refund_sync_error)
        self.write({"refund_sync_state": "done", "refund_sync_error": False})
        self.message_post(body=self.env._(
            "Refund sent to %(channel)s (reason: %(reason)s, shipping refunded: %(shipping)s).",
            channel=channel.name, reason=request.reason,
            shipping=self.env._("yes") if request.refund_shipping else self.env._("no")))
        return self.env._("Refund sent")

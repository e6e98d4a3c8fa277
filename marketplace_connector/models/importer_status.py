"""Import pipeline: the marketplace status turned into Odoo behaviour (see README's table)."""
from odoo import models

from marketplace_transport import OrderStatus


class MarketplaceOrderImporterStatus(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.status"
    _description = "Order import: marketplace status"

    def _apply_marketplace_status(self, sale, order, previous_status, run):
        """Turn the marketplace status into Odoo behaviour: cancel, wait for acceptance, confirm,
        mark shipped or refunded.

        :param previous_status: the sale's marketplace status before this import (None: new order)
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`
        """
        status = order.status
        if previous_status == status.value:
            return
        if status.is_cancelled:
            self._cancel_order(sale, order)
            return
        if status == OrderStatus.WAITING_ACCEPTANCE:
            sale.marketplace_channel_id._on_waiting_acceptance(sale, order)
            return
        if self._confirmation_due(sale, order):
            self._queue_confirmation(sale, run)
        if status.is_done:
            sale.ship_sync_state = "done"
        if status == OrderStatus.REFUNDED:
            sale.refund_sync_state = "done"

    def _cancel_order(self, sale, order):
        """Cancel the sale order, unless it is shipped already (then a human arranges the return)."""
        if sale.state == "cancel":
            return
        shipped = sale.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
        if shipped:
            sale.marketplace_channel_id._schedule_error_activity(
                self.env._("Cancelled on the marketplace after shipping"),
                self.env._("Order %s was cancelled on the marketplace but is already shipped: arrange the return or "
                           "refund.", order.reference), record=sale)
            return
        sale.with_context(disable_cancel_warning=True)._action_cancel()
        sale.message_post(body=self.env._("Cancelled on the marketplace (status %s).", order.marketplace_status))

"""Accept / refuse Octopia orders waiting for the seller (server actions in data/); the buyer's
cancellation request flag."""
from odoo import api, fields, models
from odoo.exceptions import UserError

from marketplace_transport import MarketplaceError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    octopia_cancel_requested = fields.Boolean(
        "Buyer cancellation request", compute="_compute_octopia_cancel_requested", store=True,
        help="A buyer asked Octopia to cancel lines of this order.")

    octopia_address_pending = fields.Boolean(
        "Addresses pending", copy=False, readonly=True,
        help="Octopia showed this order without the buyer's addresses yet: the next import that brings "
             "them completes the order and its open deliveries.")

    @api.depends("order_line.octopia_cancel_requested")
    def _compute_octopia_cancel_requested(self):
        for order in self:
            order.octopia_cancel_requested = any(order.order_line.mapped("octopia_cancel_requested"))

    def _octopia_waiting_orders(self):
        orders = self.filtered(lambda o: o.marketplace_channel_id.channel_type == "octopia")
        if not orders:
            raise UserError(self.env._("None of the selected orders comes from an Octopia channel."))
        not_waiting = orders.filtered(lambda o: o.marketplace_order_status != "waiting_acceptance")
        if not_waiting:
            raise UserError(self.env._(
                "Octopia only accepts or refuses orders waiting for acceptance (WaitingAcceptance): "
                "%s is not.", ", ".join(not_waiting.mapped("name"))))
        return orders

    def action_octopia_accept(self):
        """Server action "Accept on Octopia"."""
        for order in self._octopia_waiting_orders():
            order._octopia_call(order.marketplace_channel_id._accept_order)
        return True

    def action_octopia_refuse(self):
        """Server action "Refuse on Octopia": cancels the quotation once Octopia confirmed."""
        for order in self._octopia_waiting_orders():
            order._octopia_call(order.marketplace_channel_id._refuse_order)
        return True

    def _octopia_call(self, method):
        try:
            method(self)
        except MarketplaceError as exc:
            raise UserError(self.marketplace_channel_id._error_text(exc)) from exc


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    octopia_cancel_requested = fields.Boolean(
        "Buyer cancellation request", copy=False, readonly=True,
        help="The buyer asked Octopia to cancel this line; it waits for the seller's answer.")

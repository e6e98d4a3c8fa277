"""Accept / refuse Octopia orders waiting for the seller (server actions in data/)."""
from odoo import models
from odoo.exceptions import UserError

from marketplace_transport import MarketplaceError


class SaleOrder(models.Model):
    _inherit = "sale.order"

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

"""Import pipeline: orders whose buyer or addresses the marketplace withheld (admin orders, missing
customer data access, cancelled or unpaid orders)."""
from odoo import models

from marketplace_transport import InvalidOrderError, OrderStatus


class MarketplaceOrderImporterAddressless(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.addressless"
    _description = "Order import: orders without buyer or address"

    def _lacks_address(self, order):
        """:return: True when the order's billing or shipping address is empty"""
        return order.billing.is_empty or order.shipping.is_empty

    def _addressless_buyer(self, channel, order):
        """The channel's anonymous customer for an order without address that ships nothing.

        :return: empty when the order has its addresses; raises :class:`InvalidOrderError` saying
            what is missing when the order must be shipped
        """
        if not self._lacks_address(order):
            return self.env["res.partner"]
        if not self._ships_nothing(order):
            raise InvalidOrderError(self._missing_address_message(channel, order))
        if not channel.anonymous_partner_id:
            raise InvalidOrderError(self.env._(
                "The order has no customer and the channel has no anonymous customer: set one on the channel "
                "(Sales tab), then press Retry."))
        return channel.anonymous_partner_id

    def _ships_nothing(self, order):
        """Cancelled or refunded orders, and orders without a line to ship, need no address."""
        return (order.status.is_cancelled or order.status == OrderStatus.REFUNDED
                or not any(line.shippable and not line.cancelled for line in order.lines))

    def _missing_address_message(self, channel, order):
        address = order.shipping if order.shipping.is_empty else order.billing
        hint = channel._connector().missing_address_hint
        return self.env._(
            "The order must be shipped but the marketplace sent no %(role)s address (missing: %(fields)s). %(hint)s",
            role=self.env._("shipping") if address is order.shipping else self.env._("billing"),
            fields=", ".join(address.missing_fields()),
            hint=str(hint) if hint else self.env._(
                "Check the customer data the marketplace lets the connector read, then press Retry."))

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from marketplace_transport.prestashop import (
    DEFAULT_REFUNDED_STATE,
    DEFAULT_SHIPPED_STATE,
    DEFAULT_TIMEZONE,
    StateMapError,
    parse_state_map,
)


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(selection_add=[("prestashop", "PrestaShop")], ondelete={"prestashop": "cascade"})
    prestashop_timezone = fields.Selection(
        _tz_get, "Shop time zone", default=DEFAULT_TIMEZONE,
        help="Time zone of the shop (PS_TIMEZONE): the webservice filters and returns dates in it.")
    prestashop_shipped_state_id = fields.Integer(
        "'Shipped' state id", default=int(DEFAULT_SHIPPED_STATE),
        help="Order state set when a delivery is sent (PS_OS_SHIPPING, 4 on a default install).")
    prestashop_refunded_state_id = fields.Integer(
        "'Refunded' state id", default=int(DEFAULT_REFUNDED_STATE),
        help="Order state set by a refund (PS_OS_REFUND, 7 on a default install).")
    prestashop_state_map = fields.Text(
        "State mapping",
        help="Extra or overriding order states, one per line: <state id>=<status>, e.g. 14=to_ship. "
             "Statuses: pending, waiting_acceptance, accepted, to_ship, shipped, delivered, cancelled, refused, "
             "refunded. States in neither list are mapped from their own flags (shipped, paid).")
    prestashop_language_id = fields.Integer(
        "Shop language id", default=1,
        help="PrestaShop id of the language (International > Localization > Languages) in which multilingual "
             "values (order state names, product names, cart rules) are read; 1 on a default install.")
    prestashop_shop_id = fields.Integer(
        "Shop id (multistore)", default=0,
        help="Multistore: import only the orders of this shop (Advanced Parameters > Multistore); 0 imports "
             "the orders of every shop the webservice key reaches.")
    prestashop_send_email = fields.Boolean(
        "Send state e-mails", default=True, help="Let PrestaShop e-mail the buyer when we change an order state.")

    @api.constrains("prestashop_state_map")
    def _check_prestashop_state_map(self):
        for channel in self:
            try:
                parse_state_map(channel.prestashop_state_map)
            except StateMapError as exc:
                if exc.code == "state_map_syntax":
                    raise ValidationError(self.env._(
                        "Order state mapping: the line “%(line)s” is not “<state id>=<status>” (for example "
                        "14=to_ship).", **exc.params)) from None
                raise ValidationError(self.env._(
                    "Order state mapping: “%(status)s” (state %(state)s) is not a status. Use one of: "
                    "%(statuses)s.", **exc.params)) from None

    def _prepare_prestashop_options(self):
        """Options of the PrestaShop transport (``transport_options`` of the descriptor in ``connector.py``)."""
        self.ensure_one()
        return {
            "timezone": self.prestashop_timezone or DEFAULT_TIMEZONE,
            "shipped_state_id": str(self.prestashop_shipped_state_id or DEFAULT_SHIPPED_STATE),
            "refunded_state_id": str(self.prestashop_refunded_state_id or DEFAULT_REFUNDED_STATE),
            "state_map": self.prestashop_state_map or "",
            "send_email": self.prestashop_send_email,
            "prices_include_tax": self.prices_include_tax != "excluded",
            "language_id": str(self.prestashop_language_id or ""),
            "shop_id": str(self.prestashop_shop_id or 0),
        }

    def _map_carrier(self, picking):
        """PrestaShop keeps the carrier chosen at checkout: only the tracking number is sent."""
        label = super()._map_carrier(picking)
        if self.channel_type == "prestashop" and not label:
            return "PrestaShop order carrier"
        return label

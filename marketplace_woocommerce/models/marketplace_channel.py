"""WooCommerce channel type: its fields and the options passed to the transport (webhooks: ``connector.py``)."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from marketplace_transport.status_map import StateMapError, parse_state_map
from marketplace_transport.woocommerce import DEFAULT_VAT_META_KEYS

from ..connector import WOOCOMMERCE


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(selection_add=[(WOOCOMMERCE, "WooCommerce")], ondelete={WOOCOMMERCE: "cascade"})
    woo_auth_in_query = fields.Boolean(
        "Keys in the query string",
        help="Send the consumer key and secret as query parameters, for servers that strip the Authorization "
             "header (WooCommerce answers 'Consumer key is missing').")
    woo_tracking_mode = fields.Selection(
        [("extension", "Shipment Tracking extension"), ("note", "Customer order note")], "Tracking sent as",
        default="extension",
        help="Without the Shipment Tracking extension the tracking goes in a customer note (automatic fallback).")
    woo_api_refund = fields.Boolean(
        "Refund through the payment gateway", default=True,
        help="Off: the refund is only recorded in WooCommerce (money refunded elsewhere).")
    woo_restock = fields.Boolean("Restock refunded items in WooCommerce", default=False)
    woo_vat_meta_keys = fields.Char(
        "VAT meta keys", default=",".join(DEFAULT_VAT_META_KEYS),
        help="Order meta keys holding the buyer's VAT number (comma-separated), e.g. _billing_vat.")
    woo_status_map = fields.Text(
        "Order status mapping",
        help="Custom order statuses (added by tracking or workflow plugins) and overrides, one per line: "
             "<status slug>=<status>, e.g. shipped=shipped or awaiting-pickup=to_ship. Statuses: pending, "
             "waiting_acceptance, accepted, to_ship, shipped, delivered, cancelled, refused, refunded. "
             "An order in a status found nowhere fails, naming the status.")

    @api.constrains("woo_status_map")
    def _check_woo_status_map(self):
        for channel in self:
            try:
                parse_state_map(channel.woo_status_map)
            except StateMapError as exc:
                raise ValidationError(channel._error_text(exc)) from None

    # -- transport ----------------------------------------------------------------------
    def _prepare_woo_options(self):
        """Options of the WooCommerce transport (``transport_options`` of the descriptor in ``connector.py``)."""
        self.ensure_one()
        return {
            "auth_in_query": self.woo_auth_in_query,
            "tracking_mode": self.woo_tracking_mode or "extension",
            "api_refund": self.woo_api_refund,
            "restock": self.woo_restock,
            "vat_meta_keys": self.woo_vat_meta_keys or ",".join(DEFAULT_VAT_META_KEYS),
            "status_map": self.woo_status_map or "",
        }

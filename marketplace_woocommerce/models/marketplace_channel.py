"""WooCommerce channel type: options passed to the transport, and the webhook dispatch."""
import re

from odoo import api, fields, models

from marketplace_transport.woocommerce import DEFAULT_VAT_META_KEYS, webhook_order_id

WOOCOMMERCE = "woocommerce"
WEBHOOK_ROUTE = "/marketplace/webhook/woocommerce"
SIGNATURE_HEADER = "X-WC-Webhook-Signature"
PING_RE = re.compile(rb"^webhook_id=\d+$")


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

    # -- transport ----------------------------------------------------------------------
    def _prepare_transport_config(self):
        values = super()._prepare_transport_config()
        if self.channel_type == WOOCOMMERCE:
            values["options"].update(self._prepare_woo_options())
        return values

    def _prepare_woo_options(self):
        self.ensure_one()
        return {
            "auth_in_query": self.woo_auth_in_query,
            "tracking_mode": self.woo_tracking_mode or "extension",
            "api_refund": self.woo_api_refund,
            "restock": self.woo_restock,
            "vat_meta_keys": self.woo_vat_meta_keys or ",".join(DEFAULT_VAT_META_KEYS),
        }

    # -- webhooks -----------------------------------------------------------------------
    def _webhook_route(self):
        if self.channel_type == WOOCOMMERCE:
            return WEBHOOK_ROUTE
        return super()._webhook_route()

    @api.model
    def _webhook_signature_header(self, channel_type):
        if channel_type == WOOCOMMERCE:
            return SIGNATURE_HEADER
        return super()._webhook_signature_header(channel_type)

    @api.model
    def _webhook_unsigned_answer(self, channel_type, body, headers):
        if channel_type == WOOCOMMERCE and PING_RE.match(body):
            return 200, "pong"  # WooCommerce's unsigned test delivery when a webhook is saved: no side effect
        return super()._webhook_unsigned_answer(channel_type, body, headers)

    @api.model
    def _webhook_order_id(self, channel_type, headers, payload):
        if channel_type != WOOCOMMERCE:
            return super()._webhook_order_id(channel_type, headers, payload)
        return webhook_order_id(headers.get("X-WC-Webhook-Topic") or "", payload)

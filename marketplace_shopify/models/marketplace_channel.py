"""Shopify channel type: options passed to the transport, and the webhook dispatch."""
from odoo import api, fields, models

from marketplace_transport.shopify import API_VERSION, DEFAULT_VAT_ATTRIBUTES, webhook_order_id

SHOPIFY = "shopify"
WEBHOOK_ROUTE = "/marketplace/webhook/shopify"
SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256"
#: webhook topics that concern one order (others are acknowledged and ignored)
ORDER_TOPICS = ("orders/", "refunds/create", "fulfillments/")


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(selection_add=[(SHOPIFY, "Shopify")], ondelete={SHOPIFY: "cascade"})
    shopify_api_version = fields.Char(
        "Shopify API version", default=API_VERSION,
        help="Admin API version (YYYY-MM) used in every URL. Shopify supports each version for 12 months.")
    shopify_notify_customer = fields.Boolean(
        "Shopify e-mails the buyer", default=True, help="Fulfillments and refunds notify the customer.")
    shopify_restock_type = fields.Selection(
        [("no_restock", "No restock"), ("cancel", "Cancel (not shipped yet)"), ("return", "Return")],
        "Restock on refund", default="no_restock",
        help="Shopify stock handling of refunded lines; Odoo stays the stock master.")
    shopify_vat_attributes = fields.Char(
        "VAT note attributes", default=",".join(DEFAULT_VAT_ATTRIBUTES),
        help="Order note attribute names holding the buyer's VAT number (comma-separated, case-insensitive).")

    # -- transport ----------------------------------------------------------------------
    def _prepare_transport_config(self):
        values = super()._prepare_transport_config()
        if self.channel_type == SHOPIFY:
            values["options"].update(self._prepare_shopify_options())
        return values

    def _prepare_shopify_options(self):
        self.ensure_one()
        return {
            "api_version": self.shopify_api_version or API_VERSION,
            "notify_customer": self.shopify_notify_customer,
            "restock_type": self.shopify_restock_type or "no_restock",
            "vat_attributes": self.shopify_vat_attributes or ",".join(DEFAULT_VAT_ATTRIBUTES),
        }

    # -- webhooks -----------------------------------------------------------------------
    def _webhook_route(self):
        if self.channel_type == SHOPIFY:
            return WEBHOOK_ROUTE
        return super()._webhook_route()

    @api.model
    def _webhook_signature_header(self, channel_type):
        if channel_type == SHOPIFY:
            return SIGNATURE_HEADER
        return super()._webhook_signature_header(channel_type)

    @api.model
    def _webhook_order_id(self, channel_type, headers, payload):
        if channel_type != SHOPIFY:
            return super()._webhook_order_id(channel_type, headers, payload)
        topic = headers.get("X-Shopify-Topic") or ""
        return webhook_order_id(topic, payload) if topic.startswith(ORDER_TOPICS) else ""

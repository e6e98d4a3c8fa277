"""Shopify channel type: options passed to the transport, and the webhook dispatch."""
import json
import logging

from odoo import api, fields, models

from odoo.addons.marketplace_connector.transport import MarketplaceError, TemporaryError

from ..transport.shopify import API_VERSION, DEFAULT_VAT_ATTRIBUTES, verify_webhook, webhook_order_id

_logger = logging.getLogger(__name__)

SHOPIFY = "shopify"
WEBHOOK_ROUTE = "/marketplace/webhook/shopify"
WEBHOOK_MAX_BYTES = 2 * 1024 * 1024
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
    shopify_webhook_url = fields.Char("Shopify webhook URL", compute="_compute_shopify_webhook_url")

    def _compute_shopify_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            channel.shopify_webhook_url = f"{base}{WEBHOOK_ROUTE}/{channel.id}" if channel.id else ""

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
    @api.model
    def _shopify_handle_webhook(self, channel_id, body, headers):
        """Verify one Shopify webhook on its raw body and import the order it is about.

        :param headers: mapping with the request headers (case-insensitive lookups)
        :return: (HTTP status, short text) -- never a record detail
        """
        if len(body) > WEBHOOK_MAX_BYTES:
            return 413, "payload too large"
        channel = self.sudo().browse(channel_id).exists()
        secret = channel.webhook_secret if channel and channel.active and channel.channel_type == SHOPIFY else ""
        if not verify_webhook(secret, body, headers.get("X-Shopify-Hmac-Sha256")):
            return 401, "invalid signature"
        topic = headers.get("X-Shopify-Topic") or ""
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, "invalid body"
        order_id = webhook_order_id(topic, payload) if topic.startswith(ORDER_TOPICS) else ""
        if not order_id:
            return 200, "ignored"
        return channel._shopify_webhook_import_order(order_id)

    def _shopify_webhook_import_order(self, external_id):
        """Import one order now; a temporary failure asks the platform to deliver again."""
        self.ensure_one()
        channel = self.with_company(self.company_id)
        try:
            result = channel._import_one_order(external_id)
        except TemporaryError as exc:
            _logger.info("Channel %s: webhook import of %s postponed: %s", self.id, external_id, self._redact(str(exc)))
            return 503, "retry later"
        except MarketplaceError as exc:  # polling stays the safety net
            _logger.warning("Channel %s: webhook import of %s failed: %s", self.id, external_id,
                            self._redact(str(exc)))
            return 200, "accepted"
        return 200, result

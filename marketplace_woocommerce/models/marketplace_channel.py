"""WooCommerce channel type: options passed to the transport, and the webhook dispatch."""
import json
import logging
import re

from odoo import api, fields, models

from odoo.addons.marketplace_connector.transport import MarketplaceError, TemporaryError

from ..transport.woocommerce import DEFAULT_VAT_META_KEYS, verify_webhook, webhook_order_id

_logger = logging.getLogger(__name__)

WOOCOMMERCE = "woocommerce"
WEBHOOK_ROUTE = "/marketplace/webhook/woocommerce"
WEBHOOK_MAX_BYTES = 2 * 1024 * 1024
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
    woo_webhook_url = fields.Char("WooCommerce webhook URL", compute="_compute_woo_webhook_url")

    def _compute_woo_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            channel.woo_webhook_url = f"{base}{WEBHOOK_ROUTE}/{channel.id}" if channel.id else ""

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
    @api.model
    def _woo_handle_webhook(self, channel_id, body, headers):
        """Verify one WooCommerce webhook on its raw body and import the order it is about.

        :param headers: mapping with the request headers (case-insensitive lookups)
        :return: (HTTP status, short text) -- never a record detail
        """
        if len(body) > WEBHOOK_MAX_BYTES:
            return 413, "payload too large"
        channel = self.sudo().browse(channel_id).exists()
        secret = channel.webhook_secret if channel and channel.active and channel.channel_type == WOOCOMMERCE else ""
        signature = headers.get("X-WC-Webhook-Signature")
        if not signature and PING_RE.match(body):
            return 200, "pong"  # WooCommerce's unsigned test delivery when a webhook is saved: no side effect
        if not verify_webhook(secret, body, signature):
            return 401, "invalid signature"
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, "invalid body"
        order_id = webhook_order_id(headers.get("X-WC-Webhook-Topic") or "", payload)
        if not order_id:
            return 200, "ignored"
        return channel._woo_webhook_import_order(order_id)

    def _woo_webhook_import_order(self, external_id):
        """Import one order now; a temporary failure asks WooCommerce to deliver again."""
        self.ensure_one()
        try:
            result = self.with_company(self.company_id)._import_one_order(external_id)
        except TemporaryError as exc:
            _logger.info("Channel %s: webhook import of %s postponed: %s", self.id, external_id, self._redact(str(exc)))
            return 503, "retry later"
        except MarketplaceError as exc:  # polling stays the safety net
            _logger.warning("Channel %s: webhook import of %s failed: %s", self.id, external_id,
                            self._redact(str(exc)))
            return 200, "accepted"
        return 200, result

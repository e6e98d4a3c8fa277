"""Marketplace channel: webhooks, verified on their raw body, and the import of the order they name.

The connector descriptor of each type (``WebhookSpec``) says where, how signed and which order.
"""
import json
import logging

from odoo import api, models

from marketplace_transport import MarketplaceError, TemporaryError
from marketplace_transport.webhook import verify_hmac_sha256_base64

from ..connector import get_connector
from ..tools import WEBHOOK_MAX_BYTES

_logger = logging.getLogger(__name__)


class MarketplaceChannelWebhook(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.webhook"
    _description = "Marketplace channel: webhooks"

    def _webhook_route(self):
        """URL path of this channel type's webhook route (the channel id follows), or None."""
        return self._connector().webhook_route

    @api.depends("channel_type")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            route = channel.id and channel._webhook_route()
            channel.webhook_url = f"{base}{route}/{channel.id}" if route else ""

    @api.model
    def _webhook_signature_header(self, channel_type):
        """Request header with the base64 HMAC-SHA256 of the body for ``channel_type``."""
        webhook = get_connector(channel_type).webhook
        return webhook.signature_header if webhook else None

    @api.model
    def _webhook_unsigned_answer(self, channel_type, body, headers):
        """(status, text) for a harmless unsigned delivery (e.g. a test ping), else None."""
        webhook = get_connector(channel_type).webhook
        return webhook.unsigned_answer(body, headers) if webhook and webhook.unsigned_answer else None

    @api.model
    def _webhook_order_id(self, channel_type, headers, payload):
        """External id of the order a verified delivery is about ("" to ignore it)."""
        webhook = get_connector(channel_type).webhook
        return webhook.order_id(headers, payload) if webhook else ""

    @api.model
    def _handle_webhook(self, channel_type, channel_id, body, headers):
        """Verify one webhook on its raw body and import the order it is about.

        An unknown, inactive or other-type channel answers like a bad signature.

        :param headers: mapping with the request headers (case-insensitive lookups)
        :return: (HTTP status, short text) -- never a record detail
        """
        if len(body) > WEBHOOK_MAX_BYTES:
            return 413, "payload too large"
        channel = self.sudo().browse(channel_id).exists()
        secret = channel.webhook_secret if channel and channel.active and channel.channel_type == channel_type else ""
        header = self._webhook_signature_header(channel_type)
        signature = headers.get(header) if header else None
        if not signature:
            answer = self._webhook_unsigned_answer(channel_type, body, headers)
            if answer:
                return answer
        if not verify_hmac_sha256_base64(secret, body, signature):
            return 401, "invalid signature"
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, "invalid body"
        order_id = self._webhook_order_id(channel_type, headers, payload)
        if not order_id:
            return 200, "ignored"
        return channel._webhook_import_order(order_id)

    def _webhook_import_order(self, external_id):
        """Import one order now; a temporary failure asks the platform to deliver again."""
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


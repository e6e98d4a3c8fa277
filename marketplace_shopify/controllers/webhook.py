"""Shopify webhooks: ``POST /marketplace/webhook/shopify/<channel id>``.

The HMAC of the raw body is checked with the channel's webhook secret before anything else;
a valid delivery imports just that order at once (polling stays the safety net).
"""
from odoo import http

from odoo.addons.marketplace_connector.controllers.webhook import MarketplaceWebhookMixin

from ..models.marketplace_channel import SHOPIFY, WEBHOOK_ROUTE


class ShopifyWebhookController(MarketplaceWebhookMixin, http.Controller):
    _webhook_channel_type = SHOPIFY

    @http.route(f"{WEBHOOK_ROUTE}/<int:channel_id>", type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def shopify_webhook(self, channel_id, **params):
        return self._webhook_response(channel_id, params)

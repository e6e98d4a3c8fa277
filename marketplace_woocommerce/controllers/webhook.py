"""WooCommerce webhooks: ``POST /marketplace/webhook/woocommerce/<channel id>``.

The HMAC of the raw body is checked with the channel's webhook secret before anything else;
a valid ``order.*`` delivery imports just that order at once (polling stays the safety net).
"""
from odoo import http

from odoo.addons.marketplace_connector.controllers.webhook import MarketplaceWebhookMixin

from ..models.marketplace_channel import WEBHOOK_ROUTE, WOOCOMMERCE


class WooCommerceWebhookController(MarketplaceWebhookMixin, http.Controller):
    _webhook_channel_type = WOOCOMMERCE

    @http.route(f"{WEBHOOK_ROUTE}/<int:channel_id>", type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def woocommerce_webhook(self, channel_id, **params):
        return self._webhook_response(channel_id, params)

    def _webhook_body(self, params):
        body = super()._webhook_body(params)
        if body == b"" and set(params) == {"webhook_id"}:  # form-encoded ping, already parsed by Odoo
            body = f"webhook_id={params['webhook_id']}".encode()
        return body

"""Shopify webhooks: ``POST /marketplace/webhook/shopify/<channel id>``.

The HMAC of the raw body is checked with the channel's webhook secret before anything else;
a valid delivery imports just that order at once (polling stays the safety net).
"""
from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..models.marketplace_channel import WEBHOOK_MAX_BYTES, WEBHOOK_ROUTE


def read_limited_body(limit):
    """Raw request body, or None when it is larger than ``limit`` bytes.

    A declared Content-Length over the limit is refused unread; a chunked body is read through
    werkzeug's stream limit (``max_content_length``), never more than ``limit`` bytes.
    """
    httprequest = request.httprequest
    if httprequest.content_length and httprequest.content_length > limit:
        return None
    httprequest.max_content_length = limit
    try:
        body = httprequest.get_data()
    except RequestEntityTooLarge:
        return None
    return None if len(body) > limit else body


class ShopifyWebhookController(http.Controller):
    @http.route(f"{WEBHOOK_ROUTE}/<int:channel_id>", type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def shopify_webhook(self, channel_id, **_params):
        body = read_limited_body(WEBHOOK_MAX_BYTES)
        if body is None:
            status, text = 413, "payload too large"
        else:
            status, text = request.env["marketplace.channel"].sudo()._shopify_handle_webhook(
                channel_id, body, request.httprequest.headers)
        return request.make_response(text, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status)

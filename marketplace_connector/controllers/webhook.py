"""The order webhook route of every connector: ``POST /marketplace/webhook/<type>/<channel id>``.

:class:`MarketplaceWebhookController` serves the types whose connector descriptor has a
``WebhookSpec``; the verification and dispatch itself is ``marketplace.channel._handle_webhook``
(testable without HTTP). :class:`MarketplaceWebhookMixin` stays for a connector that needs a route
of its own: it mixes it into its own ``http.Controller`` (Odoo merges the subclasses of a
controller into one class).
"""
from urllib.parse import urlencode

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..connector import WEBHOOK_PREFIX
from ..tools import WEBHOOK_MAX_BYTES


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


class MarketplaceWebhookMixin:
    """Answer one webhook delivery for the channel type in :attr:`_webhook_channel_type`."""

    _webhook_channel_type = None

    def _webhook_body(self, params):
        """Raw body of the delivery (None when too large); ``params`` are the parsed form fields.

        A form-encoded body (a test ping) was already parsed by Odoo: its fields are encoded again.
        """
        body = read_limited_body(WEBHOOK_MAX_BYTES)
        form = request.httprequest.form if body == b"" else None
        if form:
            body = urlencode(list(form.items(multi=True))).encode()
        return body

    def _webhook_response(self, channel_id, params, channel_type=None):
        """Plain-text HTTP response: 413 when too large, else what the channel model decides."""
        body = self._webhook_body(params)
        if body is None:
            status, text = 413, "payload too large"
        else:
            status, text = request.env["marketplace.channel"].sudo()._handle_webhook(
                channel_type or self._webhook_channel_type, channel_id, body, request.httprequest.headers)
        return request.make_response(text, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status)


class MarketplaceWebhookController(MarketplaceWebhookMixin, http.Controller):
    @http.route(f"{WEBHOOK_PREFIX}/<string:channel_type>/<int:channel_id>", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False)
    def marketplace_webhook(self, channel_type, channel_id, **params):
        """One delivery for the channel ``channel_id`` of type ``channel_type`` (401 for any mismatch)."""
        return self._webhook_response(channel_id, params, channel_type)

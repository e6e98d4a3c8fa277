"""Shared body of the order webhook routes (``POST /marketplace/webhook/<type>/<channel id>``).

:class:`MarketplaceWebhookMixin` is deliberately not an ``http.Controller``: Odoo merges every
subclass of a controller into one class, so each connector mixes it into its own controller,
next to ``http.Controller``, and declares its route there. The verification and dispatch
itself is ``marketplace.channel._handle_webhook`` (testable without HTTP).
"""
from werkzeug.exceptions import RequestEntityTooLarge

from odoo.http import request

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
        """Raw body of the delivery (None when too large); ``params`` are the parsed form fields."""
        return read_limited_body(WEBHOOK_MAX_BYTES)

    def _webhook_response(self, channel_id, params):
        """Plain-text HTTP response: 413 when too large, else what the channel model decides."""
        body = self._webhook_body(params)
        if body is None:
            status, text = 413, "payload too large"
        else:
            status, text = request.env["marketplace.channel"].sudo()._handle_webhook(
                self._webhook_channel_type, channel_id, body, request.httprequest.headers)
        return request.make_response(text, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status)

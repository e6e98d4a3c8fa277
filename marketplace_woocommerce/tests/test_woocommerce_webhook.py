"""WooCommerce webhooks: signature of the raw body, ping, size limit, import of just that order."""
import json

from odoo.tests import tagged
from odoo.tests.common import HttpCase

from odoo.addons.marketplace_connector.tests.common import ensure_http_server

from marketplace_transport.woocommerce import sign_webhook

from .common import WEBHOOK_SECRET, WooSimulatorCase, WooSimulatorMixin


def headers_for(body, secret=WEBHOOK_SECRET, topic="order.updated"):
    resource, _sep, event = topic.partition(".")
    headers = {"X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
               "X-WC-Webhook-Source": "https://shop.example.com/", "X-WC-Webhook-ID": "12",
               "X-WC-Webhook-Delivery-ID": "77"}
    if secret:
        headers["X-WC-Webhook-Signature"] = sign_webhook(secret, body)
    return headers


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooWebhookDispatch(WooSimulatorCase):
    """The verification + dispatch method the controller calls, on raw bytes."""

    def receive(self, body, headers, channel_id=None):
        return self.Channel.sudo()._handle_webhook("woocommerce", channel_id or self.channel.id, body, headers)

    def test_signed_delivery_imports_just_that_order(self):
        order = self.add_order(20)
        self.add_order(21)
        body = json.dumps(order).encode()
        self.assertEqual(self.receive(body, headers_for(body)), (200, "imported"))
        self.assertEqual(len(self.channel_sales()), 1)
        self.assertTrue(self.sale_of(order))
        self.assertEqual(self.app.count_requests(rf"/orders/{order['id']}$", "GET"), 1, "the order is re-read")
        self.assertEqual(self.app.count_requests(r"/wc/v3/orders$"), 0, "no listing")
        self.assertEqual(self.receive(body, headers_for(body, topic="order.created")), (200, "skipped"))

    def test_bad_or_missing_signature_is_refused_without_side_effect(self):
        order = self.add_order(22)
        body = json.dumps(order).encode()
        self.assertEqual(self.receive(body + b" ", headers_for(body)), (401, "invalid signature"))
        self.assertEqual(self.receive(body, headers_for(body, secret=None)), (401, "invalid signature"))
        self.assertEqual(self.receive(body, headers_for(body, secret="guess")), (401, "invalid signature"))
        self.assertEqual(self.receive(body, headers_for(body), channel_id=self.channel.id + 999),
                         (401, "invalid signature"))
        self.assertFalse(self.channel_sales())
        self.assertEqual(len(self.app.requests), 0, "nothing was fetched")

    def test_ping_other_topics_oversized_and_broken_json(self):
        self.assertEqual(self.receive(b"webhook_id=12", {}), (200, "pong"))
        self.assertEqual(self.receive(b"webhook_id=12&x=1", {}), (401, "invalid signature"))
        product = json.dumps({"id": 5}).encode()
        self.assertEqual(self.receive(product, headers_for(product, topic="product.updated")), (200, "ignored"))
        big = b"[" + b" " * (2 * 1024 * 1024) + b"]"
        self.assertEqual(self.receive(big, headers_for(big)), (413, "payload too large"))
        broken = b'{"id": 8'
        self.assertEqual(self.receive(broken, headers_for(broken)), (400, "invalid body"))
        self.assertEqual(len(self.app.requests), 0)


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooWebhookHttp(WooSimulatorMixin, HttpCase):
    """The real route over HTTP: raw body posted to the Odoo server."""

    @classmethod
    def setUpClass(cls):
        ensure_http_server()
        super().setUpClass()
        cls.setup_woocommerce()

    def post(self, body, headers, content_type="application/json"):
        return self.url_open(f"/marketplace/webhook/woocommerce/{self.channel.id}", data=body,
                             headers=dict(headers, **{"Content-Type": content_type}))

    def test_route_accepts_signed_refuses_unsigned_and_answers_ping(self):
        order = self.add_order(30)
        body = json.dumps(order).encode()
        refused = self.post(body, {})
        self.assertEqual((refused.status_code, refused.text), (401, "invalid signature"))
        self.assertFalse(self.sale_of(order))
        accepted = self.post(body, headers_for(body))
        self.assertEqual((accepted.status_code, accepted.text), (200, "imported"))
        self.assertTrue(self.sale_of(order))
        ping = self.post(b"webhook_id=12", {}, content_type="application/x-www-form-urlencoded")
        self.assertEqual((ping.status_code, ping.text), (200, "pong"))

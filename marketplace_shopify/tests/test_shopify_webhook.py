"""Shopify webhooks: signature of the raw body, size limit, import of just that order."""
import json

from marketplace_simulator import shopify as sim

from odoo.tests import tagged
from odoo.tests.common import HttpCase

from odoo.addons.marketplace_connector.tests.common import ensure_http_server

from marketplace_transport.shopify import sign_webhook

from .common import WEBHOOK_SECRET, ShopifySimulatorCase, ShopifySimulatorMixin


def headers_for(body, secret=WEBHOOK_SECRET, topic="orders/updated"):
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": "sim-shop.myshopify.com",
               "X-Shopify-API-Version": sim.API_VERSION, "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37"}
    if secret:
        headers["X-Shopify-Hmac-Sha256"] = sign_webhook(secret, body)
    return headers


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyWebhookDispatch(ShopifySimulatorCase):
    """The verification + dispatch method the controller calls, on raw bytes."""

    def receive(self, body, headers, channel_id=None):
        return self.Channel.sudo()._handle_webhook("shopify", channel_id or self.channel.id, body, headers)

    def count(self):
        return self.env["sale.order"].search_count([("marketplace_channel_id", "=", self.channel.id)])

    def test_signed_delivery_imports_just_that_order(self):
        order = self.add_order(20)
        self.add_order(21)
        body = json.dumps(order).encode()
        self.assertEqual(self.receive(body, headers_for(body)), (200, "imported"))
        self.assertEqual(self.count(), 1)
        self.assertTrue(self.sale_of(order))
        self.assertEqual(self.app.count_requests(rf"/orders/{order['id']}\.json$", "GET"), 1, "the order is re-read")
        self.assertEqual(self.app.count_requests(r"/orders\.json$"), 0, "no listing")
        refund = json.dumps({"id": 1, "order_id": order["id"]}).encode()
        self.assertEqual(self.receive(refund, headers_for(refund, topic="refunds/create")), (200, "skipped"))

    def test_bad_missing_or_foreign_signature_is_refused_without_side_effect(self):
        order = self.add_order(22)
        body = json.dumps(order).encode()
        tampered = body.replace(b'"paid"', b'"refunded"')
        self.assertEqual(self.receive(tampered, headers_for(body)), (401, "invalid signature"))
        self.assertEqual(self.receive(body, headers_for(body, secret=None)), (401, "invalid signature"))
        foreign = headers_for(body, secret="another-apps-secret")
        self.assertEqual(self.receive(body, foreign), (401, "invalid signature"))
        self.assertEqual(self.receive(body, headers_for(body), channel_id=self.channel.id + 999),
                         (401, "invalid signature"), "an unknown channel looks like a bad signature")
        self.channel.active = False
        self.assertEqual(self.receive(body, headers_for(body)), (401, "invalid signature"))
        self.assertEqual(self.count(), 0)
        self.assertEqual(len(self.app.requests), 0, "nothing was fetched")

    def test_oversized_other_topics_and_broken_json(self):
        big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
        self.assertEqual(self.receive(big, headers_for(big)), (413, "payload too large"))
        product = json.dumps({"id": 5}).encode()
        self.assertEqual(self.receive(product, headers_for(product, topic="products/update")), (200, "ignored"))
        broken = b'{"id": '
        self.assertEqual(self.receive(broken, headers_for(broken)), (400, "invalid body"))
        self.assertEqual(len(self.app.requests), 0)

    def test_unreachable_shop_asks_for_a_new_delivery(self):
        order = self.add_order(23)
        body = json.dumps(order).encode()
        self.app.add_fault(r"GET .*/orders/\d+\.json", status=503, count=-1)
        self.assertEqual(self.receive(body, headers_for(body)), (503, "retry later"))
        self.assertEqual(self.count(), 0)


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyWebhookHttp(ShopifySimulatorMixin, HttpCase):
    """The real route over HTTP: raw body posted to the Odoo server."""

    @classmethod
    def setUpClass(cls):
        ensure_http_server()
        super().setUpClass()
        cls.setup_shopify()

    def post(self, body, headers, channel_id=None):
        url = f"/marketplace/webhook/shopify/{channel_id or self.channel.id}"
        return self.url_open(url, data=body, headers=dict(headers, **{"Content-Type": "application/json"}))

    def test_route_accepts_signed_and_refuses_unsigned(self):
        order = self.add_order(30)
        body = json.dumps(order).encode()
        refused = self.post(body, headers_for(body, secret="wrong"))
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused.text, "invalid signature")
        self.assertFalse(self.sale_of(order))
        accepted = self.post(body, headers_for(body))
        self.assertEqual(accepted.status_code, 200, accepted.text)
        self.assertEqual(accepted.text, "imported")
        self.assertTrue(self.sale_of(order))
        too_big = self.post(b"x" * (2 * 1024 * 1024 + 1), {})
        self.assertEqual(too_big.status_code, 413)

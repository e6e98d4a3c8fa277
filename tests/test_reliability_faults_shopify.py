"""The fault suite against Shopify's legacy mode: simulator over real HTTP -> REST Admin API client with a
static Admin API token -> channel import (GraphQL + client credentials: test_reliability_faults_shopify_graphql.py).

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults_shopify.py
"""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import shopify as sim
from marketplace_simulator.shopify.generator import _fmt, _parse
from reliability_common import SLEEPS
from reliability_connector_case import ConnectorFaultCase
from reliability_connector_faults import FaultScenarios
from reliability_connector_worker import KilledWorkerScenario

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

TOKEN = "shpat_faults_token_0123456789"


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestShopifyFaults(FaultScenarios, KilledWorkerScenario, ConnectorFaultCase):
    connector = "Shopify REST"
    list_pattern = r"GET /admin/api/[^/]+/orders\.json$"
    items_key = "orders"
    throttle = {"status": 429, "headers": {"Retry-After": "2.0"}, "body": {"errors": sim.THROTTLED}}
    not_applicable = {}  # token expiry and GraphQL THROTTLED: test_reliability_faults_shopify_graphql.py

    @classmethod
    def start_connector(cls):
        cls.app, _registered, cls.server = serve_simulator(cls.addClassCleanup, sim, token=TOKEN, leak_rate=1000.0)

    @classmethod
    def channel_vals(cls):
        return {"name": "Shopify (faults)", "channel_type": "shopify", "base_url": cls.server.url, "api_secret": TOKEN,
                "shopify_api": "rest", "shopify_auth_mode": "static"}

    @classmethod
    def product_vals(cls):
        return [{"name": title, "default_code": sku, "list_price": price, "type": "consu"}
                for sku, title, price, _requires_shipping in sim.CATALOG]

    def reset_simulator(self):
        sim.reset(self.app)

    def add_orders(self, count):
        start = datetime.now(UTC) - timedelta(minutes=10 * (count + 1))
        for n in range(count):
            sim.add_order(self.app, sim.make_order(
                450789000 + n, 1000 + n, created_at=start + timedelta(minutes=10 * n), lines=[(0, 2), (1, 1)]))

    def listed_orders(self):
        return {str(order["id"]): _parse(order["updated_at"]) for order in self.app.state[sim.NAME]["orders"].values()}

    def change_order(self, index):
        orders = sorted(self.app.state[sim.NAME]["orders"].values(), key=lambda o: _parse(o["updated_at"]))
        order = sim.update_order(self.app, orders[index]["id"], cancelled_at=_fmt(datetime.now(UTC)),
                                 cancel_reason="customer")
        return str(order["id"]), "cancelled"

    def restore_credentials(self):
        self.channel.api_secret = TOKEN

    def test_throttled_answer_is_shopify_s(self):
        """The retried 429 is Shopify's: ``Retry-After`` honoured, its text in the sync log."""
        self.add_orders(4)
        self.fault_on_page(1, count=1, **self.throttle)
        self.run_import()
        self.assertIn(2.0, SLEEPS, "Retry-After honoured")
        self.assertIn("Exceeded 2 calls per second", " ".join(self.errors_logged().mapped("error")))
        self.assert_exactly_once("throttled (Shopify 429 + Retry-After 2.0)")

"""The fault suite against WooCommerce: simulator over real HTTP -> REST API v3 client -> channel import.

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults_woocommerce.py
"""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import woocommerce as sim
from marketplace_simulator.woocommerce.generator import _parse_naive
from reliability_connector_case import ConnectorFaultCase
from reliability_connector_faults import TOKEN_EXPIRED, FaultScenarios
from reliability_connector_worker import KilledWorkerScenario

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

KEY, SECRET = "ck_faults_0123456789abcdef", "cs_faults_fedcba9876543210"


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestWooCommerceFaults(FaultScenarios, KilledWorkerScenario, ConnectorFaultCase):
    connector = "WooCommerce"
    list_pattern = r"GET /wp-json/wc/v3/orders$"
    # WordPress itself does not throttle the REST API: hosts, firewalls and rate-limit plugins answer
    # 429, with a WordPress error body when it is a plugin (inferred: no WooCommerce document for v3)
    throttle = {"status": 429, "headers": {"Retry-After": "3"},
                "body": {"code": "rest_too_many_requests", "message": "Too many requests.", "data": {"status": 429}}}
    keeps_first_page = False  # a window is read whole (ordered by id), then yielded page by page
    not_applicable = {
        TOKEN_EXPIRED: "consumer key and secret (HTTP Basic) on every call: no token to expire",
    }

    @classmethod
    def start_connector(cls):
        cls.app, _registered, cls.server = serve_simulator(
            cls.addClassCleanup, sim, consumer_key=KEY, consumer_secret=SECRET)

    @classmethod
    def channel_vals(cls):
        return {"name": "WooCommerce (faults)", "channel_type": "woocommerce", "base_url": cls.server.url,
                "api_login": KEY, "api_secret": SECRET}

    @classmethod
    def product_vals(cls):
        return [{"name": name, "default_code": sku, "list_price": price, "type": "consu"}
                for sku, name, price in sim.CATALOG]

    def reset_simulator(self):
        sim.reset(self.app)

    def add_orders(self, count):
        start = datetime.now(UTC) - timedelta(minutes=10 * (count + 1))
        orders = self.app.state[sim.NAME]["orders"]
        for n in range(count):
            order = sim.make_order(800 + n, created_at=start + timedelta(minutes=10 * n), lines=[(0, 2), (1, 1)])
            orders[order["id"]] = order

    def listed_orders(self):
        return {str(order["id"]): _parse_naive(order["date_modified_gmt"], UTC)
                for order in self.app.state[sim.NAME]["orders"].values()}

    def change_order(self, index):
        ref = sorted(self.listed_orders().items(), key=lambda item: item[1])[index][0]
        sim.update_order(self.app, int(ref), status="completed")
        return ref, "completed"

    def error_body(self, status):
        return {"code": "internal_server_error", "message": f"simulated HTTP {status}", "data": {"status": status}}

    def restore_credentials(self):
        self.channel.api_secret = SECRET

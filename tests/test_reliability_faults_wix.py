"""The fault suite against Wix: simulator over real HTTP -> eCommerce API client -> channel import.

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults_wix.py
"""
from datetime import datetime

from marketplace_simulator import wix as sim
from reliability_connector_case import ConnectorFaultCase, SimulatorStateFaults
from reliability_connector_faults import TOKEN_EXPIRED, FaultScenarios
from reliability_connector_worker import KilledWorkerScenario

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator


def parse(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestWixFaults(SimulatorStateFaults, FaultScenarios, KilledWorkerScenario, ConnectorFaultCase):
    sim = sim
    state_attr = "site"
    order_seed = 7
    connector = "Wix"
    list_pattern = r"POST /ecom/v1/orders/search$"
    items_key = "orders"
    # Wix's rate limit answer (no documented Retry-After: the client backs off)
    throttle = {"status": 429, "body": sim.wix_error(
        429, "Too Many Requests: rate limit exceeded for this app instance", "RATE_LIMIT_EXCEEDED").body}
    not_applicable = {
        TOKEN_EXPIRED: "API key in the Authorization header of every call: no token to expire "
                       "(OAuth app tokens are not supported on main)",
    }

    @classmethod
    def start_connector(cls):
        cls.app, cls.site, cls.server = serve_simulator(cls.addClassCleanup, sim)

    @classmethod
    def channel_vals(cls):
        return {"name": "Wix (faults)", "channel_type": "wix", "base_url": cls.server.url,
                "api_secret": sim.DEFAULT_API_KEY, "api_account": sim.DEFAULT_SITE_ID}

    def listed_orders(self):
        return {ref: parse(order["updatedDate"]) for ref, order in self.site["orders"].items()
                if order["status"] != "INITIALIZED"}

    def change_order(self, index):
        ref = sorted(self.listed_orders().items(), key=lambda item: item[1])[index][0]
        order = self.site["orders"][ref]
        order["status"] = "CANCELED"
        sim.touch(order)
        return ref, self.wix_status(order)

    @staticmethod
    def wix_status(order):
        return "/".join(str(order.get(k) or "-") for k in ("status", "paymentStatus", "fulfillmentStatus"))

    def error_body(self, status):
        return sim.wix_error(status, f"simulated HTTP {status}", "INTERNAL").body

    def restore_credentials(self):
        self.channel.api_secret = sim.DEFAULT_API_KEY

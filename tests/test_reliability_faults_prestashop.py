"""The fault suite against PrestaShop: simulator over real HTTP -> webservice client -> channel import.

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults_prestashop.py
"""
from datetime import datetime

from marketplace_simulator import prestashop as sim
from reliability_connector_case import ConnectorFaultCase, SimulatorStateFaults
from reliability_connector_faults import THROTTLED, TOKEN_EXPIRED, FaultScenarios
from reliability_connector_worker import KilledWorkerScenario

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestPrestashopFaults(SimulatorStateFaults, FaultScenarios, KilledWorkerScenario, ConnectorFaultCase):
    sim = sim
    state_attr = "shop"
    order_seed = 5
    connector = "PrestaShop"
    list_pattern = r"GET /api/orders$"
    items_key = "orders"
    malformed_fault = "malformed JSON (truncated body; the client asks output_format=JSON)"
    not_applicable = {
        THROTTLED: "the PrestaShop webservice has no rate limit (a 429 from a host firewall goes through "
                   "the same HTTP client as WooCommerce's)",
        TOKEN_EXPIRED: "webservice key (HTTP Basic) on every call: no token to expire",
    }

    @classmethod
    def start_connector(cls):
        cls.app, cls.shop, cls.server = serve_simulator(cls.addClassCleanup, sim)

    @classmethod
    def channel_vals(cls):
        return {"name": "PrestaShop (faults)", "channel_type": "prestashop", "base_url": cls.server.url,
                "api_secret": sim.DEFAULT_KEY}

    def listed_orders(self):
        return {ref: datetime.strptime(order["date_upd"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=sim.SHOP_TZ)
                for ref, order in self.shop["orders"].items()}

    def change_order(self, index):
        ref = sorted(self.listed_orders().items(), key=lambda item: item[1])[index][0]
        sim.set_order_state(self.shop, ref, "4")
        return ref, "4 Shipped"

    def restore_credentials(self):
        self.channel.api_secret = sim.DEFAULT_KEY

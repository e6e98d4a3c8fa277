"""The fault suite against Shopify in the mode of a shop created today: a Dev Dashboard app (client-credentials
tokens, renewed by the transport) on the GraphQL Admin API (cursor paging, cost-based throttling).
Simulator over real HTTP -> transport -> channel import; the REST + static token mode is
test_reliability_faults_shopify.py.

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults_shopify_graphql.py
"""
import json
from pathlib import Path

import test_reliability_faults_shopify as rest_case
from marketplace_simulator import shopify as sim
from marketplace_simulator.shopify.cost import CostBucket
from reliability_common import SLEEPS
from reliability_connector_case import ORDERS, ConnectorFaultCase
from reliability_connector_faults import TOKEN_EXPIRED, FaultScenarios
from reliability_connector_worker import KilledWorkerScenario

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

#: Shopify's throttled GraphQL answer (HTTP 200), tests/fixtures/shopify/SOURCE.md
THROTTLED_ANSWER = json.loads((Path(__file__).parent / "fixtures" / "shopify" / "graphql_throttled.json").read_text())
GQL_THROTTLED = "GraphQL THROTTLED (HTTP 200, cost bucket), retried"
GQL_THROTTLED_PERSISTENT = "GraphQL THROTTLED persistently (channel paused, retried next run)"
TOKEN_REFUSED_TWICE = "token refused after its renewal (401 twice)"


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestShopifyGraphqlFaults(FaultScenarios, KilledWorkerScenario, ConnectorFaultCase):
    connector = "Shopify GraphQL"
    list_pattern = r"POST /admin/api/[^/]+/graphql\.json$"  # import runs send only the orders query
    throttle = {"status": 429, "headers": {"Retry-After": "2.0"}, "body": {"errors": sim.THROTTLED}}
    not_applicable = {}
    credentials_fault = "client secret refused (token request 400 invalid_client)"
    credentials_error = "refused the client credentials"

    @classmethod
    def start_connector(cls):
        cls.app, _registered, cls.server = serve_simulator(cls.addClassCleanup, sim, token="shpat_unused",
                                                           leak_rate=1000.0)

    @classmethod
    def channel_vals(cls):
        return {"name": "Shopify GraphQL (faults)", "channel_type": "shopify", "base_url": cls.server.url,
                "shopify_api": "graphql", "shopify_auth_mode": "client_credentials",
                "api_login": sim.CLIENT_ID, "api_secret": sim.CLIENT_SECRET}

    # the REST case's order helpers: same simulator, same orders
    product_vals = rest_case.TestShopifyFaults.product_vals
    add_orders = rest_case.TestShopifyFaults.add_orders
    listed_orders = rest_case.TestShopifyFaults.listed_orders
    change_order = rest_case.TestShopifyFaults.change_order

    def reset_simulator(self):
        sim.reset(self.app)
        # a Shopify Plus-sized bucket: here throttling comes from the faults, not from the runs' own cost
        self.app.state[sim.NAME]["cost_bucket"] = CostBucket(maximum=20000.0, restore_rate=1000.0)

    def restore_credentials(self):
        self.channel.api_secret = sim.CLIENT_SECRET

    def listing_items(self, body):
        return ((body.get("data") or {}).get("orders") or {}).get("nodes") or []

    def token_requests(self):
        return self.app.count_requests(r"/admin/oauth/access_token$", "POST")

    def listing_calls(self):
        return self.app.count_requests(r"/graphql\.json$", "POST")

    # -- cost-based throttling ----------------------------------------------------------
    def test_graphql_throttled_then_retried(self):
        """Shopify's THROTTLED answer: the transport waits for the points the query costs, then asks again."""
        self.add_orders(ORDERS)
        self.fault_on_page(2, status=200, count=1, body=THROTTLED_ANSWER)
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()), "the throttled page is read again")
        self.assertIn((70 - 66) / 50, SLEEPS, "waited for the 4 missing points at 50 points/s")
        self.assertIn("Throttled", " ".join(self.errors_logged().mapped("error")), "the sync log shows it")
        self.faulty_then_clean(GQL_THROTTLED)

    def test_graphql_throttled_persistently_pauses_then_next_run_resumes(self):
        self.add_orders(ORDERS)
        self.fault_on_page(2, status=200, count=-1, body=THROTTLED_ANSWER)
        stats = self.run_import()
        self.assertTrue(0 < stats["imported"] < ORDERS, "page 1 is kept")
        self.assertIn("rate limited", self.channel.last_error)
        self.assertTrue(self.channel.paused_until, "the channel waits for the bucket to refill")
        self.assertFalse(self.channel.activity_ids, "throttling is not an authentication failure")
        calls = self.listing_calls()
        self.env["marketplace.channel"]._cron_import_orders()
        self.assertEqual(self.listing_calls(), calls, "no call while the channel is paused")
        self.faulty_then_clean(GQL_THROTTLED_PERSISTENT, expect_error="rate limited")

    # -- client-credentials tokens ------------------------------------------------------
    def test_token_expires_mid_run_is_renewed_once(self):
        self.add_orders(ORDERS)
        self.app.before_request(self.list_pattern, 2, lambda: sim.expire_tokens(self.app))
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()), "the page is asked again with a new token")
        self.assertEqual(self.token_requests(), 2, "the run's token, then one renewal")
        self.assertEqual(self.errors_logged().mapped("status_code"), [401], "the expired token's 401 is logged")
        self.assertFalse(self.channel.last_error)
        self.assertEqual(self.channel.sudo().access_token, "shpat_cc_000002", "the renewed token is kept")
        self.faulty_then_clean(TOKEN_EXPIRED)

    def test_token_refused_after_its_renewal(self):
        """A token refused again after the renewal (app uninstalled, scope removed): error and activity."""
        self.add_orders(ORDERS)
        self.fault_on_page(2, status=401, count=-1, body={"errors": "[API] Invalid API key or access token "
                                                          "(unrecognized login or wrong password)"})
        stats = self.run_import()
        self.assertTrue(0 < stats["imported"] < ORDERS, "page 1 is kept")
        self.assertEqual(self.token_requests(), 2, "renewed once per run, not in a loop")
        self.faulty_then_clean(TOKEN_REFUSED_TWICE, expect_error="401", activity=True)

    def test_wrong_secret_never_shown(self):
        self.add_orders(2)
        self.channel.api_secret = "wrong-secret-0000"
        self.run_import()
        self.assertIn(self.credentials_error, self.channel.last_error)
        logged = " ".join(self.errors_logged().mapped(lambda log: f"{log.url} {log.error}"))
        self.assertNotIn("wrong-secret-0000", logged + self.channel.last_error)
        self.assertEqual(self.errors_logged().mapped("status_code"), [400], "one token request, no retry loop")

"""The fault suite against the legacy Cdiscount SOAP API: simulator on the real WSDL over real HTTP ->
zeep client -> channel import. A "page" is one GetOrderList call (one modification-date window).

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults_cdiscount_soap.py
"""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import cdiscount_soap as sim
from marketplace_simulator.cdiscount_soap_ops import TIMEOUT_FAULT
from reliability_connector_case import ConnectorFaultCase
from reliability_connector_faults import SAME_ORDER, THROTTLED, TOKEN_EXPIRED, FaultScenarios
from reliability_connector_worker import KilledWorkerScenario

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

LOGIN, PASSWORD = "seller-api", "faults-Pa55word"
STS = r"GET /users/httpIssue\.svc/?$"
#: what HTTP.sys (IIS) answers when the application pool is down
IIS_503 = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
           '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV="Content-Type" '
           'Content="text/html; charset=us-ascii"></HEAD>\r\n<BODY><h2>Service Unavailable</h2>\r\n<hr><p>'
           'HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n')


def soap_fault(message, code):
    response = sim.fault_response(sim.SoapFault(message, code))
    return {"status": response.status, "body": response.body, "headers": {"Content-Type": response.content_type}}


@tagged("post_install", "-at_install", "marketplace", "reliability", "cdiscount_soap")
class TestCdiscountSoapFaults(FaultScenarios, KilledWorkerScenario, ConnectorFaultCase):
    connector = "Cdiscount SOAP"
    list_pattern = r"POST /MarketplaceAPIService\.svc$"
    malformed_fault = "malformed XML (truncated SOAP envelope)"
    credentials_fault = "token service refuses the credentials (STS 401)"
    not_applicable = {
        THROTTLED: "the legacy API documents no throttling answer; its overload is the s:Server timeout "
                   "fault (see 'SOAP fault s:Server')",
        SAME_ORDER: "no pages: one GetOrderList answer per modification window, and the client drops an "
                    "order already read in an earlier window of the run",
    }

    @classmethod
    def start_connector(cls):
        cls.app, cls.soap, cls.server = serve_simulator(cls.addClassCleanup, sim)
        cls.soap.credentials = {LOGIN: PASSWORD}

    @classmethod
    def channel_vals(cls):
        return {"name": "Cdiscount legacy (faults)", "channel_type": "cdiscount_soap", "base_url": cls.server.url,
                "api_login": LOGIN, "api_secret": PASSWORD, "legacy_window_hours": 1}

    @classmethod
    def product_vals(cls):
        return [{"name": name, "default_code": sku, "barcode": ean, "list_price": float(price), "type": "consu"}
                for sku, ean, name, price in sim.PRODUCTS]

    def reset_simulator(self):
        self.soap.reset()
        self.app.requests.clear()

    def add_orders(self, count):
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20 * (count + 1))
        self.soap.add_orders(sim.generate_orders(count, seed=17, start=start, step=timedelta(minutes=20)))
        self.channel.import_cursor = (start - timedelta(minutes=15)).replace(tzinfo=None)  # 4 windows of 1 h

    def listed_orders(self):
        return {number: order["LastUpdatedDate"] for number, order in self.soap.orders.items()}

    def change_order(self, index):
        number = sorted(self.listed_orders().items(), key=lambda item: item[1])[index][0]
        self.soap.set_state(number, "Shipped", "ShippedBySeller")
        return number, "Shipped"

    def error_body(self, status):
        return IIS_503

    def restore_credentials(self):
        self.channel.api_secret = PASSWORD

    # -- SOAP only -------------------------------------------------------------------------
    def test_token_expires_mid_run(self):
        self.add_orders(8)
        self.app.before_request(self.list_pattern, 2, self.soap.expire_tokens)
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()))
        self.assertEqual(self.app.count_requests(r"^/users/httpIssue\.svc/?$"), 2, "one renewal")
        self.assertIn("token does not exist", " ".join(self.errors_logged().mapped("error")))
        self.faulty_then_clean(TOKEN_EXPIRED)

    def test_soap_server_fault_is_retried(self):
        self.add_orders(8)
        self.app.fault_from(self.list_pattern, 2, count=1, **soap_fault(TIMEOUT_FAULT, "s:Server"))
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()))
        self.assertIn("timed out", " ".join(self.errors_logged().mapped("error")))
        self.faulty_then_clean("SOAP fault s:Server (timeout), retried")

    def test_soap_server_fault_persistent(self):
        self.add_orders(8)
        self.app.fault_from(self.list_pattern, 2, count=-1, **soap_fault(TIMEOUT_FAULT, "s:Server"))
        self.run_import()
        self.assertFalse(self.channel.activity_ids, "a server fault is temporary: nobody is asked")
        self.faulty_then_clean("SOAP fault s:Server persistent", expect_error="Cdiscount failure")

"""The fault kinds of docs/reliability.md, written once and run against every connector.

Mixed into each ``tests/test_reliability_faults_<connector>.py`` case with a
:class:`~reliability_connector_case.ConnectorFaultCase`. A kind that does not exist on a platform is
listed in the case's ``not_applicable`` with the reason; it still gets its row in the figures table
(see :meth:`FaultScenarios.test_not_applicable_kinds_are_reported`).
"""
import requests
from reliability_common import SLEEPS, closed_port, local_only_send, record_figures
from reliability_connector_case import ORDERS

THROTTLED = "throttled (platform's 429), retried"
TOKEN_EXPIRED = "token expires mid-run (renewed once)"
SAME_ORDER = "same order on two pages"


class FaultScenarios:
    """Tests of every connector; the case says how its platform throttles (``throttle``) and what does not apply."""

    throttle = None  # add_fault kwargs of the platform's real throttling answer
    not_applicable = {}  # fault -> why the kind does not apply to this platform

    def fault_on_page(self, page, **fault):
        """Fault on the listing requests from the ``page``-th one on."""
        return self.app.fault_from(self.list_pattern, page, **fault)

    def test_not_applicable_kinds_are_reported(self):
        for fault, reason in self.not_applicable.items():
            record_figures(fault, connector=self.connector, orders=0, imported=0, duplicates=0, missing=0,
                           runs=0, note=f"n/a: {reason}")
        self.assertTrue(all(self.not_applicable.values()), "each kind left out says why")

    # -- HTTP errors -------------------------------------------------------------------
    def test_throttled_then_retried(self):
        if self.throttle is None:
            self.assertIn(THROTTLED, self.not_applicable)
            return
        self.add_orders(ORDERS)
        self.fault_on_page(2, count=1, **self.throttle)
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()), "the throttled page is read again")
        self.assertTrue(SLEEPS, "the client waited before retrying")
        self.assertTrue(self.errors_logged().filtered(lambda log: log.status_code == self.throttle["status"]))
        self.faulty_then_clean(THROTTLED)

    def test_throttled_persistently_pauses_the_channel(self):
        if self.throttle is None:
            self.assertIn(THROTTLED, self.not_applicable)
            return
        self.add_orders(ORDERS)
        self.fault_on_page(2, count=-1, **self.throttle)
        self.run_import()
        self.assertIn("rate limited", self.channel.last_error)
        self.assertTrue(self.channel.paused_until, "the channel waits before the next run")
        self.assertFalse(self.channel.activity_ids, "throttling is not an authentication failure")
        self.faulty_then_clean("throttled persistently (channel paused)", expect_error="rate limited")

    def test_5xx_transient_is_retried(self):
        self.add_orders(ORDERS)
        self.fault_on_page(2, status=503, count=1, body=self.error_body(503))
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()))
        self.assertEqual(self.errors_logged().mapped("status_code"), [503])
        self.faulty_then_clean("HTTP 503 transient (retried)")

    def test_5xx_persistent_fails_the_run_then_resumes(self):
        self.add_orders(ORDERS)
        self.fault_on_page(2, status=502, count=-1, body=self.error_body(502))
        stats = self.run_import()
        if self.keeps_first_page:
            self.assertTrue(0 < stats["imported"] < len(self.listed_orders()), "page 1 is kept")
        self.faulty_then_clean("HTTP 502 persistent", expect_error="502")

    keeps_first_page = True  # the pages before a failing one are imported in the same run

    def error_body(self, status):
        return {"errors": f"simulated HTTP {status}"}

    # -- network -----------------------------------------------------------------------
    def test_read_timeout_retried(self):
        self.add_orders(ORDERS)
        self.channel.timeout = 1
        self.patch(requests.Session, "send", local_only_send())
        self.fault_on_page(2, kind="timeout", delay=1.3, count=1)
        stats = self.run_import()
        self.assertEqual(stats["imported"], len(self.listed_orders()), "the timed-out page is read again")
        self.assertIn("timeout", " ".join(self.errors_logged().mapped("error")))
        self.faulty_then_clean("read timeout (retried)")

    def test_read_timeout_persistent(self):
        self.add_orders(ORDERS)
        self.channel.timeout = 1
        self.patch(requests.Session, "send", local_only_send())
        self.fault_on_page(2, kind="timeout", delay=1.2, count=-1)
        self.run_import()
        self.faulty_then_clean("read timeout (persistent)", expect_error="timeout")

    def test_connection_reset(self):
        self.add_orders(ORDERS)
        self.fault_on_page(2, kind="reset", count=-1)
        self.run_import()
        self.faulty_then_clean("connection reset", expect_error="connection error")

    def test_connection_refused(self):
        self.add_orders(ORDERS)
        cursor = self.channel.import_cursor
        self.channel.base_url = self.good_url.replace(f":{self.server.httpd.server_address[1]}", f":{closed_port()}")
        self.run_import()
        self.assertEqual(self.channel.import_cursor, cursor, "nothing read, the cursor does not move")
        self.faulty_then_clean("connection refused (closed port)", expect_error="connection error")

    # -- bodies and paging ---------------------------------------------------------------
    def test_malformed_body(self):
        self.add_orders(ORDERS)
        self.fault_on_page(2, kind="malformed", count=-1)
        self.run_import()
        self.faulty_then_clean(self.malformed_fault, expect_error="malformed", logged=self.malformed_logged)

    malformed_fault = "malformed JSON (truncated body)"
    malformed_logged = False  # HTTP 200: the exchange itself succeeded, the run's error says why

    def test_order_changes_between_two_pages(self):
        """An order of page 1 changes while page 2 is asked for: it moves to the end of the listing."""
        self.add_orders(ORDERS)
        changed = []
        self.app.before_request(self.list_pattern, 2, lambda: changed.append(self.change_order(1)))
        self.run_import()
        self.assertTrue(changed)
        self.faulty_then_clean("order changes between two pages")
        ref, status = changed[0]
        sale = self.sales().filtered(lambda s: s.marketplace_order_ref == ref)
        self.assertEqual(sale.marketplace_status, status, "the sale order has the order's new status")

    def test_same_order_on_two_pages(self):
        if SAME_ORDER in self.not_applicable:
            return
        self.add_orders(ORDERS)
        repeated = self.repeat_last_item()
        stats = self.run_import()
        self.assertTrue(repeated, "an order was listed twice")
        self.assertEqual(stats["imported"], len(self.listed_orders()), "the repeat is dropped or skipped as unchanged")
        self.faulty_then_clean(SAME_ORDER)

    # -- credentials -----------------------------------------------------------------------
    def test_credentials_refused(self):
        self.add_orders(ORDERS)
        self.break_credentials()
        self.run_import()
        self.assertFalse(self.sales(), "nothing imported with refused credentials")
        self.faulty_then_clean(self.credentials_fault, expect_error=self.credentials_error, activity=True)

    credentials_fault = "credentials refused (auth failure)"
    credentials_error = "401"

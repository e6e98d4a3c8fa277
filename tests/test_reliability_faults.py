"""Fault injection, end to end: Octopia simulator over real HTTP -> channel import -> sale orders.

For each fault: the faulty run(s), then a clean run; afterwards every simulator order exists
exactly once as a sale order (latest status, none missing), the channel shows the error
(``last_error`` / sync logs) and the cursor never skipped an order. Lookback is disabled on the
channel so that a skipped order would stay missing. Figures go to docs/reliability-figures.json.

    TEST_DB=mkt_test_reliab scripts/test.sh tests/test_reliability_faults.py
"""
from datetime import UTC, datetime, timedelta, timezone

import requests
from marketplace_simulator import octopia as sim
from reliability_common import SLEEPS, OctopiaSimulatorCase, closed_port, local_only_send

from odoo import fields
from odoo.tests import tagged

ORDERS_PAGE = r"GET /seller/v2/orders$"


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestImportFaults(OctopiaSimulatorCase):
    def page_fault(self, page, **fault):
        """Fault on the requests of GET /orders from pageIndex=``page`` on (the pages before pass).

        Faults match paths, not query strings: the fault is armed while the page before is served.
        """
        if page == 1:
            return self.app.add_fault(ORDERS_PAGE, **fault)

        def hook(page_index):
            if page_index == page - 1 and not hook.armed:
                hook.armed = True
                self.app.add_fault(ORDERS_PAGE, **fault)

        hook.armed = False
        self.state.before_list_hooks.append(hook)
        return hook

    def errors_logged(self):
        return self.env["marketplace.sync.log"].search(
            [("channel_id", "=", self.channel.id), ("state", "=", "error")])

    def faulty_then_clean(self, fault, n=12, expect_error=None, runs=1):
        """Run ``runs`` faulty imports, check the error and the cursor, clear faults, run clean."""
        for _run in range(runs):
            self.run_import()
            self.assert_cursor_safe()
        self.assert_cursor_safe()
        if expect_error:
            self.assertIn(expect_error, self.channel.last_error or "", f"{fault}: error shown on the channel")
            self.assertTrue(self.errors_logged(), f"{fault}: failed exchanges in the sync log")
        self.app.clear_faults()
        self.state.before_list_hooks.clear()
        self.state.list_view_hooks.clear()
        self.state.quota = None
        self.channel.paused_until = False
        self.run_import(via_cron=True)  # the clean run is the cron's
        self.assertFalse(self.channel.last_error, f"{fault}: a clean run clears the error")
        self.assert_exactly_once(fault)

    # -- HTTP errors -------------------------------------------------------------------
    def test_http_429_retry_after_honoured_within_the_run(self):
        self.add_orders(12)
        self.page_fault(2, kind="status", status=429, headers={"Retry-After": "7"},
                        body={"title": "Too Many Requests", "status": 429, "detail": "slow down"}, count=1)
        stats = self.run_import()
        self.assertIn(7.0, SLEEPS, "the client waited the Retry-After delay")
        self.assertEqual(stats["imported"], 12)
        self.assertTrue(self.errors_logged().filtered(lambda log: log.status_code == 429))
        self.assert_exactly_once("HTTP 429 Retry-After 7 s (retried)")

    def test_http_429_long_retry_after_pauses_the_channel(self):
        self.add_orders(12)
        self.page_fault(2, kind="status", status=429, headers={"Retry-After": "3600"}, count=-1)
        self.run_import()
        self.assertIn("rate limited", self.channel.last_error)
        self.assertGreater(self.channel.paused_until, fields.Datetime.now() + timedelta(minutes=55))
        calls = len(self.app.requests)
        self.run_import(via_cron=True)
        self.assertEqual(len(self.app.requests), calls, "the cron leaves a paused channel alone")
        self.assert_cursor_safe()
        self.faulty_then_clean("HTTP 429 Retry-After 1 h (channel paused)", runs=0)

    def test_octopia_quota_403_pauses_without_auth_failure(self):
        self.add_orders(12)
        self.state.quota = 2  # list page 1 and 2 pass, page 3 gets the quota 403
        self.run_import()
        self.assertIn("quota", self.channel.last_error)
        self.assertGreater(self.channel.paused_until, fields.Datetime.now() + timedelta(minutes=10),
                           "paused for the delay Octopia states (00:11:35)")
        self.assertFalse(self.channel.activity_ids, "a quota is not an authentication failure")
        self.faulty_then_clean("Octopia quota 403", runs=0)

    def test_http_5xx_transient_are_retried(self):
        self.add_orders(12)
        for page, status in ((1, 500), (2, 502), (3, 503)):
            self.page_fault(page, kind="status", status=status, count=1,
                            body={"title": "Server Error", "status": status, "detail": f"sim {status}"})
        stats = self.run_import()
        self.assertEqual(stats["imported"], 12)
        self.assertEqual(sorted(self.errors_logged().mapped("status_code")), [500, 502, 503])
        self.assert_exactly_once("HTTP 500/502/503 transient (retried)")

    def test_http_502_persistent_fails_the_run_then_resumes(self):
        self.add_orders(12)
        self.page_fault(2, kind="status", status=502, count=-1,
                        body={"title": "Bad Gateway", "status": 502, "detail": "upstream down"})
        stats = self.run_import()
        self.assertEqual(stats["imported"], 5, "page 1 is kept")
        self.faulty_then_clean("HTTP 502 persistent", runs=0, expect_error="502")

    def test_http_500_then_503_on_two_runs(self):
        self.add_orders(14)
        self.page_fault(2, kind="status", status=500, count=-1)
        self.run_import()
        self.assertIn("500", self.channel.last_error)
        self.app.clear_faults()
        self.state.before_list_hooks.clear()
        self.page_fault(3, kind="status", status=503, count=-1)
        self.faulty_then_clean("HTTP 500 then 503 on two runs", runs=1, expect_error="503")

    # -- network -----------------------------------------------------------------------
    def test_connection_refused(self):
        self.add_orders(8)
        good_url = self.channel.base_url
        self.channel.base_url = f"http://127.0.0.1:{closed_port()}{sim.API_PREFIX}"
        self.run_import()
        self.assertIn("connection error", self.channel.last_error)
        self.assertFalse(self.channel.import_cursor, "nothing read, the cursor does not move")
        self.assertTrue(self.errors_logged())
        self.channel.base_url = good_url
        self.faulty_then_clean("connection refused (closed port)", runs=0)

    def test_read_timeout_then_retry(self):
        self.add_orders(12)
        self.channel.timeout = 1
        self.patch(requests.Session, "send", local_only_send())
        self.page_fault(2, kind="timeout", delay=1.3, count=1)
        stats = self.run_import()
        self.assertEqual(stats["imported"], 12, "the timed-out page is read again")
        self.assertIn("timeout", " ".join(self.errors_logged().mapped("error")))
        self.assert_exactly_once("read timeout (retried)")

    def test_read_timeout_persistent(self):
        self.add_orders(8)
        self.channel.timeout = 1
        self.patch(requests.Session, "send", local_only_send())
        self.page_fault(2, kind="timeout", delay=1.2, count=4)
        self.run_import()
        self.assertIn("timeout", self.channel.last_error)
        self.faulty_then_clean("read timeout (persistent, 4 attempts)", runs=0)

    def test_connection_reset(self):
        self.add_orders(12)
        self.page_fault(2, kind="reset", count=1)
        self.page_fault(3, kind="reset", count=-1)
        stats = self.run_import()
        self.assertEqual(stats["imported"], 10, "page 2 retried after one reset, page 3 keeps failing")
        self.faulty_then_clean("connection reset", runs=0, expect_error="connection error")

    # -- bodies and paging ---------------------------------------------------------------
    def test_malformed_json(self):
        self.add_orders(12)
        self.page_fault(2, kind="malformed", count=1)
        self.run_import()
        self.assertIn("malformed JSON", self.channel.last_error)
        self.faulty_then_clean("malformed JSON (truncated body)", runs=0)

    def test_truncated_page_stops_the_run_early(self):
        ids = self.add_orders(13)

        def truncate(page_index, page_size, orders):
            return orders[:page_size + 2] if page_index == 2 else orders  # page 2 has 2 items of 5

        self.state.list_view_hooks.append(truncate)
        stats = self.run_import()
        self.assertEqual(stats["imported"], 7)
        self.assertEqual(len(self.figures()[2]), len(ids) - 7)
        self.assert_cursor_safe()
        self.faulty_then_clean("truncated page (short page)", runs=0)

    def test_pages_out_of_order_then_failure(self):
        """The API ignores the sort: newest first. Page 2 fails; page 1's orders are the newest
        ones, yet the cursor must not jump over the older orders of the unread pages."""
        self.add_orders(12)
        self.state.list_view_hooks.append(lambda page_index, page_size, orders: orders[::-1])
        self.page_fault(2, kind="status", status=500, count=-1)
        self.run_import()
        self.assert_cursor_safe()
        self.faulty_then_clean("pages out of order (newest first) + failure", runs=0, expect_error="500")

    def test_pages_out_of_order_shuffled(self):
        self.add_orders(12)

        def shuffle(page_index, page_size, orders):
            return orders[1::2] + orders[0::2]

        self.state.list_view_hooks.append(shuffle)
        self.page_fault(3, kind="status", status=503, count=-1)
        self.run_import()
        self.assert_cursor_safe()
        self.faulty_then_clean("pages out of order (interleaved) + failure", runs=0, expect_error="503")

    def test_order_changes_between_two_pages(self):
        """An order of page 1 is shipped while page 2 is being read: it moves to the end of the
        updatedAt listing, the rest shifts left, one order is never listed in this run."""
        ids = self.add_orders(12, statuses=["InPreparation"])
        first_page = ids[:5]

        def mutate(page_index):
            if page_index == 2 and not mutate.done:
                mutate.done = True
                self.state.set_status(first_page[1], "Shipped")

        mutate.done = False
        self.state.before_list_hooks.append(mutate)
        self.run_import()
        self.assertTrue(mutate.done)
        self.assert_cursor_safe()
        self.faulty_then_clean("order changes between two pages", runs=0)

    def test_same_order_on_two_pages(self):
        self.add_orders(12)

        def duplicate(page_index, page_size, orders):
            return orders[:page_size] + orders[page_size - 1:]  # last of page 1 again first of page 2

        self.state.list_view_hooks.append(duplicate)
        stats = self.run_import()
        self.assertEqual(stats["imported"], 12)
        self.assertEqual(stats["skipped"], 1, "the repeated order is recognized as unchanged")
        self.assert_exactly_once("same order on two pages")

    # -- auth and clocks -----------------------------------------------------------------
    def test_token_expires_mid_run(self):
        self.add_orders(12)

        def expire(page_index):
            if page_index == 2:
                self.state.expire_tokens()

        self.state.before_list_hooks.append(expire)
        stats = self.run_import()
        self.assertEqual(stats["imported"], 12)
        self.assertEqual(self.state.token_requests, 2, f"one renewal after the 401 {self.app.requests}")
        self.assertTrue(self.errors_logged().filtered(lambda log: log.status_code == 401))
        self.assert_exactly_once("token expires mid-run (401, renewed once)")

    def test_token_revoked_twice_fails_cleanly(self):
        self.add_orders(12)
        self.state.before_list_hooks.append(lambda page_index: self.state.expire_tokens())
        self.run_import()
        self.assertIn("401", self.channel.last_error)
        self.assertTrue(self.channel.activity_ids, "an authentication failure asks a human")
        self.faulty_then_clean("token refused twice (auth failure)", runs=0)

    def test_marketplace_clock_ahead(self):
        """Octopia's clock is 30 minutes ahead: updatedAt in our future. The cursor never goes
        past our own clock, so orders written later with a smaller skew are still read."""
        now = datetime.now(UTC)
        self.add_orders(6, step_seconds=60, start=now + timedelta(minutes=30))
        self.run_import()
        self.assertLessEqual(self.channel.import_cursor, fields.Datetime.now())
        self.add_orders(4, seed=2, step_seconds=60, start=now + timedelta(minutes=1), id_prefix="LATE")
        self.run_import()
        self.assert_cursor_safe()
        self.faulty_then_clean("marketplace clock 30 min ahead", runs=0)

    def _dst_orders(self, transition):
        """Orders every 10 min around a Europe/Paris DST transition (UTC instant ``transition``), some
        written with the local Paris offset, both sides of the repeated/skipped hour."""
        start = transition - timedelta(hours=2)
        ids = self.add_orders(24, step_seconds=600, start=start)
        for order in self.state.orders.values():
            updated = sim.parse_iso(order["updatedAt"])
            if updated.minute in (20, 40):
                before = updated < transition
                offset = timedelta(hours=(2 if before else 1) if transition.month == 10 else (1 if before else 2))
                local = (updated + offset).replace(tzinfo=timezone(offset))
                order["updatedAt"] = local.isoformat(timespec="seconds")
        self.state._sorted = None
        return ids

    def _dst_run(self, transition, fault):
        self.env.user.tz = "Europe/Paris"
        ids = self._dst_orders(transition)
        self.channel.import_cursor = (transition - timedelta(hours=2, minutes=5)).replace(tzinfo=None)
        self.channel.last_lookback_at = fields.Datetime.now()
        self.page_fault(3, kind="status", status=500, count=-1)
        self.run_import()
        cursor = self.channel.import_cursor
        self.assertGreater(cursor, (transition - timedelta(hours=1)).replace(tzinfo=None),
                           "the cursor moved forward in UTC")
        self.assert_cursor_safe()
        newest = max(sim.parse_iso(o["updatedAt"]) for o in self.state.orders.values())
        self.faulty_then_clean(fault, runs=0, expect_error="500")
        self.assertEqual(self.channel.import_cursor, newest.replace(tzinfo=None, microsecond=0),
                         "the cursor is the newest updatedAt, in UTC")
        self.assertEqual(len(ids), 24)

    def test_dst_end_october(self):
        # 2026-10-25 03:00 CEST -> 02:00 CET happens at 01:00 UTC
        self._dst_run(datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "DST end (Paris, 2026-10-25)")

    def test_dst_start_march(self):
        # 2026-03-29 02:00 CET -> 03:00 CEST happens at 01:00 UTC
        self._dst_run(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "DST start (Paris, 2026-03-29)")

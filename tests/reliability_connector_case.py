"""Base case of the per-connector fault suites (tests/test_reliability_faults_<connector>.py).

A connector case starts its simulator (real HTTP on 127.0.0.1, faults from the shared layer
``marketplace_simulator.faults``) and a channel on it, and says how to add, list and change the
simulator's orders. :class:`ConnectorFaultCase` then checks, after each fault and a clean cron run,
that every simulator order is one sale order at its latest version (updated date and status), none
missing, no open failure, the error shown on the channel, and that the cursor never skipped an order.
"""
import json
import random
import re
from datetime import UTC, datetime, timedelta

from reliability_common import SLEEPS, exactly_once_figures, no_sleep, record_figures

from odoo.tests import common

ORDERS = 8  # three pages of three


class ConnectorFaultCase(common.TransactionCase):
    connector = ""  # name in the figures table
    list_pattern = ""  # "METHOD path" regex of the order listing requests
    items_key = None  # key of the orders in a listing's JSON answer (None: the answer is the list)
    page_size = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, marketplace_sleep=no_sleep, tracking_disable=True))
        cls.start_connector()
        cls.channel = cls.env["marketplace.channel"].create(dict(cls.channel_vals(), **cls.fault_settings()))
        cls.env["product.product"].create(cls.product_vals())
        cls.good_url = cls.channel.base_url

    @classmethod
    def fault_settings(cls):
        """Small pages, no daily look-back (a skipped order would stay missing), quotations only."""
        return {"page_size": cls.page_size, "lookback_days": 0, "overlap_minutes": 10, "timeout": 5,
                "auto_confirm": False}

    # -- what each connector provides ----------------------------------------------------
    @classmethod
    def start_connector(cls):
        """Start the simulator: set ``cls.app`` and ``cls.server``."""
        raise NotImplementedError

    @classmethod
    def channel_vals(cls):
        raise NotImplementedError

    @classmethod
    def product_vals(cls):
        """The products of the simulator's catalog."""
        raise NotImplementedError

    def reset_simulator(self):
        raise NotImplementedError

    def add_orders(self, count):
        """``count`` orders updated 10 min apart in the past hours."""
        raise NotImplementedError

    def listed_orders(self):
        """{order ref: aware UTC updated datetime} of the orders the listing returns."""
        raise NotImplementedError

    def change_order(self, index):
        """Change the ``index``-th oldest order as the shop would; :return: (ref, expected status)"""
        raise NotImplementedError

    def break_credentials(self):
        self.channel.api_secret = "wrong-secret-0000"

    def restore_credentials(self):
        raise NotImplementedError

    # -- helpers -------------------------------------------------------------------------
    def setUp(self):
        super().setUp()
        self.reset_simulator()
        self.app.clear_faults()
        SLEEPS.clear()
        self.runs = 0

    def run_import(self, via_cron=False):
        self.runs += 1
        if via_cron:
            self.channel.last_import_at = False  # due now
            self.env["marketplace.channel"]._cron_import_orders()
            return None
        return self.channel._run_import()

    def sales(self):
        return self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", self.channel.id)])

    def errors_logged(self):
        return self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id), ("state", "=", "error")])

    def listing_items(self, body):
        """The list of orders in a listing's decoded JSON answer (changed in place by the hooks)."""
        return body if self.items_key is None else body[self.items_key]

    def repeat_last_item(self):
        """From now on, the first order of each listing page is the last order of the page before.

        :return: the list of the repeated orders, filled as pages are served
        """
        previous, repeated = [], []

        def hook(request, response):
            if not re.search(self.list_pattern, f"{request.method} {request.path}") or response.status != 200:
                return response
            body = json.loads(response.encoded())
            items = self.listing_items(body)
            last = items[-1:] if items else []
            if previous and items:
                items.insert(0, previous[-1])
                repeated.append(previous[-1])
            previous[:] = last
            response.body = body
            return response

        self.app.response_hooks.append(hook)
        return repeated

    # -- checks --------------------------------------------------------------------------
    def faulty_then_clean(self, fault, expect_error=None, activity=False, logged=True):
        """Check the error of the faulty run(s) and the cursor, clear faults, run the cron clean.

        ``logged``: the failed exchange is in the sync log (not for an answer received whole but unreadable).
        """
        self.channel.invalidate_recordset()
        self.assert_cursor_safe()
        if expect_error:
            self.assertIn(expect_error, self.channel.last_error or "", f"{fault}: error shown on the channel")
            self.assertTrue(self.errors_logged() or not logged, f"{fault}: failed exchanges in the sync log")
        if activity:
            self.assertTrue(self.channel.activity_ids, f"{fault}: an authentication failure asks a human")
        self.app.clear_faults()
        self.channel.write({"paused_until": False, "base_url": self.good_url})
        self.restore_credentials()
        self.run_import(via_cron=True)
        self.channel.invalidate_recordset()
        self.assertFalse(self.channel.last_error, f"{fault}: a clean run clears the error")
        self.assert_exactly_once(fault)

    def assert_exactly_once(self, fault, note=""):
        """Every listed simulator order is one sale order at its latest version; records the figures."""
        self.env.flush_all()
        listed = self.listed_orders()
        counts, duplicates, missing = exactly_once_figures(self.env, self.channel.id, list(listed))
        record_figures(fault, connector=self.connector, orders=len(listed), duplicates=duplicates,
                       imported=sum(1 for n in counts.values() if n), missing=len(missing), runs=self.runs, note=note)
        self.assertEqual(duplicates, 0, f"{fault}: duplicated orders {counts}")
        self.assertEqual(missing, [], f"{fault}: orders missing")
        stale = {s.marketplace_order_ref: (s.marketplace_updated_at, listed[s.marketplace_order_ref])
                 for s in self.sales() if not self._is_latest(s, listed[s.marketplace_order_ref])}
        self.assertFalse(stale, f"{fault}: sale orders not at the marketplace's latest version")
        open_failures = self.channel.failure_ids.filtered(lambda f: f.state == "open")
        self.assertFalse(open_failures, f"{fault}: {open_failures.mapped('reason')}")

    @staticmethod
    def _is_latest(sale, updated):
        naive = updated.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        return bool(sale.marketplace_updated_at and sale.marketplace_updated_at >= naive)

    def assert_cursor_safe(self):
        """Every order not imported in its latest version is inside the next run's window."""
        cursor = self.channel.import_cursor
        if not cursor:
            return
        window_start = cursor - timedelta(minutes=self.channel.overlap_minutes)
        sales = {s.marketplace_order_ref: s for s in self.sales()}
        for ref, updated in self.listed_orders().items():
            sale = sales.get(ref)
            if sale and self._is_latest(sale, updated):
                continue
            self.assertGreaterEqual(updated.astimezone(UTC).replace(tzinfo=None), window_start,
                                    f"{self.connector}: order {ref} (updated {updated}) is not imported and "
                                    f"before the next window ({window_start}): the cursor skipped it")


class SimulatorStateFaults:
    """For simulators keeping one state dict (``cls.<state_attr>``, renewed by ``sim.new_state()``) and
    selling ``sim.PRODUCTS``; orders made by ``sim.add_order(state, rng, when)``."""

    sim = None
    state_attr = "shop"
    order_seed = 5

    @classmethod
    def product_vals(cls):
        return [{"name": name, "default_code": sku, "list_price": price, "type": "consu"}
                for sku, name, price in cls.sim.PRODUCTS]

    def reset_simulator(self):
        state = getattr(self, self.state_attr)
        with self.app.lock:
            self.app.requests.clear()
            state.clear()
            state.update(self.sim.new_state())

    def add_orders(self, count):
        rng = random.Random(self.order_seed)
        start = datetime.now(UTC) - timedelta(minutes=10 * (count + 1))
        for n in range(count):
            self.sim.add_order(getattr(self, self.state_attr), rng, start + timedelta(minutes=10 * n))

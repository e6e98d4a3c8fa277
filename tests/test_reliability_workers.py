"""Real processes and real concurrency on committed data.

* A worker process (tests/reliability_worker.py) imports through Odoo's registry on the test
  database, is held by a slow simulator page between two pages and killed with SIGKILL; the next
  run imports the rest: every order exactly once, none missing.
* Two workers (threads with their own database connections) run the same channel at the same
  time: the per-channel advisory lock makes the second skip; no duplicate, no deadlock, no
  serialization error.

The data these workers need is committed through separate registry cursors and deleted at the end.
"""
import json
import os
import signal
import threading
import time

from marketplace_simulator import octopia as sim
from reliability_common import (
    delete_committed,
    exactly_once_figures,
    no_sleep,
    record_figures,
    start_worker,
    wait_for,
)

import odoo
from odoo import api
from odoo.tests import common, tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

ORDERS_PAGE = r"GET /seller/v2/orders$"
PREFIX = "RW-"


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestWorkers(common.TransactionCase):
    """Each test commits its own channel and products (unique SKUs) and removes them afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app, cls.state, cls.server = serve_simulator(cls.addClassCleanup, sim)

    def setUp(self):
        super().setUp()
        self.state.reset()
        orders = sim.generate_orders(12, seed=21, statuses=["InPreparation", "Shipped", "WaitingAcceptance"],
                                     step_seconds=600)
        for order in orders:
            for line in order["lines"]:
                line["offer"]["sellerProductId"] = PREFIX + line["offer"]["sellerProductId"]
                line["offer"]["productGtin"] = ""
        self.state.add_orders(orders)
        self.channel_id, self.product_ids = self._commit_setup()
        self.addCleanup(self._commit_cleanup)

    # -- committed data --------------------------------------------------------------
    def _committed_env(self):
        cr = self.registry.cursor()
        return cr, api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})

    def _commit_setup(self):
        cr, env = self._committed_env()
        with cr:
            channel = env["marketplace.channel"].create({
                "name": "Octopia worker test", "channel_type": "octopia", "base_url": self.server.url + sim.API_PREFIX,
                "api_login": sim.DEFAULT_CLIENT_ID, "api_secret": sim.DEFAULT_CLIENT_SECRET,
                "api_account": sim.DEFAULT_SELLER_ID, "page_size": 3, "timeout": 60, "lookback_days": 0,
                "auto_confirm": False, "auto_accept": False})
            products = env["product.product"].create([
                {"name": item["name"], "default_code": PREFIX + item["sku"], "type": "consu"} for item in sim.CATALOG])
            cr.commit()
            return channel.id, products.ids

    def _commit_cleanup(self):
        delete_committed(self.registry, self.channel_id, self.product_ids)

    def _committed_figures(self):
        cr, env = self._committed_env()
        with cr:
            counts, duplicates, missing = exactly_once_figures(env, self.channel_id, list(self.state.orders))
            channel = env["marketplace.channel"].browse(self.channel_id)
            return counts, duplicates, missing, channel.import_cursor, channel.last_error

    # -- workers -----------------------------------------------------------------------
    def _start_worker(self, *extra):
        return start_worker(self, self.channel_id, *extra)

    def _list_calls(self):
        return sum(1 for m, p, _q in self.app.requests if m == "GET" and p.endswith("/orders"))

    def test_worker_killed_between_two_pages(self):
        # page 3 is held 20 s by the simulator: the worker has committed pages 1 and 2, waits on page 3
        def hold_page_3(page_index):
            if page_index == 2 and not hold_page_3.armed:
                hold_page_3.armed = True
                self.app.add_fault(ORDERS_PAGE, kind="timeout", delay=20, count=1)

        hold_page_3.armed = False
        self.state.before_list_hooks.append(hold_page_3)
        worker = self._start_worker()
        try:
            reached = wait_for(lambda: self._list_calls() >= 3 or worker.poll() is not None, timeout=90)
            alive = reached and worker.poll() is None
            detail = worker.stderr.read() if worker.poll() else ""
            self.assertTrue(alive, f"the worker reached page 3: {worker.poll()} {detail}")
            self.assertTrue(wait_for(lambda: sum(self._committed_figures()[0].values()) >= 6, timeout=20),
                            "pages 1 and 2 are committed before the kill")
            self.assertIsNone(worker.poll(), "the worker is still running (held on page 3)")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        counts, duplicates, missing, cursor_after_kill, _error = self._committed_figures()
        self.assertEqual(sum(counts.values()), 6, "what was committed before the kill stays, nothing more")
        self.assertTrue(cursor_after_kill, "the cursor covers the committed pages")
        self.assertEqual(len(missing), 6)

        # the next run (a new process) resumes; the killed session's lock is gone with it
        self.app.clear_faults()
        self.state.before_list_hooks.clear()
        runs = 1
        for _attempt in range(20):
            runs += 1
            second = self._start_worker()
            out, err = second.communicate(timeout=120)
            self.assertEqual(second.returncode, 0, err[-2000:])
            result = json.loads(out.strip().splitlines()[-1])
            if result is not False:
                break
            time.sleep(0.2)  # PostgreSQL has not noticed the killed session yet
        self.assertTrue(result, "the second run got the lock")
        counts, duplicates, missing, cursor, error = self._committed_figures()
        record_figures("worker process SIGKILLed between two pages", orders=len(counts),
                       imported=sum(1 for n in counts.values() if n), duplicates=duplicates,
                       missing=len(missing), runs=runs)
        self.assertFalse(error)
        self.assertEqual(duplicates, 0, counts)
        self.assertEqual(missing, [])
        self.assertGreaterEqual(cursor, cursor_after_kill)

    def _thread_run(self, name, results, errors, start_event=None, cron=False):
        try:
            if start_event:
                start_event.wait(10)
            with self.registry.cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, {"marketplace_sleep": no_sleep})
                channel = env["marketplace.channel"].browse(self.channel_id)
                if cron:
                    env["marketplace.channel"]._cron_import_orders()
                    results[name] = "cron"
                else:
                    results[name] = channel._run_import()
                cr.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors[name] = repr(exc)

    def test_two_workers_same_channel_second_skips(self):
        # the first worker is held 3 s on page 1 while it holds the channel lock
        self.app.add_fault(ORDERS_PAGE, kind="timeout", delay=3, count=1)
        results, errors = {}, {}
        first = threading.Thread(target=self._thread_run, args=("first", results, errors))
        first.start()
        self.assertTrue(wait_for(lambda: self._list_calls() >= 1, timeout=30), "the first worker is listing")
        second = threading.Thread(target=self._thread_run, args=("second", results, errors))
        started = time.monotonic()
        second.start()
        second.join(30)
        self.assertLess(time.monotonic() - started, 2.5, "the second worker did not wait for the lock")
        first.join(60)
        self.assertFalse(first.is_alive() or second.is_alive(), "no deadlock")
        self.assertEqual(errors, {}, "no serialization error or other exception")
        self.assertIs(results["second"], False, "the second worker skipped the channel")
        self.assertEqual(results["first"]["imported"], 12)
        self.assertEqual(self._list_calls(), 5, "only the first worker listed orders (4 pages + 1 empty)")
        counts, duplicates, missing, _cursor, _error = self._committed_figures()
        record_figures("two workers at once (lock)", orders=len(counts),
                       imported=sum(1 for n in counts.values() if n), duplicates=duplicates, missing=len(missing),
                       runs=2, note="second worker skipped")
        self.assertEqual((duplicates, missing), (0, []))

    def test_cron_and_button_race(self):
        """Cron and "Import now" released together, three rounds: whoever loses skips or finds
        nothing new; never a duplicate or an error."""
        outcomes = []
        for round_no in range(3):
            if round_no == 1:
                sim.set_status(self.app, next(iter(self.state.orders)), "Shipped")
            cr, env = self._committed_env()
            with cr:
                env["marketplace.channel"].browse(self.channel_id).last_import_at = False  # the cron finds it due
                cr.commit()
            results, errors = {}, {}
            go = threading.Event()
            threads = [threading.Thread(target=self._thread_run, args=("cron", results, errors, go, True)),
                       threading.Thread(target=self._thread_run, args=("button", results, errors, go))]
            for thread in threads:
                thread.start()
            go.set()
            for thread in threads:
                thread.join(60)
            self.assertFalse(any(t.is_alive() for t in threads), "no deadlock")
            self.assertEqual(errors, {}, "no serialization error or other exception")
            outcomes.append(results.get("button"))
        counts, duplicates, missing, _cursor, _error = self._committed_figures()
        record_figures("cron + button race (3 rounds)", orders=len(counts),
                       imported=sum(1 for n in counts.values() if n), duplicates=duplicates, missing=len(missing),
                       runs=6, note=f"button results: {outcomes}")
        self.assertEqual((duplicates, missing), (0, []))
        cr, env = self._committed_env()
        with cr:
            first = env["sale.order"].search([("marketplace_channel_id", "=", self.channel_id),
                                              ("marketplace_order_ref", "=", next(iter(self.state.orders)))])
            self.assertEqual(first.marketplace_status, "Shipped")

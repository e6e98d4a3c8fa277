"""Killed worker, against every connector: a worker process (tests/reliability_worker.py) imports the
connector's channel through Odoo's registry, committing per page; the simulator holds the third
listing request, the worker is SIGKILLed there, then new processes run until one gets the lock.

Mixed into the ``tests/test_reliability_faults_<connector>.py`` cases (after :class:`FaultScenarios`).
The channel and products are committed through a separate cursor and deleted afterwards.
"""
import json
import os
import signal
import time

from reliability_common import delete_committed, exactly_once_figures, record_figures, start_worker, wait_for
from reliability_connector_case import ORDERS

KILLED = "worker process SIGKILLed between two pages"


class KilledWorkerScenario:
    def _commit_channel(self):
        with self.registry.cursor() as cr:
            env = self.env(cr=cr, context={"tracking_disable": True})
            vals = dict(self.channel_vals(), **self.fault_settings())
            vals.update(name=f"{self.connector} (worker)", timeout=60, import_cursor=self.channel.import_cursor)
            channel = env["marketplace.channel"].create(vals)
            products = env["product.product"].create(self.product_vals())
            cr.commit()
            return channel.id, products.ids

    def _committed_counts(self, channel_id):
        with self.registry.cursor() as cr:
            counts, duplicates, missing = exactly_once_figures(self.env(cr=cr), channel_id, list(self.listed_orders()))
        return counts, duplicates, missing

    def _listing_calls(self):
        return self.app.count_requests(self.list_pattern.split(" ", 1)[1], self.list_pattern.split(" ", 1)[0])

    def _kill_on_third_page(self, channel_id):
        self.app.fault_from(self.list_pattern, 3, kind="timeout", delay=20, count=1)
        worker = start_worker(self, channel_id)
        try:
            reached = wait_for(lambda: self._listing_calls() >= 3 or worker.poll() is not None, timeout=90)
            self.assertTrue(reached and worker.poll() is None, f"the worker is held on page 3: {worker.poll()}")
            if self.keeps_first_page:
                wait_for(lambda: sum(self._committed_counts(channel_id)[0].values()) > 0, 20)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()

    def _run_until_locked(self, channel_id):
        """New worker processes until one gets the lock (PostgreSQL notices the killed session late)."""
        for attempt in range(1, 21):
            worker = start_worker(self, channel_id)
            out, err = worker.communicate(timeout=120)
            self.assertEqual(worker.returncode, 0, err[-2000:])
            if json.loads(out.strip().splitlines()[-1]) is not False:
                return attempt
            time.sleep(0.2)
        self.fail("no worker got the channel's lock")

    def test_worker_killed_between_two_pages(self):
        self.add_orders(ORDERS)
        channel_id, product_ids = self._commit_channel()
        self.addCleanup(delete_committed, self.registry, channel_id, product_ids)
        self._kill_on_third_page(channel_id)
        kept = sum(self._committed_counts(channel_id)[0].values())
        if self.keeps_first_page:
            self.assertTrue(0 < kept < len(self.listed_orders()), "the pages committed before the kill stay")
        self.app.clear_faults()
        runs = 1 + self._run_until_locked(channel_id)
        counts, duplicates, missing = self._committed_counts(channel_id)
        imported = sum(1 for n in counts.values() if n)
        record_figures(KILLED, connector=self.connector, orders=len(counts), imported=imported, duplicates=duplicates,
                       missing=len(missing), runs=runs, note=f"{kept} kept from the killed run")
        self.assertEqual(duplicates, 0, counts)
        self.assertEqual(missing, [])

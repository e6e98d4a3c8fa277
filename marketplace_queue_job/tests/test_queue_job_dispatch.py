"""Pages, offer pushes and shipments become queue jobs, once each, and the jobs do the work.

Real HTTP against the Octopia simulator; jobs are stored by queue_job and run with its Job API
(what the job runner's /queue_job/runjob does). queue_job 18.0.4's ``tests.common`` (``trap_jobs``)
imports ``SETATTR_SOURCES``, which this Odoo 18.0 tree does not have yet: the stored jobs are
checked instead.
"""
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.marketplace_connector.tests.common import add_conflict_on_insert, remove_conflict_on_insert
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase
from odoo.addons.queue_job.job import Job


@tagged("post_install", "-at_install")
class TestQueueJobDispatch(OctopiaSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.page_size = 4

    def channel_jobs(self, method="_job_import_order_page"):
        jobs = self.env["queue.job"].search(
            [("model_name", "=", "marketplace.channel"), ("method_name", "=", method)])
        return jobs.filtered(lambda j: j.records == self.channel)

    def run_jobs(self, jobs):
        for record in jobs:
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.perform()
            job.set_done()
            job.store()

    def full_window_run(self):
        """A run re-reading the whole window (first run, or a run after a lost cursor)."""
        self.channel.write({"import_cursor": False, "last_lookback_at": False})
        self.run_cron()

    def test_pages_become_jobs_with_identity_keys(self):
        orders = self.add_orders(10, seed=301, statuses=["InPreparation"])
        self.run_cron()
        jobs = self.channel_jobs()
        self.assertEqual(len(jobs), 3)
        loaded = [Job.load(self.env, record.uuid) for record in jobs]
        self.assertEqual(sorted(len(job.args[0]) for job in loaded), [2, 4, 4])
        keys = set(jobs.mapped("identity_key"))
        self.assertEqual(len(keys), 3)
        self.assertTrue(all(k.startswith(f"marketplace-page-{self.channel.id}-") for k in keys))
        self.assertEqual(set(jobs.mapped("channel")), {"root.marketplace.octopia"})
        self.assertFalse(self.channel_orders(), "the cron only queues: jobs import")
        listed = {p["orderId"] for job in loaded for p in job.args[0]}
        self.assertEqual(listed, {o["orderId"] for o in orders})
        self.assertEqual(self.app.count_requests(r"/orders$", "GET"), 3, "one listing call per page")
        self.run_jobs(jobs)
        self.assertEqual(len(self.channel_orders()), 10)
        self.assertEqual(set(self.channel_orders().mapped("state")), {"sale"})

    def test_no_duplicate_job_for_the_same_page(self):
        self.add_orders(10, seed=302, statuses=["InPreparation"])
        self.full_window_run()
        jobs = self.channel_jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        self.assertEqual(set(jobs.mapped("channel")), {"root.marketplace.octopia"})
        cursor = self.channel.import_cursor
        self.assertTrue(cursor, "the cursor moves when the page is queued")
        self.full_window_run()  # same pages while their jobs still wait
        self.assertEqual(self.channel_jobs(), jobs)
        # one order changes: its page is a new page, the two others are still queued
        changed = self.sim.sorted_orders()[-1][1]
        self.sim.set_status(changed, "Shipped")
        self.full_window_run()
        self.assertEqual(len(self.channel_jobs()), 4)

    def test_jobs_run_and_import_the_orders(self):
        orders = self.add_orders(9, seed=303, statuses=["InPreparation", "Shipped", "Cancelled"])
        self.full_window_run()
        jobs = self.channel_jobs()
        self.assertEqual(len(jobs), 3)
        self.run_jobs(jobs)
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        sales = self.channel_orders()
        self.assertEqual(len(sales), 9)
        self.assertEqual(sorted(sales.mapped("marketplace_order_ref")), sorted(o["orderId"] for o in orders))
        self.assertEqual(len(sales.filtered(lambda s: s.state == "sale")), 6)
        self.assertEqual(len(sales.filtered(lambda s: s.state == "cancel")), 3)
        self.assertFalse(self.channel.failure_ids)
        # done jobs do not block a later re-read, whose job finds nothing new
        self.full_window_run()
        again = self.channel_jobs() - jobs
        self.assertEqual(len(again), 3)
        self.run_jobs(again)
        self.assertEqual(len(self.channel_orders()), 9)
        self.assertIn("unchanged 4", again.sorted("id")[0].result)

    def test_offer_push_is_one_job(self):
        product = self.products["MUG-CERAM-BLEU"]
        self.env["marketplace.offer"].create({
            "channel_id": self.channel.id, "product_id": product.id, "seller_sku": "MUG-CERAM-BLEU",
            "ean": product.barcode, "price": 11.90})
        self.sim.package_steps = 1  # integrated at the first poll: no wait between polls
        self.channel._push_offers()
        self.channel._push_offers()
        jobs = self.channel_jobs("_job_push_offers")
        self.assertEqual(len(jobs), 1)
        self.assertFalse(self.sim.packages, "nothing is sent before the job runs")
        self.run_jobs(jobs)
        self.assertEqual(self.channel.offer_ids.state, "done")
        self.assertIn("MUG-CERAM-BLEU", self.sim.offers)

    def test_shipment_is_one_job(self):
        self.channel.queue_job_dispatch = False
        order = self.add_orders(1, seed=304, statuses=["InPreparation"])[0]
        self.run_cron()
        self.channel.queue_job_dispatch = True
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale")
        picking = self.deliver(sale, tracking="6A123456789")
        picking.marketplace_carrier_name = "Colissimo"
        self.assertEqual(sale.ship_sync_state, "todo")
        self.Channel._cron_send_shipments()
        self.Channel._cron_send_shipments()
        jobs = self.env["queue.job"].search([("method_name", "=", "_job_send_marketplace_shipment")]).filtered(
            lambda j: j.records == sale)
        self.assertEqual(len(jobs), 1)
        self.assertFalse(self.sim.shipments)
        self.run_jobs(jobs)
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        self.assertEqual([s[0] for s in self.sim.shipments], [order["orderId"]])

    def test_without_dispatch_the_cron_imports_itself(self):
        self.channel.queue_job_dispatch = False
        self.add_orders(5, seed=305, statuses=["InPreparation"])
        self.run_cron()
        self.assertFalse(self.channel_jobs())
        self.assertEqual(len(self.channel_orders()), 5)

    def test_page_job_meeting_a_concurrent_update_is_retried_not_failed(self):
        from odoo.addons.queue_job.exception import RetryableJobError

        orders = self.add_orders(2, seed=303, statuses=["InPreparation"])
        self.run_cron()
        jobs = self.channel_jobs()
        self.assertEqual(len(jobs), 1)
        # a real PostgreSQL serialization failure (SQLSTATE 40001) when the second order is inserted
        add_conflict_on_insert(self.env.cr, orders[1]["orderId"])
        job = Job.load(self.env, jobs.uuid)
        with self.assertRaises(RetryableJobError), mute_logger("odoo.sql_db"):  # the expected "bad query"
            with self.env.cr.savepoint():  # queue_job rolls the job back
                job.perform()
        self.assertFalse(self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)]),
                         "a concurrent update is not a bad order")
        remove_conflict_on_insert(self.env.cr)
        self.run_jobs(jobs)
        self.assertEqual(len(self.channel_orders()), 2)

"""The stock cron queues one job per shop channel (never twice while one waits); the job sends the stock.

Needs a shop connector in the glue's database (``scripts/test.sh`` installs marketplace_shopify there).
"""
from marketplace_simulator import shopify as sim

from odoo.tests import tagged

from odoo.addons.marketplace_shopify.tests.common import ShopifySimulatorCase
from odoo.addons.queue_job.job import Job


@tagged("post_install", "-at_install")
class TestQueueJobStock(ShopifySimulatorCase):
    def test_cron_queues_one_stock_job_that_sends_the_quantities(self):
        sim.add_variant(self.app, 2, "SHOP-MUG-001", 5)
        self.channel.with_context(marketplace_in_job=True)._refresh_catalog()
        self.Channel._cron_sync_stock()
        self.Channel._cron_sync_stock()
        jobs = self.env["queue.job"].search([("method_name", "=", "_job_sync_stock")])
        self.assertEqual(len(jobs), 1, "one waiting job per channel")
        self.assertEqual(sim.inventory(self.app).quantity("SHOP-MUG-001"), 5, "nothing sent by the cron itself")
        job = Job.load(self.env, jobs.uuid)
        job.set_started()
        job.perform()
        self.assertEqual(sim.inventory(self.app).quantity("SHOP-MUG-001"), 100)
        self.assertFalse(self.channel.offer_ids.filtered("stock_dirty"))

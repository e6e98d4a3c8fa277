"""Outbox calls become one queue job each, queued with the page job that decided them."""
from odoo.tests import tagged

from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase

from . import test_queue_job_dispatch as dispatch


@tagged("post_install", "-at_install")
class TestQueueJobOutbox(OctopiaSimulatorCase):
    channel_jobs = dispatch.TestQueueJobDispatch.channel_jobs
    run_jobs = dispatch.TestQueueJobDispatch.run_jobs

    def outbox_jobs(self):
        return self.env["queue.job"].search(
            [("model_name", "=", "marketplace.outbox"), ("method_name", "=", "_job_send")])

    def test_accept_decided_by_a_page_job_is_one_job(self):
        self.channel.auto_accept = True
        orders = self.add_orders(2, seed=306, statuses=["WaitingAcceptance"])
        self.run_cron()
        self.run_jobs(self.channel_jobs())
        items = self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(len(items), 2)
        self.assertEqual(set(items.mapped("state")), {"todo"})
        jobs = self.outbox_jobs()
        self.assertEqual(len(jobs), 2, "one job per call")
        self.assertEqual(set(jobs.mapped("identity_key")), {f"marketplace-outbox-{item.id}" for item in items})
        self.assertEqual(set(jobs.mapped("channel")), {"root.marketplace.octopia"})
        self.assertFalse(self.sim.approvals, "nothing is sent before the jobs run")
        self.env["marketplace.outbox"]._cron_send()  # while the jobs wait: no second job
        self.assertEqual(self.outbox_jobs(), jobs)
        self.run_jobs(jobs)
        self.assertEqual(set(items.mapped("state")), {"done"})
        self.assertEqual(sorted(self.sim.approvals), sorted((o["orderId"], "Accepted") for o in orders))
        self.assertEqual(set(self.channel_orders().mapped("state")), {"sale"})

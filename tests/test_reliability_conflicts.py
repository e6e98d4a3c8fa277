"""A concurrent update (serialization failure, deadlock) is not a bad order: the page is rolled back
and done again by the next run, instead of landing in the failed imports."""
from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import add_conflict_on_insert, remove_conflict_on_insert
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace")
class TestConcurrentUpdateDuringImport(OctopiaSimulatorCase):
    def test_page_hit_by_a_serialization_failure_is_redone_by_the_next_run(self):
        orders = self.add_orders(3, seed=77, statuses=["InPreparation"])
        # a real PostgreSQL serialization failure (SQLSTATE 40001) when the second order is inserted
        add_conflict_on_insert(self.env.cr, orders[1]["orderId"])
        self.run_cron()
        failures = self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)])
        self.assertFalse(failures, "a concurrent update is not a bad order: " + " | ".join(failures.mapped("reason")))
        self.assertFalse(self.channel_orders(), "the interrupted page is rolled back as a whole")
        self.assertFalse(self.channel.import_cursor, "the cursor does not cover the interrupted page")
        remove_conflict_on_insert(self.env.cr)
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 3, "the next run imports the page, each order once")
        self.assertFalse(self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)]))

    def test_accept_of_a_rolled_back_page_is_sent_once_after_its_retry(self):
        """Issue 15: an accept decided in a page that a concurrent update rolls back is not sent;
        the retried page sends it once, after its commit, with one exchange log row."""
        self.channel.auto_accept = True
        (waiting,) = self.add_orders(1, seed=78, statuses=["Processing"])
        self.run_cron()
        sale = self.sale_of(waiting)
        self.assertEqual(sale.marketplace_order_status, "pending")
        self.sim.set_status(waiting["orderId"], "WaitingAcceptance")
        (new,) = self.add_orders(1, seed=79, statuses=["InPreparation"], minutes_ago=5)
        # the accept is queued first, then the new order's INSERT meets a serialization failure
        add_conflict_on_insert(self.env.cr, new["orderId"])
        self.run_cron()
        self.assertEqual(self.sim.approvals, [], "nothing is sent from a page that is rolled back")
        outbox = self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id)])
        self.assertFalse(outbox, "the queued accept went with the rolled-back page")
        self.assertEqual(sale.marketplace_order_status, "pending")
        remove_conflict_on_insert(self.env.cr)
        self.run_cron()
        self.run_cron()  # a later run re-reads the order: nothing is sent again
        self.assertEqual(self.sim.approvals, [(waiting["orderId"], "Accepted")], "exactly one accept")
        logs = self.env["marketplace.sync.log"].search(
            [("channel_id", "=", self.channel.id), ("operation", "=", f"accept order {waiting['orderId']}")])
        self.assertEqual(len(logs), 1, "the accept has its exchange log row")
        self.assertEqual(logs.state, "ok")
        outbox = self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual((outbox.operation, outbox.state, outbox.res_id), ("accept", "done", sale.id))
        self.assertEqual((sale.marketplace_order_status, sale.state), ("accepted", "sale"))
        self.assertEqual(len(self.channel_orders()), 2)

"""The outbox: calls that change the marketplace are queued once, sent after the commit, retried
after a temporary error, told on their record after a final one; exchange log rows outlive a
rolled-back savepoint. Real HTTP against the Octopia simulator."""
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.marketplace_connector.tools import held_exchanges
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase

APPROVAL = r"POST /seller/v2/orders/[^/]+/approval-status"


@tagged("post_install", "-at_install", "marketplace")
class TestOutbox(OctopiaSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.auto_accept = True

    def waiting_sale(self, seed):
        (order,) = self.add_orders(1, seed=seed, statuses=["WaitingAcceptance"])
        self.channel.auto_accept = False
        self.run_cron()
        self.channel.auto_accept = True
        return order, self.sale_of(order)

    def outbox(self):
        return self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id)])

    def accept_logs(self, order):
        return self.env["marketplace.sync.log"].search(
            [("channel_id", "=", self.channel.id), ("operation", "=", f"accept order {order['orderId']}")])

    def test_enqueue_twice_makes_one_item(self):
        _order, sale = self.waiting_sale(501)
        first = self.channel._outbox_enqueue("accept", sale, {"order": sale.marketplace_order_ref})
        second = self.channel._outbox_enqueue("accept", sale, {"order": sale.marketplace_order_ref})
        self.assertEqual(first, second)
        self.assertEqual(len(self.outbox()), 1)
        self.assertEqual((first.state, first.res_model, first.idempotency_key),
                         ("todo", "sale.order", f"sale.order,{sale.id}"))
        self.assertFalse(self.sim.approvals, "queued, not sent")
        self.channel._outbox_send()
        self.channel._outbox_send()
        self.channel._outbox_enqueue("accept", sale)  # sent already: not queued again
        self.channel._outbox_send()
        self.assertEqual(len(self.sim.approvals), 1)
        self.assertEqual(first.state, "done")
        self.assertEqual((sale.marketplace_order_status, sale.state), ("accepted", "sale"))

    def test_auto_accept_is_queued_during_the_page_and_sent_after_it(self):
        (order,) = self.add_orders(1, seed=502, statuses=["WaitingAcceptance"])
        self.run_cron()
        item = self.outbox()
        self.assertEqual((item.operation, item.state, item.attempts), ("accept", "done", 1))
        self.assertEqual(self.sim.approvals, [(order["orderId"], "Accepted")])
        self.assertEqual(len(self.accept_logs(order)), 1)
        self.assertIn(order["orderId"], item.payload)

    def test_temporary_error_is_retried_later_then_sent(self):
        order, sale = self.waiting_sale(503)
        self.app.add_fault(APPROVAL, status=503, count=-1)
        item = self.channel._outbox_enqueue("accept", sale)
        self.channel._outbox_send()
        self.assertEqual((item.state, item.attempts), ("todo", 1))
        self.assertTrue(item.last_error)
        self.assertGreater(item.next_attempt_at, fields.Datetime.now(), "backed off")
        self.assertEqual(sale.marketplace_order_status, "waiting_acceptance")
        self.app.clear_faults()
        self.env["marketplace.outbox"]._cron_send()
        self.assertFalse(self.sim.approvals, "not due yet")
        item.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["marketplace.outbox"]._cron_send()
        self.assertEqual((item.state, item.attempts), ("done", 2))
        self.assertEqual(self.sim.approvals, [(order["orderId"], "Accepted")])
        self.assertEqual(sale.marketplace_order_status, "accepted")

    def test_final_error_is_told_on_the_order(self):
        _order, sale = self.waiting_sale(504)
        self.app.add_fault(APPROVAL, status=400, count=-1, body={
            "title": "Bad Request", "status": 400, "detail": "The order is under review."})
        item = self.channel._outbox_enqueue("accept", sale)
        self.channel._outbox_send()
        self.assertEqual((item.state, item.attempts), ("error", 1))
        self.assertIn("under review", item.last_error)
        self.assertIn("Accept or refuse on the marketplace", self.activity_summaries(sale))
        self.assertIn("Automatic acceptance failed", " ".join(sale.message_ids.mapped("body")))
        self.assertEqual(sale.marketplace_order_status, "waiting_acceptance")
        self.app.clear_faults()
        self.channel._outbox_send()
        self.assertFalse(self.sim.approvals, "an item in error waits for a person")
        item.action_retry()
        self.assertEqual(item.state, "done")
        self.assertEqual(len(self.sim.approvals), 1)

    def test_order_no_longer_waiting_cancels_its_accept(self):
        _order, sale = self.waiting_sale(505)
        item = self.channel._outbox_enqueue("accept", sale)
        sale.marketplace_order_status = "cancelled"
        self.channel._outbox_send()
        self.assertEqual(item.state, "cancelled")
        self.assertFalse(self.sim.approvals)

    def test_exchange_log_rows_outlive_a_rolled_back_savepoint(self):
        (order,) = self.add_orders(1, seed=506, statuses=["InPreparation"])
        transport = self.channel._get_transport()
        domain = [("channel_id", "=", self.channel.id), ("operation", "=", f"get order {order['orderId']}")]
        Log = self.env["marketplace.sync.log"]
        # not assertRaises: Odoo's rolls its block back, log rows included
        try:
            with held_exchanges(transport.recorder), self.env.cr.savepoint():
                transport.get_order(order["orderId"])
                raise ZeroDivisionError("rolled back")
        except ZeroDivisionError as exc:
            self.assertEqual(str(exc), "rolled back")
        self.assertEqual(Log.search_count(domain), 1)
        try:
            with self.env.cr.savepoint():
                transport.get_order(order["orderId"])
                raise ZeroDivisionError("rolled back")
        except ZeroDivisionError as exc:
            self.assertEqual(str(exc), "rolled back")
        self.assertEqual(Log.search_count(domain), 1, "without the hold, the rollback takes the log row")

    def test_refuse_button_sends_through_the_outbox(self):
        order, sale = self.waiting_sale(507)
        sale.action_marketplace_refuse()
        item = self.outbox()
        self.assertEqual((item.operation, item.state), ("refuse", "done"))
        self.assertEqual(self.sim.approvals, [(order["orderId"], "Refused")])
        self.assertEqual(sale.state, "cancel")

"""Octopia REST refunds end to end, through the refund wizard and real HTTP: whole lines become a
partial cancellation request, an amount becomes a commercial gesture; refusals read clearly and
nothing is sent twice (the order's requests are read again after a timeout)."""
import time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .octopia_common import OctopiaSimulatorCase

PARTIAL = r"POST /seller/v2/order-partial-cancellation-requests$"
GESTURES = r"POST /seller/v2/order-commercial-gesture-requests$"


def short_real_sleep(seconds):
    """Back-off that really waits a little: the simulator finishes applying the timed-out call."""
    time.sleep(min(seconds, 0.6))


@tagged("post_install", "-at_install", "marketplace", "octopia")
class TestOctopiaRefunds(OctopiaSimulatorCase):
    def _import(self, status, seed):
        (order,) = self.add_orders(1, seed=seed, statuses=[status])
        for line in order["lines"]:
            line["offer"]["supplyMode"] = "Seller"
        self.run_cron()
        sale = self.sale_of(order)
        self.assertTrue(sale, self.channel.failure_ids.mapped("reason"))
        return order, sale

    def _wizard(self, sale, reason_code="ClientClaim", **values):
        wizard = self.env["marketplace.refund.wizard"].with_context(marketplace_sleep=short_real_sleep).create(
            {"order_id": sale.id})
        reason = self.env["marketplace.refund.reason"].search(
            [("channel_id", "=", self.channel.id), ("code", "=", reason_code)])
        wizard.write(dict({"reason_id": reason.id}, **values))
        return wizard

    def _wizard_lines(self, wizard, line_ids, quantity=None):
        for wizard_line in wizard.line_ids:
            if wizard_line.sale_line_id.marketplace_line_id in line_ids:
                wizard_line.quantity = wizard_line.ordered_qty if quantity is None else quantity

    def test_wizard_offers_lines_and_amounts(self):
        _order, sale = self._import("InPreparation", seed=301)
        wizard = self._wizard(sale)
        self.assertTrue(wizard.partial_allowed and wizard.amount_allowed)
        self.assertIn("commercial gesture", wizard.limits)

    def test_some_lines_are_a_partial_cancellation_request(self):
        order, sale = self._import("InPreparation", seed=302)
        first = order["lines"][0]
        wizard = self._wizard(sale, reason_code="ProductStockUnavailable", mode="partial", refund_shipping=False)
        self._wizard_lines(wizard, [first["orderLineId"]])
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        (request,) = self.sim.cancellation_requests
        self.assertEqual((request["lineId"], request["offerId"], request["reason"], request["shippingCostRefund"]),
                         (first["orderLineId"], first["offer"]["id"], "ProductStockUnavailable", False))
        self.assertEqual(self.sim.orders[order["orderId"]]["lines"][0]["status"], "Cancelled")
        self.assertIn("1 line(s)", sale.message_ids[0].body)
        again = self._wizard(sale, reason_code="ProductStockUnavailable", mode="partial")
        self._wizard_lines(again, [first["orderLineId"]])
        again.action_confirm()  # a second click: the line already has its request
        self.assertEqual(self.api_requests(r"/order-partial-cancellation-requests$", "POST"), 1)
        self.assertEqual(len(self.sim.cancellation_requests), 1)

    def test_part_of_a_line_is_refused_with_what_to_do(self):
        order, sale = self._import("Shipped", seed=303)
        order["lines"][0]["quantity"] = 3  # Octopia's line holds 3 units; Odoo asks for one
        wizard = self._wizard(sale, mode="partial")
        wizard.line_ids.filtered(lambda line: line.sale_line_id.marketplace_line_id == order["lines"][0]["orderLineId"]
                                 ).quantity = 1
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "error")
        self.assertIn("whole lines only", sale.refund_sync_error)
        self.assertIn("commercial gesture", sale.refund_sync_error)
        self.assertEqual(self.api_requests(r"cancellation-requests$", "POST"), 0)

    def test_partial_timeout_after_applied_is_requested_once(self):
        order, sale = self._import("Accepted", seed=304)
        self.channel.timeout = 1
        self.app.add_fault(PARTIAL, kind="timeout", delay=1.3, count=1)  # applied, answered after 1.3 s
        wizard = self._wizard(sale, mode="partial")
        self._wizard_lines(wizard, [order["lines"][0]["orderLineId"]])
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(self.api_requests(r"/order-partial-cancellation-requests$", "POST"), 1)
        self.assertEqual(len(self.sim.cancellation_requests), 1)

    def test_an_amount_is_a_commercial_gesture(self):
        order, sale = self._import("Delivered", seed=305)
        wizard = self._wizard(sale, mode="amount", amount=7.5, reason_note="Colis abîmé")
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        (gesture,) = self.sim.gesture_requests
        self.assertEqual((gesture["orderId"], gesture["amount"], gesture["reason"], gesture["reasonDetails"]),
                         (order["orderId"], 7.5, "Other", "Réclamation client: Colis abîmé"))
        self.assertIn("amount 7.5 EUR", sale.message_ids[0].body)
        self.assertFalse(self.sim.cancellation_requests, "no line is cancelled")

    def test_gesture_timeout_after_applied_is_made_once(self):
        _order, sale = self._import("Shipped", seed=306)
        self.channel.timeout = 1
        self.app.add_fault(GESTURES, kind="timeout", delay=1.3, count=1)
        self._wizard(sale, mode="amount", amount=3.2).action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(self.api_requests(r"/order-commercial-gesture-requests$", "POST"), 1)
        self.assertEqual([g["amount"] for g in self.sim.gesture_requests], [3.2])

    def test_gesture_refusals_are_clear(self):
        _order, sale = self._import("InPreparation", seed=307)
        self._wizard(sale, mode="amount", amount=5).action_confirm()
        self.assertEqual(sale.refund_sync_state, "error")
        self.assertIn("only possible once the order is shipped", sale.refund_sync_error)
        _order, shipped = self._import("Shipped", seed=308)
        self._wizard(shipped, mode="amount", amount=100000).action_confirm()
        self.assertIn("at most", shipped.refund_sync_error)
        self.assertIn("Refund failed on the marketplace", self.activity_summaries(shipped))
        self.assertEqual(self.api_requests(r"/order-commercial-gesture-requests$", "POST"), 0)
        with self.assertRaisesRegex(UserError, "Set the amount"):
            self._wizard(shipped, mode="amount", amount=0).action_confirm()

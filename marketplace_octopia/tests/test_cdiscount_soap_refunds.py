"""Legacy Cdiscount SOAP refunds through the refund wizard and real SOAP: an amount is a commercial
gesture (CreateRefundVoucher CommercialGestureList), part of a line is refused with what to do."""
from decimal import Decimal

from marketplace_simulator import cdiscount_soap as sim

from odoo.tests import tagged

from .test_cdiscount_soap import CdiscountSoapCase


@tagged("post_install", "-at_install", "marketplace", "cdiscount_soap")
class TestCdiscountSoapRefunds(CdiscountSoapCase):
    def setUp(self):
        super().setUp()
        self.soap.gestures.clear()

    def _import(self, state, seed):
        (order,) = self.soap.add_orders(sim.generate_orders(1, seed=seed, states=(state,)))
        self.run_cron()
        sale = self.sale_of(order["OrderNumber"])
        self.assertTrue(sale, self.legacy.failure_ids.mapped("reason"))
        return order, sale

    def _gesture_wizard(self, sale, motive, amount):
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": sale.id})
        wizard.reason_id = wizard.reason_id.search([("channel_id", "=", self.legacy.id), ("code", "=", motive)])
        wizard.write({"mode": "amount", "amount": amount})
        return wizard

    def test_an_amount_is_a_commercial_gesture(self):
        order, sale = self._import("Shipped", seed=41)
        wizard = self._gesture_wizard(sale, "135", 6.4)
        self.assertTrue(wizard.amount_allowed and wizard.reason_id, "gesture motives are refund reasons")
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(self.soap.gestures, [(order["OrderNumber"], Decimal("6.40"), 135)])
        self.assertEqual({line["AcceptationState"] for line in order["OrderLineList"]}, {"ShippedBySeller"})

    def test_gesture_refused_by_cdiscount_is_told_on_the_order(self):
        _order, sale = self._import("WaitingForShipmentAcceptation", seed=42)
        self._gesture_wizard(sale, "131", 2).action_confirm()
        self.assertEqual(sale.refund_sync_state, "error")
        self.assertIn("commercial gesture refused", sale.refund_sync_error)
        self.assertIn("no commercial gesture before shipping", sale.refund_sync_error)
        self.assertFalse(self.soap.gestures)

    def test_line_motive_for_an_amount_is_refused_without_call(self):
        _order, sale = self._import("Shipped", seed=43)
        self._gesture_wizard(sale, "ClientClaim", 2).action_confirm()
        self.assertEqual(sale.refund_sync_state, "error")
        self.assertIn("commercial-gesture motive", sale.refund_sync_error)
        self.assertFalse(self.soap.operations("CreateRefundVoucher"))

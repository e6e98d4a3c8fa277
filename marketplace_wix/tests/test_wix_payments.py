"""Wix payments end to end through the cron and real HTTP: authorized payments, refunds of offline payments
(refundability, then refund-payments), orders without address."""
import random
from datetime import UTC, datetime, timedelta

from marketplace_simulator import wix as wix_sim

from odoo.tests import tagged

from .common import WixChannelCase


@tagged("post_install", "-at_install", "marketplace")
class TestWixPayments(WixChannelCase):
    channel_name = "Wix payments"
    barcode_prefix = "37000003000"
    page_size = 0

    def add(self, seed, **kwargs):
        return wix_sim.add_order(self.site, random.Random(seed), datetime.now(UTC) - timedelta(minutes=30),
                                 lines=wix_sim.PRODUCTS[:2], **kwargs)

    def test_authorized_payment_is_accepted_and_not_paid(self):
        order = self.add(1, payment_status="AUTHORIZED")
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual((sale.marketplace_order_status, sale.state), ("accepted", "sale"))
        self.assertIn("AUTHORIZED", sale.marketplace_status)

    def test_full_refund_of_an_offline_payment_is_recorded_as_external(self):
        order = self.add(2, offline=True)
        self.run_cron()
        sale = self.sale_of(order)
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": sale.id, "mode": "full",
                                                                "reason_note": "Annulation"})
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        refund = self.site["transactions"][order["id"]]["refunds"][0]
        self.assertTrue(refund["transactions"][0]["externalRefund"], "manually refundable: marked external")
        self.assertEqual((refund["details"]["reason"], order["paymentStatus"]), ("Annulation", "FULLY_REFUNDED"))

    def test_cancelled_order_without_address_imports_on_the_anonymous_customer(self):
        order = self.add(3, status="CANCELED", payment_status="NOT_PAID")
        order.pop("billingInfo")
        order.pop("shippingInfo")
        order["buyerInfo"].pop("email")
        self.run_cron()
        sale = self.sale_of(order)
        self.assertTrue(sale, self.env["marketplace.import.failure"].search([]).mapped("reason"))
        self.assertEqual(sale.partner_id, self.channel.anonymous_partner_id)
        self.assertEqual(sale.state, "cancel")

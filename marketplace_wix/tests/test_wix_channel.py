"""Wix channel end to end: cron import against the simulator, fulfillment and refunds back."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import wix as wix_sim

from odoo.tests import tagged

from .common import WixChannelCase


@tagged("post_install", "-at_install", "marketplace")
class TestWixChannel(WixChannelCase):
    """Wix channel on the simulator (see common.py)."""

    def setUp(self):
        super().setUp()
        self.orders = wix_sim.generate_orders(
            7, seed=21, start=datetime.now(UTC) - timedelta(hours=8), state=self.site)
        self.listed = [o for o in self.orders if o["status"] != "INITIALIZED"]

    def test_cron_imports_then_reimport_changes_nothing(self):
        self.run_cron()
        sales = self.channel_sales()
        self.assertEqual(sorted(sales.mapped("marketplace_order_ref")), sorted(o["id"] for o in self.listed))
        self.assertFalse(self.channel.last_error)
        self.assertFalse(self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)]))
        for sale in sales:
            raw = self.site["orders"][sale.marketplace_order_ref]
            self.assertEqual(sale.client_order_ref, raw["number"])
            self.assertEqual(sale.state, "sale")
            self.assertTrue(sale.marketplace_paid)
            self.assertAlmostEqual(sale.amount_total, float(raw["priceSummary"]["total"]["amount"]), places=2)
            self.assertFalse(sale.marketplace_total_mismatch)
        b2b = sales.filtered(lambda s: s.partner_id.is_company)
        self.assertTrue(b2b)
        self.assertEqual(b2b[0].partner_id.marketplace_vat, "FR40303265045")
        searches = self.app.count_requests(r"^/ecom/v1/orders/search$")
        self.assertEqual(searches, 3, "6 orders, 2 per page")
        self.assert_reimport_changes_nothing(stamp="marketplace_updated_at")
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        self.assertFalse(any(wix_sim.DEFAULT_API_KEY in (log.url or "") + (log.error or "") for log in logs))

    def test_cancellation_on_wix_cancels_the_sale_order(self):
        self.run_cron()
        target = self.listed[0]
        target["status"] = "CANCELED"
        wix_sim.touch(target)
        self.run_cron()
        self.assertEqual(self.sale_of(target["id"]).state, "cancel")
        self.assertEqual(self.sale_of(target["id"]).marketplace_status, "CANCELED/PAID/NOT_FULFILLED")

    def test_validated_delivery_creates_a_fulfillment(self):
        self.run_cron()
        target = self.listed[1]
        sale = self.sale_of(target["id"])
        picking = sale.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.write({"carrier_tracking_ref": "JD0146000099", "marketplace_carrier_name": "dhl"})
        picking.button_validate()
        self.env["marketplace.channel"]._cron_send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        fulfillment = self.site["fulfillments"][target["id"]][0]
        self.assertEqual(fulfillment["trackingInfo"]["trackingNumber"], "JD0146000099")
        self.assertEqual(fulfillment["trackingInfo"]["shippingProvider"], "dhl")
        self.assertEqual(target["fulfillmentStatus"], "FULFILLED")
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "shipped")

    def test_partial_then_full_refund_through_the_wizard(self):
        self.run_cron()
        target = self.listed[2]
        sale = self.sale_of(target["id"])
        paid = float(target["priceSummary"]["total"]["amount"])
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": sale.id})
        self.assertTrue(wizard.partial_allowed)
        first_line = target["lineItems"][0]
        wizard.write({"mode": "partial", "reason_note": "Article cassé", "refund_shipping": False})
        wizard.line_ids.filtered(lambda line: line.sale_line_id.marketplace_line_id == first_line["id"]).quantity = 1
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        refunded = self.site["transactions"][target["id"]]["refunds"]
        self.assertEqual(len(refunded), 1)
        self.assertAlmostEqual(float(refunded[0]["transactions"][0]["amount"]["amount"]),
                               float(first_line["price"]["amount"]), places=2)
        self.assertEqual(target["paymentStatus"], "PARTIALLY_REFUNDED")
        full = self.env["marketplace.refund.wizard"].create({"order_id": sale.id, "mode": "full",
                                                              "reason_note": "Annulation"})
        full.action_confirm()
        self.assertEqual(target["paymentStatus"], "FULLY_REFUNDED")
        total = sum(float(t["amount"]["amount"]) for r in refunded for t in r["transactions"])
        self.assertAlmostEqual(total, paid, places=2)
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "refunded")

    def test_rate_limit_pauses_the_channel_and_keeps_the_cursor(self):
        self.site["rate_limit"] = 2  # the third search of the run gets a 429
        self.channel.wix_requests_per_minute = 0  # no client pacing: let the server refuse
        self.run_cron()
        self.assertTrue(self.channel.paused_until, "a 429 pauses the channel")
        self.assertIn("rate limited", self.channel.last_error)
        first_two_pages = self.channel_sales()
        self.assertEqual(len(first_two_pages), 4, "the pages read before the 429 are imported")
        cursor = self.channel.import_cursor
        self.assertEqual(cursor, max(first_two_pages.mapped("marketplace_updated_at")))
        self.site["rate_limit"] = 200
        self.channel.paused_until = False
        self.run_cron()
        self.assertEqual(len(self.channel_sales()), len(self.listed))

"""Custom order statuses (tracking and workflow plugins) through the channel's status mapping, end to end."""
from marketplace_simulator import woocommerce as sim

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import WooSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooCommerceStatusMap(WooSimulatorCase):

    def failure_of(self, order):
        return self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", str(order["id"]))])

    def test_unknown_status_fails_naming_it_then_imports_once_mapped(self):
        order = self.add_order(61, status="partial-shipped")  # Advanced Shipment Tracking's custom status
        self.run_cron()
        self.assertFalse(self.sale_of(order))
        reason = self.failure_of(order).reason
        self.assertIn('Unknown order status "partial-shipped"', reason)
        self.assertIn("status mapping (WooCommerce tab)", reason)
        self.assertIn("partial-shipped=to_ship", reason, "the line to add is given")
        self.channel.woo_status_map = "wc-partial-shipped=to_ship  # slug with its wc- prefix\ndelivered=delivered"
        self.failure_of(order).action_retry()
        sale = self.sale_of(order)
        self.assertEqual((sale.marketplace_status, sale.marketplace_order_status, sale.state),
                         ("partial-shipped", "to_ship", "sale"))
        self.assertFalse(self.failure_of(order).filtered(lambda f: f.state != "done"))
        sim.update_order(self.app, order["id"], status="delivered")
        self.run_cron()
        self.assertEqual((sale.marketplace_status, sale.marketplace_order_status), ("delivered", "delivered"))
        self.assertEqual(sale.ship_sync_state, "done", "delivered: the shop already knows it shipped")

    def test_mapping_overrides_a_default_and_bad_lines_are_refused(self):
        self.channel.woo_status_map = "on-hold=pending"
        order = self.add_order(62, status="on-hold")
        self.run_cron()
        self.assertEqual(self.sale_of(order).state, "draft", "on-hold mapped to pending stays a quotation")
        with self.assertRaisesRegex(ValidationError, "paid-later"):
            self.channel.woo_status_map = "on-hold=paid-later"
        with self.assertRaisesRegex(ValidationError, "awaiting"):
            self.channel.woo_status_map = "awaiting"

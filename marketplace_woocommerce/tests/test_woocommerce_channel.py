"""WooCommerce end to end through the channel's cron and actions, against the simulator."""
from marketplace_simulator import woocommerce as sim

from odoo.tests import tagged

from .common import SECRET, WooSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooCommerceChannel(WooSimulatorCase):
    def test_cron_imports_every_page_then_reimport_changes_nothing(self):
        included = self.add_order(1, minutes_ago=90, prices_include_tax=True, coupon=6.0)
        b2b = self.add_order(2, minutes_ago=80, customer=2, prices_include_tax=False, shipping=7.5)
        pending = self.add_order(3, minutes_ago=70, status="pending", shipping=0.0)
        self.run_cron()
        listing = [q for m, p, q in self.app.requests if p == "/wp-json/wc/v3/orders"]
        self.assertEqual([q["page"] for q in listing], ["1", "2"], "per_page 2: two pages")
        sale = self.sale_of(included)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.marketplace_order_status, "to_ship")
        self.assertAlmostEqual(sale.amount_total, float(included["total"]), places=2)
        self.assertFalse(sale.marketplace_total_mismatch)
        company = self.sale_of(b2b)
        self.assertTrue(company.partner_id.is_company)
        self.assertEqual(company.partner_id.name, "Azienda Srl")
        self.assertEqual(company.partner_id.marketplace_vat, "IT12345678901")
        self.assertAlmostEqual(company.amount_untaxed, float(b2b["total"]) - float(b2b["total_tax"]), places=2)
        self.assertEqual(self.sale_of(pending).state, "draft", "unpaid orders stay quotations")
        self.assertEqual(len(self.channel_sales()), 3)
        self.assert_reimport_changes_nothing()

    def test_status_change_confirms_then_cancels(self):
        order = self.add_order(4, status="on-hold")
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale", "on-hold (awaiting bank transfer) is accepted")
        self.assertEqual(sale.marketplace_order_status, "accepted")
        sim.update_order(self.app, order["id"], status="cancelled")
        self.run_cron()
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(sale.marketplace_status, "cancelled")

    def test_ship_adds_tracking_and_completes(self):
        order = self.add_order(5)
        self.run_cron()
        sale = self.sale_of(order)
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.write({"carrier_tracking_ref": "8R12345", "marketplace_carrier_name": "Colissimo"})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.Channel._cron_send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        tracking = self.state["trackings"][order["id"]][-1]
        self.assertEqual((tracking["tracking_provider"], tracking["tracking_number"]), ("Colissimo", "8R12345"))
        self.assertEqual(self.state["orders"][order["id"]]["status"], "completed")
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "shipped")

    def test_partial_then_full_refund_through_the_wizard(self):
        order = self.add_order(6, lines=[(0, 3)])
        self.run_cron()
        sale = self.sale_of(order)
        wizard = self.env["marketplace.refund.wizard"].browse(sale.action_marketplace_refund_wizard()["res_id"])
        wizard.write({"mode": "partial", "reason_note": "damaged", "refund_shipping": False})
        wizard.line_ids.quantity = 1
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        first = self.state["refunds"][order["id"]][-1]
        self.assertEqual([(i["quantity"], i["kind"]) for i in first["line_items"]], [(-1, "line")])
        self.assertAlmostEqual(float(first["amount"]), 45.0, places=2, msg="one hoodie, tax included")
        self.run_cron()
        self.assertIn("partially refunded", sale.marketplace_status)
        full = self.env["marketplace.refund.wizard"].browse(sale.action_marketplace_refund_wizard()["res_id"])
        full.write({"mode": "full", "reason_note": "cancelled"})
        full.action_confirm()
        self.assertEqual(self.state["orders"][order["id"]]["status"], "refunded")
        refunded = sum(float(r["amount"]) for r in self.state["refunds"][order["id"]])
        self.assertAlmostEqual(refunded, float(order["total"]), places=2)
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "refunded")

    def test_rate_limited_run_pauses_channel_without_moving_cursor(self):
        self.add_order(7, minutes_ago=50)
        self.add_order(8, minutes_ago=40)
        self.add_order(9, minutes_ago=30)
        self.app.add_fault(r"GET /wp-json/wc/v3/orders$", status=429, headers={"Retry-After": "600"}, count=-1,
                           after=1)
        self.run_cron()
        self.assertTrue(self.channel.paused_until)
        self.assertFalse(self.channel.import_cursor, "no page was complete: the cursor did not move")
        self.assertFalse(self.channel_sales())
        self.app.clear_faults()
        self.channel.paused_until = False
        self.run_cron()
        self.assertEqual(len(self.channel_sales()), 3)

    def test_connection_check_options_and_no_secret_in_logs(self):
        self.channel.woo_auth_in_query = True
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "ok", self.channel.connection_message)
        self.assertIn("WooCommerce 9.4.0", self.channel.connection_message)
        self.assertEqual(self.state["auth_modes"][-1], "query")
        options = self.channel._prepare_transport_config()["options"]
        self.assertTrue(options["auth_in_query"] and options["api_refund"])
        self.assertIn("_billing_vat", options["vat_meta_keys"])
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        self.assertTrue(logs)
        self.assertFalse([log for log in logs if SECRET in (log.url or "") + (log.error or "")])

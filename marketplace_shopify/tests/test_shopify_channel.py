"""Shopify end to end through the channel's cron and actions, against the simulator."""
from marketplace_simulator import shopify as sim

from odoo.tests import tagged

from .common import ShopifySimulatorCase


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyChannel(ShopifySimulatorCase):
    def test_cron_imports_pages_then_reimport_changes_nothing(self):
        paid = self.add_order(1, minutes_ago=90)
        b2b = self.add_order(2, minutes_ago=80, customer=2, b2b=True, taxes_included=False, discount=5.0)
        pending = self.add_order(3, minutes_ago=70, financial_status="pending", shipping=0.0)
        self.run_cron()
        self.assertEqual(self.app.count_requests(r"/orders\.json$"), 2, "page size 2: two pages")
        sale = self.sale_of(paid)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.client_order_ref, "#1001")
        self.assertEqual(sale.marketplace_order_status, "to_ship")
        self.assertAlmostEqual(sale.amount_total, float(paid["total_price"]), places=2)
        self.assertFalse(sale.marketplace_total_mismatch)
        company = self.sale_of(b2b)
        self.assertTrue(company.partner_id.is_company)
        self.assertEqual(company.partner_id.name, "Bedrijf BV")
        self.assertEqual(company.partner_id.marketplace_vat, "NL123456789B01")
        self.assertAlmostEqual(company.amount_untaxed, float(b2b["total_price"]) - float(b2b["total_tax"]), places=2)
        self.assertEqual(self.sale_of(pending).state, "draft", "unpaid orders stay quotations")
        self.assertEqual(len(self.channel_sales()), 3)
        self.assert_reimport_changes_nothing()

    def test_status_change_cancels_then_paid_order_confirms(self):
        order = self.add_order(4, financial_status="pending")
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "draft")
        sim.update_order(self.app, order["id"], financial_status="paid")
        self.run_cron()
        self.assertEqual(sale.state, "sale")
        sim.update_order(self.app, order["id"], cancelled_at=order["updated_at"], financial_status="voided")
        self.run_cron()
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(sale.marketplace_status, "cancelled")

    def test_ship_sends_a_fulfillment_with_tracking(self):
        order = self.add_order(5)
        self.run_cron()
        sale = self.sale_of(order)
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.write({"carrier_tracking_ref": "6A99887766", "marketplace_carrier_name": "La Poste",
                       "marketplace_tracking_url": "https://t.example/6A99887766"})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(sale.ship_sync_state, "todo")
        self.Channel._cron_send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        fulfillment = self.state["fulfillments"][-1]
        self.assertEqual((fulfillment["tracking_company"], fulfillment["tracking_number"]), ("La Poste", "6A99887766"))
        self.assertEqual(self.state["orders"][order["id"]]["fulfillment_status"], "fulfilled")
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "shipped")

    def test_partial_then_full_refund_through_the_wizard(self):
        order = self.add_order(6, lines=[(0, 3)])
        self.run_cron()
        sale = self.sale_of(order)
        wizard = self.env["marketplace.refund.wizard"].browse(sale.action_marketplace_refund_wizard()["res_id"])
        self.assertTrue(wizard.partial_allowed)
        wizard.write({"mode": "partial", "reason_note": "damaged", "refund_shipping": False})
        wizard.line_ids.quantity = 1
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        calc = self.state["calculations"][-1]["refund"]
        self.assertEqual(calc["refund_line_items"][0]["quantity"], 1)
        self.assertEqual(self.state["orders"][order["id"]]["financial_status"], "partially_refunded")
        full = self.env["marketplace.refund.wizard"].browse(sale.action_marketplace_refund_wizard()["res_id"])
        full.write({"mode": "full", "reason_note": "cancelled"})
        full.action_confirm()
        self.assertEqual(self.state["calculations"][-1]["refund"]["shipping"], {"full_refund": True})
        self.assertEqual(self.state["orders"][order["id"]]["financial_status"], "refunded")
        self.assertEqual(self.app.count_requests(r"/refunds/calculate\.json$", "POST"), 2)
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "refunded")

    def test_rate_limited_run_pauses_channel_and_keeps_cursor(self):
        self.add_order(7, minutes_ago=50)
        self.add_order(8, minutes_ago=40)
        self.add_order(9, minutes_ago=30)
        self.app.add_fault(r"GET .*/orders\.json", status=429, body={"errors": sim.THROTTLED},
                           headers={"Retry-After": "600"}, count=-1, after=1)
        self.run_cron()
        self.assertTrue(self.channel.paused_until, "the channel waits as Shopify asked")
        self.assertIn("rate limited", self.channel.last_error)
        first_page = self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id)])
        self.assertEqual(len(first_page), 2)
        self.assertEqual(self.channel.import_cursor, max(first_page.mapped("marketplace_updated_at")))
        self.app.clear_faults()
        self.channel.paused_until = False
        self.run_cron()
        self.assertEqual(self.env["sale.order"].search_count([("marketplace_channel_id", "=", self.channel.id)]), 3)

    def test_connection_check_and_options(self):
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "ok", self.channel.connection_message)
        self.assertIn("Sim Shop", self.channel.connection_message)
        options = self.channel._prepare_transport_config()["options"]
        self.assertEqual(options["api_version"], sim.API_VERSION)
        self.assertEqual(options["restock_type"], "no_restock")
        self.assertTrue(self.channel.webhook_url.endswith(f"/marketplace/webhook/shopify/{self.channel.id}"))
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        self.assertTrue(logs)
        self.assertFalse(any(TOKEN_PART in (log.url + (log.error or "")) for log in logs for TOKEN_PART in [
            self.channel.sudo().api_secret]))

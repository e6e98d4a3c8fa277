"""PrestaShop channel end to end: cron import against the simulator, ship and refund back."""
import random
from datetime import UTC, datetime, timedelta

from marketplace_simulator import prestashop as ps_sim

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelCase, load_french


@tagged("post_install", "-at_install", "marketplace")
class TestPrestashopChannel(SimulatorChannelCase):
    channel_type = "prestashop"
    simulator = ps_sim

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.simulator_state
        for index, (sku, _name, price) in enumerate(ps_sim.PRODUCTS):
            cls._make_product(sku, f"37000001000{index}{index}", price)

    @classmethod
    def _channel_vals(cls, channel_type):
        return {"name": "PrestaShop test", "channel_type": channel_type, "base_url": cls.server.url,
                "api_secret": ps_sim.DEFAULT_KEY, "page_size": 2}

    def setUp(self):
        super().setUp()
        self.orders = ps_sim.generate_orders(
            5, seed=11, start=datetime.now(UTC) - timedelta(hours=8), state=self.shop)

    def test_cron_imports_pages_then_reimport_changes_nothing(self):
        self.run_cron()
        sales = self.channel_sales()
        self.assertEqual(sorted(sales.mapped("marketplace_order_ref")), sorted(o["id"] for o in self.orders))
        self.assertFalse(self.channel.last_error)
        self.assertFalse(self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)]))
        for sale in sales:
            raw = self.shop["orders"][sale.marketplace_order_ref]
            self.assertEqual(sale.client_order_ref, raw["reference"])
            self.assertEqual(sale.state, "sale", "Payment accepted -> to ship -> confirmed")
            self.assertAlmostEqual(sale.amount_total, float(raw["total_paid_tax_incl"]), places=2)
            self.assertFalse(sale.marketplace_total_mismatch)
            self.assertNotIn("secure_key", sale.marketplace_payload)
        b2b = sales.filtered(lambda s: s.partner_id.is_company)
        self.assertTrue(b2b)
        self.assertEqual(b2b[0].partner_id.marketplace_vat, "FR40303265045")
        self.assert_reimport_changes_nothing(stamp="marketplace_updated_at")
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        self.assertTrue(logs)
        self.assertFalse(any(ps_sim.DEFAULT_KEY in (log.url or "") + (log.error or "") for log in logs))

    def test_state_change_on_the_shop_cancels_the_sale_order(self):
        self.run_cron()
        target = self.orders[1]["id"]
        self.assertEqual(self.sale_of(target).state, "sale")
        ps_sim.set_order_state(self.shop, target, "6")
        self.run_cron()
        self.assertEqual(self.sale_of(target).state, "cancel")
        self.assertEqual(self.sale_of(target).marketplace_status, "6 Canceled")

    def test_validated_delivery_sends_tracking_and_shipped_state(self):
        self.run_cron()
        target = self.orders[0]["id"]
        sale = self.sale_of(target)
        picking = sale.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.carrier_tracking_ref = "6A00112233"
        picking.button_validate()
        self.assertEqual(sale.ship_sync_state, "todo")
        self.env["marketplace.channel"]._cron_send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        carrier = next(c for c in self.shop["order_carriers"].values() if c["id_order"] == target)
        self.assertEqual(carrier["tracking_number"], "6A00112233")
        self.assertEqual(self.shop["orders"][target]["current_state"], "4")
        self.run_cron()  # the shop now says Shipped: nothing is sent twice
        self.assertEqual(sale.marketplace_order_status, "shipped")
        self.assertEqual(len(self.shop["order_histories"]), 1)

    def test_refund_wizard_full_only_sets_refunded_state(self):
        self.run_cron()
        target = self.orders[2]["id"]
        sale = self.sale_of(target)
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": sale.id})
        self.assertFalse(wizard.partial_allowed)
        self.assertIn("cannot refund money", wizard.limits)
        wizard.write({"mode": "full", "reason_note": "Colis abîmé"})
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(self.shop["orders"][target]["current_state"], "7")
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "refunded")

    def test_test_connection_button(self):
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "ok", self.channel.connection_message)
        self.assertIn("'Shipped' state: 4 Shipped", self.channel.connection_message)
        self.channel.prestashop_refunded_state_id = 77
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "error")

    def test_bad_state_mapping_is_refused_in_the_user_language(self):
        load_french(self.env, "marketplace_prestashop")
        channel = self.channel.with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as refused:
            channel.prestashop_state_map = "14 to_ship"
        self.assertIn("« 14 to_ship »", str(refused.exception))
        self.assertIn("par exemple 14=to_ship", str(refused.exception))
        with self.assertRaises(ValidationError) as refused:
            channel.prestashop_state_map = "14=paid"
        self.assertIn("« paid » (état 14)", str(refused.exception))
        self.assertIn("to_ship", str(refused.exception), "the statuses to choose from")
        with self.assertRaises(ValidationError) as refused:
            self.channel.with_context(lang="en_US").prestashop_state_map = "14=paid"
        self.assertIn("“paid” (state 14) is not a status", str(refused.exception))

    def test_custom_state_mapping_from_the_channel(self):
        rng = random.Random(3)
        custom = dict(self.shop["order_states"]["10"], id="14", name="Virement reçu (module)")
        self.shop["order_states"]["14"] = custom  # unpaid flags: pending unless mapped
        order = ps_sim.add_order(self.shop, rng, datetime.now(UTC) - timedelta(hours=1),
                                 current_state="14")
        self.channel.prestashop_state_map = "14=to_ship"
        self.run_cron()
        self.assertEqual(self.sale_of(order["id"]).marketplace_order_status, "to_ship")
        self.assertEqual(self.sale_of(order["id"]).state, "sale")

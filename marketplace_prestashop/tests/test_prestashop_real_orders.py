"""PrestaShop's published demo order and order states (tests/fixtures/prestashop) through the cron and real
HTTP: names in the channel's language, cart rules as discount lines, multistore shops."""
import random
from datetime import UTC, datetime, timedelta

from marketplace_simulator import prestashop as ps_sim

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelCase


@tagged("post_install", "-at_install", "marketplace")
class TestPrestashopRealOrders(SimulatorChannelCase):
    channel_type = "prestashop"
    simulator = ps_sim

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index, sku in enumerate(("demo_2", "demo_3", "PS-MUG-02")):
            cls._make_product(sku, f"37000002000{index}{index}", 20.0)

    @classmethod
    def _channel_vals(cls, channel_type):
        return {"name": "PrestaShop demo shop", "channel_type": channel_type, "base_url": cls.server.url,
                "api_secret": ps_sim.DEFAULT_KEY, "prestashop_language_id": 2}

    def test_state_names_in_the_channel_language_and_cart_rules_as_lines(self):
        ps_sim.load_contract(self.simulator_state, datetime.now(UTC) - timedelta(minutes=30), cart_rule=True)
        self.simulator_state["orders"]["1"]["current_state"] = "2"  # paid, so that it is confirmed
        self.run_cron()
        sale = self.sale_of("1")
        self.assertTrue(sale, self.env["marketplace.import.failure"].search([]).mapped("reason"))
        self.assertEqual(sale.marketplace_status, "2 Paiement accepté", "French, never a raw list")
        rule = sale.order_line.filtered(lambda line: line.name == "Code promo -10%")
        self.assertEqual((rule.product_id, rule.price_unit, rule.tax_id.ids),
                         (self.channel.charge_product_id, -5.98, []))
        self.assertAlmostEqual(sale.amount_total, 55.82, places=2)
        self.assertFalse(sale.marketplace_total_mismatch)
        self.assertEqual(sale.partner_shipping_id.city, "Miami")
        self.channel.prestashop_language_id = 1
        self.simulator_state["orders"]["1"]["date_upd"] = ps_sim.ps_date(datetime.now(UTC) - timedelta(minutes=5))
        self.run_cron()
        self.assertEqual(sale.marketplace_status, "2 Payment accepted")

    def test_multistore_channel_imports_its_shop_only(self):
        self.channel.prestashop_shop_id = 2
        rng, when = random.Random(3), datetime.now(UTC) - timedelta(hours=1)
        lines = [("PS-MUG-02", "Mug céramique", 9.5)]
        mine = ps_sim.add_order(self.simulator_state, rng, when, lines=lines, shop_id="2",
                                cart_rules=[("BIENVENUE", 2.4)])
        other = ps_sim.add_order(self.simulator_state, rng, when, lines=lines, shop_id="1")
        self.run_cron()
        self.assertTrue(self.sale_of(mine["id"]))
        self.assertFalse(self.sale_of(other["id"]), "another shop of the multistore")
        sale = self.sale_of(mine["id"])
        self.assertAlmostEqual(sale.amount_total, float(mine["total_paid_tax_incl"]), places=2)
        self.assertEqual(sale.order_line.filtered(lambda line: line.name == "BIENVENUE").price_unit, -2.4)

    def test_product_without_reference_and_unknown_reference_follow_the_channel_policy(self):
        ps_sim.load_contract(self.simulator_state, datetime.now(UTC) - timedelta(minutes=30))
        rows = self.simulator_state["orders"]["1"]["associations"]["order_rows"]
        rows[0]["product_reference"] = ""  # a product without reference
        rows[1]["product_reference"] = "demo_404"  # deleted from Odoo's catalogue
        self.run_cron()
        failure = self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", "1")])
        self.assertIn("demo_404", failure.reason, "default policy: an unknown reference fails the order")
        self.channel.unknown_sku_policy = "fallback"
        failure.action_retry()
        sale = self.sale_of("1")
        lines = sale.order_line.filtered("marketplace_line_id")
        self.assertEqual(lines.product_id, self.channel.fallback_product_id)
        self.assertEqual(lines.mapped("price_unit"), [23.9, 35.9], "priced as charged")
        note = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or "")).note
        self.assertIn("Hummingbird printed t-shirt", note)
        self.assertIn("demo_404", note)
        self.assertAlmostEqual(sale.amount_total, 61.8, places=2)

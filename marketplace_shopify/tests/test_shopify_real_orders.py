"""Published Shopify orders (tests/fixtures/shopify) and custom lines end to end through the cron and real HTTP."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import shopify as sim
from marketplace_simulator.contract import contract_order

from odoo.tests import tagged

from .common import ShopifySimulatorCase


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyRealOrders(ShopifySimulatorCase):
    def _failure(self, external_id):
        return self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", str(external_id))])

    def test_unknown_skus_fail_by_default_then_import_on_the_fallback_product(self):
        order = contract_order("shopify", "order.json", datetime.now(UTC) - timedelta(minutes=30))
        sim.add_order(self.app, order)
        self.run_cron()
        self.assertFalse(self.sale_of(order), "default policy: an unknown SKU fails the order")
        failure = self._failure(order["id"])
        self.assertIn("IPOD2008GREEN", failure.reason)
        self.channel.unknown_sku_policy = "fallback"
        failure.action_retry()
        sale = self.sale_of(order)
        self.assertEqual(failure.state, "done")
        fallback = self.channel.fallback_product_id
        products = sale.order_line.filtered("marketplace_line_id")
        self.assertEqual(products.product_id, fallback)
        self.assertEqual(products.mapped("name"), ["IPod Nano - 8gb - green", "IPod Nano - 8gb - red",
                                                   "IPod Nano - 8gb - black"])
        self.assertEqual(products.mapped("price_unit"), [199.0] * 3)
        note = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or "")).note
        self.assertIn("SKU IPOD2008RED / EAN - unknown in Odoo", note)
        self.assertEqual((sale.client_order_ref, sale.currency_id.name), ("#1001", "USD"))

    def test_custom_line_without_sku_imports_on_the_fallback_product(self):
        order = sim.make_order(450789100, 1100, created_at=datetime.now(UTC) - timedelta(minutes=30),
                               lines=[(0, 1), (1, 1)])
        custom = order["line_items"][1]
        custom.update(sku=None, product_id=None, variant_id=None, name="Gift wrapping", title="Gift wrapping")
        sim.add_order(self.app, order)
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale")
        line = sale.order_line.filtered(lambda sol: sol.marketplace_line_id == str(custom["id"]))
        self.assertEqual((line.product_id, line.name), (self.channel.fallback_product_id, "Gift wrapping"))
        self.assertAlmostEqual(line.price_unit, float(custom["price"]), places=2)
        self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)
        note = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or "")).note
        self.assertIn("Gift wrapping", note)
        self.assertEqual(sale.order_line.filtered(lambda sol: sol.product_id.default_code == sim.CATALOG[0][0])
                         .product_uom_qty, 1, "the other line matched its product")

    def test_duties_fees_and_each_shipping_line_make_the_shop_total(self):
        order = sim.make_order(450789200, 1200, created_at=datetime.now(UTC) - timedelta(minutes=30),
                               lines=[(0, 1)])
        express = {"id": 9901, "title": "Express supplement", "code": "express", "price": "2.00",
                   "discounted_price": "2.00", "tax_lines": [{"title": "TVA", "rate": 0.055, "price": "0.10"}]}
        order["shipping_lines"].append(express)
        order["original_total_duties_set"] = {"shop_money": {"amount": "3.00", "currency_code": "EUR"},
                                              "presentment_money": {"amount": "3.00", "currency_code": "EUR"}}
        order["original_total_additional_fees_set"] = {
            "shop_money": {"amount": "1.50", "currency_code": "EUR"},
            "presentment_money": {"amount": "1.50", "currency_code": "EUR"}}
        total = float(order["total_price"]) + 2.0 + 3.0 + 1.5
        for name in ("total_price", "current_total_price"):
            order[name] = f"{total:.2f}"
        for name in ("total_price_set", "current_total_price_set"):
            if name in order:
                order[name] = {key: {"amount": f"{total:.2f}", "currency_code": "EUR"}
                               for key in ("shop_money", "presentment_money")}
        sim.add_order(self.app, order)
        self.run_cron()
        sale = self.sale_of(order)
        shipping = sale.order_line.filtered(lambda sol: sol.product_id == self.channel.shipping_product_id)
        self.assertEqual(len(shipping), 2, "one line per Shopify shipping line")
        rates = {sol.name: sum(sol.tax_id.mapped("amount")) for sol in shipping}
        self.assertEqual(rates["Express supplement"], 5.5, "each shipping line keeps its own tax")
        charges = sale.order_line.filtered(lambda sol: sol.product_id == self.channel.charge_product_id)
        self.assertEqual(sorted(charges.mapped("name")), ["Additional fees", "Duties"])
        self.assertFalse(charges.filtered(lambda sol: sol.name == "Duties").tax_id, "duties are not taxed again")
        self.assertAlmostEqual(sale.amount_total, total, places=2)
        self.assertFalse(sale.marketplace_total_mismatch)

    def _addressless(self, number, **kwargs):
        order = sim.make_order(450789300 + number, 1300 + number, lines=[(0, 1)],
                               created_at=datetime.now(UTC) - timedelta(minutes=30), **kwargs)
        for key in ("customer", "billing_address", "shipping_address"):
            order[key] = None  # as Shopify sends them to an app without protected customer data access
        order["email"] = order["contact_email"] = None
        sim.add_order(self.app, order)
        return order

    def test_order_without_customer_that_ships_nothing_imports_on_the_anonymous_customer(self):
        order = self._addressless(1, financial_status="voided", cancelled=True)
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.partner_id, self.channel.anonymous_partner_id)
        self.assertEqual(sale.partner_shipping_id, self.channel.anonymous_partner_id)
        self.assertEqual(sale.state, "cancel")

    def test_order_to_ship_without_address_fails_naming_what_and_the_permission(self):
        order = self._addressless(2)
        self.run_cron()
        self.assertFalse(self.sale_of(order))
        reason = self._failure(order["id"]).reason
        self.assertIn("no shipping address (missing: name, street, zip, city, country, e-mail, phone)", reason)
        self.assertIn("protected customer data access, level 2 (name, address, e-mail, phone)", reason)

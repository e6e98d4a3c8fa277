"""Published WooCommerce orders (tests/fixtures/woocommerce) end to end through the cron and real HTTP."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator.contract import contract_order

from odoo.tests import tagged

from .common import WooSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooCommerceRealOrders(WooSimulatorCase):
    def _serve(self, name, minutes_ago=30):
        payload = contract_order("woocommerce", name, datetime.now(UTC) - timedelta(minutes=minutes_ago))
        self.state["orders"][payload["id"]] = payload
        return payload

    def test_documented_order_imports_its_line_without_sku_on_the_fallback_product(self):
        self.env["product.product"].create({"name": "Ship Your Idea", "default_code": "Bar3", "type": "consu"})
        payload = self._serve("order-727.json")
        self.run_cron()
        sale = self.sale_of(payload)
        self.assertTrue(sale, self.env["marketplace.import.failure"].search([]).mapped("reason"))
        fallback = self.channel.fallback_product_id
        self.assertEqual(fallback.type, "service", "the fallback product is never stocked")
        line = sale.order_line.filtered(lambda sol: sol.marketplace_line_id == "315")
        self.assertEqual((line.product_id, line.name, line.product_uom_qty, line.price_unit),
                         (fallback, "Woo Single #1", 2, 3.0), "named and priced as charged")
        matched = sale.order_line.filtered(lambda sol: sol.marketplace_line_id == "316")
        self.assertEqual(matched.product_id.default_code, "Bar3")
        self.assertEqual(sale.currency_id.name, "USD")
        self.assertEqual(sale.partner_id.name, "John Doe")
        activity = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or ""))
        self.assertEqual(len(activity), 1)
        self.assertIn("Woo Single #1", activity.note)
        self.assertIn("no SKU nor EAN", activity.note)
        self.assertNotIn("Ship Your Idea", activity.note, "matched lines are not listed")
        self.assert_reimport_changes_nothing()

    def test_line_without_sku_and_no_fallback_product_fails_with_the_fix(self):
        self.channel.fallback_product_id = False
        payload = self._serve("order-727.json")
        self.run_cron()
        self.assertFalse(self.sale_of(payload))
        failure = self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", "727")])
        self.assertIn("no fallback product", failure.reason)

    def test_fee_lines_positive_negative_and_untaxed_make_the_shop_total(self):
        order = self.add_order(40, prices_include_tax=True)
        order["fee_lines"] = [  # as WooCommerce sends them: totals without tax, tax apart
            {"id": 901, "name": "Gift wrap", "tax_class": "", "tax_status": "taxable", "total": "8.33",
             "total_tax": "1.67", "taxes": [{"id": 1, "total": "1.67", "subtotal": ""}], "meta_data": []},
            {"id": 902, "name": "Loyalty discount", "tax_class": "", "tax_status": "taxable", "total": "-4.17",
             "total_tax": "-0.83", "taxes": [{"id": 1, "total": "-0.83", "subtotal": ""}], "meta_data": []},
            {"id": 903, "name": "Cash on delivery", "tax_class": "", "tax_status": "none", "total": "2.00",
             "total_tax": "0.00", "taxes": [], "meta_data": []},
        ]
        order["total"] = f"{float(order['total']) + 10.0 - 5.0 + 2.0:.2f}"
        order["total_tax"] = f"{float(order['total_tax']) + 1.67 - 0.83:.2f}"
        self.run_cron()
        sale = self.sale_of(order)
        fees = sale.order_line.filtered(lambda sol: sol.product_id == self.channel.charge_product_id)
        self.assertEqual(fees.mapped("name"), ["Gift wrap", "Loyalty discount", "Cash on delivery"])
        self.assertEqual(fees.mapped("price_unit"), [10.0, -5.0, 2.0], "tax included, as the order's prices")
        self.assertEqual([bool(sol.tax_id) for sol in fees], [True, True, False])
        self.assertFalse(fees[2].tax_id, "an untaxed fee stays untaxed")
        self.assertAlmostEqual(sale.amount_total, float(order["total"]), places=2)
        self.assertFalse(sale.marketplace_total_mismatch)

    def test_cancelled_order_without_address_imports_on_the_anonymous_customer(self):
        order = self.add_order(41, status="cancelled")
        order["billing"] = {key: "" for key in order["billing"]}
        order["shipping"] = {key: "" for key in order["shipping"]}
        order["customer_id"] = 0
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.partner_id, self.channel.anonymous_partner_id)
        self.assertEqual(sale.state, "cancel")

    def test_order_to_ship_without_address_fails_saying_what_is_missing(self):
        order = self.add_order(42)
        order["billing"] = dict({key: "" for key in order["billing"]}, email="buyer@example.com")
        order["shipping"] = {key: "" for key in order["shipping"]}
        self.run_cron()
        self.assertFalse(self.sale_of(order))
        reason = self.env["marketplace.import.failure"].search([("external_id", "=", str(order["id"]))]).reason
        self.assertIn("no shipping address (missing: name, street, zip, city, country, phone)", reason)
        self.assertIn("Check the customer data the marketplace lets the connector read", reason)

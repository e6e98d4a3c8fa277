"""Wix lines without SKU (matched on their catalog ids, else the fallback product) and additional fees,
end to end through the cron and real HTTP."""
import random
from datetime import UTC, datetime, timedelta

from marketplace_simulator import wix as wix_sim

from odoo.tests import tagged

from .common import WixChannelCase


@tagged("post_install", "-at_install", "marketplace")
class TestWixRealOrders(WixChannelCase):
    """Wix channel on the simulator (see common.py)."""

    def test_lines_without_sku_use_catalog_ids_then_the_fallback_and_fees_become_lines(self):
        (sku_a, _name_a, price_a), (sku_b, _name_b, price_b) = wix_sim.PRODUCTS[:2]
        order = wix_sim.add_order(self.site, random.Random(5), datetime.now(UTC) - timedelta(minutes=30),
                                  lines=[(sku_a, "Catalog item", price_a), (sku_b, "Custom item", price_b)])
        known, custom = order["lineItems"]
        for item in order["lineItems"]:
            item["physicalProperties"]["sku"] = ""
        self.env["product.product"].create({"name": "Wix catalog product", "type": "consu",
                                            "default_code": known["catalogReference"]["catalogItemId"]})
        order["additionalFees"] = [{"code": "wrap", "name": "Gift wrapping", "price": {"amount": "3.60"},
                                    "taxDetails": {"taxRate": "0.2"}}]
        total = float(order["priceSummary"]["total"]["amount"]) + 3.6
        order["priceSummary"]["total"] = {"amount": f"{total:.2f}"}
        self.run_cron()
        sale = self.sale_of(order)
        by_id = {sol.marketplace_line_id: sol for sol in sale.order_line if sol.marketplace_line_id}
        self.assertEqual(by_id[known["id"]].product_id.name, "Wix catalog product", "matched on catalogItemId")
        self.assertEqual(by_id[custom["id"]].product_id, self.channel.fallback_product_id)
        fee = sale.order_line.filtered(lambda sol: sol.product_id == self.channel.charge_product_id)
        self.assertEqual((fee.name, fee.price_unit), ("Gift wrapping", 3.6))
        self.assertAlmostEqual(sale.amount_total, total, places=2)
        note = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or "")).note
        self.assertIn("Custom item", note)
        self.assertNotIn("Catalog item", note)

"""Issue 19 item 1 through Octopia (prices VAT included): a French 5.5 % product sold to a German consumer
above the threshold is taxed at the German reduced rate, 7 % (it was seen at 19 %)."""
from datetime import date

from marketplace_simulator import octopia as sim

from odoo.tests import tagged

from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace")
class TestOctopiaOssReducedRate(OctopiaSimulatorCase):
    @classmethod
    def _channel_vals(cls):
        return dict(super()._channel_vals(), invoice_policy="confirm")

    def german_consumer_order(self, sku, unit, rate):
        order = self.add_orders(1, seed=19, statuses=["InPreparation"])[0]
        line = order["lines"][0]
        order.update(businessOrder=False, lines=[line], totalPrice={"offerPrice": unit, "sellingPrice": unit})
        order["billingAddress"].update(countryCode="DE", postalCode="10115", city="Berlin", companyVatNumber="",
                                       companyName="")
        line["shippingAddress"].update(countryCode="DE", postalCode="10115", city="Berlin", companyName="",
                                       pickupId="", pickupName="")
        line["offer"].update(sellerProductId=sku, productGtin="", supplyMode="Seller")
        taxes = [{"code": "VAT", "target": "Product", "amount": round(unit * rate / (100 + rate), 2), "rate": rate}]
        line.update(quantity=1, sellingPrice={"unitSalesPrice": unit, "shippingCost": 0.0, "taxes": taxes})
        return order

    def test_french_reduced_product_to_a_german_consumer_at_7(self):
        company = self.env.company
        company.marketplace_oss_option_date = date(2025, 1, 1)
        sku = sim.CATALOG[0]["sku"]
        reduced = self.env["account.chart.template"].ref("tva_reduite")
        reduced.active = True  # the French chart ships its reduced rates archived
        self.products[sku].taxes_id = reduced
        order = self.german_consumer_order(sku, 10.70, 7.0)
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_oss", sale.marketplace_vat_reason)
        tax = sale.order_line.filtered("marketplace_line_id").tax_id
        self.assertEqual((tax.amount, tax.marketplace_oss_country_id.code, tax.price_include), (7.0, "DE", True))
        self.assertAlmostEqual(sale.amount_total, 10.70, places=2)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted", sale.marketplace_invoice_message or "")
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 7.0)
        self.assertAlmostEqual(invoice.amount_tax, 0.70, places=2)

"""The invoice against the marketplace's VAT: rate per line, VAT per rate (also on tax-excluded channels),
adjustment split per tax group, payment of the amount paid (issue 19 item 7)."""
from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import make_address, make_order

from .common import VatCase


@tagged("post_install", "-at_install", "marketplace")
class TestVatReconcile(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tva_55 = cls.env["account.chart.template"].ref("tva_reduite")
        cls.tva_55.active = True  # archived by the French chart until used
        cls.product_c = cls._make_product("SKU-C", 10.0)
        cls.product_c.taxes_id = cls.tva_55
        cls.journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1)

    def import_taxed(self, external_id, lines, ship=None, **values):
        """``lines``: (sku, quantity, unit price, stated rate, stated VAT) of the marketplace."""
        order = make_order(external_id, lines=[line[:3] for line in lines], billing=make_address(**(ship or {})),
                           shipping=make_address(**(ship or {})), customer_external_id=f"CUST-{external_id}",
                           **values)
        for line, (*_sku_qty_price, rate, tax) in zip(order.lines, lines, strict=True):
            line.tax_rate, line.tax_amount = rate, tax
        sale, _changed = self.importer._import_order(self.channel, order)
        return sale

    def adjustments(self, invoice):
        product = self.channel.adjustment_product_id
        return invoice.invoice_line_ids.filtered(lambda line: line.product_id == product)

    def test_rate_difference_holds_even_with_adjust(self):
        self.channel.totals_mismatch_policy = "adjust"
        sale = self.import_taxed("REC-1", [("SKU-A", 1, 24.0, 5.5, 1.25)], total_amount=24.0)
        self.assertTrue(sale.marketplace_vat_mismatch, "flagged at import")
        self.assertFalse(sale.marketplace_total_mismatch, "the totals agree")
        self.assertIn("VAT rate differs", self.messages(sale))
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "draft", "never post a VAT rate the marketplace did not charge")
        self.assertEqual(sale.marketplace_invoice_hold, "vat_mismatch")
        self.assertIn("marketplace 5.5 %, Odoo 20 %", invoice.marketplace_hold_reason)
        self.assertFalse(self.adjustments(invoice), "a rate is never adjusted")
        self.assertTrue(invoice.activity_ids.filtered(lambda a: a.summary == "Marketplace invoice VAT differs"))
        sale._marketplace_invoice_if_due()
        self.assertEqual(invoice.state, "draft", "a held invoice waits for a human")

    def test_tax_excluded_channel_compares_the_vat_too(self):
        sale = self.import_taxed("REC-2", [("SKU-A", 1, 20.0, 20.0, 4.5)], prices_include_tax=False,
                                 total_amount=20.0)
        self.assertFalse(sale.marketplace_total_mismatch or sale.marketplace_vat_mismatch, "same rate and total")
        invoice = sale.invoice_ids
        self.assertAlmostEqual(invoice.amount_untaxed, 20.0, places=2)
        self.assertEqual(invoice.state, "draft", "the untaxed totals agree, the VAT does not")
        self.assertEqual(sale.marketplace_invoice_hold, "vat_mismatch")
        self.assertIn("VAT at 20 %: marketplace 4.5, Odoo 4.0", invoice.marketplace_hold_reason)

    def test_tax_excluded_channel_agreeing_is_posted_and_paid_with_its_vat(self):
        self.channel.write({"register_payment": True, "payment_journal_id": self.journal.id})
        sale = self.import_taxed("REC-3", [("SKU-A", 2, 20.0, 20.0, 8.0), ("SKU-C", 1, 10.0, 5.5, 0.55)],
                                 prices_include_tax=False, total_amount=50.0, paid=True)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted", sale.marketplace_invoice_message)
        self.assertAlmostEqual(sale.marketplace_paid_amount, 58.55, places=2, msg="untaxed total + stated VAT")
        self.assertAlmostEqual(invoice.amount_total, 58.55, places=2)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_adjustment_is_split_per_tax_rate(self):
        self.channel.totals_mismatch_policy = "adjust"
        sale = self.import_taxed("REC-4", [("SKU-A", 1, 24.0, 20.0, 4.0), ("SKU-C", 1, 10.55, 5.5, 0.55)],
                                 total_amount=34.60)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted", sale.marketplace_invoice_message)
        self.assertAlmostEqual(invoice.amount_total, 34.60, places=2)
        adjustments = self.adjustments(invoice)
        self.assertEqual(len(adjustments), 2, "one line per VAT rate")
        by_rate = {line.tax_ids.amount: line.price_unit for line in adjustments}
        self.assertEqual(sorted(by_rate), [5.5, 20.0], "each line carries its rate's tax: none is untaxed")
        self.assertAlmostEqual(by_rate[20.0], 0.03, places=2)
        self.assertAlmostEqual(by_rate[5.5], 0.02, places=2)
        product_lines = invoice.invoice_line_ids - adjustments
        for line in adjustments:
            self.assertIn(line.tax_ids, product_lines.mapped("tax_ids"), "the taxes of the product lines")

    def test_adjustment_of_an_export_keeps_its_exempt_tax(self):
        self.channel.totals_mismatch_policy = "adjust"
        sale = self.import_order("REC-5", ship={"country_code": "CH", "zip": "1201", "city": "Genève",
                                                "email": "ch@example.ch"}, total_amount=24.03)
        invoice = sale.invoice_ids
        self.assertEqual(sale.marketplace_vat_regime, "export")
        self.assertAlmostEqual(invoice.amount_total, 24.03, places=2)
        adjustment = self.adjustments(invoice)
        self.assertEqual(adjustment.tax_ids, (invoice.invoice_line_ids - adjustment).tax_ids)
        self.assertTrue(adjustment.tax_ids, "the export's 0 % tax, reported in its VAT return box")
        self.assertEqual(invoice.amount_tax, 0.0)

    def test_payment_is_the_amount_the_marketplace_says_was_paid(self):
        self.channel.write({"register_payment": True, "payment_journal_id": self.journal.id})
        sale = self.import_order("REC-6", lines=[("SKU-A", 1, 24.0)], total_amount=24.0, paid=True,
                                 paid_amount=20.0)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted", sale.marketplace_invoice_message)
        self.assertEqual(invoice.payment_state, "partial", "4.00 left open for an accountant")
        self.assertAlmostEqual(invoice.amount_residual, 4.0, places=2)
        self.assertIn("says 20.0 was paid", self.messages(invoice))

    def test_facts_kept_on_the_lines_and_same_rates_pass(self):
        sale = self.import_taxed("REC-7", [("SKU-A", 1, 24.0, 20.0, 4.0)], total_amount=24.0, paid=True)
        line = sale.order_line.filtered("marketplace_line_id")
        self.assertEqual(line.marketplace_tax, {"rate": 20.0, "tax": 4.0, "base": 24.0})
        self.assertAlmostEqual(sale.marketplace_paid_amount, 24.0, places=2)
        self.assertFalse(sale.marketplace_total_mismatch or sale.marketplace_vat_mismatch)
        self.assertEqual(sale.invoice_ids.state, "posted")
        self.assertFalse(sale.marketplace_invoice_hold)

"""The e-reporting extract of a period equals the sum of its invoices per category and rate, and reconciles
with the VAT and OSS booked."""
import base64
import csv
import io
from collections import defaultdict

from odoo import fields
from odoo.tests import tagged

from odoo.addons.marketplace_vat.tests.test_vat_import import DE_BUYER

from ..einvoice.categories import REGIME_CATEGORY, category_for
from .common import FR_BUSINESS, EinvoiceCase
from .test_facturx import CH_CONSUMER, IT_CONSUMER

CH_BUSINESS = dict(CH_CONSUMER, company_name="Uhren Favre SA", email="achats@example.ch")


@tagged("post_install", "-at_install", "marketplace")
class TestEreporting(EinvoiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_c = cls._make_product("SKU-C", 10.55)
        reduced = cls.env["account.chart.template"].ref("tva_reduite")  # French 5.5 %, inactive in the chart
        reduced.active = True
        cls.product_c.taxes_id = reduced

    def sales_of_the_period(self):
        """One sale per regime and buyer kind, a reduced rate, and a credit note."""
        self.assertFalse(self.company.marketplace_oss_option_date)  # home VAT below the computed threshold
        sales = [
            self.import_order("ER-1", lines=[("SKU-A", 2, 24.0)], total_amount=48.0),
            self.import_order("ER-2", lines=[("SKU-A", 1, 24.0), ("SKU-C", 1, 10.55)], total_amount=34.55),
            self.import_order("ER-3", ship=FR_BUSINESS, is_business=True, total_amount=24.0),
            self.import_order("ER-4", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True,
                              lines=[("SKU-A", 2, 20.0)], total_amount=40.0),
            self.import_order("ER-5", ship=CH_CONSUMER, total_amount=24.0),
            self.import_order("ER-6", ship=dict(IT_CONSUMER, email="home@example.it"), total_amount=24.0),
            self.import_order("ER-8", ship=CH_BUSINESS, is_business=True, total_amount=24.0),
        ]
        self.company.marketplace_oss_option_date = fields.Date.today()  # opted in to destination VAT
        sales.append(self.import_order("ER-7", ship=IT_CONSUMER, lines=[("SKU-A", 1, 24.4)], total_amount=24.4))
        moves = sales and self.env["account.move"].union(*(sale.invoice_ids for sale in sales))
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        refund = sales[0].invoice_ids._reverse_moves()
        refund.action_post()
        return moves | refund

    def expected(self, moves):
        """Per (category, rate): taxable amount and VAT from each invoice's own tax totals."""
        totals = defaultdict(lambda: [0.0, 0.0, 0])
        for move in moves:
            category = category_for(move.marketplace_vat_regime, move._marketplace_is_b2b())
            sign = -1 if move.move_type == "out_refund" else 1
            for subtotal in move.tax_totals["subtotals"]:
                for group in subtotal["tax_groups"]:
                    rate = self.env["account.tax"].browse(group["involved_tax_ids"][:1]).amount
                    key = (category, round(rate, 2))
                    totals[key][0] += sign * group["base_amount_currency"]
                    totals[key][1] += sign * group["tax_amount_currency"]
                    totals[key][2] += 1
        return totals

    def test_extract_equals_the_invoices_per_category_and_rate_and_reconciles(self):
        moves = self.sales_of_the_period()
        today = fields.Date.context_today(self.env["account.move"])
        report = self.env["marketplace.ereporting"].create({"date_from": today, "date_to": today})
        report.action_compute()
        got = defaultdict(lambda: [0.0, 0.0, 0])
        for line in report.line_ids:
            got[(line.category, line.rate)][0] += line.base
            got[(line.category, line.rate)][1] += line.tax
            got[(line.category, line.rate)][2] += line.count
        expected = self.expected(moves)
        einvoiced = {key: value for key, value in expected.items() if key[0] == "einvoiced"}
        self.assertEqual(list(einvoiced), [("einvoiced", 20.0)], "the domestic business sale is e-invoiced")
        reported = {key: value for key, value in expected.items() if key[0] != "einvoiced"}
        self.assertEqual(sorted(got), sorted(reported))
        for key, (base, tax, count) in reported.items():
            self.assertAlmostEqual(got[key][0], base, places=2, msg=key)
            self.assertAlmostEqual(got[key][1], tax, places=2, msg=key)
            self.assertEqual(got[key][2], count, key)
        self.assertAlmostEqual(got[("b2c_fr", 20.0)][0], 20.0 + 20.0 + 20.0 - 40.0 + 20.0,
                               msg="two domestic, one EU below the threshold, minus the credit note")
        self.assertIn(("b2c_fr", 5.5), got)
        self.assertAlmostEqual(got[("b2c_oss", 22.0)][1], 4.4, places=2)
        self.assertEqual([line.move_id for line in report.line_ids if line.category == "intra_eu_b2b"],
                         [moves.filtered(lambda m: m.marketplace_vat_regime == "intra_eu_b2b")],
                         "intra-EU B2B invoice by invoice")
        exports = moves.filtered(lambda m: m.marketplace_vat_regime == "export")
        self.assertEqual(len(exports), 2, "a Swiss consumer and a Swiss business")
        self.assertEqual([line.move_id for line in report.line_ids if line.category == "export_b2b"],
                         [exports.filtered(lambda m: m._marketplace_is_b2b())],
                         "an export to a business invoice by invoice")
        self.assertEqual(report.line_ids.filtered(lambda line: line.category == "export").move_id.ids, [],
                         "exports to consumers aggregated")
        self.assertAlmostEqual(report.vat_gap, 0.0, places=2)
        self.assertAlmostEqual(report.vat_ledger, report.vat_einvoiced + report.vat_reported, places=2)
        self.assertAlmostEqual(report.vat_einvoiced, 4.0, places=2)
        self.assertAlmostEqual(report.oss_ledger, 4.4, places=2)
        self.assertAlmostEqual(report.oss_gap, 0.0, places=2)

    def test_csv_export_and_the_mapping_covers_every_regime(self):
        self.sales_of_the_period()
        today = fields.Date.context_today(self.env["account.move"])
        report = self.env["marketplace.ereporting"].create({"date_from": today, "date_to": today})
        action = report.action_export_csv()
        attachment = self.env["ir.attachment"].search([("res_model", "=", report._name), ("res_id", "=", report.id)])
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(attachment.datas).decode()), delimiter=";"))
        self.assertEqual(len(rows), len(report.line_ids))
        self.assertAlmostEqual(sum(float(row["vat_eur"]) for row in rows), report.vat_reported, places=2)
        self.assertEqual({row["category"] for row in rows},
                         {"b2c_fr", "b2c_oss", "export", "export_b2b", "intra_eu_b2b"})
        regimes = {value for value, _label in self.env["account.move"]._fields["marketplace_vat_regime"].selection}
        self.assertEqual(set(REGIME_CATEGORY), regimes, "every VAT regime has its category")

    def test_empty_period(self):
        report = self.env["marketplace.ereporting"].create({"date_from": "2020-01-01", "date_to": "2020-01-31"})
        report.action_compute()
        self.assertFalse(report.line_ids)
        self.assertEqual((report.vat_ledger, report.vat_gap, report.oss_gap), (0.0, 0.0, 0.0))

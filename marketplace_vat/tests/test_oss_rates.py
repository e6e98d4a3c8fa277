"""Issue 19 items 1-2: OSS lines at the destination rate of the product's VAT category, dated mappings."""
from datetime import UTC, date, datetime

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import VatCase

DE_CONSUMER = {"name": "Max Mustermann", "street": "Unter den Linden 1", "zip": "10117", "city": "Berlin",
               "country_code": "DE", "email": "max@example.de"}
IT_CONSUMER = {"name": "Giulia Rossi", "street": "Via Roma 1", "zip": "20121", "city": "Milano",
               "country_code": "IT", "email": "giulia@example.it"}
RO_CONSUMER = {"name": "Ion Popescu", "street": "Strada 1", "zip": "010011", "city": "Bucuresti",
               "country_code": "RO", "email": "ion@example.ro"}


@tagged("post_install", "-at_install", "marketplace")
class TestOssRates(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tva_55 = cls.env["account.chart.template"].ref("tva_reduite")
        cls.tva_55.active = True  # the French chart ships its reduced rates archived
        cls.book = cls._make_product("BOOK-55", 10.0)
        cls.book.taxes_id = cls.tva_55
        cls.company.marketplace_oss_option_date = date(2025, 1, 1)

    def oss_taxes(self, sale):
        return sale.order_line.filtered("marketplace_line_id").tax_id

    def test_french_reduced_product_to_a_german_consumer_tax_excluded(self):
        self.channel.prices_include_tax = "excluded"
        sale = self.import_order("OSS-EX", ship=DE_CONSUMER, lines=[("BOOK-55", 2, 10.0)], total_amount=20.0)
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_oss")
        tax = self.oss_taxes(sale)
        self.assertEqual((tax.amount, tax.marketplace_oss_country_id.code, tax.price_include), (7.0, "DE", False),
                         "German reduced rate, not French 5.5 % nor German 19 %")
        self.assertAlmostEqual(sale.amount_tax, 1.4, places=2)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted", sale.marketplace_invoice_message or "")
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 7.0)
        self.assertAlmostEqual(invoice.amount_untaxed, 20.0, places=2)

    def test_french_reduced_product_to_a_german_consumer_tax_included(self):
        self.channel.prices_include_tax = "included"
        sale = self.import_order("OSS-IN", ship=DE_CONSUMER, lines=[("BOOK-55", 1, 10.70)], total_amount=10.70)
        tax = self.oss_taxes(sale)
        self.assertEqual((tax.amount, tax.marketplace_oss_country_id.code, tax.price_include), (7.0, "DE", True))
        self.assertAlmostEqual(sale.amount_total, 10.70, places=2, msg="the marketplace's price, VAT included")
        self.assertAlmostEqual(sale.amount_untaxed, 10.0, places=2)
        self.assertEqual(sale.invoice_ids.state, "posted")

    def test_standard_products_keep_the_destination_standard_rate(self):
        sale = self.import_order("OSS-STD", ship=DE_CONSUMER, lines=[("SKU-A", 1, 23.8), ("BOOK-55", 1, 10.70)])
        self.assertEqual(sorted(self.oss_taxes(sale).mapped("amount")), [7.0, 19.0])

    def test_the_product_category_overrides_its_tax(self):
        self.book.marketplace_vat_category = "standard"
        sale = self.import_order("OSS-CAT", ship=DE_CONSUMER, lines=[("BOOK-55", 1, 11.90)])
        self.assertEqual(self.oss_taxes(sale).amount, 19.0)

    def test_destinations_sharing_a_rate_keep_their_own_taxes(self):
        """Cyprus and Germany both tax at 19 %: each line declares its own country in the OSS return."""
        cyprus = {"name": "Andreas", "street": "Odos 1", "zip": "1010", "city": "Nicosia", "country_code": "CY",
                  "email": "andreas@example.cy"}
        de_sale = self.import_order("OSS-DE19", ship=DE_CONSUMER, lines=[("SKU-A", 1, 23.8)])
        cy_sale = self.import_order("OSS-CY19", ship=cyprus, lines=[("SKU-A", 1, 23.8)])
        self.assertEqual(self.oss_taxes(de_sale).marketplace_oss_country_id.code, "DE")
        self.assertEqual(self.oss_taxes(cy_sale).marketplace_oss_country_id.code, "CY")
        self.assertTrue(self.oss_taxes(cy_sale).price_include)

    def test_an_oss_line_without_a_single_rate_holds_the_invoice(self):
        """Italy has two reduced rates (5 and 10 %): which one depends on the goods."""
        sale = self.import_order("OSS-IT", ship=IT_CONSUMER, lines=[("BOOK-55", 1, 10.55)], total_amount=10.55)
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_oss")
        self.assertFalse(sale.invoice_ids, "never invoiced with a wrong tax")
        self.assertEqual(sale.marketplace_invoice_hold, "oss_tax")
        self.assertIn("5 %, 10 %", sale.marketplace_invoice_message)
        self.assertTrue(sale.activity_ids.filtered(lambda a: a.summary == "Marketplace OSS rate unknown"))
        with self.assertRaises(ValidationError):
            self.book.marketplace_vat_rate_ids = [(0, 0, {"country_id": self.env.ref("base.it").id, "rate": 7.0})]
        self.book.marketplace_vat_rate_ids = [(0, 0, {"country_id": self.env.ref("base.it").id, "rate": 10.0})]
        sale.action_marketplace_reapply_vat()
        self.assertEqual((self.oss_taxes(sale).amount, self.oss_taxes(sale).marketplace_oss_country_id.code),
                         (10.0, "IT"))
        self.assertFalse(sale.marketplace_invoice_hold)
        self.assertEqual(sale.invoice_ids.state, "posted")
        self.assertAlmostEqual(sale.invoice_ids.amount_total, 10.55, places=2)

    def test_an_oss_invoice_with_a_home_tax_cannot_be_posted(self):
        self.channel.invoice_policy = "never"
        sale = self.import_order("OSS-MAN", ship=IT_CONSUMER, lines=[("BOOK-55", 1, 10.55)])
        invoice = sale._create_invoices()
        with self.assertRaisesRegex(UserError, "OSS distance sale to Italy"):
            invoice.action_post()
        invoice.invoice_line_ids.tax_ids = self.company._marketplace_oss_tax("IT", 10.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_setup_maps_each_category_to_its_destination_rate(self):
        chart = self.env["account.chart.template"]
        germany = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "DE")
        spain = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "ES")
        italy = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "IT")
        expected = [(germany, "tva_normale", 19.0), (germany, "tva_reduite", 7.0), (germany, "tva_intermediaire", 7.0),
                    (spain, "tva_reduite", 10.0), (spain, "tva_super_reduite", 4.0), (italy, "tva_super_reduite", 4.0)]
        for position, xmlid, rate in expected:
            mapped = position.map_tax(chart.ref(xmlid))
            self.assertEqual((mapped.amount, mapped.marketplace_oss_country_id),
                             (rate, position.marketplace_country_id), f"{position.name} {xmlid}")
        self.assertEqual(italy.map_tax(self.tva_55), self.tva_55, "no line: Italy's reduced rate is not single")
        self.assertEqual(germany.map_tax(chart.ref("tva_super_reduite")), chart.ref("tva_super_reduite"))

    # -- item 2: dated rates ------------------------------------------------------------------
    def test_a_rate_change_moves_the_mapping_from_its_start_date(self):
        """Romania went from 19 to 21 % on 2025-08-01: a mapping made before moves, orders dated before keep 19 %."""
        romania = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "RO")
        romania.tax_ids.unlink()
        old = self.company._marketplace_oss_tax("RO", 19.0)
        romania.tax_ids = [(0, 0, {"tax_src_id": self.tva_20.id, "tax_dest_id": old.id})]  # a mapping of 2024
        self.company._marketplace_vat_setup()
        line_19 = romania.tax_ids.filtered(lambda line: line.tax_dest_id == old)
        self.assertEqual(line_19.marketplace_date_to, date(2025, 7, 31))
        at = romania.with_context
        self.assertEqual(at(marketplace_tax_date=date(2025, 7, 31)).map_tax(self.tva_20), old)
        self.assertEqual(at(marketplace_tax_date=date(2025, 8, 1)).map_tax(self.tva_20).amount, 21.0)
        self.assertEqual(romania.map_tax(self.tva_20).amount, 21.0, "today")
        self.assertEqual(at(marketplace_tax_date=date(2025, 8, 1)).map_tax(self.tva_55).amount, 11.0,
                         "5 and 9 % merged into 11 %: a single reduced rate since")

        before = self.import_order("RO-JUL", ship=RO_CONSUMER, lines=[("SKU-A", 1, 23.8)],
                                   created_at=datetime(2025, 7, 15, 10, tzinfo=UTC))
        after = self.import_order("RO-AUG", ship=dict(RO_CONSUMER, email="ion2@example.ro"),
                                  lines=[("SKU-A", 1, 24.2)], created_at=datetime(2025, 8, 2, 10, tzinfo=UTC))
        self.assertEqual(self.oss_taxes(before).amount, 19.0, "an order dated before the change keeps 19 %")
        self.assertEqual(self.oss_taxes(after).amount, 21.0)

    def test_known_future_changes_are_mapped_ahead(self):
        """Seen from 2025-06-01, Romania's change of 2025-08-01 is in the future: the new line waits for its date."""
        with freeze_time("2025-06-01"):
            self.env["account.fiscal.position"].search([
                ("company_id", "=", self.company.id), ("marketplace_vat_regime", "=", "eu_b2c_oss")]).unlink()
            self.company._marketplace_vat_setup()
            romania = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "RO")
            lines = romania.tax_ids.filtered(lambda line: line.tax_src_id == self.tva_20)
            dated = sorted((line.tax_dest_id.amount, line.marketplace_date_from, line.marketplace_date_to)
                           for line in lines)
            self.assertEqual(dated, [(19.0, False, date(2025, 7, 31)), (21.0, date(2025, 8, 1), False)])
            self.assertEqual(romania.map_tax(self.tva_20).amount, 19.0)
            self.assertFalse(self.company._marketplace_oss_mapping_problems())
            lines.filtered(lambda line: line.tax_dest_id.amount == 21.0).unlink()
            problems = self.company._marketplace_oss_mapping_problems()
            self.assertTrue(any("2025-08-01" in problem and "21%" in problem for problem in problems), problems)
        with freeze_time("2025-08-01"):
            self.company._marketplace_vat_setup()
            self.assertEqual(romania.map_tax(self.tva_20).amount, 21.0)
            self.assertEqual(romania.with_context(marketplace_tax_date=date(2025, 7, 31)).map_tax(self.tva_20).amount,
                             19.0, "the line of the new rate starts on its date")

    def test_the_scheduled_check_reports_mappings_out_of_date(self):
        cron = self.env.ref("marketplace_vat.ir_cron_marketplace_oss_rates")
        self.assertEqual((cron.code, cron.interval_type), ("model._cron_marketplace_check_oss_rates()", "days"))
        Company = self.env["res.company"]
        self.assertNotIn(self.company, Company._cron_marketplace_check_oss_rates())
        germany = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "DE")
        germany.tax_ids.filtered(lambda line: line.tax_src_id == self.tva_55).tax_dest_id = \
            self.company._marketplace_oss_tax("DE", 19.0)
        found = Company._cron_marketplace_check_oss_rates()
        self.assertTrue(any("Germany" in problem and "7%" in problem for problem in found[self.company]))
        activity = self.channel.activity_ids.filtered(lambda a: a.summary == "Marketplace OSS rates out of date")
        self.assertIn("Germany", activity.note)
        self.env.cr.execute("UPDATE marketplace_vat_product_rate SET rate = 9 WHERE id IN %s", [tuple(
            self.env["marketplace.vat.product.rate"].create({
                "product_tmpl_id": self.book.product_tmpl_id.id, "country_id": self.env.ref("base.it").id,
                "rate": 10.0}).ids)])  # a rate that stopped being Italian
        self.env["marketplace.vat.product.rate"].invalidate_model()
        self.assertTrue(any("9.0 % is no VAT rate of Italy" in problem
                            for problem in Company._cron_marketplace_check_oss_rates()[self.company]))
        self.company._marketplace_vat_setup()
        self.assertFalse(self.company._marketplace_oss_mapping_problems(), "the settings button fixes the mappings")

    def test_option_date_in_the_tests_is_recorded(self):
        self.assertEqual(self.company.marketplace_oss_option_until, date(2027, 12, 31))
        self.assertTrue(self.company._marketplace_destination_taxation(fields.Date.today()))

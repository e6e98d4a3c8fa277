"""Imported orders per regime row, through the connector's pipeline and the VIES simulator."""
from marketplace_simulator import vies as vies_sim

from odoo import fields
from odoo.tests import tagged

from .common import VatCase

DE_BUYER = {"name": "Max Mustermann", "company_name": "Muster GmbH", "street": "Unter den Linden 1",
            "zip": "10117", "city": "Berlin", "country_code": "DE", "email": "einkauf@muster.example"}
IT_CONSUMER = {"name": "Giulia Rossi", "street": "Via Roma 1", "zip": "20121", "city": "Milano",
               "country_code": "IT", "email": "giulia@example.it"}


@tagged("post_install", "-at_install", "marketplace")
class TestVatImport(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.invoice_policy = "never"  # regimes only here; invoices in test_vat_invoicing

    def test_french_consumer_is_domestic(self):
        sale = self.import_order("FR-1", lines=[("SKU-A", 1, 24.0)])
        self.assertEqual(sale.marketplace_vat_regime, "domestic")
        self.assertEqual(sale.fiscal_position_id.marketplace_vat_regime, "domestic")
        self.assertEqual(self.tax_rates(sale), [20.0])
        self.assertAlmostEqual(sale.amount_total, 24.0, places=2)
        self.assertAlmostEqual(sale.amount_tax, 4.0, places=2)
        self.assertEqual(sale.marketplace_vat_check_state, "none")

    def test_french_business_is_domestic_without_vies_call(self):
        before = len(self.vies.checks)
        sale = self.import_order("FR-2", ship={"company_name": "Client SARL", "vat": "FR40303265045"},
                                 is_business=True)
        self.assertEqual(sale.marketplace_vat_regime, "domestic")
        self.assertEqual(sale.marketplace_vat_check_state, "not_needed")
        self.assertEqual(len(self.vies.checks), before, "a domestic sale needs no VIES check")
        self.assertEqual(self.tax_rates(sale), [20.0])

    def test_german_business_with_valid_vat_is_exempt_intra_eu_supply(self):
        sale = self.import_order("DE-1", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True,
                                 lines=[("SKU-A", 2, 20.0)])
        self.assertEqual(sale.marketplace_vat_regime, "intra_eu_b2b")
        self.assertEqual(sale.marketplace_vat_check_state, "valid")
        self.assertEqual(self.tax_rates(sale), [0.0])
        self.assertEqual(sale.amount_tax, 0.0)
        check = sale.marketplace_vat_check_id
        self.assertEqual(check.vat, "DE136695976")
        self.assertTrue(check.consultation_number.startswith("WAPI"), "checkVatApprox gives a consultation number")
        self.assertEqual(sale.marketplace_vies_consultation, check.consultation_number)
        partner = sale.partner_id.commercial_partner_id
        self.assertEqual(partner.marketplace_vies_state, "valid")
        self.assertEqual(partner.marketplace_vies_consultation, check.consultation_number)
        self.assertEqual(partner.vat, "DE136695976")
        self.assertEqual(self.vies.checks[-1][:3], ("checkVatApprox", "DE", "136695976"))

    def test_vies_answers_are_cached_per_number(self):
        self.import_order("DE-C1", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True)
        calls = len(self.vies.checks)
        sale = self.import_order("DE-C2", ship=dict(DE_BUYER, vat="DE 136 695 976", email="other@muster.example"),
                                 is_business=True)
        self.assertEqual(len(self.vies.checks), calls, "the second order reuses the cached answer")
        self.assertEqual(sale.marketplace_vat_regime, "intra_eu_b2b")
        self.assertEqual(self.env["marketplace.vat.check"].search_count([("vat", "=", "DE136695976")]), 1)

    def test_german_business_with_invalid_vat_is_b2c_with_a_note(self):
        number = vies_sim.belgian_number(7654321)  # well formed, not registered
        sale = self.import_order("BE-1", ship=dict(DE_BUYER, country_code="BE", zip="1000", city="Bruxelles",
                                                   vat=number), is_business=True)
        self.assertEqual(sale.marketplace_vat_check_state, "invalid")
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_home")
        self.assertEqual(self.tax_rates(sale), [20.0], "below the threshold: French VAT")
        self.assertIn("taxed as a consumer", self.messages(sale))

    def test_malformed_vat_is_b2c_without_calling_vies(self):
        before = len(self.vies.checks)
        sale = self.import_order("DE-2", ship=dict(DE_BUYER, vat="DE999999999"), is_business=True)
        self.assertEqual(len(self.vies.checks), before)
        self.assertEqual(sale.marketplace_vat_check_state, "invalid_input")
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_home")
        self.assertIn("taxed as a consumer", self.messages(sale))

    def test_invalid_input_answer_from_vies_is_b2c_with_a_note(self):
        sale = self.import_order("BE-2", ship=dict(DE_BUYER, country_code="BE", zip="1000", city="Bruxelles",
                                                   vat=vies_sim.FAULT_NUMBERS["INVALID_INPUT"]), is_business=True)
        self.assertEqual(self.vies.checks[-1][-1], "INVALID_INPUT")
        self.assertEqual(sale.marketplace_vat_check_state, "invalid_input")
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_home")
        self.assertIn("INVALID_INPUT", self.messages(sale))

    def test_italian_consumer_below_threshold_pays_french_vat(self):
        sale = self.import_order("IT-1", ship=IT_CONSUMER, lines=[("SKU-A", 1, 24.0)])
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_home")
        self.assertEqual(self.tax_rates(sale), [20.0])

    def test_italian_consumer_above_threshold_pays_italian_vat_through_oss(self):
        self.company.marketplace_oss_option_date = fields.Date.today()
        sale = self.import_order("IT-2", ship=IT_CONSUMER, lines=[("SKU-A", 1, 24.4)])
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_oss")
        self.assertEqual(sale.fiscal_position_id.marketplace_country_id.code, "IT")
        self.assertEqual(self.tax_rates(sale), [22.0])
        self.assertAlmostEqual(sale.amount_total, 24.4, places=2, msg="tax-included marketplace price kept")
        self.assertAlmostEqual(sale.amount_untaxed, 20.0, places=2)

    def test_swiss_customer_is_an_export(self):
        sale = self.import_order("CH-1", ship={"country_code": "CH", "zip": "1201", "city": "Genève"})
        self.assertEqual(sale.marketplace_vat_regime, "export")
        self.assertEqual(self.tax_rates(sale), [0.0])

    def test_reunion_is_an_export(self):
        sale = self.import_order("RE-1", ship={"zip": "97400", "city": "Saint-Denis", "country_code": "FR"})
        self.assertEqual(sale.marketplace_vat_regime, "export")
        self.assertEqual(self.tax_rates(sale), [0.0])
        sale2 = self.import_order("RE-2", ship={"zip": "97400", "city": "Saint-Denis", "country_code": "RE",
                                                "email": "re2@example.com"})
        self.assertEqual(sale2.marketplace_vat_regime, "export")

    def test_monaco_is_france(self):
        sale = self.import_order("MC-1", ship={"zip": "98000", "city": "Monaco", "country_code": "MC"})
        self.assertEqual(sale.marketplace_vat_regime, "domestic")
        self.assertEqual(self.tax_rates(sale), [20.0])

    def test_deemed_supplier_platform_never_applies_to_goods_shipped_from_france(self):
        """Art. 14a: a French seller shipping from its French warehouse is the supplier, whatever the platform."""
        self.channel.deemed_supplier = True
        paris = self.import_order("DS-FR", lines=[("SKU-A", 1, 24.0)])
        self.assertEqual(paris.marketplace_vat_regime, "domestic", "Paris to Paris is a French sale")
        self.assertEqual(self.tax_rates(paris), [20.0])
        self.company.marketplace_oss_option_date = fields.Date.today()
        milan = self.import_order("DS-IT", ship=IT_CONSUMER, lines=[("SKU-A", 2, 60.0)])
        self.assertEqual(milan.marketplace_vat_regime, "eu_b2c_oss", "an EU seller's distance sale: OSS")
        self.assertEqual(self.tax_rates(milan), [22.0])

    def test_deemed_supplier_platform_for_consignments_imported_from_outside_the_eu(self):
        """Art. 14a(1): goods dispatched from a warehouse outside the EU, consignment of at most EUR 150."""
        self.channel.deemed_supplier = True
        self.channel.warehouse_id.partner_id = self.env["res.partner"].create(
            {"name": "Shenzhen stock", "country_id": self.env.ref("base.cn").id})
        small = self.import_order("DS-1", ship=IT_CONSUMER, lines=[("SKU-A", 2, 61.0)])  # 122 incl. 22 %
        self.assertEqual(small.marketplace_vat_regime, "deemed_supplier")
        self.assertEqual(small.amount_tax, 0.0)
        self.assertLessEqual(small.marketplace_consignment_value, 150.0)
        big = self.import_order("DS-2", ship=dict(IT_CONSUMER, email="big@example.it"), lines=[("SKU-A", 2, 80.0)])
        self.assertNotEqual(big.marketplace_vat_regime, "deemed_supplier", "above 150 EUR the platform is not")
        business = self.import_order("DS-3", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True,
                                     lines=[("SKU-A", 1, 24.0)])
        self.assertNotEqual(business.marketplace_vat_regime, "deemed_supplier", "art. 14a covers consumers only")

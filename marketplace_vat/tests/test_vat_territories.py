"""Issue 19 item 5: territories outside the EU VAT area, Northern Ireland, a French VAT number abroad."""
from datetime import date

from odoo.tests import tagged

from .common import VatCase

NI_CONSUMER = {"name": "Siobhan Kelly", "street": "1 Donegall Place", "zip": "BT1 5GS", "city": "Belfast",
               "country_code": "GB", "email": "siobhan@example.co.uk"}
NI_NUMBER = "XI980780684"


@tagged("post_install", "-at_install", "marketplace")
class TestVatTerritories(VatCase):
    def test_canary_islands_are_an_export_by_postcode_or_subdivision(self):
        by_zip = self.import_order("CN-1", ship={"zip": "35001", "city": "Las Palmas", "country_code": "ES"})
        self.assertEqual((by_zip.marketplace_vat_regime, self.tax_rates(by_zip)), ("export", [0.0]))
        self.assertIn("Canary Islands (ES-CN)", by_zip.marketplace_vat_reason)
        by_state = self.import_order("CN-2", ship={"zip": "", "city": "Santa Cruz", "country_code": "ES",
                                                   "state_code": "TF", "email": "tf@example.es"})
        self.assertEqual(by_state.partner_shipping_id.state_id.code, "TF")
        self.assertEqual(by_state.marketplace_vat_regime, "export")
        self.assertEqual(by_state._marketplace_redecide().regime.value, "export", "the partner's subdivision too")

    def test_other_article_6_territories_are_exports(self):
        self.company.marketplace_oss_option_date = date(2025, 1, 1)
        places = [("DE", "78266", "Büsingen"), ("DE", "27498", "Helgoland"), ("IT", "23041", "Livigno"),
                  ("IT", "22061", "Campione d'Italia"), ("GR", "63086", "Karyes"), ("FI", "22100", "Mariehamn"),
                  ("ES", "51001", "Ceuta"), ("ES", "52001", "Melilla")]
        for index, (country, zip_code, city) in enumerate(places):
            sale = self.import_order(f"ART6-{index}", ship={"zip": zip_code, "city": city, "country_code": country,
                                                            "email": f"art6-{index}@example.com"})
            self.assertEqual((sale.marketplace_vat_regime, self.tax_rates(sale)), ("export", [0.0]), city)
        mainland = self.import_order("ART6-IT", ship={"zip": "20121", "city": "Milano", "country_code": "IT",
                                                      "email": "milano@example.it"})
        self.assertEqual(mainland.marketplace_vat_regime, "eu_b2c_oss")

    def test_northern_ireland_consumers_follow_the_eu_rules(self):
        below = self.import_order("NI-1", ship=NI_CONSUMER, lines=[("SKU-A", 1, 24.0)])
        self.assertEqual((below.marketplace_vat_regime, self.tax_rates(below)), ("eu_b2c_home", [20.0]))
        self.company.marketplace_oss_option_date = date(2025, 1, 1)
        above = self.import_order("NI-2", ship=dict(NI_CONSUMER, email="ni2@example.co.uk"),
                                  lines=[("SKU-A", 1, 24.0)], total_amount=24.0)
        self.assertEqual(above.marketplace_vat_regime, "eu_b2c_oss")
        self.assertEqual(above.fiscal_position_id.name, "Marketplace: OSS B2C Northern Ireland")
        tax = above.order_line.filtered("marketplace_line_id").tax_id
        self.assertEqual((tax.amount, tax.marketplace_oss_country_id.code), (20.0, "GB"))
        self.assertIn("XI", tax.name)
        self.assertEqual(above.invoice_ids.state, "posted")
        london = self.import_order("GB-1", ship=dict(NI_CONSUMER, zip="SW1A 1AA", city="London",
                                                     email="london@example.co.uk"))
        self.assertEqual(london.marketplace_vat_regime, "export")

    def test_northern_ireland_business_with_a_vies_valid_xi_number(self):
        self.vies.valid[NI_NUMBER] = ("NI BUYER LTD", "1 DONEGALL PLACE\nBT1 5GS BELFAST")
        sale = self.import_order("NI-B2B", ship=dict(NI_CONSUMER, company_name="NI Buyer Ltd", vat=NI_NUMBER),
                                 is_business=True)
        self.assertEqual(self.vies.checks[-1][1:3], ("XI", "980780684"))
        self.assertEqual((sale.marketplace_vat_check_state, sale.marketplace_vat_regime, self.tax_rates(sale)),
                         ("valid", "intra_eu_b2b", [0.0]))

    def test_a_french_vat_number_shipped_abroad_is_a_french_supply(self):
        self.company.marketplace_oss_option_date = date(2025, 1, 1)
        sale = self.import_order("FRV-1", ship={"name": "Achats", "company_name": "Client SARL", "zip": "10117",
                                                "city": "Berlin", "country_code": "DE", "vat": "FR40303265045"},
                                 is_business=True, lines=[("SKU-A", 1, 24.0)])
        self.assertEqual(sale.marketplace_vat_check_state, "valid")
        self.assertEqual((sale.marketplace_vat_regime, self.tax_rates(sale)), ("domestic", [20.0]),
                         "neither exempt nor a distance sale: French VAT, even above the threshold")
        self.assertIn("neither an exempt intra-Community supply nor a distance sale", sale.marketplace_vat_reason)

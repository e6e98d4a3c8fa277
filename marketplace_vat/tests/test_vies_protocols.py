"""VIES through SOAP or REST, chosen on the company, the other one when the first is down; the consultation
number kept either way (issue 19 item 8). The simulator serves both protocols."""
from odoo.tests import tagged

from marketplace_transport.vies import reset_breakers

from .common import VatCase
from .test_vat_import import DE_BUYER

SOAP = r"POST /taxation_customs/vies/services/"
REST = r"POST /taxation_customs/vies/rest-api/"


@tagged("post_install", "-at_install", "marketplace")
class TestViesProtocols(VatCase):
    def setUp(self):
        super().setUp()
        reset_breakers()
        self.addCleanup(reset_breakers)
        self.addCleanup(self.vies_app.clear_faults)

    def check(self, vat):
        return self.env["marketplace.vat.check"].sudo()._get_check(vat, self.company, force=True)

    def test_rest_api_with_the_consultation_number(self):
        self.company.marketplace_vies_protocol = "rest"
        check = self.check("IT00743110157")
        self.assertEqual((check.state, check.protocol), ("valid", "rest"))
        self.assertTrue(check.consultation_number.startswith("WAPI"))
        self.assertEqual(check.name, "ACME ITALIA SRL")
        self.assertEqual(self.vies.checks[-1][0], "rest")

    def test_soap_down_falls_back_to_rest_and_the_invoice_keeps_the_number(self):
        self.vies_app.add_fault(SOAP, status=502, body="bad gateway", count=-1)
        sale = self.import_order("PROTO-1", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True,
                                 total_amount=24.0)
        self.assertEqual(sale.marketplace_vat_check_state, "valid")
        self.assertEqual(sale.marketplace_vat_check_id.protocol, "rest")
        self.assertEqual(sale.marketplace_vat_regime, "intra_eu_b2b")
        self.assertTrue(sale.invoice_ids.marketplace_vies_consultation.startswith("WAPI"))

    def test_rest_down_falls_back_to_soap(self):
        self.company.marketplace_vies_protocol = "rest"
        self.vies_app.add_fault(REST, status=503, body="<html>maintenance</html>", count=-1)
        check = self.check("BE0403170701")
        self.assertEqual((check.state, check.protocol), ("valid", "soap"))
        self.assertTrue(check.consultation_number.startswith("WAPI"))

    def test_without_fallback_the_check_stays_pending(self):
        self.company.marketplace_vies_fallback = False
        self.vies_app.add_fault(SOAP, status=502, count=-1)
        before = self.vies_app.count_requests(r"/rest-api/")
        check = self.check("IT00743110157")
        self.assertEqual((check.state, check.error_code), ("unavailable", "SERVICE_UNAVAILABLE"))
        self.assertEqual(self.vies_app.count_requests(r"/rest-api/"), before, "REST not asked")

    def test_settings_show_the_protocol_and_the_company_its_mentions(self):
        settings = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("marketplace_vies_protocol", "marketplace_vies_fallback", "marketplace_vies_rest_url"):
            self.assertIn(name, settings)
        company = self.env["res.company"].get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("marketplace_legal_form", "marketplace_share_capital", "marketplace_rcs_city",
                     "marketplace_late_penalty_rate"):
            self.assertIn(name, company)

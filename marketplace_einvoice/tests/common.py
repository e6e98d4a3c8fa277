"""A French seller issuing Factur-X, and the validator: the ``factur-x`` package (Akretion), not our code."""
import io
from contextlib import contextmanager
from unittest.mock import patch

from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from odoo.tools import config

from odoo.addons.marketplace_vat.tests.common import VatCase

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
FR_BUSINESS = {"name": "Claire Martin", "company_name": "Client SARL", "street": "3 rue de la Paix", "zip": "69002",
               "city": "Lyon", "country_code": "FR", "email": "compta@client.example", "vat": "FR96552100554"}


class EinvoiceCase(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"marketplace_legal_form": "SAS", "marketplace_share_capital": 10000.0,
                           "marketplace_rcs_city": "Paris", "phone": "+33 1 23 45 67 89",
                           "email": "factures@vendeur.example"})

    @contextmanager
    def rendering(self):
        """Odoo's production rendering: a real PDF from wkhtmltopdf and the Factur-X embedded by
        ``account_edi_ubl_cii`` (in test mode Odoo renders HTML and skips the embedding)."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest("wkhtmltopdf is not installed (scripts/test.sh installs it)")
        with patch.dict(config.options, {"test_enable": False, "test_file": False}):
            yield

    def import_rendered(self, external_id, **values):
        with self.rendering():
            return self.import_order(external_id, **values)

    def assert_facturx(self, pdf):
        """The real validator: the XML is extracted from the PDF/A-3 and checked against the EN 16931 XSD.

        :return: the XML tree
        """
        self.assertTrue(pdf.startswith(b"%PDF"), "a PDF, not Odoo's HTML stand-in")
        filename, xml = get_xml_from_pdf(pdf, check_xsd=False)
        self.assertEqual(filename, "factur-x.xml")
        self.assertTrue(xml_check_xsd(xml, flavor="factur-x", level="en16931"))
        metadata = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
        self.assertIn(b"<pdfaid:part>3</pdfaid:part>", metadata, "PDF/A-3")
        self.assertIn(b"EN 16931", metadata, "Factur-X conformance level in the XMP")
        return etree.fromstring(xml)

    def xpath(self, tree, path):
        return [node.text if hasattr(node, "text") else str(node) for node in tree.xpath(path, namespaces=NS)]

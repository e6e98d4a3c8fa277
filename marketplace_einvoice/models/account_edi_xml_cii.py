"""Factur-X (CII) of French marketplace invoices: EN 16931 profile and what the French reform adds.

Odoo's exporter (``account_edi_ubl_cii``) writes the lines, parties, VAT per rate and totals; for the
invoices of :meth:`account.move._marketplace_einvoice_profile` this override sets the EN 16931
guideline, the SIREN of both parties as legal registration identifiers (BT-30 / BT-47, scheme 0002),
the category of the operation (BT-23 and a note), the invoice mentions as notes, and keeps the
delivery address (BG-13) only when it differs from the buyer's.
"""
from lxml import etree

from odoo import models

from ..einvoice.categories import operation_category

EN16931 = "urn:cen.eu:en16931:2017"  # Factur-X 1.0 EN 16931 (COMFORT) guideline (BT-24)
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
# XRechnung (German CIUS) rules Odoo checks on every CII invoice; not EN 16931 rules (BR-DE-*).
XRECHNUNG_ONLY = ("seller_payment_instructions_1", "seller_payment_instructions_2", "seller_phone", "seller_email")
# UNTDID 4451 subject codes of the notes (BT-21), as the French CIUS of Factur-X uses them [C2].
NOTE_LEGAL = "REG"  # seller's legal form, capital, SIREN, RCS; operation category
NOTE_TAX = "TXD"  # VAT regime mentions (exemption, reverse charge, OSS)
NOTE_DISCOUNT = "AAB"  # escompte
NOTE_PENALTY = "PMD"  # late-payment penalties
NOTE_INDEMNITY = "PMT"  # 40 EUR recovery indemnity


def _q(tag):
    return f"{{{RAM}}}{tag}"


class AccountEdiXmlCii(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        if invoice._marketplace_einvoice_profile():
            vals["document_context_id"] = EN16931
            vals["seller_specified_legal_organization"] = invoice._marketplace_seller_siren() or False
            vals["buyer_specified_legal_organization"] = invoice._marketplace_buyer_siren() or False
        return vals

    def _export_invoice_constraints(self, invoice, vals):
        constraints = super()._export_invoice_constraints(invoice, vals)
        if invoice._marketplace_einvoice_profile():
            for key in XRECHNUNG_ONLY:
                constraints.pop(key, None)
        return constraints

    def _export_invoice(self, invoice):
        xml, errors = super()._export_invoice(invoice)
        if not invoice._marketplace_einvoice_profile():
            return xml, errors
        tree = etree.fromstring(xml)
        self._marketplace_add_business_process(tree, invoice)
        self._marketplace_add_notes(tree, invoice)
        self._marketplace_drop_same_ship_to(tree, invoice)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), errors

    def _marketplace_add_business_process(self, tree, invoice):
        """BT-23: B1 goods, S1 services, M1 mixed, before the guideline (BT-24)."""
        context = tree.find(f"{{{RSM}}}ExchangedDocumentContext")
        process = etree.Element(_q("BusinessProcessSpecifiedDocumentContextParameter"))
        etree.SubElement(process, _q("ID")).text = operation_category(invoice._marketplace_operation_kinds())[0]
        context.insert(0, process)

    def _marketplace_add_notes(self, tree, invoice):
        """Notes (BG-1) after Odoo's own, each with its subject code."""
        document = tree.find(f"{{{RSM}}}ExchangedDocument")
        for subject, text in invoice._marketplace_einvoice_notes():
            note = etree.SubElement(document, _q("IncludedNote"))
            etree.SubElement(note, _q("Content")).text = text
            etree.SubElement(note, _q("SubjectCode")).text = subject

    def _marketplace_drop_same_ship_to(self, tree, invoice):
        """The deliver-to party (BG-13) only when the delivery address differs from the buyer's."""
        if invoice._marketplace_ships_elsewhere():
            return
        for ship_to in tree.iter(_q("ShipToTradeParty")):
            ship_to.getparent().remove(ship_to)

"""Odoo's send flow, completed so that the Factur-X of marketplace invoices is a PDF/A-3 with its XMP.

``account_edi_ubl_cii`` converts the PDF to PDF/A-3 and adds the Factur-X XMP metadata only when
``OdooPdfFileWriter.is_pdfa`` is false, and ``cloneReaderDocumentRoot`` sets it from a header heuristic
(a second line of ``%`` and four bytes) that every wkhtmltopdf output matches: Odoo 18 then embeds
``factur-x.xml`` in a plain PDF without the XMP the Factur-X standard requires. For the invoices of
``account.move._marketplace_einvoice_profile`` the conversion is done here when it was skipped.
"""
import io
import logging

from odoo import api, fields, models
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter

from .account_move import FACTURX

_logger = logging.getLogger(__name__)


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        result = super()._hook_invoice_document_after_pdf_report_render(invoice, invoice_data)
        options = invoice_data.get("ubl_cii_xml_options") or {}
        values = invoice_data.get("pdf_attachment_values")
        if options.get("ubl_cii_format") == FACTURX and values and invoice._marketplace_einvoice_profile():
            values["raw"] = self._marketplace_pdfa3(invoice, values["raw"])
        return result

    @api.model
    def _marketplace_pdfa3(self, invoice, pdf):
        """``pdf`` converted to PDF/A-3 with Odoo's Factur-X XMP, unless it already has XMP metadata."""
        if not pdf.startswith(b"%PDF"):
            return pdf  # test mode: Odoo's HTML stand-in
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        if "/Metadata" in reader.trailer["/Root"]:
            return pdf
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        writer.is_pdfa = False  # the header heuristic, see the module docstring
        try:
            writer.convert_to_pdfa()
        except Exception:  # noqa: BLE001 as Odoo's own hook: the XMP is still added
            _logger.exception("Error while converting %s to PDF/A", invoice.name)
        metadata = self.env["ir.qweb"]._render("account_edi_ubl_cii.account_invoice_pdfa_3_facturx_metadata", {
            "title": invoice.name, "date": fields.Date.context_today(self)})
        writer.add_file_metadata(metadata.encode())
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

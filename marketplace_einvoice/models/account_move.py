"""Marketplace invoices issued as Factur-X through Odoo's send flow (``account.move.send``)."""
from odoo import fields, models
from odoo.tools import config

from odoo.addons.marketplace_vat.vat import mentions as fr

from ..einvoice.categories import EINVOICED, category_for, operation_category

FACTURX = "facturx"  # account_edi_ubl_cii's format: CII XML embedded in a PDF/A-3


class AccountMove(models.Model):
    _inherit = "account.move"

    marketplace_einvoice_ids = fields.One2many("marketplace.einvoice.submission", "move_id",
                                               "Submissions to the platform", readonly=True)

    # -- scope ----------------------------------------------------------------------------
    def _marketplace_einvoice_profile(self):
        """French customer invoices of a marketplace channel: the EN 16931 Factur-X of this addon."""
        self.ensure_one()
        return bool(self.marketplace_channel_id and self.company_id.country_id.code == "FR"
                    and self.move_type in ("out_invoice", "out_refund"))

    def _marketplace_einvoice_due(self):
        """Issued as Factur-X: domestic business sales, or every invoice of a channel that asks so."""
        self.ensure_one()
        if not self._marketplace_einvoice_profile() or self.state != "posted":
            return False
        return self.marketplace_channel_id.einvoice_all or self._marketplace_ereporting_category() == EINVOICED

    def _marketplace_ereporting_category(self):
        """E-reporting category of the invoice (``einvoice/categories.py``)."""
        self.ensure_one()
        regime = self.marketplace_vat_regime or self.fiscal_position_id.marketplace_vat_regime or "domestic"
        return category_for(regime, self._marketplace_is_b2b())

    # -- what the Factur-X carries ------------------------------------------------------------
    def _marketplace_seller_siren(self):
        company = self.company_id
        return fr.first_siren(company.siret if "siret" in company._fields else "", company.company_registry,
                              vat=company.vat)

    def _marketplace_operation_kinds(self):
        """``{"goods", "services"}`` of the invoiced lines; shipping and adjustment lines are accessories."""
        channel = self.marketplace_channel_id
        accessories = channel.shipping_product_id | channel.adjustment_product_id
        lines = self.invoice_line_ids.filtered(lambda aml: aml.display_type == "product" and aml.product_id
                                               and aml.product_id not in accessories)
        return {"services" if line.product_id.type == "service" else "goods" for line in lines} or {"goods"}

    def _marketplace_einvoice_notes(self):
        """``[(subject code, text)]``: operation category, seller identity, regime and payment mentions."""
        self.ensure_one()
        label = operation_category(self._marketplace_operation_kinds())[1]
        notes = [("REG", f"Catégorie de l'opération : {label}")]
        seller = self._marketplace_seller_mention()
        if seller:
            notes.append(("REG", seller))
        notes += [("TXD", line) for line in self._marketplace_legal_lines()]
        if self._marketplace_is_b2b():
            discount, penalty, indemnity = self._marketplace_payment_mentions()
            notes += [("AAB", discount), ("PMD", penalty), ("PMT", indemnity)]
        return notes

    def _marketplace_ships_elsewhere(self):
        """The delivery address differs from the buyer's (street, zip, city, country)."""
        def address(partner):
            return (partner.street, partner.street2, partner.zip, partner.city, partner.country_id.id)
        shipping = self.partner_shipping_id
        return bool(shipping) and address(shipping) != address(self.partner_id)

    # -- issuing --------------------------------------------------------------------------
    def _marketplace_html_stand_in(self):
        """Odoo's test mode: reports are rendered as HTML and no Factur-X is embedded (its own rule)."""
        return bool((config["test_enable"] or config["test_file"])
                    and not self.env.context.get("force_report_rendering"))

    def _marketplace_issue_einvoice(self):
        """Generate the Factur-X PDF/A-3 of the due invoices with Odoo's send flow, once.

        :return: the invoices issued now
        """
        due = self.filtered(lambda m: not m.invoice_pdf_report_id and m._marketplace_einvoice_due())
        if not due:
            return due
        if self._marketplace_html_stand_in():
            return self.browse()
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            for move in due:
                move.message_post(body=self.env._("Factur-X not issued: no PDF renderer (wkhtmltopdf)."))
            return self.browse()
        for move in due:
            self.env["account.move.send"]._generate_and_send_invoices(
                move, allow_raising=False, sending_methods=["manual"], invoice_edi_format=FACTURX)
        return due.filtered("invoice_pdf_report_id")

    def _post(self, soft=True):
        """Credit notes are issued at posting (invoices when ``marketplace_vat`` uploads them, below)."""
        posted = super()._post(soft=soft)
        posted.filtered(lambda m: m.move_type == "out_refund")._marketplace_issue_einvoice() \
            ._marketplace_submit_to_platform()
        return posted

    def _marketplace_upload(self, now=False):
        issued = self._marketplace_issue_einvoice()
        issued._marketplace_submit_to_platform()
        return super()._marketplace_upload(now=now)

    def _marketplace_invoice_pdf(self):
        """The issued Factur-X when the invoice is due one: the marketplace gets the same document."""
        self._marketplace_issue_einvoice()
        return super()._marketplace_invoice_pdf()

    def _marketplace_submit_to_platform(self):
        """Queue the issued Factur-X for the company's approved platform, when one is configured."""
        Submission = self.env["marketplace.einvoice.submission"]
        for move in self.filtered(lambda m: m.company_id.marketplace_pa_url and m.invoice_pdf_report_id):
            Submission._create_for_invoice(move)

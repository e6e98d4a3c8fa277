"""Marketplace invoices: VAT regime, legal mentions, adjustment line, payment, upload."""

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .account_fiscal_position import VAT_REGIMES
from .sale_order import VAT_CHECK_STATES

# Printed on the invoice per VAT regime (see _marketplace_legal_lines).
MENTION_INTRA_EU = ("Exonération de TVA, article 262 ter I du CGI / article 138 de la directive 2006/112/CE "
                    "(livraison intracommunautaire).")
MENTION_REVERSE_CHARGE = "Autoliquidation : TVA due par l'acquéreur (reverse charge)."
MENTION_VAT_NUMBERS = "N° TVA vendeur : %s — N° TVA acquéreur : %s"
MENTION_VIES = "Vérification VIES, n° de consultation %s"
MENTION_EXPORT = ("Exonération de TVA, article 262 I du CGI (exportation hors de l'Union européenne ou vers un "
                  "département d'outre-mer).")
MENTION_OSS = ("Vente à distance intracommunautaire : TVA du pays de destination (%s) déclarée via le guichet "
               "unique OSS (régime de l'Union).")
MENTION_DEEMED_SUPPLIER = ("TVA collectée par la plateforme, fournisseur présumé (article 14 bis de la directive "
                           "2006/112/CE).")

UPLOAD_STATES = [("not_supported", "Not supported"), ("todo", "To upload"),
                 ("processing", "Processing at the marketplace"), ("done", "Uploaded"), ("error", "Upload failed")]


class AccountMove(models.Model):
    _inherit = "account.move"

    marketplace_channel_id = fields.Many2one("marketplace.channel", "Marketplace channel", copy=True, index=True,
                                             readonly=True)
    marketplace_vat_regime = fields.Selection(VAT_REGIMES, "VAT regime", copy=True, readonly=True, index=True)
    marketplace_vat_check_state = fields.Selection(VAT_CHECK_STATES, "VAT check", copy=True, readonly=True)
    marketplace_buyer_vat = fields.Char("Buyer VAT number", copy=True, readonly=True)
    marketplace_vies_consultation = fields.Char("VIES consultation number", copy=True, readonly=True)
    marketplace_total = fields.Monetary("Marketplace total", copy=False, readonly=True)
    marketplace_hold_reason = fields.Text("Held because", copy=False, readonly=True)
    marketplace_upload_state = fields.Selection(UPLOAD_STATES, "Upload to marketplace", copy=False, readonly=True)
    marketplace_upload_message = fields.Char(copy=False, readonly=True)
    marketplace_legal_mention = fields.Html(compute="_compute_marketplace_legal_mention", sanitize=False)

    @api.depends("marketplace_vat_regime", "marketplace_buyer_vat", "marketplace_vies_consultation",
                 "company_id.vat", "fiscal_position_id")
    def _compute_marketplace_legal_mention(self):
        for move in self:
            lines = move._marketplace_legal_lines()
            move.marketplace_legal_mention = Markup("<br/>").join(escape(line) for line in lines) if lines else False

    def _marketplace_legal_lines(self):
        """Legal mentions of the invoice's VAT regime.

        French wording on purpose (CGI references of a France-established seller), whatever the
        customer's language: these sentences are what the French tax rules ask to be printed.
        """
        self.ensure_one()
        regime = self.marketplace_vat_regime
        if regime == "intra_eu_b2b":
            lines = [
                MENTION_INTRA_EU,
                MENTION_REVERSE_CHARGE,
                MENTION_VAT_NUMBERS % (self.company_id.vat or "-",
                                       self.marketplace_buyer_vat or self.commercial_partner_id.vat or "-"),
            ]
            if self.marketplace_vies_consultation:
                lines.append(MENTION_VIES % self.marketplace_vies_consultation)
            return lines
        if regime == "export":
            return [MENTION_EXPORT]
        if regime == "eu_b2c_oss":
            country = self.fiscal_position_id.marketplace_country_id or self.partner_shipping_id.country_id
            return [MENTION_OSS % (country.name or "-")]
        if regime == "deemed_supplier":
            return [MENTION_DEEMED_SUPPLIER]
        return []

    # -- adjustment, payment, upload ----------------------------------------------------
    def _marketplace_add_adjustment_line(self, amount, channel):
        """An explicit, untaxed line making the invoice total equal to the marketplace total."""
        self.ensure_one()
        product = channel.adjustment_product_id
        if not product:
            raise UserError(self.env._("Channel %s has no adjustment product: set one or hold invoices instead.",
                                       channel.name))
        self.write({"invoice_line_ids": [Command.create({
            "product_id": product.id,
            "name": self.env._("Marketplace total adjustment (rounding)"),
            "quantity": 1,
            "price_unit": amount,
            "tax_ids": [Command.clear()],
        })]})
        self.message_post(body=self.env._("Adjustment line of %s added so that the total equals the marketplace total.",
                                          amount))

    def _marketplace_register_payment(self, journal):
        self.ensure_one()
        if self.payment_state in ("paid", "in_payment"):
            return self.env["account.payment"]
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.ids).create({
                "journal_id": journal.id, "payment_date": self.invoice_date or fields.Date.context_today(self)})
        return wizard._create_payments()

    def _marketplace_sale_order(self):
        self.ensure_one()
        return self.line_ids.sale_line_ids.order_id[:1]

    def _marketplace_upload(self, now=False):
        """Queue the posted invoice PDF for the marketplace when the channel can take invoices
        (``can_upload_invoice``): sent once this transaction commits (outbox), or at once with ``now``."""
        for move in self.filtered(lambda m: m.marketplace_channel_id and m.state == "posted"):
            item = move._marketplace_queue_upload()
            if item and now:
                item._send_one()
                move._marketplace_check_upload_now()

    def _marketplace_queue_upload(self):
        """:return: the outbox item of the upload; None when the channel cannot take invoices or
        the PDF is missing"""
        self.ensure_one()
        channel = self.marketplace_channel_id
        if not channel.can_upload_invoice:
            self.marketplace_upload_state = "not_supported"
            return None
        filename = f"{(self.name or 'invoice').replace('/', '-')}.pdf"
        try:
            pdf = self._marketplace_invoice_pdf()
        except UserError as exc:
            self._marketplace_upload_failed(channel._redact(str(exc)))
            return None
        payload = {"order": self._marketplace_sale_order().marketplace_order_ref, "filename": filename}
        item = channel._outbox_enqueue("upload_invoice", self, payload, again=True)
        item._set_attachment(filename, pdf)
        self.write({"marketplace_upload_state": "todo", "marketplace_upload_message": False})
        return item

    def _marketplace_upload_done(self, filename):
        self.write({"marketplace_upload_state": "done", "marketplace_upload_message": filename})
        self.message_post(body=self.env._("Invoice PDF %(file)s uploaded to %(channel)s.", file=filename,
                                          channel=self.marketplace_channel_id.name))

    def _marketplace_upload_processing(self, payload):
        """The marketplace took the PDF and processes it asynchronously: read its status later (outbox)."""
        self.write({"marketplace_upload_state": "processing", "marketplace_upload_message": payload["filename"]})
        return self.marketplace_channel_id._outbox_enqueue("check_invoice_upload", self, payload, again=True)

    def _marketplace_check_upload_now(self):
        """Read the status of an upload still processing at once (the upload button)."""
        if self.marketplace_upload_state == "processing":
            self.env["marketplace.outbox"].search([
                ("operation", "=", "check_invoice_upload"), ("res_model", "=", self._name),
                ("res_id", "=", self.id), ("state", "=", "todo")])._send_one()

    def _marketplace_upload_refused(self, message):
        """The marketplace refused the uploaded invoice: the state, a note and an activity."""
        self._marketplace_upload_failed(message)
        self.marketplace_channel_id._schedule_error_activity(
            self.env._("Invoice refused by the marketplace"), message, record=self)

    def _marketplace_upload_failed(self, message):
        self.write({"marketplace_upload_state": "error", "marketplace_upload_message": message[:250]})
        self.message_post(body=self.env._("Invoice upload to %(channel)s failed: %(error)s",
                                          channel=self.marketplace_channel_id.name, error=message))

    def _marketplace_invoice_pdf(self):
        """The invoice PDF: the one already issued to the customer when there is one, else a fresh render."""
        self.ensure_one()
        if self.invoice_pdf_report_id.raw:
            return self.invoice_pdf_report_id.raw
        content, report_type = self.env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", self.ids)
        if report_type != "pdf" or not content.startswith(b"%PDF"):
            raise UserError(self.env._("The invoice PDF could not be rendered (is wkhtmltopdf installed?)."))
        return content

    def action_marketplace_upload(self):
        """Button: (re)upload the invoice PDF to the marketplace, now."""
        self._marketplace_upload(now=True)
        return True

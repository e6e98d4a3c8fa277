"""Marketplace invoices: VAT regime, legal and French mentions, adjustment lines, payment, upload."""

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..vat import mentions as fr
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
    _name = "account.move"
    _inherit = ["account.move", "marketplace.vat.move.oss"]

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

    def _post(self, soft=True):
        self._marketplace_check_oss_taxes()
        return super()._post(soft)

    # -- French mentions (sources: vat/mentions.py) --------------------------------------
    def _marketplace_french_mention_lines(self):
        """Lines printed on the invoice (report ``report_invoice.xml``); empty outside French customer invoices."""
        self.ensure_one()
        if self.move_type not in ("out_invoice", "out_refund") or self.company_id.country_id.code != "FR":
            return []
        lines = [self._marketplace_seller_mention()]
        if self._marketplace_is_b2b():
            buyer_siren = self._marketplace_buyer_siren()
            if buyer_siren:
                lines.append(fr.MENTION_BUYER_SIREN % buyer_siren)
            lines += self._marketplace_payment_mentions()
        return [line for line in lines if line]

    def _marketplace_seller_mention(self):
        """``SAS au capital de 10 000,00 € – SIREN 303265045 – RCS Paris`` (the parts that are known)."""
        company = self.company_id
        parts = []
        if company.marketplace_legal_form and company.marketplace_share_capital:
            capital = f"{fr.french_number(company.marketplace_share_capital)} {company.currency_id.symbol}"
            parts.append(fr.MENTION_CAPITAL % {"form": company.marketplace_legal_form, "capital": capital})
        siren = fr.first_siren(company.siret if "siret" in company._fields else "", company.company_registry,
                               vat=company.vat)
        if siren:
            parts.append(fr.MENTION_SIREN % siren)
        if company.marketplace_rcs_city:
            parts.append(fr.MENTION_RCS % company.marketplace_rcs_city)
        return " – ".join(parts)

    def _marketplace_is_b2b(self):
        """A business buyer: the marketplace says so, else a company or a VAT number on the partner."""
        self.ensure_one()
        sale = self._marketplace_sale_order() if self.marketplace_channel_id else None
        if sale:
            return sale.marketplace_is_business
        partner = self.commercial_partner_id
        return bool(partner.is_company or partner.vat)

    def _marketplace_buyer_siren(self):
        """The buyer's SIREN where known: its SIRET or company registry, else its French VAT number."""
        partner = self.commercial_partner_id
        registry = partner.company_registry if partner.country_id.code in (False, "FR") else ""
        return fr.first_siren(partner.siret if "siret" in partner._fields else "", registry,
                              vat=self.marketplace_buyer_vat or partner.vat)

    def _marketplace_payment_mentions(self):
        """Escompte, late-payment penalty rate and the 40 EUR recovery indemnity (C. com. L441-9 I)."""
        term = self.invoice_payment_term_id
        if term.early_discount:
            discount = fr.MENTION_DISCOUNT % {"percent": fr.french_percent(term.discount_percentage),
                                              "days": term.discount_days}
        else:
            discount = fr.MENTION_NO_DISCOUNT
        rate = self.company_id.marketplace_late_penalty_rate
        penalty = fr.PENALTY_RATE % fr.french_percent(rate) if rate else fr.PENALTY_LEGAL_RATE
        return [discount, fr.MENTION_PENALTY % penalty, fr.MENTION_INDEMNITY % fr.RECOVERY_INDEMNITY_EUR]

    # -- adjustment, payment, upload ----------------------------------------------------
    def _marketplace_add_adjustment_lines(self, parts, channel):
        """Explicit lines making the invoice total equal to the marketplace total, one per tax group with
        that group's taxes (``parts``: ``[(taxes, amount)]``): no taxable amount leaves its VAT rate."""
        self.ensure_one()
        product = channel.adjustment_product_id
        if not product:
            raise UserError(self.env._("Channel %s has no adjustment product: set one or hold invoices instead.",
                                       channel.name))
        self.write({"invoice_line_ids": [Command.create({
            "product_id": product.id,
            "name": self.env._("Marketplace total adjustment (%s)",
                               ", ".join(taxes.mapped("name")) or self.env._("no VAT")),
            "quantity": 1,
            "price_unit": amount,
            "tax_ids": [Command.set(taxes.ids)],
        }) for taxes, amount in parts]})
        self.message_post(body=self.env._(
            "Adjustment of %(amount)s added (%(parts)s) so that the total equals the marketplace total.",
            amount=round(sum(amount for _taxes, amount in parts), 2),
            parts=", ".join(f"{amount} {', '.join(taxes.mapped('name')) or '-'}" for taxes, amount in parts)))

    def _marketplace_register_payment(self, journal, amount=None):
        """Register a payment of ``amount`` (default: the residual); a different amount leaves the difference
        open, for an accountant to see."""
        self.ensure_one()
        if self.payment_state in ("paid", "in_payment"):
            return self.env["account.payment"]
        vals = {"journal_id": journal.id, "payment_date": self.invoice_date or fields.Date.context_today(self)}
        if amount:
            vals.update(amount=amount, payment_difference_handling="open")
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.ids).create(vals)
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

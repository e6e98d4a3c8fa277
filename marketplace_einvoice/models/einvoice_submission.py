"""Documents handed to the seller's approved platform (PA) and the statuses it answers.

``marketplace.einvoice.platform`` is the interface a connector to a given platform overrides:
``_platform_client(company)`` returns a ``marketplace_transport.einvoice_platform.PlatformClient``
(the generic JSON one by default). When: an invoice's Factur-X once issued at posting; an e-reporting
file from the e-reporting report's *Send to the platform*. Statuses are read back by a scheduled action.
"""
from odoo import api, fields, models

from marketplace_transport import MarketplaceError
from marketplace_transport.einvoice_platform import FINAL, STATUSES, HttpPlatformClient


class MarketplaceEinvoicePlatform(models.AbstractModel):
    _name = "marketplace.einvoice.platform"
    _description = "Approved e-invoicing platform (interface)"

    @api.model
    def _platform_client(self, company):
        """:return: the ``PlatformClient`` of ``company``'s platform (override for a specific platform)"""
        return HttpPlatformClient(company.marketplace_pa_url, company.sudo().marketplace_pa_token or "",
                                  timeout=company.marketplace_pa_timeout or 20)


class MarketplaceEinvoiceSubmission(models.Model):
    _name = "marketplace.einvoice.submission"
    _description = "Document sent to the approved platform"
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda s: s.env.company)
    kind = fields.Selection([("invoice", "Invoice (Factur-X)"), ("ereporting", "E-reporting file")],
                            required=True, readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", index=True, readonly=True, ondelete="cascade")
    name = fields.Char("Document", required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", "File", readonly=True)
    state = fields.Selection([("todo", "To send"), *STATUSES.items(), ("error", "Error")], default="todo",
                             required=True, readonly=True, index=True)
    platform_ref = fields.Char("Platform reference", readonly=True)
    message = fields.Char(readonly=True)
    last_check = fields.Datetime(readonly=True)

    @api.model
    def _create_for_invoice(self, move):
        """Queue and send the invoice's issued Factur-X (``invoice_pdf_report_id``)."""
        submission = self.create({"company_id": move.company_id.id, "kind": "invoice", "move_id": move.id,
                                  "name": move.name, "attachment_id": move.invoice_pdf_report_id.id})
        submission._send()
        return submission

    @api.model
    def _create_for_file(self, company, name, attachment):
        submission = self.create({"company_id": company.id, "kind": "ereporting", "name": name,
                                  "attachment_id": attachment.id})
        submission._send()
        return submission

    def _send(self):
        for submission in self.filtered(lambda s: s.state in ("todo", "error")):
            client = self.env["marketplace.einvoice.platform"]._platform_client(submission.company_id)
            attachment = submission.attachment_id
            submission._apply(lambda c, a=attachment, s=submission: c.submit(s.kind, a.name, a.raw, s.name), client)

    def _refresh(self):
        for submission in self.filtered(lambda s: s.platform_ref and s.state not in FINAL | {"todo", "error"}):
            client = self.env["marketplace.einvoice.platform"]._platform_client(submission.company_id)
            submission._apply(lambda c, s=submission: c.status(s.platform_ref), client)

    def _apply(self, call, client):
        """Run ``call(client)`` and record the answer; an error stays on the record (retried later)."""
        try:
            answer = call(client)
        except MarketplaceError as exc:
            self.write({"state": "error" if not self.platform_ref else self.state, "message": str(exc)[:250],
                        "last_check": fields.Datetime.now()})
            return
        changed = answer.status != self.state
        self.write({"platform_ref": answer.document_id, "state": answer.status, "message": answer.message[:250],
                    "last_check": fields.Datetime.now()})
        if changed and self.move_id:
            label = dict(self._fields["state"]._description_selection(self.env))[answer.status]
            self.move_id.message_post(body=self.env._(
                "Approved platform: %(doc)s is %(status)s. %(message)s", doc=self.name, status=label,
                message=answer.message))

    @api.model
    def _cron_refresh(self, limit=200):
        """Send what is waiting and read the statuses of the documents still moving."""
        pending = self.search([("state", "in", ("todo", "error"))], limit=limit)
        pending._send()
        self.search([("state", "not in", [*FINAL, "todo", "error"])], limit=limit)._refresh()

    def action_refresh(self):
        self._send()
        self._refresh()
        return True

import json

from odoo import api, fields, models


class MarketplaceImportFailure(models.Model):
    """An order that could not be imported: its reason and payload, with a Retry button."""

    _name = "marketplace.import.failure"
    _description = "Failed marketplace order import"
    _inherit = ["mail.thread"]
    _order = "last_attempt_at desc, id desc"
    _rec_name = "external_id"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    external_id = fields.Char("Marketplace order", index=True)
    reason = fields.Text(required=True)
    payload = fields.Text(help="The order as received (kept to retry and for audit).")
    state = fields.Selection([("open", "To fix"), ("done", "Imported")], default="open", required=True,
                             index=True, tracking=True)
    attempts = fields.Integer(default=1)
    last_attempt_at = fields.Datetime(default=fields.Datetime.now)
    sale_order_id = fields.Many2one("sale.order", readonly=True)

    _sql_constraints = [
        ("channel_external_unique", "UNIQUE(channel_id, external_id)",
         "One failure record per marketplace order and channel."),
    ]

    @api.model
    def _record(self, channel, external_id, payload, reason):
        """Create or update the failure of an order (outside the order's savepoint)."""
        text = channel._payload_json(payload) if not isinstance(payload, str) else channel._redact(payload)
        existing = self.search([("channel_id", "=", channel.id), ("external_id", "=", external_id or False)], limit=1)
        if existing:
            existing.write({"reason": reason, "payload": text, "state": "open", "attempts": existing.attempts + 1,
                            "last_attempt_at": fields.Datetime.now()})
            return existing
        return self.create({"channel_id": channel.id, "external_id": external_id or False, "reason": reason,
                            "payload": text})

    @api.model
    def _resolve(self, channel, external_id, sale, run=None):
        """Close the open failure of an order now imported as ``sale``.

        :param run: the import run, which knows the open failures of its page (default: search)
        """
        known = run.failure_refs if run else None
        if known is not None and external_id not in known:
            return
        open_failures = self.search([("channel_id", "=", channel.id), ("external_id", "=", external_id),
                                     ("state", "=", "open")])
        if open_failures:
            open_failures.write({"state": "done", "sale_order_id": sale.id})
            open_failures.message_post(body=self.env._("Imported as %s.", sale.name))

    def action_retry(self):
        """Re-read the order from the marketplace (fallback: the stored payload) and import it."""
        for failure in self:
            channel = failure.channel_id
            transport = channel._get_transport()
            try:
                payload = transport.get_order(failure.external_id) if failure.external_id else None
            except Exception:  # marketplace unreachable: retry with what we have
                payload = None
            if payload is None:
                payload = json.loads(failure.payload or "null")
            channel._import_one_payload(transport, payload)
        return True

    def action_open_order(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "sale.order", "res_id": self.sale_order_id.id,
                "view_mode": "form"}

"""Outbox: the calls that change the marketplace (accept, refuse, invoice upload...), recorded on
their record inside the transaction that decides them and sent once it has committed.

An import rolled back (a concurrent update, a crash) takes its outbox items with it: nothing was
sent. An item is sent by :meth:`_send_one`, which locks its row, calls the channel's handler
``_outbox_do_<operation>`` in a savepoint and writes the outcome; the caller commits right after
each item (``marketplace.channel._outbox_dispatch``), so an item sent is never sent again.
"""
import base64
import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from marketplace_transport import MarketplaceError, TemporaryError

from ..tools import is_concurrent_update

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # temporary errors in a row before the item is in error
BACKOFF_SECONDS = 60  # wait after the first temporary error, doubled after each other one
BACKOFF_MAX_SECONDS = 6 * 3600
STATES = [("todo", "To send"), ("done", "Sent"), ("error", "Error"), ("cancelled", "Cancelled")]


class NothingToSend(Exception):
    """Raised by a handler when the call is no longer wanted (the item is cancelled, not sent)."""


class MarketplaceOutbox(models.Model):
    _name = "marketplace.outbox"
    _description = "Marketplace call to send"
    _order = "id desc"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True,
                                 readonly=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    operation = fields.Selection([("accept", "Accept order"), ("refuse", "Refuse order")], required=True,
                                 readonly=True)
    res_model = fields.Char("Record model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference("Record id", model_field="res_model", required=True, readonly=True,
                                      index=True)
    record_ref = fields.Reference(selection="_selection_record_model", compute="_compute_record_ref",
                                  string="Record")
    payload = fields.Text(readonly=True, help="What the call needs, as JSON (secrets redacted).")
    idempotency_key = fields.Char(required=True, readonly=True,
                                  help="The same call is queued once per channel and operation.")
    state = fields.Selection(STATES, default="todo", required=True, index=True, readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime("Next attempt", readonly=True, index=True,
                                      help="After a temporary error: not sent before this time.")
    last_error = fields.Text(readonly=True)
    date_done = fields.Datetime("Sent on", readonly=True)

    _sql_constraints = [
        ("channel_operation_key_unique", "UNIQUE(channel_id, operation, idempotency_key)",
         "This call is already queued for this channel."),
    ]

    @api.model
    def _selection_record_model(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for item in self:
            ok = item.res_model in self.env and item.res_id
            item.record_ref = f"{item.res_model},{item.res_id}" if ok else False

    @api.depends("operation", "record_ref")
    def _compute_display_name(self):
        labels = dict(self._fields["operation"]._description_selection(self.env))
        for item in self:
            record = item.record_ref.display_name if item.record_ref else item.idempotency_key
            item.display_name = f"{labels.get(item.operation, item.operation)}: {record}"

    # -- what an item carries -------------------------------------------------------------
    def _record(self):
        """The record the call is about (empty when it was deleted)."""
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).exists()

    def _payload_values(self):
        self.ensure_one()
        return json.loads(self.payload or "{}")

    def _set_attachment(self, name, raw):
        """Keep a binary the call sends (an invoice PDF) beside the item, replacing the previous one."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        Attachment.search([("res_model", "=", self._name), ("res_id", "=", self.id)]).unlink()
        Attachment.create({"name": name, "datas": base64.b64encode(raw), "res_model": self._name,
                           "res_id": self.id})

    def _attachment_raw(self):
        self.ensure_one()
        return self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "=", self.id)], limit=1).raw or b""

    def _operation_label(self):
        self.ensure_one()
        return dict(self._fields["operation"]._description_selection(self.env)).get(self.operation, self.operation)

    # -- sending --------------------------------------------------------------------------
    @api.model
    def _due_domain(self):
        return [("state", "=", "todo"), "|", ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now())]

    @api.model
    def _cron_send(self):
        """Scheduled action: send the due items, channel by channel."""
        for channel in self.search(self._due_domain()).channel_id:
            channel.with_company(channel.company_id)._outbox_send()

    def _send_one(self, raise_errors=False):
        """Send this item unless it is no longer to send or another worker holds it.

        :param raise_errors: raise what the call raised, recording nothing (buttons: the user sees
            the error and the transaction is rolled back)
        :return: True when the marketplace took the call
        """
        self.ensure_one()
        if not self._lock_todo():
            return False
        channel = self.channel_id
        try:
            channel._outbox_call(self)
        except NothingToSend as exc:
            self.sudo().write({"state": "cancelled", "last_error": str(exc)})
            return False
        except Exception as exc:  # recorded on the item, retried or told on its record
            if raise_errors:
                raise
            self._record_error(exc)
            return False
        self._mark_done()
        channel._outbox_after(self)
        return True

    def _lock_todo(self):
        """Lock the item's row for this transaction; False when it is sent, being sent, or changed
        by a transaction committed after ours began."""
        self.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT state FROM marketplace_outbox WHERE id = %s FOR UPDATE SKIP LOCKED", (self.id,))
                row = self.env.cr.fetchone()
        except Exception as exc:  # noqa: BLE001 - only a concurrent update is expected here
            if not is_concurrent_update(exc):
                raise
            return False
        self.invalidate_recordset()
        return bool(row) and row[0] == "todo"

    def _mark_done(self):
        self.sudo().write({"state": "done", "date_done": fields.Datetime.now(), "attempts": self.attempts + 1,
                           "last_error": False, "next_attempt_at": False})

    def _record_error(self, exc):
        """A concurrent update leaves the item to send; a temporary error is retried later (with
        back-off, or after the marketplace's Retry-After); any other error is final."""
        if is_concurrent_update(exc):
            _logger.info("Outbox item %s: concurrent update, sent later (%s)", self.id, exc)
            return
        message = self.channel_id._error_text(exc)
        attempts = self.attempts + 1
        if isinstance(exc, TemporaryError) and attempts < MAX_ATTEMPTS:
            wait = max(min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS),
                       getattr(exc, "retry_after", None) or 0)
            self.sudo().write({"attempts": attempts, "last_error": message,
                               "next_attempt_at": fields.Datetime.now() + timedelta(seconds=wait)})
            return
        if not isinstance(exc, MarketplaceError | UserError):  # not a refusal: a bug to look at
            _logger.warning("Outbox item %s failed", self.id, exc_info=exc)
        self.sudo().write({"state": "error", "attempts": attempts, "last_error": message})
        self.channel_id._outbox_failed(self, message)

    def _rearm(self, vals):
        """To send again (a new request for a call in error, cancelled, or sent)."""
        self.sudo().write(dict(vals, state="todo", attempts=0, last_error=False, next_attempt_at=False,
                               date_done=False))

    # -- buttons --------------------------------------------------------------------------
    def action_retry(self):
        """Send the selected items in error again, now."""
        for item in self.filtered(lambda i: i.state in ("error", "cancelled")):
            item._rearm({})
            item._send_one()
        return True

    def action_cancel(self):
        self.filtered(lambda i: i.state in ("todo", "error")).sudo().write({"state": "cancelled"})
        return True

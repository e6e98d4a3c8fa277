"""Marketplace channel: the outbox of calls that change the marketplace.

A call decided during an import (accept an order, upload an invoice...) is not made there: it is
recorded with :meth:`_outbox_enqueue` and sent once the page has committed -- right after it by
the run, by the scheduled action, or by a queue job when ``marketplace_queue_job`` is installed.
Each operation has its handlers on the channel: ``_outbox_do_<operation>(item, transport)`` makes
the call, ``_outbox_after_<operation>(item)`` records what it changed on our side, and an
optional ``_outbox_failed_<operation>(item, message)`` tells about a final error.
"""
import logging

from odoo import models

from ..tools import held_exchanges

_logger = logging.getLogger(__name__)


class MarketplaceChannelOutbox(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.outbox"
    _description = "Marketplace channel: outbox"

    def _outbox_enqueue(self, operation, record, payload=None, key=None, again=False):
        """Record a call that changes the marketplace, to send once this transaction commits.

        :param operation: a ``marketplace.outbox`` operation (``accept``, ``refuse``...)
        :param record: the record the call is about (its chatter hears of a final error)
        :param payload: JSON values the handler needs (stored redacted: no secrets)
        :param key: idempotency key, one item per channel, operation and key (default: the record)
        :param again: send it again when it was sent already (a person asks again)
        :return: the ``marketplace.outbox`` item, the one already queued when there is one
        """
        self.ensure_one()
        Outbox = self.env["marketplace.outbox"].sudo()
        key = key or f"{record._name},{record.id}"
        vals = {"payload": self._payload_json(payload or {})}
        item = Outbox.search([("channel_id", "=", self.id), ("operation", "=", operation),
                              ("idempotency_key", "=", key)], limit=1)
        if not item:
            item = Outbox.create(dict(vals, channel_id=self.id, operation=operation, res_model=record._name,
                                      res_id=record.id, idempotency_key=key))
        elif item.state == "todo":
            item.payload = vals["payload"]
        elif item.state != "done" or again:
            item._rearm(vals)
        self._outbox_trigger()
        return item.with_env(self.env)

    def _outbox_trigger(self):
        """Wake the outbox's scheduled action up once this transaction has committed."""
        cron = self.env.ref("marketplace_connector.ir_cron_marketplace_send_outbox", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _outbox_send(self):
        """Send the channel's due items, each committed on its own (see :meth:`_outbox_dispatch`)."""
        self.ensure_one()
        items = self.env["marketplace.outbox"].search(
            self.env["marketplace.outbox"]._due_domain() + [("channel_id", "=", self.id)], order="id")
        if items:
            self._outbox_dispatch(items)

    def _outbox_dispatch(self, items):
        """Send ``items`` one by one. Hook: ``marketplace_queue_job`` queues a job per item instead."""
        for item in items:
            item._send_one()
            # Justification: the marketplace has taken the call; committing the item's state now
            # keeps a later rollback of this transaction from sending it a second time.
            self._commit_progress()

    # -- one item ---------------------------------------------------------------------------
    def _outbox_call(self, item):
        """Make the call of ``item`` in a savepoint; its exchanges are logged even when it fails."""
        transport = self._get_transport()
        handler = getattr(self, f"_outbox_do_{item.operation}")
        with held_exchanges(transport.recorder), self.env.cr.savepoint():
            handler(item, transport)

    def _outbox_after(self, item):
        """Record on our side what the call changed; a failure there is told, the call stays sent."""
        handler = getattr(self, f"_outbox_after_{item.operation}", None)
        if not handler:
            return
        try:
            with self.env.cr.savepoint():
                handler(item)
        except Exception as exc:  # noqa: BLE001 - the marketplace changed already: tell, never send again
            _logger.warning("Outbox item %s: sent, but recording it failed", item.id, exc_info=exc)
            self._outbox_tell(item, self.env._("Sent to the marketplace, but Odoo could not record it: %s",
                                               self._redact(str(exc))))

    def _outbox_failed(self, item, message):
        """A final error: the connector's ``_outbox_failed_<operation>``, else a note and an activity."""
        handler = getattr(self, f"_outbox_failed_{item.operation}", None)
        if handler:
            return handler(item, message)
        return self._outbox_tell(item, message)

    def _outbox_tell(self, item, message):
        """A note and an activity on the item's record (on the channel when it has no chatter)."""
        record = item._record()
        if not record or "activity_ids" not in record._fields:
            record = self
        label = item._operation_label()
        record.message_post(body=self.env._("%(what)s not done on %(channel)s: %(error)s", what=label,
                                            channel=self.name, error=message))
        self._schedule_error_activity(self.env._("%s failed on the marketplace", label), message, record=record)

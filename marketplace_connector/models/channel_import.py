"""Marketplace channel: scheduled actions, the per-channel lock and the order import run.

A run (:class:`~odoo.addons.marketplace_connector.run.ImportRun`) reads the listing page by page
since the cursor, imports each page in a savepoint (``channel_import_page.py``), commits, moves
the cursor as far as the processed orders allow, and sends the calls the page queued in the outbox
(``channel_outbox.py``).
"""
import logging
from contextlib import contextmanager
from datetime import UTC, timedelta

from odoo import api, fields, models

from marketplace_transport import (
    MarketplaceError,
    QuotaExhaustedError,
    RateLimitedError,
    TemporaryError,
)

from ..run import ImportRun, Page
from ..tools import LOCK_NAMESPACE, ConcurrentUpdate, held_exchanges, is_testing, to_naive_utc

_logger = logging.getLogger(__name__)


class MarketplaceChannelImport(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.import"
    _description = "Marketplace channel: scheduled imports and runs"

    # -- scheduling -----------------------------------------------------------------
    def _is_due(self, last, interval_minutes, now):
        if self.paused_until and self.paused_until > now:
            return False
        return not last or last + timedelta(minutes=interval_minutes) <= now + timedelta(seconds=30)

    @api.model
    def _cron_import_orders(self):
        now = fields.Datetime.now()
        for channel in self.search([]):
            if channel._is_due(channel.last_import_at, channel.import_interval, now):
                channel.with_company(channel.company_id)._run_import()

    @api.model
    def _cron_push_offers(self):
        now = fields.Datetime.now()
        for channel in self.search([]):
            if channel._is_due(channel.last_offer_push_at, channel.offer_interval, now):
                channel.with_company(channel.company_id)._push_offers()

    @api.model
    def _cron_send_shipments(self):
        orders = self.env["sale.order"].search(
            [("ship_sync_state", "=", "todo"), ("marketplace_channel_id", "!=", False)])
        orders._send_marketplace_shipment()

    def _commit_progress(self):
        """Commit what a run has done so far.

        Justification: a run imports many orders; committing after each page keeps every
        imported order and the cursor that covers them if the worker dies later, and the
        next run resumes from there. Never inside tests (they run in one transaction).
        """
        if not is_testing() and not self.env.context.get("marketplace_no_commit"):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @contextmanager
    def _run_lock(self):
        """Per-channel PostgreSQL advisory lock (imports and offer pushes): a second worker skips the channel."""
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_NAMESPACE, self.id))
        acquired = self.env.cr.fetchone()[0]
        try:
            if acquired:
                # Start on a fresh snapshot: the channel row may have been committed by the run that
                # held the lock just before; writing it from an older snapshot fails to serialize.
                self._commit_progress()
            yield acquired
        finally:
            if acquired:
                self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, self.id))

    # -- the import run -------------------------------------------------------------
    def _import_window_start(self, now):
        """Start of this run's 'updated since' window (naive UTC)."""
        self.ensure_one()
        if not self.import_cursor:
            return now - timedelta(days=self.initial_import_days)
        start = self.import_cursor - timedelta(minutes=self.overlap_minutes)
        if self.lookback_days and self._is_lookback_due(now):
            start = min(start, now - timedelta(days=self.lookback_days))
        return start

    def _run_import(self, force=False):
        """One import run: lock, read pages since the cursor, import each order in its savepoint."""
        self.ensure_one()
        with self._run_lock() as acquired:
            if not acquired:
                _logger.info("Channel %s: an import is already running, skipped", self.id)
                return False
            return self._import_orders(force=force)

    def _import_orders(self, force=False):
        """Read the orders updated since the cursor, page by page, and import them.

        :param force: run even while the channel is paused
        :return: the run's counters (imported, skipped, failed...), False when paused
        """
        self.ensure_one()
        now = fields.Datetime.now()
        if self.paused_until and self.paused_until > now and not force:
            return False
        run = ImportRun(start=self._import_window_start(now), now=now, start_cursor=self.import_cursor)
        is_lookback = self._is_lookback_due(now)
        self.last_import_at = now
        try:
            self._import_pages(run)
        except (QuotaExhaustedError, RateLimitedError) as exc:
            self._record_run_error(exc, pause_seconds=exc.retry_after)
        except TemporaryError as exc:
            self._record_run_error(exc)
        except MarketplaceError as exc:  # authentication and other refusals
            self._record_run_error(exc, activity=True)
        else:
            self._end_run(run, is_lookback)
        self._cap_cursor(run.listing)
        self._commit_progress()
        return run.stats

    def _is_lookback_due(self, now):
        return not self.last_lookback_at or self.last_lookback_at <= now - timedelta(days=1)

    def _import_pages(self, run):
        """Import the listing's pages, each in its savepoint and committed, the cursor following."""
        transport = self._get_transport()
        for payloads in transport.iter_order_pages(run.start.replace(tzinfo=UTC)):
            page = Page.from_payloads(transport, payloads)
            self._track_listing(run, page)
            newest = self._import_page_in_savepoint(transport, page, run)
            if run.interrupted:
                break
            if run.listing.sorted:  # per page only while the listing is sorted by 'updated at'
                self._advance_cursor(newest, run.now)
            self._commit_progress()
            self._outbox_send()  # the calls the page decided (accept...), now that it is committed
        if not run.listing.sorted and not run.interrupted:  # a complete read of an unsorted listing
            self._advance_cursor(run.listing.newest, run.now)

    def _import_page_in_savepoint(self, transport, page, run):
        """Import a page in a savepoint, after the work it needs outside (:meth:`_before_page`); its
        exchanges are logged even when the page is rolled back.

        :return: the page's newest 'updated at'; None when a concurrent update interrupted the run
        """
        self._before_page(transport, page, run)
        try:
            with held_exchanges(transport.recorder), self.env.cr.savepoint():
                return self._import_order_page(transport, page, run)
        except ConcurrentUpdate as exc:
            _logger.info("Channel %s: page interrupted by a concurrent update (%s), the next run redoes it",
                         self.id, exc)
            run.interrupted = True
            return None

    def _end_run(self, run, is_lookback):
        """A run that met no marketplace error: successful, or due again when it was interrupted."""
        if run.interrupted:
            self.last_import_at = False  # due again at the next cron wake-up
            return
        vals = {"last_import_success_at": run.now, "last_error": False}
        if is_lookback:
            vals["last_lookback_at"] = run.now
        self.write(vals)

    def _cap_cursor(self, listing):
        """An order changed during the run: the ones after it may have been passed over."""
        if listing.ceiling:
            ceiling = to_naive_utc(listing.ceiling)
            self.import_cursor = min(self.import_cursor, ceiling) if self.import_cursor else ceiling

    def _track_listing(self, run, page):
        """Watch a run's listing. An order older than one already listed (the marketplace ignored
        the sort) sends the cursor back to where the run started; an order listed twice in two
        versions (it changed between two pages, shifting them) caps the cursor at its first version."""
        for item in page.items:
            if item.updated_at and run.listing.track(item.external_id, item.updated_at):
                self.import_cursor = run.listing.start_cursor

    def _advance_cursor(self, newest, now):
        """Move the cursor to the newest processed 'updated at', never past our own clock."""
        if not newest:
            return
        newest = min(to_naive_utc(newest), now)
        if not self.import_cursor or newest > self.import_cursor:
            self.import_cursor = newest

    # -- errors ---------------------------------------------------------------------
    def _record_run_error(self, exc, pause_seconds=None, activity=False):
        message = self._error_text(exc)
        vals = {"last_error": message}
        if pause_seconds:
            vals["paused_until"] = fields.Datetime.now() + timedelta(seconds=pause_seconds)
        self.write(vals)
        _logger.warning("Marketplace channel %s: %s", self.id, message)
        if activity:
            self._schedule_error_activity(self.env._("Marketplace sync failed"), message)

    def _schedule_error_activity(self, summary, note, record=None):
        record = record or self
        user = self.user_id or self.env.user
        existing = record.activity_ids.filtered(lambda a: a.summary == summary and a.user_id == user)
        if existing:
            existing.write({"note": note})
            return existing
        return record.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id)

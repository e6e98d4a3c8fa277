import json
import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import psycopg2
from psycopg2 import errorcodes

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..batch import ORDER_BATCH_KEY, OrderBatch, PageList
from ..transport import (
    AuthenticationError,
    MarketplaceError,
    QuotaExhaustedError,
    RateLimitedError,
    TemporaryError,
    TransportConfig,
    get_transport_class,
)
from ..transport.base import TokenStore
from ..transport.http import redact_text
from ..transport.webhook import verify_hmac_sha256_base64

_logger = logging.getLogger(__name__)

MANAGER = "marketplace_connector.group_marketplace_manager"


class ConcurrentUpdate(Exception):
    """Another transaction changed rows this run needs (serialization failure, deadlock): the page
    is rolled back and done again by the next run; it is not a bad order."""


# Errors another transaction causes: serialization failure, deadlock, lock timeout, and a unique race
# (the pipeline checks existence before inserting, so a duplicate key means a concurrent insert).
CONCURRENCY_ERRORS = {errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED,
                      errorcodes.LOCK_NOT_AVAILABLE, errorcodes.UNIQUE_VIOLATION}


def is_concurrent_update(exc):
    """True when ``exc``, or what caused it, comes from a concurrent transaction."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConcurrentUpdate) or (
                isinstance(exc, psycopg2.Error) and exc.pgcode in CONCURRENCY_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def raise_if_concurrent(exc):
    """Raise :class:`ConcurrentUpdate` when another transaction caused ``exc`` (the page is redone by
    the next run); any other error is the caller's to record."""
    if is_concurrent_update(exc):
        raise ConcurrentUpdate(str(exc)) from exc


LOCK_NAMESPACE = 720431  # pg advisory lock class id for channel runs
WEBHOOK_MAX_BYTES = 2 * 1024 * 1024  # largest webhook body read


def to_naive_utc(dt):
    """Aware datetime -> naive UTC, as Odoo stores Datetime fields."""
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt


def is_testing():
    return getattr(threading.current_thread(), "testing", False)


class ChannelTokenStore(TokenStore):
    """Keeps the transport's access token on the channel between runs."""

    def __init__(self, channel):
        self.channel = channel.sudo()
        super().__init__(self.channel.access_token or None, self.channel.access_token_expires_at or 0.0)

    def set(self, token, expires_at):
        super().set(token, expires_at)
        self.channel.write({"access_token": token or False, "access_token_expires_at": expires_at or 0.0})


class MarketplaceChannel(models.Model):
    _name = "marketplace.channel"
    _description = "Marketplace Channel"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name"

    # -- identity ---------------------------------------------------------------------
    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    channel_type = fields.Selection(selection=[], string="Type", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user,
        help="Receives the activities raised by sync failures.")
    color = fields.Integer()

    # -- connection -------------------------------------------------------------------
    base_url = fields.Char(
        "API base URL", required=True, tracking=True,
        help="Overridable for sandboxes and for the bundled simulator.")
    api_account = fields.Char(
        "Account / seller id", tracking=True, help="Seller id, site id or shop name, as the marketplace names it.")
    api_login = fields.Char("Client id / login", groups=MANAGER, copy=False, exportable=False)
    api_secret = fields.Char("Client secret / password / token", groups=MANAGER, copy=False, exportable=False)
    webhook_secret = fields.Char(groups=MANAGER, copy=False, exportable=False)
    webhook_url = fields.Char(
        "Webhook URL", compute="_compute_webhook_url",
        help="Where the marketplace posts its order webhooks (empty: this type has none).")
    access_token = fields.Char(groups=MANAGER, copy=False, exportable=False, readonly=True)
    access_token_expires_at = fields.Float(groups=MANAGER, copy=False, exportable=False, readonly=True)
    timeout = fields.Integer("Timeout (s)", default=30)
    page_size = fields.Integer(default=100, help="Orders per listing page (capped by each marketplace).")
    connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("error", "Error")], default="unknown", readonly=True,
        copy=False)
    connection_message = fields.Text(readonly=True, copy=False)

    # -- sales defaults ---------------------------------------------------------------
    warehouse_id = fields.Many2one(
        "stock.warehouse", check_company=True,
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1))
    team_id = fields.Many2one("crm.team", "Sales team", check_company=True)
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    currency_id = fields.Many2one("res.currency", related="company_id.currency_id")
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    shipping_product_id = fields.Many2one(
        "product.product", default=lambda self: self.env.ref(
            "marketplace_connector.product_marketplace_shipping", raise_if_not_found=False))
    discount_product_id = fields.Many2one(
        "product.product", default=lambda self: self.env.ref(
            "marketplace_connector.product_marketplace_discount", raise_if_not_found=False))
    prices_include_tax = fields.Selection(
        [("marketplace", "As the marketplace says"), ("included", "Always tax included"),
         ("excluded", "Always tax excluded")], default="marketplace", required=True)

    # -- policies ---------------------------------------------------------------------
    auto_confirm = fields.Boolean("Confirm orders automatically", default=True)
    auto_accept = fields.Boolean(
        "Accept orders automatically", default=False,
        help="Orders waiting for acceptance are accepted when every product is in stock.")
    ship_on_validate = fields.Boolean(
        "Send shipments on delivery validation", default=True,
        help="Validating a delivery queues its carrier and tracking number for the marketplace.")
    log_retention_days = fields.Integer(default=30)
    follow_customers = fields.Boolean(
        "Buyers follow their orders", default=False,
        help="Off: imported buyers are not subscribed to their orders, so Odoo never e-mails them; "
             "marketplaces want buyers contacted through their own messaging.")

    # -- scheduling and cursor ------------------------------------------------------
    import_interval = fields.Integer("Order import every (min)", default=15)
    offer_interval = fields.Integer("Offer push every (min)", default=60)
    overlap_minutes = fields.Integer(
        "Overlap window (min)", default=10,
        help="Each run re-reads orders updated this long before the cursor: late writes are not missed.")
    lookback_days = fields.Integer(
        "Daily look-back (days)", default=2, help="Once a day, re-read the orders updated in the last N days.")
    import_cursor = fields.Datetime(
        "Orders imported up to", copy=False, tracking=True,
        help="Marketplace 'updated at' of the last order fully processed (UTC).")
    initial_import_days = fields.Integer("First import covers (days)", default=7)
    last_import_at = fields.Datetime(readonly=True, copy=False)
    last_import_success_at = fields.Datetime("Last successful sync", readonly=True, copy=False)
    last_lookback_at = fields.Datetime(readonly=True, copy=False)
    last_offer_push_at = fields.Datetime(readonly=True, copy=False)
    paused_until = fields.Datetime(
        copy=False, tracking=True, help="Set when the marketplace asks us to wait (quota, rate limit).")
    last_error = fields.Text(readonly=True, copy=False)

    # -- relations and counters -----------------------------------------------------
    order_ids = fields.One2many("sale.order", "marketplace_channel_id")
    offer_ids = fields.One2many("marketplace.offer", "channel_id")
    failure_ids = fields.One2many("marketplace.import.failure", "channel_id")
    order_count = fields.Integer(compute="_compute_counts")
    offer_count = fields.Integer(compute="_compute_counts")
    failure_count = fields.Integer(compute="_compute_counts")
    log_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("positive_intervals", "CHECK(import_interval > 0 AND offer_interval > 0)",
         "Sync intervals must be positive."),
        ("overlap_not_negative", "CHECK(overlap_minutes >= 0)", "The overlap window cannot be negative."),
    ]

    def _compute_counts(self):
        def grouped(model, domain):
            rows = self.env[model]._read_group(domain + [("channel_id", "in", self.ids)], ["channel_id"], ["__count"])
            return {channel.id: count for channel, count in rows}

        orders = {
            channel.id: count for channel, count in self.env["sale.order"]._read_group(
                [("marketplace_channel_id", "in", self.ids)], ["marketplace_channel_id"], ["__count"])}
        offers = grouped("marketplace.offer", [])
        failures = grouped("marketplace.import.failure", [("state", "=", "open")])
        logs = grouped("marketplace.sync.log", [])
        for channel in self:
            channel.order_count = orders.get(channel.id, 0)
            channel.offer_count = offers.get(channel.id, 0)
            channel.failure_count = failures.get(channel.id, 0)
            channel.log_count = logs.get(channel.id, 0)

    # -- transport ------------------------------------------------------------------
    def _prepare_transport_config(self):
        """Values for :class:`TransportConfig`; connector addons extend ``options``."""
        self.ensure_one()
        channel = self.sudo()
        return {
            "base_url": channel.base_url,
            "credentials": {
                "login": channel.api_login or "",
                "secret": channel.api_secret or "",
                "webhook_secret": channel.webhook_secret or "",
            },
            "options": {"account": channel.api_account or "", "page_size": channel.page_size or 100},
            "timeout": channel.timeout or 30,
            "token_store": ChannelTokenStore(channel),
        }

    def _get_transport(self, operation_prefix=""):
        self.ensure_one()
        config = TransportConfig(**self._prepare_transport_config())
        transport_class = get_transport_class(self.channel_type)
        return transport_class(config, recorder=self._make_recorder(config.secret_values()),
                               **self._transport_kwargs())

    def _transport_kwargs(self):
        """Extra keyword arguments for the transport (tests pass a fast ``sleep``)."""
        sleep = self.env.context.get("marketplace_sleep")
        return {"sleep": sleep} if sleep else {}

    def _make_recorder(self, secrets):
        channel = self

        def record(exchange):
            channel._log_exchange(exchange, secrets)

        return record

    def _log_exchange(self, exchange, secrets=()):
        self.env["marketplace.sync.log"].sudo().create({
            "channel_id": self.id,
            "operation": exchange.operation,
            "method": exchange.method,
            "url": self._redact(redact_text(exchange.url, secrets)),  # _redact: also the current access token
            "status_code": exchange.status or 0,
            "duration_ms": exchange.duration_ms,
            "state": "ok" if exchange.ok else "error",
            "error": self._redact(redact_text(exchange.error or "", secrets)) or False,
        })

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Credentials (non-exportable fields) are never exported, even by managers and through
        related paths (``marketplace_channel_id/api_secret``): their cells are emptied."""
        rows = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        hidden = [i for i, path in enumerate(fields)
                  if path and path[0] in self._fields and not self._fields[path[0]].exportable]
        for row in rows:
            for index in hidden:
                row[index] = ""
        return rows

    def _redact(self, text):
        self.ensure_one()
        channel = self.sudo()
        secrets = [channel.api_login, channel.api_secret, channel.webhook_secret, channel.access_token]
        return redact_text(text or "", [s for s in secrets if s])

    # -- buttons --------------------------------------------------------------------
    def action_test_connection(self):
        self.ensure_one()
        try:
            checks = self._get_transport().check_connection()
        except MarketplaceError as exc:
            self.write({"connection_state": "error", "connection_message": self._redact(str(exc))})
            return self._notify(_("Connection failed"), self.connection_message, "danger")
        message = "\n".join(f"✓ {check}" for check in checks) or _("Connected.")
        self.write({"connection_state": "ok", "connection_message": message})
        return self._notify(_("Connection succeeded"), message, "success")

    def action_import_orders(self):
        for channel in self:
            channel._run_import(force=True)
        return self._notify(_("Import finished"), _("See the channel's orders, failed imports and logs."), "info")

    def action_push_offers(self):
        for channel in self:
            channel._push_offers()
        return self._notify(_("Offers pushed"), _("See the offers' states."), "info")

    def action_resume(self):
        self.write({"paused_until": False})

    def _notify(self, title, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind, "sticky": kind == "danger",
                           "next": {"type": "ir.actions.act_window_close"}}}

    def _action_open(self, model, domain, name):
        return {"type": "ir.actions.act_window", "res_model": model, "name": name, "view_mode": "list,form",
                "domain": domain, "context": {"default_channel_id": self.id}}

    def action_open_orders(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_orders")
        action["domain"] = [("marketplace_channel_id", "in", self.ids)]
        return action

    def action_open_offers(self):
        return self._action_open("marketplace.offer", [("channel_id", "in", self.ids)], _("Offers"))

    def action_open_failures(self):
        return self._action_open(
            "marketplace.import.failure", [("channel_id", "in", self.ids), ("state", "=", "open")],
            _("Failed imports"))

    def action_open_logs(self):
        return self._action_open("marketplace.sync.log", [("channel_id", "in", self.ids)], _("Sync logs"))

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
        orders = self.env["sale.order"].search([("ship_sync_state", "=", "todo"), ("marketplace_channel_id", "!=", False)])
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

    # -- order import ---------------------------------------------------------------
    def _import_window_start(self, now):
        """Start of this run's 'updated since' window (naive UTC)."""
        self.ensure_one()
        if not self.import_cursor:
            return now - timedelta(days=self.initial_import_days)
        start = self.import_cursor - timedelta(minutes=self.overlap_minutes)
        if self.lookback_days and (not self.last_lookback_at or self.last_lookback_at <= now - timedelta(days=1)):
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
        self.ensure_one()
        now = fields.Datetime.now()
        if self.paused_until and self.paused_until > now and not force:
            return False
        start = self._import_window_start(now)
        is_lookback = not self.last_lookback_at or self.last_lookback_at <= now - timedelta(days=1)
        self.last_import_at = now
        stats = {"imported": 0, "failed": 0, "skipped": 0}
        run_cache = {}  # lookups memoized for this run
        interrupted = False
        listing = {"start_cursor": self.import_cursor, "newest": None, "sorted": True, "ceiling": None, "seen": {}}
        try:
            transport = self._get_transport()
            for page in transport.iter_order_pages(start.replace(tzinfo=timezone.utc)):
                self._track_listing(listing, transport, page)
                try:
                    with self.env.cr.savepoint():
                        newest = self.with_context(marketplace_run_cache=run_cache)._import_order_page(
                            transport, page, stats)
                except ConcurrentUpdate as exc:
                    _logger.info("Channel %s: page interrupted by a concurrent update (%s), the next run redoes it",
                                 self.id, exc)
                    interrupted = True
                    break
                if listing["sorted"]:  # per page only while the listing is sorted by 'updated at'
                    self._advance_cursor(newest, now)
                self._commit_progress()
            if not listing["sorted"] and not interrupted:  # a complete read of an unsorted listing
                self._advance_cursor(listing["newest"], now)
        except QuotaExhaustedError as exc:
            self._record_run_error(exc, pause_seconds=exc.retry_after)
        except RateLimitedError as exc:
            self._record_run_error(exc, pause_seconds=exc.retry_after)
        except TemporaryError as exc:
            self._record_run_error(exc)
        except AuthenticationError as exc:
            self._record_run_error(exc, activity=True)
        except MarketplaceError as exc:
            self._record_run_error(exc, activity=True)
        else:
            if interrupted:
                self.last_import_at = False  # due again at the next cron wake-up
            else:
                vals = {"last_import_success_at": now, "last_error": False}
                if is_lookback:
                    vals["last_lookback_at"] = now
                self.write(vals)
        if listing["ceiling"]:  # an order changed during the run: the ones after it may have been passed over
            ceiling = to_naive_utc(listing["ceiling"])
            self.import_cursor = min(self.import_cursor, ceiling) if self.import_cursor else ceiling
        self._commit_progress()
        return stats

    def _track_listing(self, listing, transport, page):
        """Watch a run's listing. An order older than one already listed (the marketplace ignored
        the sort) sends the cursor back to where the run started; an order listed twice in two
        versions (it changed between two pages, shifting them) caps the cursor at its first version."""
        for payload in page:
            try:
                external_id, updated_raw = transport.order_key(payload)
            except Exception:  # noqa: BLE001 - recorded as a failure by _import_payload
                continue
            updated_at = self._parse_updated(updated_raw)
            if not updated_at:
                continue
            first = listing["seen"].setdefault(external_id, updated_at)
            if first != updated_at:
                listing["ceiling"] = min(listing["ceiling"] or first, first)
            if listing["newest"] and updated_at < listing["newest"] and listing["sorted"]:
                listing["sorted"] = False
                self.import_cursor = listing["start_cursor"]
            listing["newest"] = max(listing["newest"] or updated_at, updated_at)

    def _import_order_page(self, transport, page, stats):
        """Import one page of raw payloads; return the newest 'updated at' it holds.

        Each order is read and prepared in its own savepoint; the new sale orders of the page are
        created together (:meth:`_create_pending_orders`) and confirmed together (one procurement
        run), falling back to one by one when a batch fails.
        Hook: ``marketplace_queue_job`` overrides it to run the page as a queue job instead.
        """
        batch, pending = PageList(), PageList()
        channel = self.with_context(**self._import_context(), marketplace_confirm_batch=batch,
                                    marketplace_create_batch=pending)
        channel._prefetch_page(transport, page)
        normalized = channel._find_or_create_page_buyers(transport, page)
        newest = None
        for payload in page:
            if pending and channel._is_pending(transport, payload, pending):
                channel._create_pending_orders(pending, stats)  # the same order twice in a page
            result, updated_at = channel._import_payload(transport, payload, normalized.get(id(payload)))
            stats[result] = stats.get(result, 0) + 1
            if updated_at and (newest is None or updated_at > newest):
                newest = updated_at
        channel._create_pending_orders(pending, stats)
        importer = channel.env["marketplace.order.importer"].with_context(marketplace_confirm_batch=None)
        importer._confirm_orders(importer.env["sale.order"].browse(batch))
        return newest

    @staticmethod
    def _is_pending(transport, payload, pending):
        try:
            external_id = transport.order_key(payload)[0]
        except Exception:  # noqa: BLE001 - recorded as a failure by _import_payload
            return False
        return any(order.external_id == external_id for order, _vals in pending)

    def _create_pending_orders(self, pending, stats):
        """Create the queued new sale orders in one batch, then finish each in its own savepoint
        (their chatter notes are logged together at the end).

        An order whose finishing step fails is removed and recorded as failed, as when orders
        are created one by one; when the batch create itself fails, they are created one by one.
        """
        if not pending:
            return
        items = list(pending)
        pending.clear()
        importer = self.env["marketplace.order.importer"].with_context(marketplace_create_batch=None)
        Sale = importer.env["sale.order"].with_company(self.company_id)
        page_batch = OrderBatch()  # the notes of the created and finished orders, logged together
        try:
            with self.env.cr.savepoint():
                create_batch = OrderBatch()
                sales = Sale.with_context(**{ORDER_BATCH_KEY: create_batch}).create(
                    [vals for _order, vals in items]).with_env(Sale.env)
            page_batch.merge(create_batch)
        except Exception as exc:  # a bad order in the batch: one by one below
            raise_if_concurrent(exc)
            sales = None
        Failure = self.env["marketplace.import.failure"]
        for index, (order, vals) in enumerate(items):
            batch_sale = sales[index] if sales is not None else None
            order_batch = OrderBatch()
            try:
                with self.env.cr.savepoint():
                    sale = batch_sale or Sale.create(vals)
                    deferring = importer.with_context(**{ORDER_BATCH_KEY: order_batch})
                    deferring._finish_new_order(sale.with_env(deferring.env), order)
            except Exception as exc:  # one bad order never blocks the others
                raise_if_concurrent(exc)
                if batch_sale:
                    batch_sale.unlink()  # as if it had been created in the rolled back savepoint
                _logger.info("Channel %s: order %s failed: %s", self.id, order.external_id, exc)
                Failure._record(self, order.external_id, order.raw, self._redact(str(exc)))
                stats["imported"] -= 1
                stats["failed"] = stats.get("failed", 0) + 1
                continue
            page_batch.merge(order_batch)
            Failure._resolve(self, order.external_id, sale)
        page_batch.flush(self.env)

    def _find_or_create_page_buyers(self, transport, page):
        """The buyers of the page's new orders, new ones created together (see the importer).

        :return: {id(payload): normalized order} of the payloads that could be normalized
        """
        normalized = {}
        for payload in page:
            try:
                normalized[id(payload)] = transport.normalize_order(payload)
            except Exception:  # noqa: BLE001 - the order fails alone in _import_payload
                continue
        self.env["marketplace.order.importer"]._find_or_create_buyers(self, list(normalized.values()))
        return normalized

    def _prefetch_page(self, transport, page):
        """One query for the page's already imported orders and open failures (run cache)."""
        cache = self.env.context.get("marketplace_run_cache")
        if cache is None:
            return
        keys = set()
        for payload in page:
            try:
                keys.add(transport.order_key(payload)[0])
            except Exception:  # an unreadable payload is dealt with by _import_payload
                continue
        keys.discard("")
        known = set(self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", self.id), ("marketplace_order_ref", "in", list(keys))]
        ).mapped("marketplace_order_ref"))
        cache.setdefault("absent_orders", set()).update((self.id, key) for key in keys - known)
        cache["failure_refs"] = set(self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.id), ("state", "=", "open")]).mapped("external_id"))

    def _import_context(self):
        """Context of an import run: no mail tracking noise, lookups memoized for the run."""
        ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
               "mail_notrack": True, "marketplace_import": True}
        if self.env.context.get("marketplace_run_cache") is None:
            ctx["marketplace_run_cache"] = {}
        return ctx

    def _advance_cursor(self, newest, now):
        """Move the cursor to the newest processed 'updated at', never past our own clock."""
        if not newest:
            return
        newest = min(to_naive_utc(newest), now)
        if not self.import_cursor or newest > self.import_cursor:
            self.import_cursor = newest

    def _record_run_error(self, exc, pause_seconds=None, activity=False):
        message = self._error_text(exc)
        vals = {"last_error": message}
        if pause_seconds:
            vals["paused_until"] = fields.Datetime.now() + timedelta(seconds=pause_seconds)
        self.write(vals)
        _logger.warning("Marketplace channel %s: %s", self.id, message)
        if activity:
            self._schedule_error_activity(_("Marketplace sync failed"), message)

    def _error_text(self, exc):
        """A run's error for people: what it means (in their language), then what the transport saw."""
        if isinstance(exc, QuotaExhaustedError):
            lead = _("Call quota exhausted: the channel waits until it is replenished.")
        elif isinstance(exc, RateLimitedError):
            lead = _("Too many requests: the channel waits before calling again.")
        elif isinstance(exc, TemporaryError):
            lead = _("The marketplace did not answer in time: the next run tries again.")
        elif isinstance(exc, AuthenticationError):
            lead = _("The marketplace refused the credentials: check them on the channel, then test the connection.")
        else:
            lead = _("The marketplace refused the request.")
        return f"{lead} {self._redact(str(exc))}"

    def _schedule_error_activity(self, summary, note, record=None):
        record = record or self
        user = self.user_id or self.env.user
        existing = record.activity_ids.filtered(lambda a: a.summary == summary and a.user_id == user)
        if existing:
            existing.write({"note": note})
            return existing
        return record.activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id)

    def _import_payload(self, transport, payload, order=None):
        """Import one raw payload in its own savepoint; failures are recorded, never raised.

        :param order: the payload already normalized, if it was
        :return: (result, updated_at) with result in imported/skipped/failed
        """
        self.ensure_one()
        Failure = self.env["marketplace.import.failure"]
        try:
            external_id, updated_raw = transport.order_key(payload)
        except Exception as exc:  # unusable payload: keep it for a human
            Failure._record(self, "", payload, _("Unreadable order payload: %s", exc))
            return "failed", None
        try:
            with self.env.cr.savepoint():
                order = order or transport.normalize_order(payload)
                sale, changed = self.env["marketplace.order.importer"]._import_order(self, order)
        except Exception as exc:  # one bad order never blocks the others
            raise_if_concurrent(exc)
            _logger.info("Channel %s: order %s failed: %s", self.id, external_id, exc)
            Failure._record(self, external_id, payload, self._redact(str(exc)))
            return "failed", self._parse_updated(updated_raw)
        if sale is not None:  # None: created with the page's batch, which resolves it
            Failure._resolve(self, external_id, sale)
        return ("imported" if changed else "skipped"), order.updated_at

    @staticmethod
    def _parse_updated(value):
        from ..transport.normalized import parse_datetime

        try:
            return parse_datetime(value)
        except Exception:
            return None

    def _import_one_order(self, external_id):
        """Import a single order now (retry button, webhooks, recover by reference)."""
        self.ensure_one()
        transport = self._get_transport()
        payload = transport.get_order(external_id)
        return self._import_payload(transport, payload)[0]

    # -- webhooks -------------------------------------------------------------------
    def _webhook_route(self):
        """URL path of this channel type's webhook route (the channel id follows), or None."""
        return None

    @api.depends("channel_type")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            route = channel.id and channel._webhook_route()
            channel.webhook_url = f"{base}{route}/{channel.id}" if route else ""

    @api.model
    def _webhook_signature_header(self, channel_type):
        """Request header with the base64 HMAC-SHA256 of the body for ``channel_type``."""
        return None

    @api.model
    def _webhook_unsigned_answer(self, channel_type, body, headers):
        """(status, text) for a harmless unsigned delivery (e.g. a test ping), else None."""
        return None

    @api.model
    def _webhook_order_id(self, channel_type, headers, payload):
        """External id of the order a verified delivery is about ("" to ignore it)."""
        return ""

    @api.model
    def _handle_webhook(self, channel_type, channel_id, body, headers):
        """Verify one webhook on its raw body and import the order it is about.

        An unknown, inactive or other-type channel answers like a bad signature.

        :param headers: mapping with the request headers (case-insensitive lookups)
        :return: (HTTP status, short text) -- never a record detail
        """
        if len(body) > WEBHOOK_MAX_BYTES:
            return 413, "payload too large"
        channel = self.sudo().browse(channel_id).exists()
        secret = channel.webhook_secret if channel and channel.active and channel.channel_type == channel_type else ""
        header = self._webhook_signature_header(channel_type)
        signature = headers.get(header) if header else None
        if not signature:
            answer = self._webhook_unsigned_answer(channel_type, body, headers)
            if answer:
                return answer
        if not verify_hmac_sha256_base64(secret, body, signature):
            return 401, "invalid signature"
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, "invalid body"
        order_id = self._webhook_order_id(channel_type, headers, payload)
        if not order_id:
            return 200, "ignored"
        return channel._webhook_import_order(order_id)

    def _webhook_import_order(self, external_id):
        """Import one order now; a temporary failure asks the platform to deliver again."""
        self.ensure_one()
        try:
            result = self.with_company(self.company_id)._import_one_order(external_id)
        except TemporaryError as exc:
            _logger.info("Channel %s: webhook import of %s postponed: %s", self.id, external_id, self._redact(str(exc)))
            return 503, "retry later"
        except MarketplaceError as exc:  # polling stays the safety net
            _logger.warning("Channel %s: webhook import of %s failed: %s", self.id, external_id,
                            self._redact(str(exc)))
            return 200, "accepted"
        return 200, result

    # -- offers ---------------------------------------------------------------------
    def _push_offers(self):
        """Push changed offers; nothing for marketplaces whose API takes no offers from us.

        :return: False when another worker holds the channel
        """
        self.ensure_one()
        with self._run_lock() as acquired:
            if not acquired:
                return False
            self.last_offer_push_at = fields.Datetime.now()
            if not self._get_transport_class().supports_offer_push():
                return True
            try:
                self.env["marketplace.offer"]._push_channel_offers(self)
            except MarketplaceError as exc:
                self._record_run_error(exc, pause_seconds=getattr(exc, "retry_after", None))
            self._commit_progress()
        return True

    # -- ship and refund ------------------------------------------------------------
    def _map_carrier(self, picking):
        """Marketplace carrier label for a delivery; connectors override with their mapping."""
        carrier = getattr(picking, "carrier_id", False)
        return carrier.name if carrier else (picking.marketplace_carrier_name or "")

    def _prepare_shipment_request(self, sale, picking):
        from ..transport import ShipmentRequest

        lines = sale.order_line.filtered(
            lambda l: l.marketplace_line_id and l.marketplace_shippable
            and l.move_ids.filtered(lambda m: m.picking_id == picking))
        return ShipmentRequest(
            order_external_id=sale.marketplace_order_ref,
            carrier=self._map_carrier(picking),
            tracking_number=(picking.carrier_tracking_ref or "").strip(),
            tracking_url=picking.marketplace_tracking_url or "",
            line_external_ids=lines.mapped("marketplace_line_id"),
            idempotency_key=f"odoo-{self.env.cr.dbname}-ship-{picking.id}",
        )

    def _send_shipment(self, sale, picking):
        request = self._prepare_shipment_request(sale, picking).check()
        return self._get_transport().ship_order(request)

    def _send_refund(self, sale, request):
        return self._get_transport().refund_order(request)

    def _payload_json(self, payload):
        text = json.dumps(payload, indent=1, ensure_ascii=False, default=str)
        # lone surrogates ("\udcff" JSON escapes) are not UTF-8: PostgreSQL would refuse the failure record
        return self._redact(text.encode("utf-8", "replace").decode("utf-8"))

    # -- acceptance -----------------------------------------------------------------
    def _on_waiting_acceptance(self, sale, order):
        """An order waits for the seller: accept it when the policy and the stock allow, else ask a human."""
        self.ensure_one()
        if self.auto_accept and self._stock_allows(sale):
            try:
                self._accept_order(sale)
                return
            except MarketplaceError as exc:
                sale.message_post(body=_("Automatic acceptance failed: %s", self._redact(str(exc))))
        self._schedule_error_activity(
            _("Accept or refuse on the marketplace"),
            _("Order %s waits for your acceptance on %s.", order.reference, self.name), record=sale)

    def _stock_allows(self, sale):
        for line in sale.order_line.filtered(lambda l: l.product_id.is_storable and l.marketplace_shippable):
            product = line.product_id.with_context(warehouse_id=sale.warehouse_id.id)
            if product.free_qty < line.product_uom_qty:
                return False
        return True

    def _accept_order(self, sale):
        self._get_transport().accept_order(sale.marketplace_order_ref)
        sale.write({"marketplace_order_status": "accepted"})
        sale.message_post(body=_("Accepted on %s.", self.name))
        if self.auto_confirm and sale.state in ("draft", "sent"):
            sale.action_confirm()

    def _refuse_order(self, sale):
        self._get_transport().refuse_order(sale.marketplace_order_ref)
        sale.write({"marketplace_order_status": "refused"})
        sale.with_context(disable_cancel_warning=True)._action_cancel()
        sale.message_post(body=_("Refused on %s.", self.name))

    def _get_transport_class(self):
        self.ensure_one()
        return get_transport_class(self.channel_type)

    def _load_refund_reasons(self):
        """Refresh the channel's refund reasons from the marketplace (kept when it is unreachable)."""
        self.ensure_one()
        try:
            reasons = self._get_transport().list_refund_reasons()
        except (MarketplaceError, NotImplementedError):
            return
        Reason = self.env["marketplace.refund.reason"].sudo()
        known = {r.code: r for r in Reason.search([("channel_id", "=", self.id)])}
        for code, label in reasons:
            if code in known:
                known[code].name = label
            else:
                Reason.create({"channel_id": self.id, "code": code, "name": label})

    def _demo_point_to_simulator(self, simulator_url):
        """Demo set-up: keep the API path, use the running simulator's scheme, host and port."""
        from urllib.parse import urlsplit, urlunsplit

        for channel in self:
            parts = urlsplit(channel.base_url)
            target = urlsplit(simulator_url)
            channel.base_url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))


# ======================================================================================
# Dashboard KPIs, guided set-up and daily digest (UI layer).
# Same model, kept in its own class so the core above stays readable. KPIs are computed,
# not stored: a handful of grouped queries for all the displayed channels, no per-record search.
# ======================================================================================
ORDER_CLOSED_STATUSES = ("shipped", "delivered", "cancelled", "refused", "refunded")


class MarketplaceChannelDashboard(models.Model):
    _inherit = "marketplace.channel"

    handling_days = fields.Integer(
        "Ship within (days)", default=2,
        help="Orders without a commitment date are late when still not shipped this many days after the order.")
    digest_enabled = fields.Boolean(
        "Daily digest e-mail", help="E-mail the responsible a daily summary of this channel's orders and errors.")
    setup_help = fields.Html(compute="_compute_setup_help", sanitize=False)
    kpi_orders_today = fields.Integer("Orders today", compute="_compute_kpis")
    kpi_to_ship = fields.Integer("To ship", compute="_compute_kpis")
    kpi_late = fields.Integer("Late", compute="_compute_kpis")
    kpi_revenue_week = fields.Monetary("Revenue this week", compute="_compute_kpis", currency_field="currency_id")
    kpi_error_rate = fields.Float("Error rate (24 h, %)", compute="_compute_kpis", digits=(16, 1))
    kpi_log_count_24h = fields.Integer("Calls (24 h)", compute="_compute_kpis")
    kpi_sync_age = fields.Char("Last sync age", compute="_compute_kpis")
    kpi_next_sync_at = fields.Datetime("Next scheduled sync", compute="_compute_kpis")
    kpi_health = fields.Selection(
        [("ok", "Healthy"), ("warning", "Needs attention"), ("danger", "Failing")], compute="_compute_kpis")

    # -- KPI domains (shared by the computation and the dashboard's buttons) ----------
    def _kpi_local_start(self, now, days_back=0, week=False):
        """Naive UTC datetime of today's (or this week's Monday) midnight in the user's time zone."""
        local_now = fields.Datetime.context_timestamp(self, now)
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days_back)
        if week:
            start -= timedelta(days=start.weekday())
        return to_naive_utc(start)

    def _kpi_order_domain(self, kpi, now=None):
        """Domain of the marketplace orders behind a dashboard KPI (channel part excluded).

        :param kpi: ``today``, ``to_ship``, ``late`` or ``week``
        """
        now = now or fields.Datetime.now()
        if kpi == "today":
            return [("date_order", ">=", self._kpi_local_start(now)), ("state", "!=", "cancel")]
        if kpi == "week":
            return [("date_order", ">=", self._kpi_local_start(now, week=True)), ("state", "=", "sale")]
        to_ship = [("state", "=", "sale"), ("delivery_status", "in", ("pending", "started", "partial")),
                   "|", ("marketplace_order_status", "=", False),
                   ("marketplace_order_status", "not in", ORDER_CLOSED_STATUSES)]
        if kpi == "to_ship":
            return to_ship
        if kpi == "late":
            self.ensure_one()
            return to_ship + self._kpi_late_clause(self.handling_days, now)
        raise ValueError(kpi)

    @api.model
    def _kpi_late_clause(self, handling_days, now):
        """Past the commitment date, or, without one, past the order date plus the handling days."""
        return ["|", ("commitment_date", "<", now),
                "&", ("commitment_date", "=", False), ("date_order", "<", now - timedelta(days=handling_days or 0))]

    @api.depends("handling_days", "import_interval", "last_import_at", "last_import_success_at", "paused_until",
                 "active", "connection_state", "last_error")
    def _compute_kpis(self):
        now = fields.Datetime.now()
        ids = [channel_id for channel_id in self._origin.ids if channel_id]
        Order = self.env["sale.order"]

        def count_orders(domain):
            rows = Order._read_group(domain + [("marketplace_channel_id", "in", ids)],
                                     ["marketplace_channel_id"], ["__count"])
            return {channel.id: count for channel, count in rows}

        today = count_orders(self._kpi_order_domain("today", now))
        to_ship = count_orders(self._kpi_order_domain("to_ship", now))
        late = {}
        by_days = defaultdict(list)
        for channel in self:
            if channel._origin.id:
                by_days[channel.handling_days].append(channel._origin.id)
        for days, day_ids in by_days.items():
            rows = Order._read_group(
                self._kpi_order_domain("to_ship", now) + self._kpi_late_clause(days, now)
                + [("marketplace_channel_id", "in", day_ids)], ["marketplace_channel_id"], ["__count"])
            late.update({channel.id: count for channel, count in rows})
        revenue = {channel.id: amount for channel, amount in Order._read_group(
            self._kpi_order_domain("week", now) + [("marketplace_channel_id", "in", ids)],
            ["marketplace_channel_id"], ["amount_untaxed:sum"])}
        logs = defaultdict(lambda: {"ok": 0, "error": 0})
        for channel, state, count in self.env["marketplace.sync.log"]._read_group(
                [("channel_id", "in", ids), ("create_date", ">=", now - timedelta(hours=24))],
                ["channel_id", "state"], ["__count"]):
            logs[channel.id][state] = count
        for channel in self:
            key = channel._origin.id
            calls = logs[key]["ok"] + logs[key]["error"] if key else 0
            channel.kpi_orders_today = today.get(key, 0)
            channel.kpi_to_ship = to_ship.get(key, 0)
            channel.kpi_late = late.get(key, 0)
            channel.kpi_revenue_week = revenue.get(key, 0.0)
            channel.kpi_log_count_24h = calls
            channel.kpi_error_rate = 100.0 * logs[key]["error"] / calls if calls else 0.0
            channel.kpi_sync_age = channel._format_age(now - channel.last_import_success_at) \
                if channel.last_import_success_at else _("never")
            channel.kpi_next_sync_at = channel._next_sync_at(now)
            channel.kpi_health = channel._kpi_health(now)

    def _next_sync_at(self, now):
        self.ensure_one()
        if not self.active:
            return False
        if self.paused_until and self.paused_until > now:
            return self.paused_until
        if not self.last_import_at:
            return now
        return max(self.last_import_at + timedelta(minutes=self.import_interval or 0), now)

    def _kpi_health(self, now):
        """``danger`` when the connection or the order import fails (no successful import for three
        intervals), ``warning`` on any other error, late orders, failed imports or frequent failed calls."""
        self.ensure_one()
        stale = self.last_import_success_at and \
            self.last_import_success_at < now - timedelta(minutes=3 * (self.import_interval or 15) + 5)
        if self.connection_state == "error" or stale:
            return "danger"
        if self.last_error or self.kpi_late or self.failure_count or self.kpi_error_rate >= 10.0:
            return "warning"
        return "ok"

    @api.model
    def _format_age(self, delta):
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return _("just now")
        if minutes < 60:
            return _("%s min ago", minutes)
        if minutes < 48 * 60:
            return _("%s h ago", minutes // 60)
        return _("%s days ago", minutes // (24 * 60))

    # -- dashboard buttons ------------------------------------------------------------
    def _open_kpi_orders(self, kpi, title):
        self.ensure_one()
        action = self.action_open_orders()
        action["domain"] = [("marketplace_channel_id", "=", self.id)] + self._kpi_order_domain(kpi)
        action["display_name"] = action["name"] = _("%(channel)s: %(kpi)s", channel=self.name, kpi=title)
        action["context"] = {"create": False}
        return action

    def action_open_kpi_today(self):
        return self._open_kpi_orders("today", _("orders today"))

    def action_open_kpi_to_ship(self):
        return self._open_kpi_orders("to_ship", _("to ship"))

    def action_open_kpi_late(self):
        return self._open_kpi_orders("late", _("late shipments"))

    def action_open_kpi_week(self):
        return self._open_kpi_orders("week", _("orders this week"))

    def action_open_kpi_errors(self):
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=24)
        return self._action_open("marketplace.sync.log", [
            ("channel_id", "=", self.id), ("state", "=", "error"), ("create_date", ">=", since)],
            _("%s: errors of the last 24 hours", self.name))

    # -- guided set-up ----------------------------------------------------------------
    @api.model
    def _get_setup_help(self):
        """Onboarding text per channel type (HTML). Connector addons extend or replace their entry."""
        return {
            "default": _("<p>Pick the marketplace type, fill in the credentials it gives you, then press "
                         "<b>Test connection</b>: the checks that passed are listed here.</p>"),
            "octopia": _("<p><b>Octopia Seller API.</b> In the Octopia seller portal, create an API client "
                         "(<i>Developer > API credentials</i>): paste its <b>client id</b> and <b>client secret</b>, "
                         "and your <b>seller id</b> as account. Keep the production URL unless Octopia gave you "
                         "a sandbox.</p>"),
            "cdiscount_soap": _("<p><b>Cdiscount (legacy SOAP).</b> Use your marketplace API login and password; "
                                "a token is requested from the Cdiscount token service for each day of use.</p>"),
            "shopify": _("<p><b>Shopify.</b> Create a custom app in <i>Settings > Apps and sales channels</i>, grant "
                         "orders, fulfillments and inventory scopes, and paste the <b>Admin API access token</b> as "
                         "secret. The base URL is <code>https://&lt;shop&gt;.myshopify.com</code>.</p>"),
            "woocommerce": _("<p><b>WooCommerce.</b> In <i>WooCommerce > Settings > Advanced > REST API</i>, add a "
                             "key with read/write rights: consumer key as login, consumer secret as secret, and "
                             "your shop URL as base URL.</p>"),
            "prestashop": _("<p><b>PrestaShop.</b> Enable the webservice (<i>Advanced parameters > Webservice</i>), "
                            "create a key allowed on orders, customers, addresses and order states, and paste it "
                            "as secret; the base URL is your shop's <code>/api</code>.</p>"),
            "wix": _("<p><b>Wix.</b> Create an API key in the Wix account settings with the eCommerce "
                     "permissions; paste it as secret and the <b>site id</b> as account.</p>"),
        }

    @api.model
    def _get_type_defaults(self):
        """Field values suggested when a channel type is picked. Connector addons extend the dict."""
        return {
            "octopia": {"base_url": "https://api.octopia-io.net/seller/v2", "import_interval": 15,
                        "offer_interval": 60, "page_size": 100},
            "cdiscount_soap": {"base_url": "https://wsvc.cdiscount.com/MarketplaceAPIService.svc",
                               "import_interval": 15, "offer_interval": 60, "page_size": 100},
            "shopify": {"import_interval": 10, "offer_interval": 30, "page_size": 250},
            "woocommerce": {"import_interval": 10, "offer_interval": 30, "page_size": 100},
            "prestashop": {"import_interval": 15, "offer_interval": 60, "page_size": 100},
            "wix": {"base_url": "https://www.wixapis.com", "import_interval": 10, "offer_interval": 30,
                    "page_size": 100},
        }

    @api.depends("channel_type")
    def _compute_setup_help(self):
        helps = self._get_setup_help()
        for channel in self:
            channel.setup_help = helps.get(channel.channel_type) or helps.get("default") or False

    @api.onchange("channel_type")
    def _onchange_channel_type_defaults(self):
        """A new channel takes its type's defaults; an existing one only fills its empty fields.

        The base URL is replaced only when empty or still another type's default URL.
        """
        all_defaults = self._get_type_defaults()
        default_urls = {values.get("base_url") for values in all_defaults.values()} - {None}
        for channel in self:
            values = dict(all_defaults.get(channel.channel_type) or {})
            if channel.base_url and channel.base_url not in default_urls:
                values.pop("base_url", None)
            if channel._origin.id:
                values = {name: value for name, value in values.items() if name == "base_url" or not channel[name]}
            channel.update(values)

    # -- daily digest -----------------------------------------------------------------
    @api.model
    def _cron_send_digest(self):
        """Queue the daily digest of every channel that asks for it and has a responsible with an e-mail."""
        template = self.env.ref("marketplace_connector.mail_template_marketplace_digest", raise_if_not_found=False)
        if not template:
            return
        channels = self.search([("digest_enabled", "=", True), ("user_id.email", "!=", False)])
        for channel in channels:
            template.send_mail(channel.id, email_layout_xmlid="mail.mail_notification_light")
        return channels

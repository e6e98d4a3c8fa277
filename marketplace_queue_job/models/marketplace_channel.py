"""Scale-out: each fetched page of orders, each offer push, each stock sync of a shop, each shipment
and each outbox call (accept, refuse, invoice upload) becomes a queue job.

The scheduled actions keep fetching (one HTTP listing per page, cursor, advisory lock); only the
work per page moves to jobs, on the channel ``root.marketplace.<channel type>``, so several Odoo
servers (or workers) import disjoint pages of the same database in parallel. Every job carries an
``identity_key``: a page, a push or a shipment is never queued twice while a job for it waits.
"""
import hashlib
import logging
import random

from odoo import api, fields, models

from odoo.addons.marketplace_connector.run import QUEUED, ImportRun, Page
from odoo.addons.marketplace_connector.tools import ConcurrentUpdate
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

ROOT_CHANNEL = "root.marketplace"
RETRY_ON_CONCURRENCY = (2, 10)  # seconds before a page that met a concurrent update runs again


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    queue_job_dispatch = fields.Boolean(
        "Run as background jobs", default=True,
        help="Import each page of orders, push offers and send shipments as queue jobs on the "
             "job channel root.marketplace.<type> (capacity set in Job Queue > Channels). "
             "Off: the scheduled actions do the work themselves.")

    # -- helpers ----------------------------------------------------------------------
    def _queue_job_dispatch_enabled(self):
        """True when work must be delayed as a job (never from inside a job)."""
        self.ensure_one()
        context = self.env.context
        return bool(self.queue_job_dispatch and not context.get("marketplace_in_job")
                    and not context.get("marketplace_no_queue_job"))

    def _queue_job_channel_name(self):
        """``root.marketplace.<channel type>`` when that job channel exists, else ``root.marketplace``."""
        self.ensure_one()
        name = f"{ROOT_CHANNEL}.{self.channel_type}"
        if self.env["queue.job.channel"].sudo().search_count([("complete_name", "=", name)], limit=1):
            return name
        return ROOT_CHANNEL

    def _job_env(self):
        """The channel as a job runs it: no commit (queue_job commits), no re-dispatch."""
        return self.with_context(marketplace_in_job=True, marketplace_no_commit=True).with_company(self.company_id)

    @api.model
    def _order_page_identity_key(self, channel_id, keys):
        """Same channel and same (order id, updated at) set -> same key, whatever the order."""
        digest = hashlib.sha1("\n".join(sorted(f"{i}@{u}" for i, u in keys)).encode()).hexdigest()
        return f"marketplace-page-{channel_id}-{digest}"

    # -- order pages --------------------------------------------------------------------
    def _import_order_page(self, transport, page, run):
        """Queue the page as one job (its items' outcome: queued); the job imports it."""
        if not self._queue_job_dispatch_enabled():
            return super()._import_order_page(transport, page, run)
        page, run = Page.of(transport, page), ImportRun.of(run)
        # an unreadable payload has the key ("", ""): the job records it as a failure
        self._delay_order_page(page.payloads, [(item.external_id, item.updated_raw) for item in page.items])
        for item in page.items:
            item.outcome = QUEUED
            run.count(QUEUED)
        # The job row and the cursor are committed together by the run (or not at all).
        return page.newest_listed()

    def _delay_order_page(self, page, keys):
        """Queue one job for a page; nothing when a job for the very same page still waits."""
        self.ensure_one()
        first, last = keys[0][0] if keys else "", keys[-1][0] if keys else ""
        return self.with_delay(
            channel=self._queue_job_channel_name(),
            identity_key=self._order_page_identity_key(self.id, keys),
            description=self.env._("%(channel)s: import %(count)s orders (%(first)s .. %(last)s)",
                                   channel=self.name, count=len(page), first=first, last=last),
        )._job_import_order_page(page)

    def _job_import_order_page(self, payloads):
        """Job: import a page of raw order payloads (one savepoint per order, like the cron).

        An order hitting a concurrent update (another worker reserving the same stock, creating
        the same customer binding...) makes the whole page retry later: queue_job rolls the job
        back, so no failure is recorded for a good order.
        """
        self.ensure_one()
        channel = self._job_env()
        transport = channel._get_transport()
        run = ImportRun()
        page = Page.from_payloads(transport, payloads)
        channel._before_page(transport, page, run)
        try:
            channel._import_order_page(transport, page, run)
        except ConcurrentUpdate as exc:
            raise RetryableJobError(
                self.env._("A concurrent update interrupted the page (%(error)s): it is retried.",
                           error=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__),
                seconds=random.randint(*RETRY_ON_CONCURRENCY)) from exc
        channel._outbox_send()  # a job per call the page queued, run once this job has committed
        return self.env._("Imported %(imported)s, unchanged %(skipped)s, failed %(failed)s", **run.stats)

    def _before_page(self, transport, page, run):
        """Nothing for a page that is only queued: its job does it."""
        if page.together and self._queue_job_dispatch_enabled():
            return None
        return super()._before_page(transport, page, run)

    # -- outbox ---------------------------------------------------------------------------
    def _outbox_dispatch(self, items):
        """One job per outbox item (from page jobs too): jobs run after the commit anyway."""
        if not self.queue_job_dispatch or self.env.context.get("marketplace_no_queue_job"):
            return super()._outbox_dispatch(items)
        for item in items:
            item._delay_send()
        self._commit_progress()
        return None

    # -- offers ---------------------------------------------------------------------------
    def _push_offers(self):
        if not self._queue_job_dispatch_enabled():
            return super()._push_offers()
        self.last_offer_push_at = fields.Datetime.now()
        self.with_delay(
            channel=self._queue_job_channel_name(),
            identity_key=f"marketplace-offers-{self.id}",
            description=self.env._("%s: push offers and stock", self.name),
        )._job_push_offers()
        self._commit_progress()

    def _job_push_offers(self):
        """Job: push the channel's changed offers (streamed by chunks, see marketplace.offer)."""
        self.ensure_one()
        self._job_env()._push_offers()
        return self.env._("Offers pushed")

    # -- stock (shop channels) --------------------------------------------------------------
    def _sync_stock(self, full=False):
        if not self._takes_stock_levels() or not self._queue_job_dispatch_enabled():
            return super()._sync_stock(full=full)
        kind = "full" if full else "dirty"
        self.with_delay(
            channel=self._queue_job_channel_name(),
            identity_key=f"marketplace-stock-{kind}-{self.id}",
            description=self.env._("%(channel)s: send stock (%(kind)s)", channel=self.name, kind=kind),
        )._job_sync_stock(full)
        self._commit_progress()
        return True

    def _job_sync_stock(self, full=False):
        """Job: send the channel's dirty offers (every offer when ``full``)."""
        self.ensure_one()
        counts = self._job_env()._sync_stock(full=full) or {}
        return self.env._("%(done)s sent, %(error)s refused", done=counts.get("done", 0), error=counts.get("error", 0))

    # -- shipments ------------------------------------------------------------------------
    @api.model
    def _cron_send_shipments(self):
        if self.env.context.get("marketplace_no_queue_job"):
            return super()._cron_send_shipments()
        orders = self.env["sale.order"].search(
            [("ship_sync_state", "=", "todo"), ("marketplace_channel_id", "!=", False)])
        queued = orders.filtered(lambda o: o.marketplace_channel_id.queue_job_dispatch)
        for order in queued:
            order._delay_marketplace_shipment()
        # channels that do not dispatch keep the synchronous path of the core
        (orders - queued)._send_marketplace_shipment()

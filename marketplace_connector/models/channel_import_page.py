"""Marketplace channel: one page of orders, and one order on its own (Retry, webhooks, recovery).

A page's items are read once (key, 'updated at', normalized order), its new buyers created
together, each order imported in its own savepoint by ``marketplace.order.importer``, its new
sale orders created in one batch and confirmed together. One bad order never blocks the others:
it is recorded on the failed imports. The exchanges of a page or an order are logged once its
savepoint is left (kept when it is rolled back); calls that change the marketplace are queued in
the outbox, never made inside a savepoint.
"""
import logging

from odoo import models

from ..batch import ORDER_BATCH_KEY, OrderBatch
from ..run import FAILED, IMPORTED, QUEUED, ImportRun, Page
from ..tools import held_exchanges, raise_if_concurrent

_logger = logging.getLogger(__name__)

# An import writes no tracking values and no creation notes, and subscribes nobody.
IMPORT_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                  "mail_notrack": True, "marketplace_import": True}
# Failures whose code has its own sentence (with what to do), told in the user's language.
TOLD_ORDER_CODES = ("unknown_status",)


class MarketplaceChannelImportPage(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.import.page"
    _description = "Marketplace channel: one page of orders"

    # -- a page of orders -------------------------------------------------------------
    def _import_order_page(self, transport, page, run):
        """Import one page of orders; return the newest 'updated at' the cursor may pass.

        Each order is read and prepared in its own savepoint; the new sale orders of the page are
        created together (:meth:`_create_pending_orders`) and confirmed together (one procurement
        run), falling back to one by one when a batch fails.
        Hook: ``marketplace_queue_job`` overrides it to run the page as a queue job instead.

        :param transport: the channel's transport
        :param page: the :class:`~odoo.addons.marketplace_connector.run.Page` (a list of raw
            payloads is read into one)
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun` (a dict: the
            counters of a run of this page alone)
        :return: aware datetime, or None when no order of the page has a readable one
        """
        page, run = Page.of(transport, page), ImportRun.of(run)
        channel = self.with_context(**self._import_context())
        channel._prefetch_page(page, run)
        channel._find_or_create_page_buyers(transport, page, run)
        run.page = page
        try:
            channel._import_page_items(transport, page, run)
        finally:
            run.page = None
        importer = channel.env["marketplace.order.importer"]
        importer._confirm_orders(importer.env["sale.order"].browse(page.to_confirm))
        return page.newest()

    def _before_page(self, transport, page, run):
        """Hook: what a page needs before its savepoints -- calls to outside services whose answers
        must outlive a rolled-back page (``marketplace_vat`` asks VIES about the buyers' numbers).
        Nothing that changes the marketplace: such calls go through the outbox.

        :param transport: the channel's transport
        :param page: the :class:`~odoo.addons.marketplace_connector.run.Page`
            (``item.normalize(transport)`` gives an item's normalized order, computed once)
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`; ``run.memo(name)``
            keeps the answers for the page's orders
        """

    def _import_page_items(self, transport, page, run):
        """Import each item of the page, then create the new sale orders left to the page."""
        for item in page.items:
            if item.key_error is None and page.is_queued(item.external_id):
                self._create_pending_orders(page, run)  # the same order twice in a page
            self._import_payload(transport, item, run)
            if item.outcome != QUEUED:
                run.count(item.outcome)
        self._create_pending_orders(page, run)

    def _import_context(self):
        """Context of an import: no mail tracking noise (flags only, the run is passed along)."""
        return dict(IMPORT_CONTEXT)

    def _prefetch_page(self, page, run):
        """One query for the page's already imported orders, one for the open failures."""
        keys = {item.external_id for item in page.items if item.key_error is None} - {""}
        known = set(self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", self.id), ("marketplace_order_ref", "in", list(keys))]
        ).mapped("marketplace_order_ref"))
        run.absent_orders.update((self.id, key) for key in keys - known)
        run.failure_refs = set(self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.id), ("state", "=", "open")]).mapped("external_id"))

    def _find_or_create_page_buyers(self, transport, page, run):
        """The buyers of the page's new orders, new ones created together (see the importer).
        Normalizes each item (once); an item that cannot be normalized fails in its own import."""
        orders = [order for order in (item.normalize(transport) for item in page.items) if order is not None]
        self.env["marketplace.order.importer"]._find_or_create_buyers(self, orders, run)

    # -- one order ----------------------------------------------------------------------
    def _import_payload(self, transport, item, run):
        """Import one page item in its own savepoint; a failure is recorded, never raised.

        :param item: the :class:`~odoo.addons.marketplace_connector.run.PageItem`; its ``outcome``
            becomes imported, skipped, failed, or queued (its new sale order waits for the page's
            batch create), and its ``cursor_at`` the 'updated at' the cursor may pass
        :return: ``item``
        """
        self.ensure_one()
        if item.key_error is not None:  # unusable payload: keep it for a human
            self.env["marketplace.import.failure"]._record(
                self, "", item.payload, self.env._("Unreadable order payload: %s", item.key_error))
            item.outcome = FAILED
            return item
        try:
            with held_exchanges(transport.recorder), self.env.cr.savepoint():
                item.normalized(transport)
                self.env["marketplace.order.importer"]._import_item(self, item, run)
        except Exception as exc:  # one bad order never blocks the others
            raise_if_concurrent(exc)
            self._record_order_failure(item.external_id, item.payload, exc)
            item.outcome, item.cursor_at = FAILED, item.updated_at
            return item
        item.cursor_at = item.order.updated_at
        if item.outcome != QUEUED:  # a queued order is resolved once its page creates it
            self.env["marketplace.import.failure"]._resolve(self, item.external_id, item.sale, run)
        return item

    def _record_order_failure(self, external_id, payload, exc):
        _logger.info("Channel %s: order %s failed: %s", self.id, external_id, exc)
        reason = self._error_text(exc) if getattr(exc, "code", "") in TOLD_ORDER_CODES else self._redact(str(exc))
        self.env["marketplace.import.failure"]._record(self, external_id, payload, reason)

    def _import_one_payload(self, transport, payload):
        """Import one raw payload now, on its own: a run of one item whose sale order is created
        and confirmed at once (Retry, webhooks, recovery).

        :return: the outcome: imported, skipped or failed
        """
        run = ImportRun()
        run.page = Page.from_payloads(transport, [payload], together=False)
        self._before_page(transport, run.page, run)
        return self._import_payload(transport, run.page.items[0], run).outcome

    def _import_one_order(self, external_id):
        """Import a single order now (retry button, webhooks, recover by reference)."""
        self.ensure_one()
        transport = self._get_transport()
        return self._import_one_payload(transport, transport.get_order(external_id))

    # -- the page's new sale orders -------------------------------------------------------
    def _create_pending_orders(self, page, run):
        """Create the new sale orders left to the page in one batch, then finish each in its own
        savepoint (their chatter notes are logged together at the end).

        An order whose finishing step fails is removed and recorded as failed, as when orders
        are created one by one; when the batch create itself fails, they are created one by one.
        """
        items = page.take_creations()
        if not items:
            return
        Sale = self.env["sale.order"].with_company(self.company_id)
        page_batch = OrderBatch()  # the notes of the created and finished orders, logged together
        sales = self._create_sales_together(Sale, items, page_batch)
        for index, item in enumerate(items):
            self._finish_pending_order(Sale, item, sales[index] if sales is not None else None, page_batch, run)
            run.count(item.outcome)
        page_batch.flush(self.env)

    def _create_sales_together(self, Sale, items, page_batch):
        """:return: the sale orders of ``items`` created in one INSERT, None when that failed"""
        try:
            with self.env.cr.savepoint():
                create_batch = OrderBatch()
                sales = Sale.with_context(**{ORDER_BATCH_KEY: create_batch}).create(
                    [item.vals for item in items]).with_env(Sale.env)
        except Exception as exc:  # a bad order in the batch: one by one
            raise_if_concurrent(exc)
            return None
        page_batch.merge(create_batch)
        return sales

    def _finish_pending_order(self, Sale, item, batch_sale, page_batch, run):
        """Create (unless the batch did) and finish the sale order of a queued item."""
        order_batch = OrderBatch()
        importer = self.env["marketplace.order.importer"].with_context(**{ORDER_BATCH_KEY: order_batch})
        try:
            with self.env.cr.savepoint():
                sale = batch_sale or Sale.create(item.vals)
                importer._finish_new_order(sale.with_env(importer.env), item.order, run)
        except Exception as exc:  # one bad order never blocks the others
            raise_if_concurrent(exc)
            if batch_sale:
                batch_sale.unlink()  # as if it had been created in the rolled back savepoint
            self._record_order_failure(item.order.external_id, item.order.raw, exc)
            item.outcome = FAILED
            return
        page_batch.merge(order_batch)
        item.done(sale, IMPORTED)
        self.env["marketplace.import.failure"]._resolve(self, item.order.external_id, sale, run)

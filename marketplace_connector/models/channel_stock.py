"""Marketplace channel: stock (and optional price) sync of the channel's offers to a shop.

What is sent per offer: the free quantity (on hand minus reserved) of the channel's warehouses, minus
the channel's safety buffer, never below 0, capped when a cap is set; per shop location when the channel
maps warehouses to locations. Only *dirty* offers are sent (a stock change marks them), unless a full
reconciliation reads every offer's shop quantity and corrects the drift.

The race with the shop's own sales: the shop's new orders are imported first; then each batch's shop
quantities are read, and a quantity that moved since we last set it (a sale not imported yet, or a hand
edit) makes the channel import its orders again and recompute before writing. The write itself is a
compare-and-set or a relative adjustment where the API offers one (the transport's choice), a *stale*
item being read, recomputed and sent once more.
"""
import logging
import time
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import split_every

from marketplace_transport import MarketplaceError, QuotaExhaustedError, RateLimitedError

_logger = logging.getLogger(__name__)

#: offers read, computed and sent together (the transport batches within it)
STOCK_CHUNK = 500
#: least time between two imports of the shop's orders within one stock run
REIMPORT_SECONDS = 20


class MarketplaceChannelStock(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.stock"
    _description = "Marketplace channel: stock sync runs"

    stock_warehouse_ids = fields.Many2many(
        "stock.warehouse", string="Stock warehouses", check_company=True,
        help="Warehouses whose free quantity is offered (default: the channel's warehouse).")
    stock_buffer = fields.Integer("Safety buffer", default=0, help="Units kept back from the free quantity.")
    stock_cap = fields.Integer("Quantity cap", default=0, help="Largest quantity offered (0: no cap).")
    stock_push_price = fields.Boolean(
        "Send prices", help="Also send the price of the channel's pricelist (without the products' sale taxes "
                            "to the shops that take tax-excluded prices). A price changed alone is sent by the "
                            "stock reconciliation.")
    stock_import_first = fields.Boolean(
        "Import orders before stock", default=True,
        help="Import the shop's new orders before computing the stock sent to it (its own sales count).")
    stock_location_ids = fields.One2many("marketplace.stock.location", "channel_id", "Shop locations")
    last_stock_sync_at = fields.Datetime("Last stock sync", readonly=True, copy=False)
    last_stock_summary = fields.Char("Last stock sync result", readonly=True, copy=False)
    last_reconcile_at = fields.Datetime("Last stock reconciliation", readonly=True, copy=False)
    stock_error_count = fields.Integer("Offers in error", compute="_compute_stock_error_count")

    def _compute_stock_error_count(self):
        counts = dict(self.env["marketplace.offer"]._read_group(
            [("channel_id", "in", self.ids), ("state", "=", "error")], ["channel_id"], ["__count"]))
        for channel in self:
            channel.stock_error_count = counts.get(channel, 0)

    # -- scheduling -------------------------------------------------------------------
    @api.model
    def _cron_sync_stock(self):
        """Frequent cron: each stock channel sends its dirty offers."""
        self.env["marketplace.offer"]._flush_stock_marks(wake=False)
        for channel in self.search([]).filtered(lambda c: c._takes_stock_levels()):
            channel.with_company(channel.company_id)._sync_stock()

    @api.model
    def _cron_reconcile_stock(self):
        """Periodic cron: read every offer's shop quantity and correct the drift."""
        for channel in self.search([]).filtered(lambda c: c._takes_stock_levels()):
            channel.with_company(channel.company_id)._sync_stock(full=True)

    def _takes_stock_levels(self):
        """Stock levels alone (a channel taking offers sends its stock with them)."""
        self.ensure_one()
        return self.can_push_stock and not self.can_push_offers

    def action_sync_stock(self):
        for channel in self:
            channel._sync_stock()
        return self._notify(self.env._("Stock sent"), self._stock_notice(), "info")

    def action_reconcile_stock(self):
        for channel in self:
            channel._sync_stock(full=True)
        return self._notify(self.env._("Stock reconciled"), self._stock_notice(), "info")

    def action_open_stock_errors(self):
        return self._action_open("marketplace.offer", [("channel_id", "in", self.ids), ("state", "=", "error")],
                                 self.env._("Offers in error"))

    def _stock_notice(self):
        return "; ".join(filter(None, self.mapped("last_stock_summary"))) or self.env._("Nothing to send.")

    # -- the run ----------------------------------------------------------------------
    def _sync_stock(self, full=False):
        """Send the dirty offers (every offer when ``full``) under the channel's lock.

        :return: the run's counters, False when another worker holds the channel or it is paused
        """
        self.ensure_one()
        if not self._takes_stock_levels():
            return False
        self.env["marketplace.offer"]._flush_stock_marks(wake=False)
        with self._run_lock() as acquired:
            now = fields.Datetime.now()
            if not acquired or (self.paused_until and self.paused_until > now):
                return False
            counts = defaultdict(int)
            try:
                self._stock_import_orders(counts)
                self._send_stock_offers(full, counts)
            except (QuotaExhaustedError, RateLimitedError) as exc:
                self._record_run_error(exc, pause_seconds=exc.retry_after)
            except MarketplaceError as exc:
                self._record_run_error(exc)
            self._end_stock_run(full, counts, now)
            return {key: value for key, value in counts.items() if key != "reimported_at"}

    def _stock_import_orders(self, counts, again=False):
        """The shop's own new orders first, so that the stock we compute counts its sales.

        :param counts: the run's counters; ``reimported_at`` (monotonic seconds) is kept there
        :param again: a new import within the run (the shop moved since our last write), done at most every
            :data:`REIMPORT_SECONDS`: a reconciliation meeting drift in every chunk lists orders a few
            times, not once per chunk
        :return: whether orders were imported
        """
        now = time.monotonic()
        if not self.stock_import_first or not self.active:
            return False
        if again and now - counts.get("reimported_at", -REIMPORT_SECONDS) < REIMPORT_SECONDS:
            return False
        self._import_orders()
        if again:
            counts["reimported_at"] = now
        return True

    def _end_stock_run(self, full, counts, now):
        summary = self.env._("%(sent)s sent, %(same)s already right, %(errors)s refused, %(drift)s corrected",
                             sent=counts["done"], same=counts["unchanged"], errors=counts["error"],
                             drift=counts["drift"])
        vals = {"last_stock_sync_at": now, "last_stock_summary": summary}
        if full:
            vals["last_reconcile_at"] = now
        self.write(vals)
        self._commit_progress()

    def _send_stock_offers(self, full, counts):
        """Chunk by chunk: compute, read, send, record, commit (the rest resumes after a pause)."""
        domain = [("channel_id", "=", self.id), ("product_id", "!=", False)]
        if not full:
            domain.append(("stock_dirty", "=", True))
        Offer = self.env["marketplace.offer"]
        transport = self._get_transport()
        for ids in split_every(STOCK_CHUNK, Offer.search(domain, order="id").ids):
            offers = Offer.browse(ids)
            self._send_stock_chunk(transport, offers, full, counts)
            self._commit_progress()
            offers.invalidate_recordset()
            offers.product_id.invalidate_recordset()

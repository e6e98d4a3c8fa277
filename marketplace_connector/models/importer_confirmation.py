"""Import pipeline: confirmation of the imported orders (alone or by page) and the hooks around it."""
import logging

from odoo import api, models
from odoo.tools import float_compare

from marketplace_transport import OrderStatus

from ..batch import ORDER_BATCH_KEY, OrderBatch
from ..tools import raise_if_concurrent

_logger = logging.getLogger(__name__)

CONFIRMED_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                      OrderStatus.REFUNDED)


class MarketplaceOrderImporterConfirmation(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.confirmation"
    _description = "Order import: confirmation"

    # -- confirmation -------------------------------------------------------------------
    def _confirmation_due(self, sale, order):
        """:return: True when the marketplace status and the channel want ``sale`` confirmed"""
        return (order.status in CONFIRMED_STATUSES and sale.state in ("draft", "sent")
                and sale.marketplace_channel_id.auto_confirm)

    def _queue_confirmation(self, sale, run):
        """Confirm now, or at the end of the page when the page confirms its orders together.

        :param sale: the ``sale.order`` to confirm
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun` (``run.page``)
        """
        if run.page is not None and run.page.together:
            run.page.confirm(sale.id)
        else:
            self._confirm_orders(sale, isolate=False)

    @api.model
    def _confirm_orders(self, sales, isolate=True):
        """Confirm sale orders together (one procurement run); on error, one by one.

        With ``isolate``, an order that cannot be confirmed stays a quotation with the reason in
        its chatter, an activity and the failed imports; the others are confirmed.

        :return: the confirmed sale orders
        """
        sales = sales.exists().filtered(lambda s: s.state in ("draft", "sent"))
        if not sales:
            return sales
        if not isolate:
            self._action_confirm(sales)
        else:
            sales = self._confirm_isolated(sales)
        for sale in sales:
            self._after_confirm_step(sale, isolate)
        return sales

    def _confirm_isolated(self, sales):
        """Confirm ``sales`` together, else one by one (a failure stays a quotation).

        :return: the confirmed sale orders
        """
        try:
            with self.env.cr.savepoint():
                self._action_confirm(sales)
            return sales
        except Exception as exc:
            raise_if_concurrent(exc)
        confirmed = self.env["sale.order"]
        for sale in sales:
            try:
                with self.env.cr.savepoint():
                    self._action_confirm(sale)
                confirmed |= sale
            except Exception as exc:  # one order never blocks the page
                raise_if_concurrent(exc)
                self._confirmation_failed(sale, exc)
        return confirmed

    def _after_confirm_step(self, sale, isolate):
        """:meth:`_after_confirm`, in its savepoint with ``isolate`` (a failure is noted on the order)."""
        if not isolate:
            self._after_confirm(sale)
            return
        try:
            with self.env.cr.savepoint():
                self._after_confirm(sale)
        except Exception as exc:
            raise_if_concurrent(exc)
            sale.message_post(body=self.env._("Post-confirmation step failed: %s",
                                              sale.marketplace_channel_id._redact(str(exc))))

    @api.model
    def _action_confirm(self, sales):
        """``action_confirm`` as one batch: follower subscriptions and chatter notes written
        together at the end, stock lookups memoized (see ``batch.OrderBatch``)."""
        batch = OrderBatch()
        if batch.is_enabled(self.env):  # else Odoo's confirmation (system parameter off)
            batch.fresh_group_ids = set(self._create_procurement_groups(sales).ids)
        sales.with_context(**{ORDER_BATCH_KEY: batch}).action_confirm()
        batch.flush(self.env)

    @api.model
    def _create_procurement_groups(self, sales):
        """The procurement groups of the orders that will have deliveries, in one INSERT (Odoo
        creates them one by one while launching the stock rules, with the same values).

        :return: the created groups (no picking yet)"""
        todo = sales.filtered(lambda sale: not sale.procurement_group_id and any(
            line.product_id.type == "consu" for line in sale.order_line))
        groups = self.env["procurement.group"].create([
            sale.order_line.filtered(lambda line: line.product_id.type == "consu")[:1]._prepare_procurement_group_vals()
            for sale in todo])
        for sale, group in zip(todo, groups, strict=True):
            sale.procurement_group_id = group
        return groups

    def _confirmation_failed(self, sale, exc):
        channel = sale.marketplace_channel_id
        reason = self.env._("Imported as %(order)s but not confirmed: %(error)s", order=sale.name,
                            error=channel._redact(str(exc)))
        _logger.info("Channel %s: %s", channel.id, reason)
        sale.message_post(body=reason)
        channel._schedule_error_activity(self.env._("Marketplace order not confirmed"), reason, record=sale)
        self.env["marketplace.import.failure"]._record(
            channel, sale.marketplace_order_ref, sale.marketplace_payload or "", reason)

    # -- hooks --------------------------------------------------------------------------
    def _after_create(self, sale, order):
        """Hook after the order and its lines are created, before the status is applied.

        :param sale: the new ``sale.order``
        :param order: its normalized order
        :return: None
        """
        self._check_totals(sale, order)
        if order.warnings:
            sale.message_post(body=self.env._("Imported with changes to the received data: %s",
                                              "; ".join(order.warnings)))

    def _after_import(self, sale, order):
        """Hook after each create or update (the confirmation may still be queued).

        :param sale: the created or updated ``sale.order``
        :param order: its normalized order
        :return: None
        """

    def _after_confirm(self, sale):
        """Hook after a marketplace order is confirmed (invoicing policies...).

        :param sale: the confirmed ``sale.order``
        :return: None
        """

    def _check_totals(self, sale, order):
        """Flag a difference between the marketplace total and ours (the VAT addon decides what to do).

        :return: None; sets ``marketplace_total_mismatch`` on ``sale``
        """
        if order.total_amount is None:
            return
        tax_included = self._prices_include_tax(sale.marketplace_channel_id, order)
        ours = sale.amount_total if tax_included else sale.amount_untaxed
        if float_compare(ours, order.total_amount, precision_rounding=sale.currency_id.rounding or 0.01) != 0:
            sale.marketplace_total_mismatch = True

"""The import pipeline shared by every connector: normalized order -> partner, addresses, sale order.

Every step is a small method so that addons (VAT, connectors) override just what they need. The
steps live by concern beside this entry point:

- ``importer_partner.py``: the buyer, its binding and its invoice and delivery contacts;
- ``importer_order_values.py``: the values of the sale order and its lines (taxes, pricelist);
- ``importer_status.py``: the marketplace status turned into Odoo behaviour (cancel...);
- ``importer_confirmation.py``: confirmation, alone or by page, and the hooks around it.

The caller (``marketplace.channel._import_payload``) runs :meth:`_import_item` inside one savepoint
per order and passes the run (:class:`~odoo.addons.marketplace_connector.run.ImportRun`) along:
lookups are memoized on it and the page it imports (``run.page``) collects the new orders it
creates together and the orders it confirms together.
"""
from odoo import Command, api, models

from marketplace_transport import InvalidOrderError

from ..run import IMPORTED, SKIPPED, ImportRun, PageItem
from ..tools import to_naive_utc


class MarketplaceOrderImporter(models.AbstractModel):
    _name = "marketplace.order.importer"
    _description = "Marketplace order import pipeline"
    # the steps by concern, one file each (see the module docstring)
    _inherit = ["marketplace.order.importer.partner", "marketplace.order.importer.values",
                "marketplace.order.importer.status", "marketplace.order.importer.confirmation",
                "marketplace.order.importer.fallback", "marketplace.order.importer.charges",
                "marketplace.order.importer.addressless"]

    # -- entry points -----------------------------------------------------------------
    @api.model
    def _import_order(self, channel, order, run=None):
        """Import one normalized order on its own: its sale order is created and confirmed at once.

        :param channel: the ``marketplace.channel``
        :param order: the :class:`~marketplace_transport.NormalizedOrder`
        :param run: the run whose lookups to use (default: a run of this order alone)
        :return: (sale.order, changed) -- ``changed`` is False when nothing new was received
        """
        item = self._import_item(channel, PageItem.of_order(order), run or ImportRun())
        return item.sale, item.outcome != SKIPPED

    @api.model
    def _import_item(self, channel, item, run):
        """Create or update the sale order of a page item (its order is normalized).

        :param channel: the ``marketplace.channel``
        :param item: the :class:`~odoo.addons.marketplace_connector.run.PageItem`; its ``sale`` and
            ``outcome`` are set: imported, skipped (nothing new received), or queued (a new order
            created with its page, see :meth:`_create_order`)
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`
        :return: ``item``
        """
        order = item.order
        sale = self._find_existing_order(channel, order, run)
        if not sale:
            self._create_order(channel, item, run)
        elif self._is_unchanged(sale, order):
            if self._confirmation_due(sale, order):
                self._queue_confirmation(sale, run)
            item.done(sale, SKIPPED)
        else:
            self._update_order(sale, order, run)
            item.done(sale, IMPORTED)
        return item

    def _is_unchanged(self, sale, order):
        """:return: True when ``order`` brings nothing newer than what ``sale`` holds"""
        return bool(sale.marketplace_updated_at and sale.marketplace_updated_at >= self._naive(order.updated_at)
                    and sale.marketplace_status == order.marketplace_status)

    # -- create or update ---------------------------------------------------------------
    def _create_order(self, channel, item, run):
        """Create the sale order of a new marketplace order.

        When the page creates its new orders together (``run.page.together``), the values are
        queued on the page instead (outcome ``queued``): the channel creates the queued orders in
        one batch and finishes each (:meth:`_finish_new_order`).

        :param item: the page item of the new order; its outcome becomes imported or queued
        :return: ``item``
        """
        order = item.order
        self._forget_absent_order(channel, order, run)
        vals = self._prepare_new_order_vals(channel, order, run)
        if run.page is not None and run.page.together:
            run.page.queue_creation(item, vals)
            return item
        sale = self.env["sale.order"].with_company(channel.company_id).create(vals)
        self._finish_new_order(sale, order, run)
        item.done(sale, IMPORTED)
        return item

    def _prepare_new_order_vals(self, channel, order, run):
        """Partner, addresses and the values of the sale order with its lines.

        :return: the values of ``sale.order.create``
        """
        partner = invoice_address = shipping_address = self._addressless_buyer(channel, order)
        if not partner:
            partner = self._find_buyer(channel, order, run)
            invoice_address, shipping_address = self._find_or_create_addresses(
                partner, [(order.billing, "invoice"), (order.shipping, "delivery")], run)
        vals = self._prepare_order_vals(channel, order, partner, invoice_address, shipping_address, run)
        fiscal_position = self._order_fiscal_position(channel, vals, partner, shipping_address)
        vals["fiscal_position_id"] = fiscal_position.id
        line_vals = self._prepare_order_lines(channel, order, fiscal_position, run)
        vals["order_line"] = [Command.create(values) for values in line_vals]
        return vals

    def _finish_new_order(self, sale, order, run):
        """Steps after a new sale order exists: checks, marketplace status, hooks.

        :param sale: the new ``sale.order``
        :param order: its normalized order
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`
        """
        self._after_create(sale, order)
        self._flag_fallback_lines(sale, order)
        self._apply_marketplace_status(sale, order, None, run)
        self._after_import(sale, order)

    def _update_order(self, sale, order, run):
        """Write what changed on the marketplace, then apply its status.

        :param sale: the existing ``sale.order``
        :param order: the normalized order, newer than what ``sale`` holds
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`
        """
        previous = sale.marketplace_order_status
        sale.write(self._prepare_update_vals(sale, order))
        self._apply_marketplace_status(sale, order, previous, run)
        self._after_import(sale, order)

    # -- lookups ------------------------------------------------------------------------
    def _find_existing_order(self, channel, order, run):
        """:return: the sale order already imported for ``order`` (empty when none)"""
        if (channel.id, order.external_id) in run.absent_orders:
            return self.env["sale.order"]
        return self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", channel.id), ("marketplace_order_ref", "=", order.external_id)], limit=1)

    def _forget_absent_order(self, channel, order, run):
        """The order gets a sale order of this channel: later lookups in the run must search."""
        run.absent_orders.discard((channel.id, order.external_id))

    def _find_product(self, channel, line, run):
        """Offer binding, then internal reference, then barcode (memoized per run); unmatched lines
        follow the channel's fallback rules (``importer_fallback.py``).

        :return: the ``product.product`` of a normalized order line; raises
            :class:`InvalidOrderError` when there is none
        """
        key = (channel.id, line.sku, line.ean, tuple(line.product_refs))
        if key in run.products:
            return self.env["product.product"].browse(run.products[key])
        product = self._match_or_fallback(channel, line)
        run.products[key] = product.id
        return product

    def _lookup_product(self, channel, line):
        offer = self.env["marketplace.offer"].search(
            [("channel_id", "=", channel.id), ("seller_sku", "=", line.sku)], limit=1) if line.sku else None
        if offer:
            return offer.product_id
        Product = self.env["product.product"].with_context(active_test=False)
        company = [("company_id", "in", (False, channel.company_id.id))]
        if line.sku:
            product = Product.search([("default_code", "=", line.sku)] + company, limit=1)
            if product:
                return product
        if line.ean:
            product = Product.search([("barcode", "=", line.ean)] + company, limit=1)
            if product:
                return product
        raise InvalidOrderError(
            self.env._("Unknown product: SKU %(sku)s / EAN %(ean)s. Create the product with this internal reference or "
                       "barcode, or map it on the channel's offers, then press Retry.",
                       sku=line.sku or "-", ean=line.ean or "-"))

    @staticmethod
    def _naive(dt):
        return to_naive_utc(dt)

"""One sale order per Cdiscount order while the legacy SOAP and the REST channels both run; a
buyer's cancellation request on a line (REST ``CancelRequest``, legacy ``CancellationRequestPending``)
flagged on the line and the order, with an activity."""
from odoo import api, models

from odoo.addons.marketplace_connector.run import SKIPPED


class MarketplaceOrderImporter(models.AbstractModel):
    _inherit = "marketplace.order.importer"

    def _find_existing_order(self, channel, order, run):
        """Also find the sale order the linked legacy/REST channel made for the same order number."""
        sale = super()._find_existing_order(channel, order, run)
        if sale or not order.reference:
            return sale
        Sale = self.env["sale.order"].with_context(active_test=False)
        if channel.channel_type == "cdiscount_soap":
            migrated = channel._get_migrated_channels()
            if not migrated:
                return sale
            return Sale.search([("marketplace_channel_id", "in", migrated.ids),
                                ("client_order_ref", "=", order.reference)], limit=1)
        if channel.legacy_channel_id:
            return Sale.search([("marketplace_channel_id", "=", channel.legacy_channel_id.id),
                                ("marketplace_order_ref", "=", order.reference)], limit=1)
        return sale

    @api.model
    def _import_item(self, channel, item, run):
        order = item.order
        sale = self._find_existing_order(channel, order, run)
        if sale and sale.marketplace_channel_id != channel:
            if channel.channel_type == "cdiscount_soap":
                # Orders the legacy API knows keep being served by the legacy channel.
                self._take_over_legacy_order(channel, sale, order, run)
            elif sale.marketplace_channel_id.active:
                item.done(sale, SKIPPED)  # the (active) legacy channel serves it
                return item
        return super()._import_item(channel, item, run)

    def _take_over_legacy_order(self, channel, sale, order, run):
        """Bind a sale order made by the REST channel to the legacy channel (ids of the legacy API)."""
        line_ids = {}
        for line in order.lines:
            product = self._find_product(channel, line, run)
            line_ids.setdefault(product.id, []).append(line.external_id)
        for sale_line in sale.order_line.filtered("marketplace_line_id"):
            ids = line_ids.get(sale_line.product_id.id)
            if ids:
                sale_line.marketplace_line_id = ids.pop(0)
        previous = sale.marketplace_channel_id
        sale.write({"marketplace_channel_id": channel.id, "marketplace_order_ref": order.external_id})
        self._forget_absent_order(channel, order, run)
        sale.message_post(body=self.env._(
            "Order %(ref)s is served by the legacy channel %(legacy)s (it was imported by %(rest)s).",
            ref=order.reference, legacy=channel.name, rest=previous.name))

    def _after_import(self, sale, order):
        result = super()._after_import(sale, order)
        if sale.marketplace_channel_id.channel_type in ("octopia", "cdiscount_soap"):
            self._octopia_sync_cancel_requests(sale, order)
        return result

    def _octopia_sync_cancel_requests(self, sale, order):
        """Flag the lines the buyer asked to cancel; an activity for the newly asked ones."""
        requested = {str(line.external_id) for line in order.lines if line.cancel_requested}
        new = self.env["sale.order.line"]
        for sale_line in sale.order_line.filtered("marketplace_line_id"):
            flag = sale_line.marketplace_line_id in requested
            if flag and not sale_line.octopia_cancel_requested:
                new |= sale_line
            if flag != sale_line.octopia_cancel_requested:
                sale_line.octopia_cancel_requested = flag
        if new:
            self._octopia_cancel_request_activity(sale, new)

    def _octopia_cancel_request_activity(self, sale, lines):
        products = ", ".join(lines.mapped(lambda line: line.product_id.display_name))
        note = self.env._(
            "The buyer asked to cancel %(products)s on order %(ref)s. If it is not shipped yet, answer the "
            "request in the Octopia seller back office (accept it, or refund the order with the Refund "
            "wizard) and cancel the delivery here. If it is already shipped, refuse the request there: "
            "Octopia still accepts the shipment of these lines.", products=products, ref=sale.marketplace_order_ref)
        sale.message_post(body=note)
        sale.marketplace_channel_id._schedule_error_activity(
            self.env._("Buyer cancellation request"), note, record=sale)

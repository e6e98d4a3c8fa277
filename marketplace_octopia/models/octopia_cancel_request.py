"""A buyer's cancellation request on an Octopia line (REST ``CancelRequest``, legacy
``CancellationRequestPending``): flagged on the line and the order, with an activity."""
from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    octopia_cancel_requested = fields.Boolean(
        "Buyer cancellation request", copy=False, readonly=True,
        help="The buyer asked Octopia to cancel this line; it waits for the seller's answer.")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    octopia_cancel_requested = fields.Boolean(
        "Buyer cancellation request", compute="_compute_octopia_cancel_requested", store=True)

    @api.depends("order_line.octopia_cancel_requested")
    def _compute_octopia_cancel_requested(self):
        for order in self:
            order.octopia_cancel_requested = any(order.order_line.mapped("octopia_cancel_requested"))


class MarketplaceOrderImporter(models.AbstractModel):
    _inherit = "marketplace.order.importer"

    def _after_import(self, sale, order):
        super()._after_import(sale, order)
        if sale.marketplace_channel_id.channel_type in ("octopia", "cdiscount_soap"):
            self._octopia_sync_cancel_requests(sale, order)

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

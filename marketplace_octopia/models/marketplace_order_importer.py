"""Octopia import hooks: one sale order per Cdiscount order while the legacy SOAP and the REST
channels both run; a buyer's cancellation request on a line (REST ``CancelRequest``, legacy
``CancellationRequestPending``) flagged with an activity; the addresses of orders shown without
them before InPreparation, completed by a later poll."""
from odoo import api, models

from odoo.addons.marketplace_connector.run import SKIPPED

from marketplace_transport.octopia.rest_normalize import OctopiaOrderNormalizer


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

    # -- orders shown without addresses before InPreparation ------------------------------
    def _prepare_order_vals(self, channel, order, partner, invoice_address, shipping_address, run):
        vals = super()._prepare_order_vals(channel, order, partner, invoice_address, shipping_address, run)
        if channel.channel_type == "octopia":
            vals["octopia_address_pending"] = OctopiaOrderNormalizer.addresses_pending(order.raw)
        return vals

    def _update_order(self, sale, order, run):
        if sale.octopia_address_pending and not OctopiaOrderNormalizer.addresses_pending(order.raw):
            self._octopia_complete_addresses(sale, order, run)
        return super()._update_order(sale, order, run)

    def _octopia_complete_addresses(self, sale, order, run):
        """The buyer placeholder becomes the real buyer; the order (and its open deliveries) get the
        invoice and delivery contacts; the fiscal position chosen at import is kept."""
        channel, partner = sale.marketplace_channel_id, sale.partner_id
        placeholder = OctopiaOrderNormalizer._placeholder_address(order.raw)["lastName"]
        if partner.name == placeholder and not partner.street:
            vals = self._prepare_partner_vals(channel, order, run)
            partner.write({k: v for k, v in vals.items() if k not in ("company_id", "customer_rank")})
        invoice, shipping = self._find_or_create_addresses(
            partner, [(order.billing, "invoice"), (order.shipping, "delivery")], run)
        sale.with_context(update_delivery_shipping_partner=True).write({
            "partner_invoice_id": invoice.id, "partner_shipping_id": shipping.id,
            "fiscal_position_id": sale.fiscal_position_id.id, "octopia_address_pending": False})
        sale.message_post(body=self.env._("Buyer addresses received from Octopia: %s", shipping.display_name))


"""Import pipeline: lines whose product cannot be matched (custom lines, gift cards, tips, unknown SKUs)
import on the channel's fallback product, and the order gets an activity naming them."""
from markupsafe import Markup

from odoo import models

from marketplace_transport import InvalidOrderError


class MarketplaceOrderImporterFallback(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.fallback"
    _description = "Order import: fallback product of unmatched lines"

    def _match_or_fallback(self, channel, line):
        """The product of ``line``: matched, else the fallback product when the channel allows it.

        A line without SKU nor EAN tries its other references (catalog ids), then falls back; a line
        whose SKU is unknown follows the channel's ``unknown_sku_policy``.
        """
        if not line.sku and not line.ean:
            return self._lookup_product_refs(channel, line) or self._fallback_product(channel)
        try:
            return self._lookup_product(channel, line)
        except InvalidOrderError:
            if channel.unknown_sku_policy != "fallback":
                raise
            return self._fallback_product(channel)

    def _lookup_product_refs(self, channel, line):
        """:return: the product whose internal reference is one of ``line.product_refs`` (or empty)"""
        Product = self.env["product.product"].with_context(active_test=False)
        for ref in line.product_refs:
            product = Product.search([("default_code", "=", ref),
                                      ("company_id", "in", (False, channel.company_id.id))], limit=1)
            if product:
                return product
        return Product

    def _fallback_product(self, channel):
        if not channel.fallback_product_id:
            raise InvalidOrderError(self.env._(
                "A line has no known product and the channel has no fallback product: set one on the "
                "channel (Sales tab), then press Retry."))
        return channel.fallback_product_id

    def _flag_fallback_lines(self, sale, order):
        """Schedule an activity naming the lines imported on the fallback product (none: nothing)."""
        fallback = sale.marketplace_channel_id.fallback_product_id
        ids = set(sale.order_line.filtered(lambda sol: fallback and sol.product_id == fallback)
                  .mapped("marketplace_line_id"))
        reasons = [self._fallback_reason(line) for line in order.lines if line.external_id in ids]
        if not reasons:
            return
        note = Markup("<ul>%s</ul>") % Markup().join(Markup("<li>%s</li>") % r for r in reasons)
        sale.marketplace_channel_id._schedule_error_activity(
            self.env._("Check the lines imported on the fallback product"), note, record=sale)

    def _fallback_reason(self, line):
        if line.sku or line.ean:
            return self.env._("%(name)s: SKU %(sku)s / EAN %(ean)s unknown in Odoo",
                              name=line.name, sku=line.sku or "-", ean=line.ean or "-")
        return self.env._("%(name)s: no SKU nor EAN on the marketplace (custom line, gift card, tip, deleted "
                          "product...)", name=line.name)

"""Import: keep what the marketplace states about VAT (rate, amount per line and shipping, amount paid) and
flag a stated rate that is not ours as soon as the order is created."""
from odoo import models

from ..vat.reconcile import LineView, rate_differences


class MarketplaceOrderImporter(models.AbstractModel):
    # kept apart from the regime hooks of marketplace_order_importer.py (another concern, another file)
    _inherit = "marketplace.order.importer"  # pylint: disable=consider-merging-classes-inherited

    def _prepare_line_vals(self, channel, order, fiscal_position, line, product, run):
        vals = super()._prepare_line_vals(channel, order, fiscal_position, line, product, run)
        vals[0]["marketplace_tax"] = {"rate": line.tax_rate, "tax": line.tax_amount,
                                      "base": round(line.unit_price * line.quantity - line.discount_amount, 2)}
        return vals

    def _prepare_shipping_line_vals(self, channel, order, fiscal_position, run):
        vals = super()._prepare_shipping_line_vals(channel, order, fiscal_position, run)
        vals["marketplace_tax"] = {"rate": order.shipping_tax_rate, "tax": order.shipping_tax_amount,
                                   "base": order.shipping_amount}
        return vals

    def _prepare_order_vals(self, channel, order, partner, invoice_address, shipping_address, run):
        vals = super()._prepare_order_vals(channel, order, partner, invoice_address, shipping_address, run)
        vals["marketplace_paid_amount"] = order.paid_with_tax(self._prices_include_tax(channel, order)) or 0.0
        return vals

    def _prepare_update_vals(self, sale, order):
        vals = super()._prepare_update_vals(sale, order)
        if sale:  # a new order gets it above, with its channel
            included = self._prices_include_tax(sale.marketplace_channel_id, order)
            vals["marketplace_paid_amount"] = order.paid_with_tax(included) or 0.0
        return vals

    def _check_totals(self, sale, order):
        """The totals, then the stated VAT rates of the lines against ours: a difference is flagged
        (``marketplace_vat_mismatch``, and told in the chatter); the invoice check holds the invoice
        (``sale_order_reconcile.py``)."""
        result = super()._check_totals(sale, order)
        views = [LineView(line.name, line.tax_id, line._marketplace_rate(), 0.0, True,
                          (line.marketplace_tax or {}).get("rate"))
                 for line in sale.order_line.filtered("marketplace_tax")]
        differences = rate_differences(views)
        if differences:
            sale.marketplace_vat_mismatch = True
            # logged like the VAT note (mt_note, no follower notified): no reply-to nor follower queries
            sale._message_log(body=sale._marketplace_rate_difference_text(differences))
        return result

"""Import pipeline: order-level charges (fees, duties, further shipping lines) become sale order lines,
so that the order's total equals the marketplace's."""
from odoo import models


class MarketplaceOrderImporterCharges(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.charges"
    _description = "Order import: charge lines"

    def _prepare_charge_lines(self, channel, order, fiscal_position, run):
        """:return: the values of one line per :class:`~marketplace_transport.NormalizedCharge`"""
        return [self._prepare_charge_line_vals(channel, order, fiscal_position, charge, run)
                for charge in order.charges]

    def _prepare_charge_line_vals(self, channel, order, fiscal_position, charge, run):
        product = self._charge_product(channel, charge)
        vals = {
            "product_id": product.id,
            "name": charge.label,
            "product_uom_qty": 1,
            "price_unit": charge.amount,
            "tax_id": [(6, 0, self._charge_taxes(channel, order, fiscal_position, charge, product, run).ids)],
            "sequence": 100 if charge.kind == "shipping" else 110,
        }
        if charge.kind == "shipping" and "is_delivery" in self.env["sale.order.line"]._fields:
            vals["is_delivery"] = True
        return vals

    def _charge_product(self, channel, charge):
        if charge.kind == "shipping":
            return channel.shipping_product_id or channel.charge_product_id
        return channel.charge_product_id or channel.shipping_product_id

    def _charge_taxes(self, channel, order, fiscal_position, charge, product, run):
        """Taxed as sent: none at rate 0, the product's taxes when they have the charge's rate (or it
        has none), else a sale tax of the company with that rate."""
        if charge.tax_rate == 0:
            return self.env["account.tax"]
        taxes = self._line_taxes(channel, order, fiscal_position, product, run)
        if charge.tax_rate is None or abs(sum(taxes.mapped("amount")) - charge.tax_rate) < 0.01:
            return taxes
        tax = self.env["account.tax"].with_context(active_test=False).search([
            ("company_id", "=", channel.company_id.id), ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"), ("amount", "=", charge.tax_rate),
            ("price_include_override", "!=", "tax_included")], order="active desc, sequence, id", limit=1)
        if not tax:
            return taxes  # the total check flags the difference
        return self._included_twin(tax, run) if self._prices_include_tax(channel, order) else tax

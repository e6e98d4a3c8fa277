from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    marketplace_line_id = fields.Char("Marketplace line id", copy=False, index=True)
    marketplace_shippable = fields.Boolean(
        default=True, copy=False, help="False when the marketplace's own logistics ships this line.")

    _sql_constraints = [
        ("marketplace_line_unique", "UNIQUE(order_id, marketplace_line_id)",
         "A marketplace line is imported once per order."),
    ]

    def _action_launch_stock_rule(self, previous_product_uom_qty=False):
        """Lines shipped by the marketplace's logistics never enter our deliveries."""
        lines = self.filtered("marketplace_shippable")
        return super(SaleOrderLine, lines)._action_launch_stock_rule(previous_product_uom_qty)

    @api.depends("marketplace_shippable")
    def _compute_qty_delivered_method(self):
        """No stock move follows a line the marketplace ships: its delivered quantity is manual."""
        result = super()._compute_qty_delivered_method()
        marketplace_shipped = self.filtered(
            lambda sol: not sol.marketplace_shippable and sol.qty_delivered_method == "stock_move")
        marketplace_shipped.qty_delivered_method = "manual"
        return result

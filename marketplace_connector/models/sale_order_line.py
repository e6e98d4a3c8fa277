from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    marketplace_line_id = fields.Char("Marketplace line id", copy=False, index=True)
    marketplace_shippable = fields.Boolean(
        default=True, copy=False, help="False when the marketplace's own logistics ships this line.")

    _sql_constraints = [
        ("marketplace_line_unique", "UNIQUE(order_id, marketplace_line_id)",
         "A marketplace line is imported once per order."),
    ]

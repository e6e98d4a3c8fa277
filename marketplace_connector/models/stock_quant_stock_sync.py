"""Every change of a stored quantity or of a reservation in an internal location notes its product,
whose offers on every channel become *stock to send* (``marketplace.offer._note_stock_change``)."""
from odoo import models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        self._note_marketplace_stock(product_id, location_id)
        return super()._update_available_quantity(product_id, location_id, *args, **kwargs)

    def _update_reserved_quantity(self, product_id, location_id, *args, **kwargs):
        self._note_marketplace_stock(product_id, location_id)
        return super()._update_reserved_quantity(product_id, location_id, *args, **kwargs)

    def _note_marketplace_stock(self, product, location):
        if location.usage == "internal":
            self.env["marketplace.offer"]._note_stock_change(product.ids)

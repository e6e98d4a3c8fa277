from odoo import api, models

from ..batch import active_batch


class StockQuant(models.Model):
    """Batch confirmation (quants gathered once per batch) and the stock sync: every change of a stored
    quantity or reservation in an internal location marks the product's offers on every channel
    *stock to send* (``marketplace.offer._note_stock_change``)."""

    _inherit = "stock.quant"

    def _gather(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0):
        """In a batch confirmation, the quants of a product in a location are searched once for
        the batch (Odoo searches them two to four times per reserved move). Reserving changes
        the quants' reserved quantity, never which quants there are; a quant created or deleted
        during the batch forgets what was found."""
        batch = active_batch(self.env)
        if batch is None or self._get_removal_strategy(product_id, location_id) == "least_packages":
            return super()._gather(product_id, location_id, lot_id=lot_id, package_id=package_id,
                                   owner_id=owner_id, strict=strict, qty=qty)
        memo = batch.memo.setdefault("quants", {})
        key = (self.env.uid, self.env.su, tuple(self.env.companies.ids), self.env.context.get("with_expiration"),
               product_id.id, location_id.id, lot_id and lot_id.id, package_id and package_id.id,
               owner_id and owner_id.id, bool(strict))
        if key not in memo:
            memo[key] = super()._gather(product_id, location_id, lot_id=lot_id, package_id=package_id,
                                        owner_id=owner_id, strict=strict, qty=qty)
        return memo[key]

    @api.model_create_multi
    def create(self, vals_list):
        self._forget_gathered_quants()
        return super().create(vals_list)

    def unlink(self):
        self._forget_gathered_quants()
        return super().unlink()

    def _forget_gathered_quants(self):
        batch = active_batch(self.env)
        if batch is not None:
            batch.memo.pop("quants", None)

    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        self._note_marketplace_stock(product_id, location_id)
        return super()._update_available_quantity(product_id, location_id, *args, **kwargs)

    def _update_reserved_quantity(self, product_id, location_id, *args, **kwargs):
        self._note_marketplace_stock(product_id, location_id)
        return super()._update_reserved_quantity(product_id, location_id, *args, **kwargs)

    def _note_marketplace_stock(self, product, location):
        if location.usage == "internal":
            self.env["marketplace.offer"]._note_stock_change(product.ids)

from odoo import api, models

from ..batch import FRESH_GROUPS_KEY, ORDER_BATCH_KEY


class StockMove(models.Model):
    _inherit = "stock.move"

    def _trigger_scheduler(self):
        """In a batch confirmation, trigger only the moves of products that have an automatic
        reordering rule, known once per product for the batch (Odoo searches once per move)."""
        batch = self.env.context.get(ORDER_BATCH_KEY)
        if not self or batch is None:
            return super()._trigger_scheduler()
        known = batch.memo.setdefault("auto_orderpoint", {})  # product id -> has one
        unknown = self.product_id.filtered(lambda product: product.id not in known)
        if unknown:
            with_rule = self.env["stock.warehouse.orderpoint"].search(
                [("product_id", "in", unknown.ids), ("trigger", "=", "auto")]).product_id
            known.update((product.id, product in with_rule) for product in unknown)
        return super(StockMove, self.filtered(lambda move: known[move.product_id.id]))._trigger_scheduler()

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves._forget_fresh_groups()
        return moves

    def write(self, vals):
        res = super().write(vals)
        if "picking_id" in vals or "group_id" in vals:
            self._forget_fresh_groups()
        return res

    def _forget_fresh_groups(self):
        """The groups of moves in a picking are no longer fresh (see below). Whatever the context:
        a fact of the transaction."""
        fresh = self.env.cr.cache.get(FRESH_GROUPS_KEY)
        if fresh:
            fresh.difference_update(self.filtered("picking_id").group_id.ids)

    def _search_picking_for_assignation(self):
        """A procurement group created for a batch confirmation has no picking until a move of
        the group is put in one (tracked per transaction): no search for its first picking."""
        fresh = self.env.cr.cache.get(FRESH_GROUPS_KEY)
        if fresh and self.group_id.id in fresh:
            return self.env["stock.picking"]
        return super()._search_picking_for_assignation()

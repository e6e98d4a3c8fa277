from odoo import api, models
from odoo.tools import float_compare, groupby
from odoo.tools.misc import clean_context

from ..batch import active_batch

DEFERRED_STATES = "moves_to_recompute_state"  # batch memo key: moves whose state is computed at the end


class StockMove(models.Model):
    """Inside an import batch only (see ``batch.active_batch``); elsewhere each method is Odoo's."""

    _inherit = "stock.move"

    def _trigger_scheduler(self):
        """In a batch confirmation, trigger only the moves of products that have an automatic
        reordering rule, known once per product for the batch (Odoo searches once per move)."""
        batch = active_batch(self.env)
        if not self or batch is None:
            return super()._trigger_scheduler()
        known = batch.memo.setdefault("auto_orderpoint", {})  # product id -> has one
        unknown = self.product_id.filtered(lambda product: product.id not in known)
        if unknown:
            with_rule = self.env["stock.warehouse.orderpoint"].search(
                [("product_id", "in", unknown.ids), ("trigger", "=", "auto")]).product_id
            known.update((product.id, product in with_rule) for product in unknown)
        return super(StockMove, self.filtered(lambda move: known[move.product_id.id]))._trigger_scheduler()

    def _action_confirm(self, merge=True, merge_into=False):
        batch = active_batch(self.env)
        if batch is not None:
            self._assign_fresh_pickings(batch)
            # read for the whole batch at once (Odoo's merge reads them picking by picking)
            self.fetch(["move_orig_ids", "move_dest_ids"])
        return super()._action_confirm(merge=merge, merge_into=merge_into)

    def _assign_fresh_pickings(self, batch):
        """In a batch confirmation, the first pickings of the fresh procurement groups are created
        in one ``create()`` (Odoo creates them order by order), with the values and the post-processing
        of ``_assign_picking``. The moves then have a picking: Odoo does not assign them again."""
        fresh = batch.fresh_group_ids
        if not fresh:
            return
        moves = self.filtered(lambda move: move.state == "draft" and move.group_id.id in fresh
                              and move._should_be_assigned() and float_compare(
                                  move.product_uom_qty, 0.0, precision_rounding=move.product_uom.rounding) >= 0)
        if not moves:
            return
        # as Odoo calls _assign_picking: the default_* keys dropped, not merged
        moves = moves.with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
        grouped = [moves.browse().concat(*group)
                   for _key, group in groupby(moves, key=lambda move: move._key_assign_picking())]
        pickings = moves.env["stock.picking"].create([group._get_new_picking_values() for group in grouped])
        for group, picking in zip(grouped, pickings, strict=True):
            group.write({"picking_id": picking.id})
            group._assign_picking_post_process(new=True)

    def _action_assign(self, force_qty=False):
        """In a batch confirmation, the state of the reserved moves is computed once at the end
        (Odoo computes and writes it for each move line it creates, then writes it again for the
        moves it reserved). A move whose state Odoo writes after its lines keeps that state, as
        in Odoo; the others get the state their lines give, as Odoo's last computation would."""
        batch = active_batch(self.env)
        if batch is None or DEFERRED_STATES in batch.memo:
            return super()._action_assign(force_qty=force_qty)
        deferred = batch.memo[DEFERRED_STATES] = set()
        try:
            result = super()._action_assign(force_qty=force_qty)
        finally:
            batch.memo.pop(DEFERRED_STATES)
        self.browse(sorted(deferred))._recompute_state()
        return result

    def _recompute_state(self):
        deferred = self._deferred_states()
        if deferred is not None and not self.env.context.get("preserve_state"):
            deferred.update(self.ids)
            return
        return super()._recompute_state()

    def _deferred_states(self):
        batch = active_batch(self.env)
        return batch.memo.get(DEFERRED_STATES) if batch is not None else None

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        batch = active_batch(self.env)
        if batch is not None:
            moves._forget_fresh_groups(batch)
        return moves

    def write(self, vals):
        batch = active_batch(self.env)
        if batch is None:
            return super().write(vals)
        deferred = batch.memo.get(DEFERRED_STATES)
        if deferred and "state" in vals:
            deferred.difference_update(self.ids)  # the state written last wins, as in Odoo
        res = super().write(vals)
        if "picking_id" in vals or "group_id" in vals:
            self._forget_fresh_groups(batch)
        return res

    def _forget_fresh_groups(self, batch):
        """The groups of moves in a picking are no longer fresh (see below)."""
        if batch.fresh_group_ids:
            batch.fresh_group_ids.difference_update(self.filtered("picking_id").group_id.ids)

    def _search_picking_for_assignation(self):
        """A procurement group created for a batch confirmation has no picking until a move of
        the group is put in one (tracked by the batch): no search for its first picking."""
        batch = active_batch(self.env)
        if batch is not None and self.group_id.id in batch.fresh_group_ids:
            return self.env["stock.picking"]
        return super()._search_picking_for_assignation()

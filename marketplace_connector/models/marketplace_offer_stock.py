"""Stock sync part of ``marketplace.offer``: the shop's ids of the variant, the quantities the shop
holds as last read or set, and the *dirty* flag a stock change raises."""
from odoo import api, fields, models

#: the transaction's products whose stock changed, flushed to the offers once (``_flush_stock_marks``)
PENDING_KEY = "marketplace.stock_dirty_products"


class MarketplaceOffer(models.Model):
    _inherit = "marketplace.offer"

    product_ref = fields.Char("Shop product id", copy=False)
    variant_ref = fields.Char("Shop variant id", copy=False)
    inventory_ref = fields.Char("Shop inventory item id", copy=False)
    shop_quantities = fields.Json(readonly=True, copy=False, help="Quantities per shop location, as last read or set.")
    shop_quantity = fields.Integer(compute="_compute_shop_quantity", string="Shop quantity")
    stock_dirty = fields.Boolean("Stock to send", default=True, index=True, copy=False)
    last_stock_sync_at = fields.Datetime(readonly=True, copy=False)

    @api.depends("shop_quantities")
    def _compute_shop_quantity(self):
        for offer in self:
            offer.shop_quantity = sum((offer.shop_quantities or {}).values())

    @api.model
    def _note_stock_change(self, product_ids):
        """Remember products whose free quantity changed; their offers are marked dirty at commit."""
        pending = self.env.cr.precommit.data.get(PENDING_KEY)
        if pending is None:
            pending = self.env.cr.precommit.data[PENDING_KEY] = set()
            self.env.cr.precommit.add(self._flush_stock_marks)
        pending.update(product_ids)

    @api.model
    def _flush_stock_marks(self, wake=True):
        """Mark dirty the offers (every channel) of the products noted in this transaction: one query.

        :param wake: trigger the stock cron (it runs as soon as the cron runner is told, not at its next
            minute) when an offer became dirty; at commit (the precommit hook) it does
        """
        pending = self.env.cr.precommit.data.pop(PENDING_KEY, None)
        if not pending:
            return
        self.env.cr.execute(
            "UPDATE marketplace_offer SET stock_dirty = TRUE WHERE product_id = ANY(%s) AND NOT stock_dirty",
            [sorted(pending)])
        marked = self.env.cr.rowcount
        self.invalidate_model(["stock_dirty"])
        if marked and wake:
            self._wake_stock_cron()

    @api.model
    def _wake_stock_cron(self):
        cron = self.env.ref("marketplace_connector.ir_cron_marketplace_sync_stock", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()
            self.env.flush_all()  # in a precommit hook: the trigger row is written before the commit

    def action_send_stock_now(self):
        """Mark the selected offers dirty and run their channels' stock sync."""
        self.write({"stock_dirty": True})
        for channel in self.channel_id:
            channel._sync_stock()
        return True

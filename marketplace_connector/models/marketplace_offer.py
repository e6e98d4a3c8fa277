from odoo import api, fields, models
from odoo.tools import float_compare, split_every

from marketplace_transport import OfferUpdate

PUSH_CHUNK = 500


class MarketplaceOffer(models.Model):
    """A product offered on a channel, with the values last pushed and their outcome."""

    _name = "marketplace.offer"
    _description = "Marketplace offer"
    _order = "channel_id, seller_sku"
    _rec_name = "seller_sku"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", index=True)
    seller_sku = fields.Char("Seller SKU", required=True)
    ean = fields.Char("EAN")
    marketplace_offer_id = fields.Char("Marketplace offer id", copy=False)
    active = fields.Boolean(default=True)
    price = fields.Float(digits="Product Price", help="Selling price on the marketplace, tax included.")
    quantity = fields.Integer(compute="_compute_quantity", help="Free quantity in the channel's warehouse.")
    last_pushed_price = fields.Float(digits="Product Price", readonly=True, copy=False)
    last_pushed_quantity = fields.Integer(readonly=True, copy=False)
    last_pushed_at = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        [("to_push", "To push"), ("done", "Integrated"), ("error", "Rejected")], default="to_push", required=True,
        index=True, copy=False)
    error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("channel_sku_unique", "UNIQUE(channel_id, seller_sku)", "A seller SKU is offered once per channel."),
    ]

    @api.depends("product_id", "channel_id.warehouse_id")
    def _compute_quantity(self):
        for channel in self.channel_id:
            offers = self.filtered(lambda o, channel=channel: o.channel_id == channel)
            products = offers.product_id.with_context(warehouse_id=channel.warehouse_id.id)
            free = {p.id: p.free_qty for p in products}
            for offer in offers:
                offer.quantity = max(int(free.get(offer.product_id.id, 0)), 0)
        for offer in self.filtered(lambda o: not o.channel_id):
            offer.quantity = 0

    @api.onchange("product_id")
    def _onchange_product_id(self):
        for offer in self:
            offer.seller_sku = offer.seller_sku or offer.product_id.default_code
            offer.ean = offer.ean or offer.product_id.barcode
            offer.price = offer.price or offer.product_id.lst_price

    def _needs_push(self):
        self.ensure_one()
        return (self.state != "done" or self.quantity != self.last_pushed_quantity
                or float_compare(self.price, self.last_pushed_price, precision_digits=2) != 0)

    def _prepare_offer_update(self):
        """The values a transport sends; connector addons add their attributes to ``extra``."""
        self.ensure_one()
        return OfferUpdate(seller_sku=self.seller_sku, price=self.price, quantity=self.quantity, ean=self.ean or "")

    @api.model
    def _iter_channel_offers(self, channel, keep, domain=()):
        """The channel's offers (within ``domain``) for which ``keep(offer)`` holds, read chunk by
        chunk (bounded cache)."""
        ids = self.search([("channel_id", "=", channel.id), *domain]).ids
        for chunk in split_every(PUSH_CHUNK, ids):
            offers = self.browse(chunk)
            yield from offers.filtered(keep)
            offers.invalidate_recordset()

    @api.model
    def _push_channel_offers(self, channel):
        """Stream the channel's changed offers to its transport, chunk by chunk."""
        pushed = {}

        def updates():
            for offer in self._iter_channel_offers(channel, lambda o: o._needs_push()):
                update = offer._prepare_offer_update()
                pushed[update.seller_sku] = (offer.id, update.price, update.quantity)
                yield update

        now = fields.Datetime.now()
        for result in channel._get_transport().push_offers(updates()):
            offer_id, price, quantity = pushed.pop(result.seller_sku, (None, 0, 0))
            if not offer_id:
                continue
            vals = {"state": "done" if result.state == "done" else "error", "error": result.message or False}
            if result.state == "done":
                vals.update(last_pushed_price=price, last_pushed_quantity=quantity, last_pushed_at=now)
            self.browse(offer_id).write(vals)

"""Stock sync mapping records: Odoo warehouses to shop locations, and the shop variants no product matched."""
from odoo import api, fields, models


class MarketplaceStockLocation(models.Model):
    """One Odoo warehouse whose free quantity goes to one shop location (several may share a location)."""

    _name = "marketplace.stock.location"
    _description = "Marketplace shop location"
    _order = "channel_id, id"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade", check_company=True)
    remote_location_id = fields.Char("Shop location id", required=True)
    name = fields.Char("Shop location")

    _sql_constraints = [
        ("location_warehouse_unique", "UNIQUE(channel_id, remote_location_id, warehouse_id)",
         "A warehouse is mapped once to a shop location."),
    ]


class MarketplaceCatalogItem(models.Model):
    """A shop variant whose SKU and barcode match no product: pick the product, then *Map*."""

    _name = "marketplace.catalog.item"
    _description = "Unmapped shop variant"
    _order = "channel_id, sku"
    _rec_name = "sku"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    sku = fields.Char("Shop SKU")
    barcode = fields.Char()
    title = fields.Char()
    product_ref = fields.Char("Shop product id")
    variant_ref = fields.Char("Shop variant id", required=True)
    inventory_ref = fields.Char("Shop inventory item id")
    shop_quantities = fields.Json()
    product_id = fields.Many2one("product.product", "Map to product")

    _sql_constraints = [
        ("channel_variant_unique", "UNIQUE(channel_id, variant_ref)", "A shop variant is listed once."),
    ]

    def action_map(self):
        """Bind each item that has a product to it (a channel offer) and forget the item."""
        mapped = self.filtered("product_id")
        self.env["marketplace.offer"].create([item._offer_vals() for item in mapped])
        mapped.unlink()
        return True

    def _offer_vals(self):
        return {"channel_id": self.channel_id.id, "product_id": self.product_id.id,
                "seller_sku": self.sku or self.product_id.default_code or self.variant_ref,
                "ean": self.barcode or False, "product_ref": self.product_ref, "variant_ref": self.variant_ref,
                "inventory_ref": self.inventory_ref, "shop_quantities": self.shop_quantities, "stock_dirty": True}

    @api.model
    def _upsert(self, channel, variant):
        vals = {"channel_id": channel.id, "sku": variant.sku, "barcode": variant.barcode, "title": variant.title,
                "product_ref": variant.product_ref, "variant_ref": variant.variant_ref,
                "inventory_ref": variant.inventory_ref, "shop_quantities": variant.quantities}
        item = self.search([("channel_id", "=", channel.id), ("variant_ref", "=", variant.variant_ref)])
        return item.write(vals) if item else self.create(vals)

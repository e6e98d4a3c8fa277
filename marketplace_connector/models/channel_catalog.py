"""Marketplace channel: the shop's catalogue mapped to the channel's offers.

Each shop variant binds to the product with the same SKU (internal reference), else the same barcode;
the binding (a ``marketplace.offer``) keeps the shop's product, variant and inventory item ids and the
quantities read. Variants nothing matches are listed (``marketplace.catalog.item``) to be mapped by hand.
"""
from odoo import api, fields, models


class MarketplaceChannelCatalog(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.catalog"
    _description = "Marketplace channel: shop catalogue mapping"

    last_catalog_sync_at = fields.Datetime("Last catalogue refresh", readonly=True, copy=False)
    catalog_item_ids = fields.One2many("marketplace.catalog.item", "channel_id", "Unmapped shop variant list")
    catalog_item_count = fields.Integer("Unmapped shop variants", compute="_compute_catalog_item_count")

    def _compute_catalog_item_count(self):
        counts = dict(self.env["marketplace.catalog.item"]._read_group(
            [("channel_id", "in", self.ids)], ["channel_id"], ["__count"]))
        for channel in self:
            channel.catalog_item_count = counts.get(channel, 0)

    @api.model
    def _cron_refresh_catalog(self):
        for channel in self.search([]).filtered(lambda c: c._takes_stock_levels()):
            channel.with_company(channel.company_id)._refresh_catalog()

    def action_refresh_catalog(self):
        for channel in self:
            channel._refresh_catalog()
        return self._notify(self.env._("Catalogue read"), self.env._(
            "%(count)s shop variants are not mapped yet.", count=sum(self.mapped("catalog_item_count"))), "info")

    def action_open_catalog_items(self):
        return self._action_open("marketplace.catalog.item", [("channel_id", "in", self.ids)],
                                 self.env._("Unmapped shop variants"))

    def action_open_unmapped_products(self):
        """Storable products that no offer of these channels binds."""
        mapped = self.env["marketplace.offer"].search([("channel_id", "in", self.ids)]).product_id
        return self._action_open("product.product", [("is_storable", "=", True), ("id", "not in", mapped.ids)],
                                 self.env._("Products not on the shop"))

    def _refresh_catalog(self):
        """Read the shop's variants page by page and bind them; committed per page."""
        self.ensure_one()
        with self._run_lock() as acquired:
            if not acquired:
                return False
            for variants in self._get_transport().iter_catalog_pages():
                self._map_catalog_page(variants)
                self._commit_progress()
            self.last_catalog_sync_at = fields.Datetime.now()
            self._commit_progress()
        return True

    # -- one page ---------------------------------------------------------------------
    def _map_catalog_page(self, variants):
        """Bind the page's variants: known offers updated, new offers created together, the rest listed."""
        self._ensure_stock_location(variants)
        by_ref, by_sku = self._catalog_offers(variants)
        products = self._catalog_products(variants)
        new = []
        for variant in variants:
            offer = by_ref.get(variant.variant_ref) or by_sku.get(variant.sku)
            product = products.get(("sku", variant.sku)) or products.get(("barcode", variant.barcode))
            if offer:
                offer.write(self._catalog_binding_vals(variant))
            elif product:
                new.append(self._catalog_offer_vals(variant, product))
            else:
                self.env["marketplace.catalog.item"]._upsert(self, variant)
        self.env["marketplace.offer"].create(new)

    def _catalog_offers(self, variants):
        """The channel's offers of the page's variants, by shop variant id and by SKU."""
        offers = self.env["marketplace.offer"].with_context(active_test=False).search(
            [("channel_id", "=", self.id), "|", ("variant_ref", "in", [v.variant_ref for v in variants]),
             ("seller_sku", "in", [v.sku for v in variants if v.sku])])
        return {o.variant_ref: o for o in offers if o.variant_ref}, {o.seller_sku: o for o in offers}

    def _catalog_offer_vals(self, variant, product):
        return dict(self._catalog_binding_vals(variant), product_id=product.id, channel_id=self.id,
                    seller_sku=variant.sku or product.default_code or variant.variant_ref,
                    ean=variant.barcode or product.barcode or False)

    def _catalog_products(self, variants):
        """{("sku", code) | ("barcode", barcode): product} of the page's variants, two queries."""
        Product = self.env["product.product"].with_company(self.company_id)
        skus = [v.sku for v in variants if v.sku]
        barcodes = [v.barcode for v in variants if v.barcode]
        found = {("sku", p.default_code): p for p in Product.search([("default_code", "in", skus)])}
        found.update({("barcode", p.barcode): p for p in Product.search([("barcode", "in", barcodes)])})
        return found

    @staticmethod
    def _catalog_binding_vals(variant):
        return {"product_ref": variant.product_ref, "variant_ref": variant.variant_ref,
                "inventory_ref": variant.inventory_ref, "shop_quantities": variant.quantities}

    def _ensure_stock_location(self, variants):
        """A shop with locations and none mapped: its first location takes the channel's warehouses."""
        if self.stock_location_ids:
            return
        location = next((loc for v in variants for loc in v.quantities if loc), None)
        if location:
            self.env["marketplace.stock.location"].create([
                {"channel_id": self.id, "warehouse_id": warehouse.id, "remote_location_id": location}
                for warehouse in self._stock_warehouses()])

"""Wix stock sync through the Stores Catalog V1 and Inventory APIs (``www.wixapis.com``).

- catalogue: ``POST /stores/v1/products/query`` (``includeVariants``, ``paging.limit`` <= 100) gives each
  variant's SKU and id (Wix V1 has no barcode); quantities from the inventory items;
- read: ``POST /stores/v2/inventoryItems/query`` filtered on ``productId`` ``$in`` (<= 100);
- write: relative adjustments ``POST /stores/v2/inventoryItems/increment`` / ``.../decrement`` by
  ``target - quantity read``, up to 300 variants across products per call as documented: a sale between
  our read and our write is kept (the adjustment is relative). A refused call is split to find the
  refused variant, which fails alone;
- prices (once the quantity is set): the products are queried by id (``filter`` ``{"id": {"$hasSome": [...]}}``,
  <= 100) for ``manageVariants``; a product managing its variants gets one "Update Product Variants" call
  (``PATCH /stores/v1/products/<id>/variants``, ``{"variants": [{"variantIds": [...], "price": ...}]}``),
  a product without managed variants one "Update Product" call (``PATCH /stores/v1/products/<id>``,
  ``{"product": {"priceData": {"price": ...}}}``). A refused variants call is sent again per variant, so a
  refused price fails its variant alone. Prices are sent as the channel's pricelist gives them (two
  decimals): pick the pricelist that matches the site's tax setting (prices with or without tax).

Rate limit: the transport's request pacer (``requests_per_minute``) and 429 handling apply.
"""
import json

from .exceptions import RateLimitedError, RemoteError, TemporaryError
from .stock import NO_LOCATION, CatalogVariant, StockResult, chunked

#: variants per increment/decrement call (documented: up to 300)
ADJUST_BATCH = 300
PAGE = 100


def _amount(price):
    return round(price, 2)


def _split_ref(variant_ref):
    """``<productId>:<variantId>`` -> (product id, variant id)."""
    product, _sep, variant = variant_ref.partition(":")
    return product, variant


class WixStock:
    """Mixed into :class:`WixTransport`: the stock sync methods (see the module's docstring)."""

    # -- catalogue --------------------------------------------------------------------
    def iter_catalog_pages(self):
        offset = 0
        while True:
            body = {"query": {"paging": {"limit": PAGE, "offset": offset}}, "includeVariants": True}
            products = self._call("POST", "/stores/v1/products/query", "list products", body).get("products") or []
            levels = self._inventory_levels([p["id"] for p in products])
            yield [self._catalog_variant(p, v, levels) for p in products for v in p.get("variants") or []]
            if len(products) < PAGE:
                return
            offset += PAGE

    @staticmethod
    def _catalog_variant(product, variant, levels):
        ref = f"{product['id']}:{variant['id']}"
        sku = (variant.get("variant") or {}).get("sku") or product.get("sku") or ""
        return CatalogVariant(sku=sku, product_ref=product["id"], variant_ref=ref, inventory_ref=ref,
                              title=product.get("name") or "", quantities={NO_LOCATION: levels.get(ref, 0)})

    def _inventory_levels(self, product_ids):
        """{"<productId>:<variantId>": quantity} of the products' inventory items."""
        levels = {}
        for chunk in chunked(sorted(set(product_ids)), PAGE):
            query = {"query": {"filter": json.dumps({"productId": {"$in": chunk}}), "paging": {"limit": PAGE}}}
            items = self._call("POST", "/stores/v2/inventoryItems/query", "read stock", query).get("inventoryItems")
            for item in items or []:
                for variant in item.get("variants") or []:
                    levels[f"{item['productId']}:{variant['variantId']}"] = int(variant.get("quantity") or 0)
        return levels

    # -- read and write -----------------------------------------------------------------
    def read_stock(self, updates):
        levels = self._inventory_levels([_split_ref(u.variant_ref)[0] for u in updates])
        return {u.key: {NO_LOCATION: levels[u.variant_ref]} for u in updates if u.variant_ref in levels}

    def push_stock(self, updates):
        for chunk in chunked(updates, ADJUST_BATCH):
            results = {r.key: r for r in self._push_quantities(chunk)}
            priced = [u for u in chunk if u.price is not None and results[u.key].state == "done"]
            results.update(self._set_prices(priced))
            yield from results.values()

    def _push_quantities(self, chunk):
        moves = {"increment": [], "decrement": []}
        for update in chunk:
            if update.expected is None:
                yield StockResult(update.key, "error", "Wix: no inventory item for this variant")
                continue
            delta = sum(update.quantities.values()) - sum(update.expected.values())
            if delta:
                moves["increment" if delta > 0 else "decrement"].append((update, abs(delta)))
            else:
                yield StockResult(update.key, "done", quantities=dict(update.quantities))
        for verb, items in moves.items():
            yield from self._adjust(verb, items)

    def _adjust(self, verb, items):
        """One call for ``items`` ([(update, amount)]); a refused call is split until the culprit is alone."""
        if not items:
            return
        rows = [self._adjust_row(u, amount, verb) for u, amount in items]
        try:
            self._call("POST", f"/stores/v2/inventoryItems/{verb}", "set stock", {f"{verb}Data": rows})
        except (RateLimitedError, TemporaryError):
            raise
        except RemoteError as exc:
            if len(items) == 1:
                yield StockResult(items[0][0].key, "error", exc.message)
                return
            middle = len(items) // 2
            yield from self._adjust(verb, items[:middle])
            yield from self._adjust(verb, items[middle:])
            return
        for update, _amount in items:
            yield StockResult(update.key, "done", quantities=dict(update.quantities))

    @staticmethod
    def _adjust_row(update, amount, verb):
        product, variant = _split_ref(update.variant_ref)
        return {"productId": product, "variantId": variant, f"{verb}By": amount}

    # -- prices -------------------------------------------------------------------------
    def _set_prices(self, updates):
        """{key: StockResult} of the refused prices (the others keep their quantity's result)."""
        by_product = {}
        for update in updates:
            by_product.setdefault(_split_ref(update.variant_ref)[0], []).append(update)
        managed = self._managed_variants(list(by_product))
        refused = {}
        for product, group in by_product.items():
            if managed.get(product, True):
                refused.update(self._price_variants(product, group))
            else:
                refused.update(self._price_call(f"/stores/v1/products/{product}", group, {
                    "product": {"priceData": {"price": _amount(group[0].price)}}}))
        return refused

    def _managed_variants(self, product_ids):
        """{product id: manageVariants} of the products."""
        managed = {}
        for chunk in chunked(sorted(product_ids), PAGE):
            query = {"query": {"filter": json.dumps({"id": {"$hasSome": chunk}}), "paging": {"limit": PAGE}}}
            products = self._call("POST", "/stores/v1/products/query", "read products", query).get("products")
            managed.update({p["id"]: bool(p.get("manageVariants")) for p in products or []})
        return managed

    def _price_variants(self, product, group):
        body = {"variants": [{"variantIds": [_split_ref(u.variant_ref)[1]], "price": _amount(u.price)} for u in group]}
        refused = self._price_call(f"/stores/v1/products/{product}/variants", group, body)
        if refused and len(group) > 1:  # one call per variant: the refused one fails alone
            refused = {}
            for update in group:
                refused.update(self._price_variants(product, [update]))
        return refused

    def _price_call(self, path, group, body):
        try:
            self._call("PATCH", path, "set prices", body)
        except (RateLimitedError, TemporaryError):
            raise
        except RemoteError as exc:
            return {u.key: StockResult(u.key, "error", exc.message) for u in group}
        return {}

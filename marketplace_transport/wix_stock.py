"""Wix stock sync through the Stores Catalog V1 and Inventory APIs (``www.wixapis.com``).

- catalogue: ``POST /stores/v1/products/query`` (``includeVariants``, ``paging.limit`` <= 100) gives each
  variant's SKU and id (Wix V1 has no barcode); quantities from the inventory items;
- read: ``POST /stores/v2/inventoryItems/query`` filtered on ``productId`` ``$in`` (<= 100);
- write: relative adjustments ``POST /stores/v2/inventoryItems/increment`` / ``.../decrement`` by
  ``target - quantity read``, up to 300 variants across products per call as documented: a sale between
  our read and our write is kept (the adjustment is relative). A refused call is split to find the
  refused variant, which fails alone.

Rate limit: the transport's request pacer (``requests_per_minute``) and 429 handling apply.
"""
import json

from .exceptions import RateLimitedError, RemoteError, TemporaryError
from .stock import NO_LOCATION, CatalogVariant, StockResult, chunked

#: variants per increment/decrement call (documented: up to 300)
ADJUST_BATCH = 300
PAGE = 100


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

"""Wix simulator: Stores Catalog V1 products and inventory items for the stock sync.

``POST /stores/v1/products/query`` (``paging.limit`` <= 100, ``offset``; ``includeVariants``),
``POST /stores/v2/inventoryItems/query`` (``filter`` a JSON string, ``productId`` ``$in``; ``paging.limit``
<= 100), ``POST /stores/v2/inventoryItems/increment`` and ``.../decrement`` (``incrementData`` /
``decrementData``, at most 300 variants; the call is refused whole, 400, when one row is invalid). The
guard (API key, site, per-minute rate limit) of the other routes applies.
"""
import json

from ..inventory_store import SimVariant, reset_store, store
from ..server import Response
from .api import guard, wix_error
from .generator import NAME

MAX_PAGE = 100
MAX_ADJUST = 300
DEFAULT_VARIANT = "00000000-0000-0000-0000-000000000000"


def inventory(app):
    return store(app, NAME)


def add_product(app, number, sku, quantity, variant_id=DEFAULT_VARIANT):
    """A product (or one more variant of product ``number``) with tracked quantity."""
    product_id = f"00000000-0000-0000-0000-{number:012d}"
    return inventory(app).add(SimVariant(
        sku=sku, barcode="", product_id=product_id, variant_id=f"{product_id}:{variant_id}",
        inventory_id=f"inv-{product_id}", title=sku, levels={"": quantity}))


def _products(inv):
    products = {}
    for v in inv.variants.values():
        product = products.setdefault(v.product_id, {"id": v.product_id, "name": v.title, "sku": "",
                                                     "manageVariants": True, "variants": []})
        product["variants"].append({"id": v.variant_id.split(":", 1)[1], "variant": {"sku": v.sku, "visible": True},
                                    "stock": {"trackQuantity": True, "quantity": v.levels.get("", 0)}})
    return [products[key] for key in sorted(products)]


def _items(inv, product_ids):
    items = {}
    for v in inv.variants.values():
        if v.product_id in product_ids:
            item = items.setdefault(v.product_id, {"id": v.inventory_id, "productId": v.product_id,
                                                   "trackQuantity": True, "variants": []})
            quantity = v.levels.get("", 0)
            item["variants"].append({"variantId": v.variant_id.split(":", 1)[1], "quantity": quantity,
                                     "inStock": quantity > 0})
    return list(items.values())


def _adjust(app, request, verb):
    rows = (request.json() or {}).get(f"{verb}Data") or []
    if len(rows) > MAX_ADJUST:
        return wix_error(400, f"{verb}Data: at most {MAX_ADJUST} variants", field=f"{verb}Data")
    inv = inventory(app)
    inv.run_hooks()
    targets = []
    for row in rows:
        variant = inv.variants.get(f"{row.get('productId')}:{row.get('variantId')}")
        if variant is None or variant.sku in inv.refuse:
            reason = inv.refuse.get(getattr(variant, "sku", ""), "variant not found")
            return wix_error(400, reason, "INVENTORY_ITEM_NOT_FOUND" if variant is None else "NOT_TRACKED")
        targets.append((variant, int(row[f"{verb}By"]) * (1 if verb == "increment" else -1)))
    for variant, delta in targets:
        inv.write(variant, variant.levels.get("", 0) + delta)
    return Response(200, {})


def _register_inventory(app, state):
    def guarded(path):
        def decorator(handler):
            def wrapped(request):
                return guard(app, state, request) or handler(request)
            return app.route("POST", path)(wrapped)
        return decorator

    @guarded("/stores/v1/products/query")
    def query_products(request):
        paging = ((request.json() or {}).get("query") or {}).get("paging") or {}
        limit, offset = int(paging.get("limit") or MAX_PAGE), int(paging.get("offset") or 0)
        if limit > MAX_PAGE:
            return wix_error(400, "paging.limit must be at most 100", field="query.paging.limit")
        products = _products(inventory(app))
        return Response(200, {"products": products[offset:offset + limit], "totalResults": len(products)})

    @guarded("/stores/v2/inventoryItems/query")
    def query_items(request):
        query = (request.json() or {}).get("query") or {}
        wanted = set((json.loads(query.get("filter") or "{}").get("productId") or {}).get("$in") or [])
        inventory(app).run_hooks(inventory(app).before_read)
        items = _items(inventory(app), wanted)
        return Response(200, {"inventoryItems": items, "metadata": {"items": len(items), "offset": 0},
                              "totalResults": len(items)})

    @guarded("/stores/v2/inventoryItems/increment")
    def increment(request):
        return _adjust(app, request, "increment")

    @guarded("/stores/v2/inventoryItems/decrement")
    def decrement(request):
        return _adjust(app, request, "decrement")


def reset_inventory(app):
    reset_store(app, NAME)

"""Wix simulator: Stores Catalog V1 products and inventory items for the stock sync.

``POST /stores/v1/products/query`` (``paging.limit`` <= 100, ``offset``; ``includeVariants``),
``POST /stores/v2/inventoryItems/query`` (``filter`` a JSON string, ``productId`` ``$in``; ``paging.limit``
<= 100), ``POST /stores/v2/inventoryItems/increment`` and ``.../decrement`` (``incrementData`` /
``decrementData``, at most 300 variants; the call is refused whole, 400, when one row is invalid). The
guard (API key, site, per-minute rate limit) of the other routes applies.

Prices: Query Products takes ``filter`` ``{"id": {"$hasSome": [...]}}`` and answers ``manageVariants`` and
``priceData``; "Update Product Variants" (``PATCH /stores/v1/products/<id>/variants``, ``variants`` of
``variantIds`` + ``price``) for a product managing its variants, "Update Product" (``PATCH
/stores/v1/products/<id>``, ``product.priceData.price``) for the others, after Wix's REST reference and its
examples (``tests/fixtures/wix/``). That Update Product Variants refuses a product not managing its variants
is inferred. The prices received are logged in ``price_updates``.
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


def add_product(app, number, sku, quantity, variant_id=DEFAULT_VARIANT, price=10.0, choices=None):
    """A product (or one more variant of product ``number``) with tracked quantity; a product with a variant
    other than the default one manages its variants."""
    product_id = f"00000000-0000-0000-0000-{number:012d}"
    product = inventory(app).products.setdefault(product_id, {"manageVariants": False, "price": price})
    product["manageVariants"] |= variant_id != DEFAULT_VARIANT
    return inventory(app).add(SimVariant(
        sku=sku, barcode="", product_id=product_id, variant_id=f"{product_id}:{variant_id}",
        inventory_id=f"inv-{product_id}", title=sku, levels={"": quantity}, price=price,
        extra={"choices": dict(choices or {})}))


def _price_data(price):
    return {"currency": "EUR", "price": price, "discountedPrice": price}


def _variant(v):
    return {"id": v.variant_id.split(":", 1)[1], "choices": v.extra.get("choices") or {},
            "variant": {"priceData": _price_data(v.price), "weight": 0, "sku": v.sku, "visible": True},
            "stock": {"trackQuantity": True, "quantity": v.levels.get("", 0)}}


def _products(inv, ids=None):
    products = {}
    for v in inv.variants.values():
        if ids is not None and v.product_id not in ids:
            continue
        own = inv.products[v.product_id]
        product = products.setdefault(v.product_id, {
            "id": v.product_id, "name": v.title, "sku": "", "manageVariants": own["manageVariants"],
            "priceData": _price_data(own["price"]), "variants": []})
        product["variants"].append(_variant(v))
    return [products[key] for key in sorted(products)]


def _update_variants(inv, product_id, body):
    """Update Product Variants: ``variants`` of ``variantIds`` and ``price``."""
    product = inv.products.get(product_id)
    if product is None:
        return wix_error(404, "Product not found", "PRODUCT_NOT_FOUND")
    if not product["manageVariants"]:
        return wix_error(400, "Product does not manage variants", "VARIANTS_NOT_MANAGED")
    changes = []
    for override in body.get("variants") or []:
        if not isinstance(override.get("price"), (int, float)) or override["price"] < 0:
            return wix_error(400, "price must be a number >= 0", field="variants.price")
        for vid in override.get("variantIds") or _chosen(inv, product_id, override.get("choices") or {}):
            variant = inv.variants.get(f"{product_id}:{vid}")
            if variant is None or variant.sku in inv.refuse_price:
                return wix_error(400, inv.refuse_price.get(getattr(variant, "sku", ""), "variant not found"),
                                 "INVALID_VARIANT")
            changes.append((variant, float(override["price"])))
    _apply_prices(inv, changes)
    return Response(200, {"variants": [_variant(v) for v in inv.variants.values() if v.product_id == product_id]})


def _chosen(inv, product_id, choices):
    """Ids of the product's variants having every choice given (``choices`` instead of ``variantIds``)."""
    return [v.variant_id.split(":", 1)[1] for v in inv.variants.values() if v.product_id == product_id
            and choices and all((v.extra.get("choices") or {}).get(k) == value for k, value in choices.items())]


def _update_product(inv, product_id, body):
    """Update Product: ``product.priceData.price`` (every variant of a product not managing them)."""
    product = inv.products.get(product_id)
    price = (((body.get("product") or {}).get("priceData") or {}).get("price"))
    if product is None:
        return wix_error(404, "Product not found", "PRODUCT_NOT_FOUND")
    if not isinstance(price, (int, float)) or price < 0:
        return wix_error(400, "priceData.price must be a number >= 0", field="product.priceData.price")
    variants = [v for v in inv.variants.values() if v.product_id == product_id]
    refused = next((inv.refuse_price[v.sku] for v in variants if v.sku in inv.refuse_price), None)
    if refused:
        return wix_error(400, refused, "INVALID_PRICE")
    product["price"] = float(price)
    _apply_prices(inv, [(v, float(price)) for v in variants] if not product["manageVariants"] else [])
    return Response(200, {"product": _products(inv, {product_id})[0]})


def _apply_prices(inv, changes):
    for variant, price in changes:
        variant.price = price
        inv.price_updates.append((variant.variant_id, price))


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
    def guarded(path, method="POST"):
        def decorator(handler):
            def wrapped(request):
                return guard(app, state, request) or handler(request)
            return app.route(method, path)(wrapped)
        return decorator

    @guarded("/stores/v1/products/query")
    def query_products(request):
        query = (request.json() or {}).get("query") or {}
        paging = query.get("paging") or {}
        limit, offset = int(paging.get("limit") or MAX_PAGE), int(paging.get("offset") or 0)
        if limit > MAX_PAGE:
            return wix_error(400, "paging.limit must be at most 100", field="query.paging.limit")
        ids = (json.loads(query.get("filter") or "{}").get("id") or {}).get("$hasSome")
        products = _products(inventory(app), None if ids is None else set(ids))
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

    @guarded(r"/stores/v1/products/(?P<pid>[0-9a-f-]+)/variants", "PATCH")
    def update_variants(request):
        with app.lock:
            return _update_variants(inventory(app), request.params["pid"], request.json() or {})

    @guarded(r"/stores/v1/products/(?P<pid>[0-9a-f-]+)", "PATCH")
    def update_product(request):
        with app.lock:
            return _update_product(inventory(app), request.params["pid"], request.json() or {})


def reset_inventory(app):
    reset_store(app, NAME)

"""WooCommerce simulator: products and variations for the stock sync.

``GET products`` / ``GET products/<id>/variations`` (``page``, ``per_page`` <= 100, ``include``,
``X-WP-Total``/``X-WP-TotalPages``), ``POST products/batch`` and ``POST products/<id>/variations/batch``
(``update`` rows, at most 100 objects per request, else 413; each row answered alone, a refused one
as ``{"id", "error": {"code", "message", "data"}}``). A simple product is its own variant.
"""
import math

from ..inventory_store import SimVariant, reset_store, store
from ..server import Response
from .api import _api, _body_of, wp_error

NAME = "woocommerce"
MAX_BATCH = 100


def inventory(app):
    return store(app, NAME)


def add_product(app, product_id, sku, quantity, price=10.0, barcode="", parent_id=None):
    """A simple product, or a variation of ``parent_id`` (a variable product)."""
    return inventory(app).add(SimVariant(
        sku=sku, barcode=barcode, product_id=str(parent_id or product_id), variant_id=str(product_id),
        inventory_id=str(product_id), title=sku, price=price, levels={"": quantity},
        extra={"type": "variation" if parent_id else "simple"}))


def _row(variant):
    return {"id": int(variant.variant_id), "name": variant.title, "sku": variant.sku,
            "global_unique_id": variant.barcode, "type": variant.extra.get("type", "simple"),
            "regular_price": f"{variant.price:.2f}", "price": f"{variant.price:.2f}", "manage_stock": True,
            "stock_quantity": variant.levels.get("", 0),
            "stock_status": "instock" if variant.levels.get("", 0) > 0 else "outofstock"}


def _parents(inv):
    """Rows of ``GET products``: simple products and one variable product per parent of variations."""
    rows = {}
    for variant in inv.variants.values():
        if variant.extra.get("type") == "variation":
            rows.setdefault(int(variant.product_id), {"id": int(variant.product_id), "type": "variable",
                                                      "name": f"Product {variant.product_id}", "sku": ""})
        else:
            rows[int(variant.variant_id)] = _row(variant)
    return [rows[key] for key in sorted(rows)]


def _page(request, rows):
    include = {int(i) for i in (request.query.get("include") or "").split(",") if i}
    if include:
        rows = [row for row in rows if row["id"] in include]
    per_page = int(request.query.get("per_page") or 10)
    if not 1 <= per_page <= MAX_BATCH:
        return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
    page = int(request.query.get("page") or 1)
    pages = max(1, math.ceil(len(rows) / per_page))
    return Response(200, rows[(page - 1) * per_page:page * per_page],
                    headers={"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(pages)})


def _batch(app, request, parent=None):
    body = _body_of(request) or {}
    rows = body.get("update") or []
    if len(rows) > MAX_BATCH:
        return wp_error(413, "woocommerce_rest_request_entity_too_large",
                        f"Unable to accept more than {MAX_BATCH} items for this request.")
    inv = inventory(app)
    inv.run_hooks()
    return Response(200, {"update": [_update(inv, row, parent) for row in rows]})


def _update(inv, row, parent):
    variant = inv.variants.get(str(row.get("id")))
    if variant is None or (parent and variant.product_id != parent):
        return {"id": row.get("id"), "error": {"code": "woocommerce_rest_product_invalid_id",
                                               "message": "Invalid ID.", "data": {"status": 400}}}
    if variant.sku in inv.refuse:
        return {"id": row["id"], "error": {"code": "woocommerce_rest_product_not_updated",
                                           "message": inv.refuse[variant.sku], "data": {"status": 400}}}
    if "regular_price" in row:
        variant.price = float(row["regular_price"])
        inv.price_updates.append((variant.variant_id, variant.price))
    if "stock_quantity" in row:
        inv.write(variant, int(row["stock_quantity"]))
    return _row(variant)


def _read_hooks(app, request):
    """A read of quantities (``include``) first runs the hooks a test queued: a sale just before it."""
    if request.query.get("include"):
        inventory(app).run_hooks(inventory(app).before_read)


def _register_inventory(app):
    @_api(app, "GET", "/products")
    def list_products(request):
        _read_hooks(app, request)
        return _page(request, _parents(inventory(app)))

    @_api(app, "GET", r"/products/(?P<parent>\d+)/variations")
    def list_variations(request):
        parent = request.params["parent"]
        _read_hooks(app, request)
        rows = [_row(v) for v in inventory(app).variants.values()
                if v.product_id == parent and v.extra.get("type") == "variation"]
        return _page(request, sorted(rows, key=lambda row: row["id"]))

    @_api(app, "POST", "/products/batch")
    def batch_products(request):
        return _batch(app, request)

    @_api(app, "POST", r"/products/(?P<parent>\d+)/variations/batch")
    def batch_variations(request):
        return _batch(app, request, request.params["parent"])


def reset_inventory(app):
    reset_store(app, NAME)

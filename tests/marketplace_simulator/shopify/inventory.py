"""Shopify simulator: GraphQL Admin API for the stock sync (``POST /admin/api/<version>/graphql.json``).

Served operations, recognised by their root field as documented: ``productVariants`` (cursor pages,
``first`` <= 250), ``nodes(ids:)`` of InventoryItem (<= 250 ids), ``inventorySetQuantities`` (all or
nothing: any ``userErrors`` entry, with its ``field`` path, leaves every quantity unchanged; the version
in the URL decides the check, see :func:`_set_request_error`; the ``@idempotent`` key and its answers in
:mod:`.idempotency`), ``productVariantsBulkUpdate`` (prices). Cost-based
throttling: each call costs :data:`QUERY_COST` points of a bucket of ``maximumAvailable`` restored at
``restoreRate`` per second; an empty bucket answers ``THROTTLED`` with ``extensions.cost.throttleStatus``.
"""
import re

from ..inventory_store import SimVariant, reset_store, store
from ..server import Response
from .api import _state
from .idempotency import IDEMPOTENT, idempotent

NAME = "shopify"
LOCATION = "gid://shopify/Location/1"
MAX_ITEMS = 250
QUERY_COST = 10
#: as of 2026-04 ``inventorySetQuantities`` needs ``changeFromQuantity`` on each quantity and the
#: ``@idempotent(key:)`` directive, and no longer has ``compareQuantity`` (shopify.dev changelog
#: "concurrency-protection-features"); 2026-01 has ``changeFromQuantity`` and an optional directive
CAS_VERSION = (2026, 4)
ROOTS = ("inventorySetQuantities", "productVariantsBulkUpdate", "productVariants", "nodes")


def inventory(app):
    return store(app, NAME, LOCATION)


def add_variant(app, number, sku, quantity, barcode="", price=10.0, location=LOCATION):
    """A product with one variant stocked at ``location``."""
    return inventory(app).add(SimVariant(
        sku=sku, barcode=barcode, product_id=f"gid://shopify/Product/{number}",
        variant_id=f"gid://shopify/ProductVariant/{number}", inventory_id=f"gid://shopify/InventoryItem/{number}",
        title=sku, price=price, levels={location: quantity}))


def _answer(app, data):
    return Response(200, {"data": data, "extensions": _state(app)["cost_bucket"].extensions(QUERY_COST, QUERY_COST)})


def _throttled(bucket):
    return Response(200, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                          "extensions": bucket.extensions(QUERY_COST, None)})


def _levels(variant):
    return {"nodes": [{"location": {"id": loc}, "quantities": [{"name": "available", "quantity": qty}]}
                      for loc, qty in variant.levels.items()]}


def _variant_node(variant):
    return {"id": variant.variant_id, "sku": variant.sku, "barcode": variant.barcode or None,
            "price": f"{variant.price:.2f}", "displayName": variant.title, "product": {"id": variant.product_id},
            "inventoryItem": {"id": variant.inventory_id, "inventoryLevels": _levels(variant)}}


def _product_variants(app, variables):
    first = int(variables.get("first") or 0)
    if not 0 < first <= MAX_ITEMS:
        return None, "first must be between 1 and 250"
    ids = sorted(inventory(app).variants, key=lambda v: int(v.rsplit("/", 1)[1]))
    start = int(variables.get("after") or 0)
    page = ids[start:start + first]
    nodes = [_variant_node(inventory(app).variants[v]) for v in page]
    more = start + first < len(ids)
    return {"productVariants": {"nodes": nodes, "pageInfo": {"hasNextPage": more,
                                                              "endCursor": str(start + first) if more else None}}}, ""


def _nodes(app, variables):
    ids = variables.get("ids") or []
    if len(ids) > MAX_ITEMS:
        return None, "ids: too many (max 250)"
    items = inventory(app).by_inventory
    return {"nodes": [{"id": i, "inventoryLevels": _levels(items[i])} if i in items else None for i in ids]}, ""


def _version(text):
    """(year, month) of the URL's version; anything else counts as the newest."""
    match = re.match(r"^(\d{4})-(\d{2})$", str(text or ""))
    return (int(match.group(1)), int(match.group(2))) if match else (9999, 0)


def _set_request_error(body, version):
    """Why a ``>= 2026-04`` call is refused before it runs, "" when it is not. The docs say only that it
    "returns an error": the answer's shape (a top-level GraphQL error) is inferred."""
    if _version(version) < CAS_VERSION:
        return ""
    if not IDEMPOTENT.search(body.get("query") or ""):
        return "inventorySetQuantities requires the @idempotent directive with a key as of 2026-04"
    rows = ((body.get("variables") or {}).get("input") or {}).get("quantities") or []
    for index, row in enumerate(rows):
        if "compareQuantity" in row:
            return f"quantities.{index}.compareQuantity: Field is not defined on InventoryQuantityInput"
        if "changeFromQuantity" not in row:
            return f"quantities.{index}.changeFromQuantity is required as of 2026-04 (null opts out)"
    return ""


def _set_quantities(app, variables):
    data = variables.get("input") or {}
    rows = data.get("quantities") or []
    if len(rows) > MAX_ITEMS or data.get("name") not in ("available", "on_hand"):
        return None, "invalid input"
    inv = inventory(app)
    inv.run_hooks()
    errors = [err for index, row in enumerate(rows) if (err := _row_error(inv, index, row))]
    if not errors:
        for row in rows:
            inv.write(inv.by_inventory[row["inventoryItemId"]], int(row["quantity"]), row["locationId"])
    changes = [] if errors else [{"name": "available", "delta": 0, "quantityAfterChange": None}]
    return {"inventorySetQuantities": {"inventoryAdjustmentGroup": None if errors else {"changes": changes},
                                       "userErrors": errors}}, ""


def _row_error(inv, index, row):
    variant = inv.by_inventory.get(row.get("inventoryItemId"))
    path = ["input", "quantities", str(index)]
    if variant is None:
        return {"code": "INVALID_INVENTORY_ITEM", "field": path + ["inventoryItemId"],
                "message": "The specified inventory item could not be found."}
    if variant.sku in inv.refuse:
        return {"code": "NON_MUTABLE_INVENTORY_ITEM", "field": path, "message": inv.refuse[variant.sku]}
    if int(row.get("quantity", 0)) < 0:
        return {"code": "INVALID_QUANTITY_NEGATIVE", "field": path + ["quantity"],
                "message": "The quantity can't be negative."}
    return _stale_error(variant, row, path)


def _stale_error(variant, row, path):
    """``changeFromQuantity`` (even null) overrides ``compareQuantity``; null skips the check."""
    name = "changeFromQuantity" if "changeFromQuantity" in row else "compareQuantity"
    expected = row.get(name)
    if expected is None or variant.levels.get(row.get("locationId"), 0) == int(expected):
        return None
    code = "CHANGE_FROM_QUANTITY_STALE" if name == "changeFromQuantity" else "COMPARE_QUANTITY_STALE"
    return {"code": code, "field": path + [name], "message": f"The {name} value does not match persisted value."}


def _bulk_update(app, variables):
    inv = inventory(app)
    updated = []
    for row in variables.get("variants") or []:
        variant = inv.variants[row["id"]]
        variant.price = float(row["price"])
        inv.price_updates.append((variant.variant_id, variant.price))
        updated.append({"id": variant.variant_id, "price": row["price"]})
    return {"productVariantsBulkUpdate": {"productVariants": updated, "userErrors": []}}, ""


HANDLERS = {"productVariantsBulkUpdate": _bulk_update,
            "productVariants": _product_variants, "nodes": _nodes}


def stock_root(document):
    """The stock operation a GraphQL document calls, None when it is not one (orders, refunds...)."""
    return next((r for r in ROOTS if re.search(rf"\b{r}\s*\(", document or "")), None)


def _note_key(app, body):
    """Every ``@idempotent`` key received (None: no directive), throttled calls' too: the tests read them."""
    key = IDEMPOTENT.search(body.get("query") or "")
    _state(app).setdefault("idempotency_sent", []).append(key and key.group(1))


def stock_graphql(app, body, version=""):
    """Answer a stock query (the route is :func:`.gql.register_graphql`'s, ``version`` the URL's): the shop's
    cost bucket, then the data."""
    root = stock_root(body.get("query"))
    if root == "inventorySetQuantities":
        _note_key(app, body)
    bucket = _state(app)["cost_bucket"]
    if not bucket.take(QUERY_COST):
        return _throttled(bucket)
    variables = body.get("variables") or {}
    if root == "inventorySetQuantities":
        error = _set_request_error(body, version)
        data, error = (None, error) if error else idempotent(app, body, lambda: _set_quantities(app, variables))
    else:
        data, error = HANDLERS[root](app, variables)
    return _answer(app, data) if error == "" else Response(200, {"errors": [{"message": error}]})


def reset_inventory(app):
    reset_store(app, NAME)

"""Shopify stock sync through the GraphQL Admin API (``/admin/api/<version>/graphql.json``).

- catalogue: ``productVariants`` pages (sku, barcode, product, inventory item, levels per location);
- read: ``nodes(ids:)`` of inventory items, ``available`` quantity per location;
- write: ``inventorySetQuantities`` (name ``available``) with ``changeFromQuantity`` = the quantity just read
  (every supported version has it: added in 2026-01, required on each quantity as of 2026-04, when
  ``compareQuantity`` is gone): a sale in between answers ``CHANGE_FROM_QUANTITY_STALE`` (compare-and-swap);
  the ``@idempotent(key:)`` directive (optional in 2026-01, required as of 2026-04) carries a new key per
  attempt of a batch, the same one when that request is sent again (throttled, timed out); prices through
  ``productVariantsBulkUpdate``, one call per product. The mutation is all-or-nothing: a refused item
  (``userErrors[].field`` names its index) is taken out and the rest sent again.
- throttling: cost-based; a ``THROTTLED`` answer raises :class:`RateLimitedError` with the time the bucket
  needs (``extensions.cost.throttleStatus``).
"""
import uuid

from marketplace_transport.exceptions import RateLimitedError, RemoteError
from marketplace_transport.http import decode_json_body
from marketplace_transport.stock import CatalogVariant, StockResult, chunked

from .graphql import _throttled

#: items per ``inventorySetQuantities`` / ``nodes`` call (inferred: kept at the 250 of Shopify's page size)
STOCK_BATCH = 250
THROTTLE_RETRIES = 3
STALE_CODES = ("COMPARE_QUANTITY_STALE", "CHANGE_FROM_QUANTITY_STALE")
LEVELS = "inventoryLevels(first: 20) { nodes { location { id } quantities(names: [\"available\"]) { name quantity } } }"
CATALOG_QUERY = ("query($first: Int!, $after: String) { productVariants(first: $first, after: $after) { "
                 "nodes { id sku barcode price displayName product { id } inventoryItem { id " + LEVELS + " } } "
                 "pageInfo { hasNextPage endCursor } } }")
READ_QUERY = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on InventoryItem { id " + LEVELS + " } } }"
#: ``%s``: the idempotency key, a literal as in Shopify's examples
SET_MUTATION = ("mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) "
                "@idempotent(key: \"%s\") { "
                "inventoryAdjustmentGroup { changes { name delta quantityAfterChange } } "
                "userErrors { code field message } } }")
PRICE_MUTATION = ("mutation($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { "
                  "productVariantsBulkUpdate(productId: $productId, variants: $variants) { "
                  "productVariants { id price } userErrors { code field message } } }")


def _levels(item):
    """{location id: available} of an inventory item node."""
    levels = {}
    for level in ((item or {}).get("inventoryLevels") or {}).get("nodes") or []:
        available = [q["quantity"] for q in level.get("quantities") or [] if q.get("name") == "available"]
        levels[level["location"]["id"]] = int(available[0]) if available else 0
    return levels


class ShopifyStock:
    """Mixed into :class:`ShopifyTransport`: the stock sync methods (see the module's docstring)."""

    def _stock_graphql(self, query, variables, operation):
        """One GraphQL call; a throttled one waits for the bucket (up to ``max_wait``) and is sent again,
        :data:`THROTTLE_RETRIES` times, then raises :class:`RateLimitedError` (the run pauses)."""
        for _attempt in range(THROTTLE_RETRIES + 1):
            body = decode_json_body(self._call("POST", "graphql.json", operation=operation, json={
                "query": query, "variables": variables}), operation, "Shopify")
            wait = self._throttle_wait(body)
            if wait is None or wait > self.config.max_wait:
                break
            self.sleep(wait)
        if wait is not None:
            raise RateLimitedError("Shopify: GraphQL cost limit reached", retry_after=wait)
        if body.get("errors"):
            raise RemoteError(f"Shopify GraphQL error: {body['errors'][0].get('message')}")
        return body.get("data") or {}

    @staticmethod
    def _throttle_wait(body):
        """Seconds until the bucket holds the query's cost, None when the call was not throttled."""
        if not any(_throttled(e) for e in body.get("errors") or []):
            return None
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        missing = float(cost.get("requestedQueryCost") or 10) - float(status.get("currentlyAvailable", 0))
        return max(1.0, missing / max(float(status.get("restoreRate", 50)), 0.001))

    # -- catalogue --------------------------------------------------------------------
    def iter_catalog_pages(self):
        variables = {"first": STOCK_BATCH, "after": None}
        while True:
            page = self._stock_graphql(CATALOG_QUERY, variables, "list variants")["productVariants"]
            yield [self._catalog_variant(node) for node in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                return
            variables["after"] = page["pageInfo"]["endCursor"]

    @staticmethod
    def _catalog_variant(node):
        item = node.get("inventoryItem") or {}
        return CatalogVariant(
            sku=node.get("sku") or "", barcode=node.get("barcode") or "", product_ref=node["product"]["id"],
            variant_ref=node["id"], inventory_ref=item.get("id") or "", title=node.get("displayName") or "",
            quantities=_levels(item), price=float(node["price"]) if node.get("price") else None)

    # -- read and write -----------------------------------------------------------------
    def read_stock(self, updates):
        found = {}
        for chunk in chunked(updates, STOCK_BATCH):
            data = self._stock_graphql(READ_QUERY, {"ids": [u.inventory_ref for u in chunk]}, "read stock")
            levels = {node["id"]: _levels(node) for node in data.get("nodes") or [] if node}
            for update in chunk:
                if update.inventory_ref in levels:
                    current = levels[update.inventory_ref]
                    found[update.key] = {loc: current.get(loc, 0) for loc in update.quantities}
        return found

    def push_stock(self, updates):
        for chunk in chunked(updates, STOCK_BATCH):
            results = self._set_quantities(chunk)
            yield from self._set_prices([u for u in chunk if results[u.key].state == "done"], results)
            yield from (r for r in results.values() if r.state != "done")

    def _set_quantities(self, chunk):
        """{key: StockResult}; the refused rows named by ``userErrors`` are left out and the rest sent again."""
        results, todo = {}, list(chunk)
        while todo:
            rows = [(u, loc, qty) for u in todo for loc, qty in u.quantities.items()]
            document = SET_MUTATION % self._idempotency_key()  # one key per attempt, kept by its retries
            payload = self._stock_graphql(document, {"input": self._set_input(rows)}, "set stock")
            errors = payload["inventorySetQuantities"]["userErrors"]
            if not errors:
                results.update({u.key: StockResult(u.key, "done", quantities=dict(u.quantities)) for u in todo})
                break
            refused = self._refused_rows(rows, errors)
            results.update(refused)
            todo = [u for u in todo if u.key not in refused]
        return results

    @staticmethod
    def _idempotency_key():
        return str(uuid.uuid4())

    @staticmethod
    def _set_input(rows):
        return {"name": "available", "reason": "correction", "referenceDocumentUri": "gid://odoo-marketplace/StockSync/1",
                "quantities": [{"inventoryItemId": u.inventory_ref, "locationId": loc, "quantity": qty,
                                "changeFromQuantity": (u.expected or {}).get(loc)} for u, loc, qty in rows]}

    @staticmethod
    def _refused_rows(rows, errors):
        refused = {}
        for error in errors:
            path = error.get("field") or []
            index = next((int(p) for p in path if str(p).isdigit()), None)
            if index is None or index >= len(rows):
                raise RemoteError(f"Shopify refused the stock update: {error.get('message')}")
            update = rows[index][0]
            state = "stale" if error.get("code") in STALE_CODES else "error"
            refused[update.key] = StockResult(update.key, state, f"{error.get('code')}: {error.get('message')}")
        return refused

    def _set_prices(self, updates, results):
        by_product = {}
        for update in updates:
            if update.price is not None:
                by_product.setdefault(update.product_ref, []).append(update)
        for product_ref, group in by_product.items():
            variants = [{"id": u.variant_ref, "price": f"{u.price:.2f}"} for u in group]
            data = self._stock_graphql(PRICE_MUTATION, {"productId": product_ref, "variants": variants}, "set prices")
            errors = data["productVariantsBulkUpdate"]["userErrors"]
            for update in group:
                if errors:
                    results[update.key] = StockResult(update.key, "error", errors[0].get("message") or "price refused")
        yield from (results[u.key] for u in updates)

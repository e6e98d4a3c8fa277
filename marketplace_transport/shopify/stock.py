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
- idempotency answers (``userErrors[].code``, enum ``InventorySetQuantitiesUserErrorCode``):
  ``IDEMPOTENCY_CONCURRENT_REQUEST`` (a request with this key is still in progress: sent again with the
  **same** key, so that it is applied once), ``IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED`` (nothing was applied: sent
  again with a **new** key), at most :data:`IDEMPOTENCY_RETRIES` times; then, and at once on
  ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``, only that batch fails: its items are errors a later run sends again
  (after reading the shop: ``changeFromQuantity`` keeps a late first request from being applied twice).
- every call goes through :meth:`ShopifyGraphqlMixin._graphql` (one throttling policy, see :mod:`.graphql`).
"""
import uuid

from marketplace_transport.exceptions import RemoteError
from marketplace_transport.stock import CatalogVariant, StockResult, chunked

#: items per ``inventorySetQuantities`` / ``nodes`` call (inferred: kept at the 250 of Shopify's page size)
STOCK_BATCH = 250
STALE_CODES = ("COMPARE_QUANTITY_STALE", "CHANGE_FROM_QUANTITY_STALE")
CONCURRENT = "IDEMPOTENCY_CONCURRENT_REQUEST"
PREVIOUS_FAILED = "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"  # listed in 2026-10, not in 2026-01
KEY_MISMATCH = "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
#: **inferred** (Shopify's docs give neither a delay nor a count): the times a batch is sent again on the
#: idempotency answers, and the seconds waited before sending the same key again after ``CONCURRENT``
IDEMPOTENCY_RETRIES = 3
IDEMPOTENCY_DELAY = 2.0
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


class BatchRefusedError(RemoteError):
    """One ``inventorySetQuantities`` batch refused by Shopify's idempotency answers: only its items fail."""


def _batch_message(error, attempts, quantities):
    return (f"Shopify refused the stock batch ({quantities} quantities) after {attempts} attempt(s): "
            f"{error.get('code')}: {error.get('message')}; a later run reads the shop and sends it again")


def _levels(item):
    """{location id: available} of an inventory item node."""
    levels = {}
    for level in ((item or {}).get("inventoryLevels") or {}).get("nodes") or []:
        available = [q["quantity"] for q in level.get("quantities") or [] if q.get("name") == "available"]
        levels[level["location"]["id"]] = int(available[0]) if available else 0
    return levels


class ShopifyStock:
    """Mixed into :class:`ShopifyTransport`: the stock sync methods (see the module's docstring)."""

    # -- catalogue --------------------------------------------------------------------
    def iter_catalog_pages(self):
        variables = {"first": STOCK_BATCH, "after": None}
        while True:
            page = self._graphql(CATALOG_QUERY, variables, operation="list variants")["productVariants"]
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
            data = self._graphql(READ_QUERY, {"ids": [u.inventory_ref for u in chunk]}, operation="read stock")
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
        """{key: StockResult}; the refused rows named by ``userErrors`` are left out and the rest sent again;
        a batch the idempotency answers keep refusing fails alone (module docstring)."""
        results, todo = {}, list(chunk)
        while todo:
            rows = [(u, loc, qty) for u in todo for loc, qty in u.quantities.items()]
            try:
                errors = self._send_quantities(rows)
            except BatchRefusedError as exc:
                results.update({u.key: StockResult(u.key, "error", exc.message, retry=True) for u in todo})
                break
            if not errors:
                results.update({u.key: StockResult(u.key, "done", quantities=dict(u.quantities)) for u in todo})
                break
            refused = self._refused_rows(rows, errors)
            results.update(refused)
            todo = [u for u in todo if u.key not in refused]
        return results

    def _send_quantities(self, rows):
        """``userErrors`` of one ``inventorySetQuantities`` of ``rows``, sent again on the idempotency answers."""
        key, variables = self._idempotency_key(), {"input": self._set_input(rows)}
        for attempt in range(1, IDEMPOTENCY_RETRIES + 2):
            payload = self._graphql(SET_MUTATION % key, variables, operation="set stock")["inventorySetQuantities"]
            error = next((e for e in payload["userErrors"] if e.get("code") in (CONCURRENT, PREVIOUS_FAILED,
                                                                                KEY_MISMATCH)), None)
            if error is None:
                return payload["userErrors"]
            if error["code"] == KEY_MISMATCH:
                break
            if attempt <= IDEMPOTENCY_RETRIES:
                key = self._next_key(error["code"], key)
        raise BatchRefusedError(_batch_message(error, attempt, len(rows)))

    def _next_key(self, code, key):
        """The same key while a request with it may still be running, a new one after a failed attempt."""
        if code == CONCURRENT:
            self.sleep(IDEMPOTENCY_DELAY)
            return key
        return self._idempotency_key()

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
            data = self._graphql(PRICE_MUTATION, {"productId": product_ref, "variants": variants},
                                 operation="set prices")
            errors = data["productVariantsBulkUpdate"]["userErrors"]
            for update in group:
                if errors:
                    results[update.key] = StockResult(update.key, "error", errors[0].get("message") or "price refused")
        yield from (results[u.key] for u in updates)

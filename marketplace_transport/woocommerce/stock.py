"""WooCommerce stock sync through the REST API v3 (``/wp-json/wc/v3``).

- catalogue: ``GET products`` pages (``per_page`` <= 100); a ``variable`` product's variations through
  ``GET products/<id>/variations``; SKU, ``global_unique_id`` (GTIN, WooCommerce 9.2+) as barcode;
- read: ``GET products?include=...`` and ``GET products/<id>/variations?include=...`` (<= 100 ids);
- write: ``POST products/batch`` and ``POST products/<id>/variations/batch`` with ``update`` rows
  (``manage_stock``, ``stock_quantity``, ``regular_price``), at most 100 objects per call as documented;
  each row answers on its own (an ``error`` object for a refused one).

WooCommerce sets absolute quantities only: the race is handled by the core (orders imported first, the
quantity read just before writing); the window left is the one between that read and this write.
"""
from marketplace_transport.http import decode_json_body
from marketplace_transport.stock import NO_LOCATION, CatalogVariant, StockResult, chunked

#: documented limit of the batch endpoints (objects per request)
BATCH_LIMIT = 100


def _quantity(row):
    return {NO_LOCATION: int(row.get("stock_quantity") or 0)}


class WooCommerceStock:
    """Mixed into :class:`WooCommerceTransport`: the stock sync methods (see the module's docstring)."""

    @staticmethod
    def _wc(path):
        from .client import API_PREFIX  # noqa: PLC0415 (the client imports this module)

        return f"{API_PREFIX}/{path}"

    def _list(self, path, params, operation):
        """Rows of every page of a list endpoint."""
        page, pages = 1, 1
        while page <= pages:
            response = self._call("GET", self._wc(path), operation=operation,
                                  params=dict(params, per_page=BATCH_LIMIT, page=page))
            pages = int(response.headers.get("X-WP-TotalPages") or 1)
            yield decode_json_body(response, operation, "WooCommerce", expect=list)
            page += 1

    # -- catalogue --------------------------------------------------------------------
    def iter_catalog_pages(self):
        for products in self._list("products", {"orderby": "id", "order": "asc"}, "list products"):
            variants = []
            for product in products:
                if product.get("type") == "variable":
                    for rows in self._list(f"products/{product['id']}/variations", {}, "list variations"):
                        variants += [self._catalog_variant(row, product) for row in rows]
                else:
                    variants.append(self._catalog_variant(product, None))
            yield variants

    @staticmethod
    def _catalog_variant(row, parent):
        return CatalogVariant(
            sku=row.get("sku") or "", barcode=row.get("global_unique_id") or "",
            product_ref=str((parent or row)["id"]), variant_ref=str(row["id"]),
            title=row.get("name") or (parent or {}).get("name") or "", quantities=_quantity(row),
            price=float(row["regular_price"]) if row.get("regular_price") else None)

    # -- read and write -----------------------------------------------------------------
    @staticmethod
    def _stock_path(update):
        """``products`` for a simple product, ``products/<parent>/variations`` for a variation."""
        if update.product_ref and update.product_ref != update.variant_ref:
            return f"products/{update.product_ref}/variations"
        return "products"

    def _by_path(self, updates):
        groups = {}
        for update in updates:
            groups.setdefault(self._stock_path(update), []).append(update)
        return groups

    def read_stock(self, updates):
        found = {}
        for path, group in self._by_path(updates).items():
            for chunk in chunked(group, BATCH_LIMIT):
                ids = ",".join(u.variant_ref for u in chunk)
                rows = self._json("GET", self._wc(path), operation="read stock", expect=list,
                                  params={"include": ids, "per_page": BATCH_LIMIT})
                by_id = {str(row["id"]): _quantity(row) for row in rows}
                found.update({u.key: by_id[u.variant_ref] for u in chunk if u.variant_ref in by_id})
        return found

    def push_stock(self, updates):
        for path, group in self._by_path(updates).items():
            for chunk in chunked(group, BATCH_LIMIT):
                yield from self._batch(path, chunk)

    def _batch(self, path, chunk):
        rows = [self._update_row(u) for u in chunk]
        body = self._json("POST", self._wc(f"{path}/batch"), operation="set stock", json={"update": rows})
        answers = {str(row.get("id")): row for row in body.get("update") or []}
        for update in chunk:
            answer = answers.get(update.variant_ref)
            if answer is None or answer.get("error"):
                message = ((answer or {}).get("error") or {}).get("message") or "not in the batch answer"
                yield StockResult(update.key, "error", message)
            else:
                yield StockResult(update.key, "done", quantities=_quantity(answer))

    @staticmethod
    def _update_row(update):
        row = {"id": int(update.variant_ref), "manage_stock": True,
               "stock_quantity": sum(update.quantities.values())}
        if update.price is not None:
            row["regular_price"] = f"{update.price:.2f}"
        return row

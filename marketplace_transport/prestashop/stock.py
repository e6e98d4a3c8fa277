"""PrestaShop stock sync through the Webservice's ``stock_availables`` resource.

- catalogue: ``stock_availables`` pages (``limit=offset,N``), then the page's ``products`` and
  ``combinations`` (``filter[id_product]=[a|b]``) for SKU (``reference``) and barcode (``ean13``); a product
  with combinations is sold per combination, so its ``id_product_attribute=0`` row (their sum) is skipped;
- read: ``stock_availables?filter[id]=[a|b]&display=full`` (the full rows are kept for the write);
- write: ``PUT stock_availables/<id>`` with the full object as read and the new ``quantity``: the
  Webservice has no batch write, one call per item (a refused one fails alone).

PrestaShop sets absolute quantities only: the race is handled by the core (orders imported first, the
quantity read just before writing); the window left is the one between that read and this write.
"""
from marketplace_transport.exceptions import RateLimitedError, RemoteError, TemporaryError
from marketplace_transport.stock import NO_LOCATION, CatalogVariant, StockResult, chunked

#: ids per ``filter[...]=[a|b|...]`` (inferred: keeps the URL short; the Webservice documents no limit)
FILTER_BATCH = 100
STOCK_FIELDS = ("id", "id_product", "id_product_attribute", "id_shop", "id_shop_group", "quantity",
                "depends_on_stock", "out_of_stock", "location")


def _ids(values):
    return "[" + "|".join(sorted({str(v) for v in values})) + "]"


class PrestashopStock:
    """Mixed into :class:`PrestashopTransport`: the stock sync methods (see the module's docstring)."""

    # -- catalogue --------------------------------------------------------------------
    def iter_catalog_pages(self):
        offset = 0
        while True:
            rows = self._list("stock_availables", {"display": "full", "sort": "[id_ASC]",
                                                   "limit": f"{offset},{FILTER_BATCH}"}, "list stock")
            if rows:
                yield self._catalog_page(rows)
            if len(rows) < FILTER_BATCH:
                return
            offset += FILTER_BATCH

    def _catalog_page(self, rows):
        product_ids = {row["id_product"] for row in rows}
        products = {p["id"]: p for p in self._list("products", {
            "display": "[id,reference,ean13,name]", "filter[id]": _ids(product_ids)}, "list products")}
        combinations = {c["id"]: c for c in self._list("combinations", {
            "display": "[id,id_product,reference,ean13]", "filter[id_product]": _ids(product_ids)},
            "list combinations")}
        with_combinations = {c["id_product"] for c in combinations.values()}
        variants = []
        for row in rows:
            attribute = str(row["id_product_attribute"])
            if attribute == "0" and row["id_product"] in with_combinations:
                continue
            source = combinations.get(attribute) if attribute != "0" else products.get(row["id_product"])
            variants.append(self._catalog_variant(row, source or {}, products.get(row["id_product"]) or {}))
        return variants

    @staticmethod
    def _catalog_variant(row, source, product):
        name = product.get("name")
        if isinstance(name, list):  # multilingual: [{"id": lang, "value": text}]
            name = (name[0] or {}).get("value") if name else ""
        return CatalogVariant(
            sku=source.get("reference") or "", barcode=source.get("ean13") or "", product_ref=str(row["id_product"]),
            variant_ref=f"{row['id_product']}-{row['id_product_attribute']}", inventory_ref=str(row["id"]),
            title=name or "", quantities={NO_LOCATION: int(row.get("quantity") or 0)})

    # -- read and write -----------------------------------------------------------------
    def read_stock(self, updates):
        self._stock_rows = getattr(self, "_stock_rows", {})
        found = {}
        for chunk in chunked(updates, FILTER_BATCH):
            rows = self._list("stock_availables", {"display": "full",
                                                   "filter[id]": _ids(u.inventory_ref for u in chunk)}, "read stock")
            self._stock_rows.update({str(row["id"]): row for row in rows})
            for update in chunk:
                row = self._stock_rows.get(update.inventory_ref)
                if row is not None:
                    found[update.key] = {NO_LOCATION: int(row.get("quantity") or 0)}
        return found

    def push_stock(self, updates):
        for update in updates:
            try:
                answer = self._write("PUT", f"api/stock_availables/{update.inventory_ref}", "stock_available",
                                     self._stock_values(update), "set stock")
            except (RateLimitedError, TemporaryError):
                raise
            except RemoteError as exc:
                yield StockResult(update.key, "error", exc.message)
                continue
            quantity = int(answer.get("quantity") or sum(update.quantities.values()))
            yield StockResult(update.key, "done", quantities={NO_LOCATION: quantity})

    def _stock_values(self, update):
        """The full object as read (``out_of_stock`` and the rest kept), with the new quantity."""
        row = dict(getattr(self, "_stock_rows", {}).get(update.inventory_ref) or {})
        if not row:
            product, _sep, attribute = update.variant_ref.partition("-")
            row = {"id": update.inventory_ref, "id_product": product, "id_product_attribute": attribute or "0",
                   "depends_on_stock": "0", "out_of_stock": "2"}
        row["quantity"] = sum(update.quantities.values())
        return {name: row.get(name, "") for name in STOCK_FIELDS}

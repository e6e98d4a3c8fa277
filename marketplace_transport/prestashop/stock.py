"""PrestaShop stock sync through the Webservice's ``stock_availables`` resource.

- catalogue: ``stock_availables`` pages (``limit=offset,N``), then the page's ``products`` and
  ``combinations`` (``filter[id_product]=[a|b]``) for SKU (``reference``) and barcode (``ean13``); a product
  with combinations is sold per combination, so its ``id_product_attribute=0`` row (their sum) is skipped;
- read: ``stock_availables?filter[id]=[a|b]&display=full`` (the full rows are kept for the write);
- write: ``PUT stock_availables/<id>`` with the full object as read and the new ``quantity``: the
  Webservice has no batch write, one call per item (a refused one fails alone);
- prices (once the quantity is set): PrestaShop prices are tax-excluded (``stock_price_tax_excluded``: the
  core sends ``StockUpdate.price_tax_excluded``). A product without combinations gets ``PATCH products/<id>``
  with its ``price``; a combination's ``price`` is an *impact* on its product's price, so it gets
  ``PATCH combinations/<id>`` with ``target - product price`` (the product's price read just before with
  ``products?filter[id]=[a|b]&display=[id,price]``; the product's own price is never changed for a
  combination). PATCH (PrestaShop 8+) writes only the fields sent (``<id>`` and ``<price>``); six decimals,
  as PrestaShop stores them. Specific prices and the ecotax are left alone. A refused price fails its item.

PrestaShop sets absolute quantities only: the race is handled by the core (orders imported first, the
quantity read just before writing); the window left is the one between that read and this write.
"""
from marketplace_transport.exceptions import RateLimitedError, RemoteError, TemporaryError
from marketplace_transport.stock import NO_LOCATION, CatalogVariant, StockResult, chunked

#: ids per ``filter[...]=[a|b|...]`` (inferred: keeps the URL short; the Webservice documents no limit)
FILTER_BATCH = 100
#: decimals of a price sent (PrestaShop stores prices as DECIMAL(20,6))
PRICE_DECIMALS = 6
STOCK_FIELDS = ("id", "id_product", "id_product_attribute", "id_shop", "id_shop_group", "quantity",
                "depends_on_stock", "out_of_stock", "location")


def _ids(values):
    return "[" + "|".join(sorted({str(v) for v in values})) + "]"


def _split_variant(variant_ref):
    """``<id_product>-<id_product_attribute>`` -> (product id, combination id, "0" without one)."""
    product, _sep, attribute = variant_ref.partition("-")
    return product, attribute or "0"


class PrestashopStock:
    """Mixed into :class:`PrestashopTransport`: the stock sync methods (see the module's docstring)."""

    #: PrestaShop's product and combination prices are tax-excluded (a capability read by the core)
    stock_price_tax_excluded = True

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
        priced = []
        for update in updates:
            result = self._set_quantity(update)
            if result.state == "done" and update.price is not None:
                priced.append((update, result))
            else:
                yield result
        yield from self._set_prices(priced)

    def _set_quantity(self, update):
        try:
            answer = self._write("PUT", f"api/stock_availables/{update.inventory_ref}", "stock_available",
                                 self._stock_values(update), "set stock")
        except (RateLimitedError, TemporaryError):
            raise
        except RemoteError as exc:
            return StockResult(update.key, "error", exc.message)
        quantity = int(answer.get("quantity") or sum(update.quantities.values()))
        return StockResult(update.key, "done", quantities={NO_LOCATION: quantity})

    def _stock_values(self, update):
        """The full object as read (``out_of_stock`` and the rest kept), with the new quantity."""
        row = dict(getattr(self, "_stock_rows", {}).get(update.inventory_ref) or {})
        if not row:
            product, attribute = _split_variant(update.variant_ref)
            row = {"id": update.inventory_ref, "id_product": product, "id_product_attribute": attribute,
                   "depends_on_stock": "0", "out_of_stock": "2"}
        row["quantity"] = sum(update.quantities.values())
        return {name: row.get(name, "") for name in STOCK_FIELDS}

    # -- prices -------------------------------------------------------------------------
    def _set_prices(self, priced):
        """The results of ``priced`` ([(update, quantity result)]), a refused price failing its item."""
        combined = {_split_variant(u.variant_ref)[0] for u, _r in priced if _split_variant(u.variant_ref)[1] != "0"}
        bases = self._product_prices(combined)
        for update, result in priced:
            try:
                self._write_price(update, bases)
            except (RateLimitedError, TemporaryError):
                raise
            except RemoteError as exc:
                result = StockResult(update.key, "error", exc.message)
            yield result

    def _product_prices(self, product_ids):
        """{product id: its price} (tax-excluded), read just before the combinations' impacts are set."""
        prices = {}
        for chunk in chunked(sorted(product_ids), FILTER_BATCH):
            rows = self._list("products", {"display": "[id,price]", "filter[id]": _ids(chunk)}, "read prices")
            prices.update({str(row["id"]): float(row.get("price") or 0) for row in rows})
        return prices

    def _write_price(self, update, bases):
        product, combination = _split_variant(update.variant_ref)
        if combination == "0":
            resource, rid, price = "product", product, update.net_price()
        elif product not in bases:
            raise RemoteError(f"PrestaShop: product {product} not found to price combination {combination}")
        else:
            resource, rid, price = "combination", combination, update.net_price() - bases[product]
        self._write("PATCH", f"api/{resource}s/{rid}", resource,
                    {"id": rid, "price": f"{round(price, PRICE_DECIMALS) or 0.0:.{PRICE_DECIMALS}f}"}, "set price")

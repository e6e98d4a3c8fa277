"""PrestaShop simulator: ``products``, ``combinations`` and ``stock_availables`` for the stock sync.

Lists take the webservice's ``display``, ``filter[...]``, ``sort`` and ``limit`` parameters (same helpers as
the other resources). ``PUT /api/stock_availables/<id>`` takes the full object (documented required fields:
``id_product``, ``id_product_attribute``, ``quantity``, ``depends_on_stock``, ``out_of_stock``) and answers it.
A product without combinations has one row with ``id_product_attribute=0``; one with combinations has a row
per combination plus the ``0`` row holding their sum.
"""
import xml.etree.ElementTree as ET

from ..inventory_store import SimVariant, reset_store, store
from .constants import NAME
from .webservice import (
    _apply_display,
    _apply_filters,
    _apply_limit,
    _apply_sort,
    _WsError,
    error,
    parse_xml_object,
    render,
)

REQUIRED = ("id_product", "id_product_attribute", "quantity", "depends_on_stock", "out_of_stock")
SINGULAR = {"products": "product", "combinations": "combination", "stock_availables": "stock_available"}


def inventory(app):
    return store(app, NAME)


def add_product(app, product_id, sku, quantity, barcode="", combination_id=0):
    """A product (``combination_id`` 0) or one combination of ``product_id``; stock row id = a new number."""
    inv = inventory(app)
    stock_id = str(len(inv.variants) + 1)
    return inv.add(SimVariant(
        sku=sku, barcode=barcode, product_id=str(product_id), variant_id=f"{product_id}-{combination_id}",
        inventory_id=stock_id, title=sku, levels={"": quantity},
        extra={"combination": str(combination_id), "out_of_stock": "2"}))


def _rows(inv, resource):
    variants = list(inv.variants.values())
    if resource == "products":
        products = {}
        for v in variants:
            own = v.extra["combination"] == "0"
            products.setdefault(v.product_id, {"id": v.product_id, "reference": "", "ean13": "", "name": v.title})
            if own:
                products[v.product_id].update(reference=v.sku, ean13=v.barcode)
        return list(products.values())
    if resource == "combinations":
        return [{"id": v.extra["combination"], "id_product": v.product_id, "reference": v.sku, "ean13": v.barcode}
                for v in variants if v.extra["combination"] != "0"]
    return [_stock_row(v) for v in variants] + _sum_rows(variants)


def _stock_row(variant):
    return {"id": variant.inventory_id, "id_product": variant.product_id,
            "id_product_attribute": variant.extra["combination"], "id_shop": "1", "id_shop_group": "0",
            "quantity": str(variant.levels.get("", 0)), "depends_on_stock": "0",
            "out_of_stock": variant.extra["out_of_stock"], "location": ""}


def _sum_rows(variants):
    """The ``id_product_attribute=0`` row of each product with combinations (their sum)."""
    sums = {}
    for v in variants:
        if v.extra["combination"] != "0":
            sums[v.product_id] = sums.get(v.product_id, 0) + v.levels.get("", 0)
    return [{"id": f"9{pid}", "id_product": pid, "id_product_attribute": "0", "id_shop": "1", "id_shop_group": "0",
             "quantity": str(total), "depends_on_stock": "0", "out_of_stock": "2", "location": ""}
            for pid, total in sums.items()]


def _register_inventory(app, state, authenticate):
    @app.route("GET", r"/api/(?P<resource>products|combinations|stock_availables)")
    def list_inventory(request):
        denied = authenticate(state, request)
        if denied:
            return denied
        inv, resource = inventory(app), request.params["resource"]
        if resource == "stock_availables" and "filter[id]" in request.query:
            inv.run_hooks(inv.before_read)
        try:
            with app.lock:
                rows = _rows(inv, resource)
            rows = _apply_limit(request, _apply_sort(request, _apply_filters(request, rows)))
        except _WsError as exc:
            return error(request, exc.status, exc.code, exc.message)
        return render(request, 200, resource, _apply_display(request, rows))

    @app.route("PUT", r"/api/stock_availables/(?P<rid>\d+)")
    def put_stock(request):
        denied = authenticate(state, request)
        if denied:
            return denied
        try:
            values = parse_xml_object(request.body, "stock_available")
        except (ET.ParseError, ValueError) as exc:
            return error(request, 400, 127, f"XML error: {exc}")
        return _put_stock(app, request, values)


def _put_stock(app, request, values):
    inv, rid = inventory(app), request.params["rid"]
    variant = inv.by_inventory.get(rid)
    if variant is None:
        return error(request, 404, 87, f"Id {rid} does not exist for stock_availables")
    missing = [name for name in REQUIRED if values.get(name, "") == ""]
    if values.get("id") != rid or missing:
        return error(request, 400, 41, f"parameter {(missing or ['id'])[0]} required")
    if variant.sku in inv.refuse:
        return error(request, 400, 90, inv.refuse[variant.sku])
    with app.lock:
        inv.run_hooks()
        variant.extra["out_of_stock"] = values["out_of_stock"]
        inv.write(variant, int(values["quantity"]))
    return render(request, 200, "stock_available", _stock_row(variant))


def reset_inventory(app):
    reset_store(app, NAME)

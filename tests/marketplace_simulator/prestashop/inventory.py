"""PrestaShop simulator: ``products``, ``combinations`` and ``stock_availables`` for the stock sync.

Lists take the webservice's ``display``, ``filter[...]``, ``sort`` and ``limit`` parameters (same helpers as
the other resources). ``PUT /api/stock_availables/<id>`` takes the full object (documented required fields:
``id_product``, ``id_product_attribute``, ``quantity``, ``depends_on_stock``, ``out_of_stock``) and answers it.
A product without combinations has one row with ``id_product_attribute=0``; one with combinations has a row
per combination plus the ``0`` row holding their sum.

Prices (tax-excluded, six decimals): a product's ``price`` and a combination's ``price``, an *impact* added to
its product's price. ``PATCH /api/products/<id>`` and ``PATCH /api/combinations/<id>`` (PrestaShop 8+:
only the fields sent are written, ``<id>`` required) take ``price``; the values received are logged in
``price_updates`` as ``(variant id, price or impact)``.
"""
import re
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
#: formats of the ``price`` fields (isPrice for products, isNegativePrice for combinations), devdocs reference
PRICE_FORMATS = {"products": re.compile(r"^[0-9]{1,10}(\.[0-9]{1,9})?$"),
                 "combinations": re.compile(r"^[-]?[0-9]{1,10}(\.[0-9]{1,9})?$")}
SINGULAR = {"products": "product", "combinations": "combination", "stock_availables": "stock_available"}


def inventory(app):
    return store(app, NAME)


def add_product(app, product_id, sku, quantity, barcode="", combination_id=0, price=10.0, base_price=None):
    """A product (``combination_id`` 0) or one combination of ``product_id``; stock row id = a new number.

    ``price``: the variant's tax-excluded price; a combination's product keeps ``base_price`` (default: the
    price of its first combination), the combination the difference as its impact."""
    inv = inventory(app)
    stock_id = str(len(inv.variants) + 1)
    product = inv.products.setdefault(str(product_id), {"price": price if base_price is None else base_price})
    if not combination_id:
        product["price"] = price
    return inv.add(SimVariant(
        sku=sku, barcode=barcode, product_id=str(product_id), variant_id=f"{product_id}-{combination_id}",
        inventory_id=stock_id, title=sku, levels={"": quantity}, price=price,
        extra={"combination": str(combination_id), "out_of_stock": "2",
               "impact": price - product["price"] if combination_id else 0.0}))


def _rows(inv, resource):
    variants = list(inv.variants.values())
    if resource == "products":
        products = {}
        for v in variants:
            own = v.extra["combination"] == "0"
            products.setdefault(v.product_id, {"id": v.product_id, "reference": "", "ean13": "", "name": v.title,
                                               "price": _decimal(inv.products[v.product_id]["price"])})
            if own:
                products[v.product_id].update(reference=v.sku, ean13=v.barcode)
        return list(products.values())
    if resource == "combinations":
        return [{"id": v.extra["combination"], "id_product": v.product_id, "reference": v.sku, "ean13": v.barcode,
                 "price": _decimal(v.extra["impact"])} for v in variants if v.extra["combination"] != "0"]
    return [_stock_row(v) for v in variants] + _sum_rows(variants)


def _decimal(value):
    return f"{value:.6f}"


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

    @app.route("PATCH", r"/api/(?P<resource>products|combinations)/(?P<rid>\d+)")
    def patch_price(request):
        denied = authenticate(state, request)
        if denied:
            return denied
        resource = request.params["resource"]
        try:
            values = parse_xml_object(request.body, SINGULAR[resource])
        except (ET.ParseError, ValueError) as exc:
            return error(request, 400, 127, f"XML error: {exc}")
        with app.lock:
            return _patch_price(inventory(app), request, resource, values)


def _priced_variants(inv, resource, rid):
    """The variants whose price the PATCH of ``resource``/``rid`` sets."""
    if resource == "products":
        return [v for v in inv.variants.values() if v.product_id == rid]
    return [v for v in inv.variants.values() if v.extra["combination"] == rid]


def _patch_price(inv, request, resource, values):
    rid, variants = request.params["rid"], _priced_variants(inv, request.params["resource"], request.params["rid"])
    if values.get("id") != rid:
        return error(request, 400, 90, "id is required when modifying a resource")
    if not variants:
        return error(request, 404, 92, "Invalid ID")
    price = values.get("price", "")
    extra = sorted(set(values) - {"id", "price"})
    if extra:  # the simulator takes prices only: a PATCH sending more is a connector bug
        return error(request, 400, 93, f'parameter "{extra[0]}" not writable. Please remove this attribute of this XML')
    if not PRICE_FORMATS[resource].match(price):
        return error(request, 400, 85, f'Validation error: "Property {resource}->price is not valid"')
    refused = next((inv.refuse_price[v.sku] for v in variants if v.sku in inv.refuse_price), None)
    if refused:
        return error(request, 400, 85, f'Validation error: "{refused}"')
    if resource == "products":
        inv.products[rid]["price"] = float(price)
    else:
        variants[0].extra["impact"] = float(price)
    for variant in _priced_variants(inv, "products", variants[0].product_id):
        variant.price = round(inv.products[variant.product_id]["price"] + variant.extra["impact"], 6)
    inv.price_updates.append((variants[0].variant_id, float(price)))
    row = next(r for r in _rows(inv, resource) if str(r["id"]) == rid)
    return render(request, 200, SINGULAR[resource], row)


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

"""Prices sent by the stock sync of PrestaShop (tax-excluded product price, combination impact) and Wix
(Update Product Variants / Update Product) against their simulators over real HTTP (no Odoo): exact prices
received, the quantity written first, a refused price failing its item alone, the documented bodies."""
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from marketplace_simulator import prestashop as ps_sim
from marketplace_simulator import wix as wix_sim
from transport_testing import build_transport, serve_simulator

from marketplace_transport import StockUpdate, get_transport_class, prestashop, wix  # noqa: F401 (register)
from marketplace_transport.prestashop.client import ps_xml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WIX_OPTIONS = {"account": wix_sim.DEFAULT_SITE_ID, "requests_per_minute": 100000}


def _prestashop(url):
    return build_transport(get_transport_class("prestashop"), url, {"secret": ps_sim.DEFAULT_KEY}, {})


def _wix(url):
    return build_transport(get_transport_class("wix"), url, {"secret": wix_sim.DEFAULT_API_KEY}, WIX_OPTIONS)


def _updates(transport, quantity, prices):
    """Updates of the shop's catalogue: ``prices`` {sku: (price, tax-excluded price)}."""
    variants = [v for page in transport.iter_catalog_pages() for v in page]
    updates = [StockUpdate(key=v.sku, sku=v.sku, product_ref=v.product_ref, variant_ref=v.variant_ref,
                           inventory_ref=v.inventory_ref, quantities={loc: quantity for loc in v.quantities},
                           price=prices[v.sku][0], price_tax_excluded=prices[v.sku][1]) for v in variants]
    current = transport.read_stock(updates)
    for update in updates:
        update.expected = current[update.key]
    return updates


def _push(transport, updates):
    return {r.key: r for r in transport.push_stock(updates)}


def _prestashop_shop(app):
    ps_sim.add_product(app, 1, "PS-1", 5)
    ps_sim.add_product(app, 2, "PS-2-S", 5, combination_id=7, price=15.0, base_price=12.0)
    ps_sim.add_product(app, 2, "PS-2-L", 5, combination_id=8, price=12.0)


def test_prestashop_product_price_and_combination_impacts_tax_excluded():
    with serve_simulator(ps_sim) as (app, server):
        _prestashop_shop(app)
        inv, transport = ps_sim.inventory(app), _prestashop(server.url)
        updates = _updates(transport, 9, {"PS-1": (11.25, 9.375), "PS-2-S": (24.0, 20.0), "PS-2-L": (13.8, 11.5)})
        results = _push(transport, updates)
        assert {k: r.state for k, r in results.items()} == {"PS-1": "done", "PS-2-S": "done", "PS-2-L": "done"}
        assert inv.price_updates == [("1-0", 9.375), ("2-7", 8.0), ("2-8", -0.5)], "combinations: target - 12.00"
        assert [inv.by_sku[sku].price for sku in ("PS-1", "PS-2-S", "PS-2-L")] == [9.375, 20.0, 11.5]
        assert inv.products["2"]["price"] == 12.0, "the product's own price is left alone"
        assert app.count_requests(r"/api/products/1$", "PATCH") == 1
        assert app.count_requests(r"/api/combinations/\d+$", "PATCH") == 2
        methods = [m for m, p, _q in app.requests if m in ("PUT", "PATCH")]
        assert methods == ["PUT"] * 3 + ["PATCH"] * 3, "prices once the quantities are done"


def test_prestashop_refused_price_fails_its_item_alone_after_its_quantity():
    with serve_simulator(ps_sim) as (app, server):
        _prestashop_shop(app)
        inv, transport = ps_sim.inventory(app), _prestashop(server.url)
        inv.refuse_price["PS-2-S"] = "Property Combination->price is not valid"
        updates = _updates(transport, 9, {"PS-1": (12.0, 10.0), "PS-2-S": (24.0, 20.0), "PS-2-L": (13.8, 11.5)})
        results = _push(transport, updates)
        assert results["PS-2-S"].state == "error" and "Combination->price" in results["PS-2-S"].message
        assert (results["PS-1"].state, results["PS-2-L"].state) == ("done", "done")
        assert inv.quantity("PS-2-S") == 9, "its quantity was written before the price"
        assert inv.price_updates == [("1-0", 10.0), ("2-8", -0.5)]


def test_prestashop_without_price_sends_no_patch():
    with serve_simulator(ps_sim) as (app, server):
        _prestashop_shop(app)
        transport = _prestashop(server.url)
        updates = _updates(transport, 9, {"PS-1": (None, None), "PS-2-S": (None, None), "PS-2-L": (None, None)})
        assert {r.state for r in _push(transport, updates).values()} == {"done"}
        assert app.count_requests(r"/api/(products|combinations)/", "PATCH") == 0
        assert app.count_requests(r"/api/products$", "GET") == 1, "the catalogue only: no price read"


def test_prestashop_patch_bodies_follow_the_blank_schemas():
    for resource in ("product", "combination"):
        blank = ET.parse(FIXTURES / "prestashop" / f"{resource}.blank.xml").getroot().find(resource)
        body = ET.fromstring(ps_xml(resource, {"id": "7", "price": "8.000000"})).find(resource)
        assert {child.tag for child in body} <= {child.tag for child in blank}, resource
        assert [child.tag for child in body] == ["id", "price"], "PATCH: the id and the field written only"


def _wix_shop(app):
    wix_sim.add_product(app, 1, "WX-1", 5)
    wix_sim.add_product(app, 2, "WX-2-S", 5, variant_id="22222222-0000-0000-0000-000000000001")
    wix_sim.add_product(app, 2, "WX-2-L", 5, variant_id="22222222-0000-0000-0000-000000000002")


def test_wix_update_product_and_update_product_variants():
    with serve_simulator(wix_sim) as (app, server):
        _wix_shop(app)
        inv, transport = wix_sim.inventory(app), _wix(server.url)
        updates = _updates(transport, 9, {"WX-1": (12.5, None), "WX-2-S": (20.0, None), "WX-2-L": (21.99, None)})
        results = _push(transport, updates)
        assert {r.state for r in results.values()} == {"done"}
        assert sorted(inv.price_updates) == sorted([(inv.by_sku["WX-1"].variant_id, 12.5),
                                                    (inv.by_sku["WX-2-S"].variant_id, 20.0),
                                                    (inv.by_sku["WX-2-L"].variant_id, 21.99)])
        assert app.count_requests(r"/stores/v1/products/[0-9a-f-]+$", "PATCH") == 1, "WX-1: Update Product"
        assert app.count_requests(r"/products/[0-9a-f-]+/variants$", "PATCH") == 1, "one call, two variants"
        assert app.count_requests(r"/stores/v1/products/query$", "POST") == 2, "the catalogue, then manageVariants"
        assert inv.quantity("WX-2-L") == 9


def test_wix_refused_variant_price_fails_alone():
    with serve_simulator(wix_sim) as (app, server):
        _wix_shop(app)
        inv, transport = wix_sim.inventory(app), _wix(server.url)
        inv.refuse_price["WX-2-S"] = "price refused by the site"
        updates = _updates(transport, 9, {"WX-1": (12.5, None), "WX-2-S": (20.0, None), "WX-2-L": (21.99, None)})
        results = _push(transport, updates)
        assert results["WX-2-S"].state == "error" and "price refused" in results["WX-2-S"].message
        assert (results["WX-1"].state, results["WX-2-L"].state) == ("done", "done")
        assert inv.by_sku["WX-2-L"].price == 21.99 and inv.by_sku["WX-2-S"].price == 10.0
        assert inv.quantity("WX-2-S") == 9, "its quantity was adjusted before the price"
        assert app.count_requests(r"/variants$", "PATCH") == 3, "the pair, then each variant alone"


def test_wix_simulator_takes_the_documented_examples():
    with serve_simulator(wix_sim) as (app, server):
        wix_sim.add_product(app, 3, "WX-TEE-S", 5, variant_id="00000000-0000-0020-0005-92338aaf6c4a",
                            choices={"Size": "S", "Color": "Blue"})
        inv, transport = wix_sim.inventory(app), _wix(server.url)
        product = inv.by_sku["WX-TEE-S"].product_id
        request = json.loads((FIXTURES / "wix" / "update_product_variants.request.json").read_text())
        published = json.loads((FIXTURES / "wix" / "update_product_variants.response.json").read_text())
        answer = transport._call("PATCH", f"/stores/v1/products/{product}/variants", "set prices", request)
        assert answer["variants"][0]["id"] == published["variants"][0]["id"]
        assert set(published["variants"][0]) <= set(answer["variants"][0]) | {"choices"}
        assert answer["variants"][0]["variant"]["priceData"]["price"] == 100 == inv.by_sku["WX-TEE-S"].price
        query = json.loads((FIXTURES / "wix" / "products_query_by_ids.request.json").read_text())
        query["query"]["filter"] = query["query"]["filter"].replace("YOUR_PRODUCT_ID_HERE", product)
        found = transport._call("POST", "/stores/v1/products/query", "read products", query)["products"]
        assert [p["id"] for p in found] == [product] and found[0]["manageVariants"] is True
        update = json.loads((FIXTURES / "wix" / "update_product.request.json").read_text())
        wix_sim.add_product(app, 4, "WX-PLAIN", 5)
        plain = inv.by_sku["WX-PLAIN"].product_id
        answer = transport._call("PATCH", f"/stores/v1/products/{plain}", "set price", update)
        assert answer["product"]["priceData"]["price"] == 12.5 == inv.by_sku["WX-PLAIN"].price

"""Octopia Seller API v2 transport over real HTTP on 127.0.0.1: errors (quota, 5xx, secrets) and JSON
offer packages."""
from datetime import timedelta

import pytest
from marketplace_simulator import octopia as sim
from octopia_rest_testing import (  # noqa: F401 - the *_fixture names are fixtures
    START,
    app_fixture,
    make_transport,
    server_fixture,
    shared_fixture,
    state_fixture,
)

from marketplace_transport import AuthenticationError, OfferUpdate, QuotaExhaustedError, TemporaryError
from marketplace_transport.base import TokenStore
from marketplace_transport.octopia.offers import xml_offer_attributes
from marketplace_transport.octopia.rest import parse_quota_delay


# -- errors ------------------------------------------------------------------------------------
def test_quota_403_is_not_an_auth_failure(server, state, app):
    state.quota = 2
    transport = make_transport(server)
    transport.list_carriers()
    transport.list_refund_reasons()
    with pytest.raises(QuotaExhaustedError) as error:
        list(transport.iter_order_pages(START))
    assert not isinstance(error.value, AuthenticationError)
    assert error.value.retry_after == pytest.approx(695)
    assert "Out of call volume quota" in str(error.value)
    assert app.count_requests(r"^/seller/v2/orders$") == 1  # no retry, no token renewal
    assert state.token_requests == 1
    assert parse_quota_delay("Quota will be replenished in 1.02:00:05.") == 93605


def test_server_error_then_success(server, state, app):
    state.add_orders(sim.generate_orders(3, seed=51, start=START))
    app.add_fault(r"GET /seller/v2/orders$", status=500, count=1)
    transport = make_transport(server)
    pages = list(transport.iter_order_pages(START - timedelta(hours=1)))
    assert [len(p) for p in pages] == [3]
    assert [e.status for e in transport.exchanges if e.operation == "list orders"] == [500, 200]
    assert transport.sleeps == [0.01]
    app.add_fault(r"GET /seller/v2/orders$", status=503, count=-1)
    with pytest.raises(TemporaryError, match="HTTP 503"):
        list(transport.iter_order_pages(START - timedelta(hours=1)))


def test_secrets_absent_from_exchanges(server, state, app):
    store = TokenStore()
    transport = make_transport(server, store=store)
    transport.list_carriers()
    sim.expire_tokens(app)
    transport.list_refund_reasons()
    bad = make_transport(server, credentials={"login": sim.DEFAULT_CLIENT_ID, "secret": "another-bad-secret"})
    with pytest.raises(AuthenticationError) as error:
        bad.list_carriers()
    secrets_ = [sim.DEFAULT_CLIENT_SECRET, "another-bad-secret", store.token]
    recorded = " ".join(f"{e.url} {e.error}" for e in transport.exchanges + bad.exchanges)
    assert transport.exchanges and bad.exchanges
    assert not any(secret in recorded for secret in secrets_)
    assert "another-bad-secret" not in str(error.value)


# -- offers ------------------------------------------------------------------------------------
def test_push_250_offers_streamed_with_rejections(server, state, app):
    catalog = sim.CATALOG
    package_requests = []

    def offers():
        for index in range(250):
            if index == 150:  # lazy: the first 100 were uploaded before the 151st is produced
                package, = state.packages.values()
                package_requests.append(len(package["requests"]))
            product = catalog[index % len(catalog)]
            ean = product["ean"] if index % 50 != 7 else "3760012345000"  # bad check digit
            sku = f"SKU-{index:04d}" if index != 200 else "SKU-0199"  # duplicate reference
            extra = {"delivery_mode": "STD", "shipping_charges": 4.99, "striked_price": 29.9,
                     "price_must_be_aligned": "Align", "product_packaging_unit": "Kilogram"}
            if index == 240:
                extra = {}  # no delivery mode and no channel default
            yield OfferUpdate(sku, price=product["price"], quantity=index % 7, ean=ean, extra=extra)

    transport = make_transport(server)
    results = list(transport.push_offers(offers()))
    assert package_requests == [100]
    assert len(results) == 250
    errors = {r.seller_sku: r.message for r in results if r.state == "error"}
    bad_gtin = {f"SKU-{i:04d}" for i in range(250) if i % 50 == 7}
    assert bad_gtin <= set(errors) and all("InvalidGtin" in errors[s] for s in bad_gtin)
    assert "DuplicatedSellerExternalReference" in errors["SKU-0199"]
    assert [r.state for r in results if r.seller_sku == "SKU-0199"] == ["error", "error"]
    assert "MissingDeliveryMode" in errors["SKU-0240"]
    assert len(errors) == len(bad_gtin) + 1 + 1
    assert sum(r.state == "done" for r in results) == 250 - len(bad_gtin) - 2 - 1
    package, = state.packages.values()
    assert package["state"] == "Integrated" and package["packageType"] == "Upsert"
    sent = package["requests"][0]
    assert sent["deliveryModes"] == [{"code": "STD", "cost": 4.99}]
    assert sent["product"]["gtin"] == catalog[0]["ean"] and "StrikedPrice" not in str(sent)
    assert [len(b) for b in _upload_sizes(app)] == [1, 1, 1]
    assert app.count_requests(r"/offer-requests$", "POST") == 3
    assert app.count_requests(r"/offer-requests-results$", "GET") == 3  # Link-header cursor pages
    assert transport.sleeps  # polled until Integrated with the injected sleep
    assert state.offers["SKU-0001"]["quantity"] == 1
    assert xml_offer_attributes(OfferUpdate("X", 1, 1, extra={"striked_price": 29.9, "delivery_mode": "STD"})) == {
        "StrikedPrice": 29.9, "ShippingInformationDeliveryMode": "STD"}


def _upload_sizes(app):
    return [[p] for m, p, _q in app.requests if m == "POST" and p.endswith("/offer-requests")]


def test_push_offers_split_in_packages_and_channel_default_modes(server, state):
    offers = (OfferUpdate(f"P-{i}", price=10 + i, quantity=i, ean=sim.CATALOG[i % 12]["ean"]) for i in range(7))
    transport = make_transport(server, offer_chunk_size=3, offer_package_max=5,
                               delivery_modes=[{"code": "TRK", "cost": 3.5}])
    results = list(transport.push_offers(offers))
    assert [r.state for r in results] == ["done"] * 7
    sizes = sorted(len(p["requests"]) for p in state.packages.values())
    assert sizes == [3, 4]  # chunks of 3, at most 5 offers per package -> 3 + (3 + 1)
    assert all(r["deliveryModes"] == [{"code": "TRK", "cost": 3.5}]
               for p in state.packages.values() for r in p["requests"])


def test_offer_upload_chunk_refused(server, state, app):
    app.add_fault(r"POST /seller/v2/offer-packages/\w+/offer-requests", status=400, count=1,
                  body={"title": "Validation Failed", "status": 400, "detail": "Invalid offer requests.",
                        "errors": {"offerRequests[0].price": ["must be positive"]}})
    offers = [OfferUpdate(f"Q-{i}", price=5, quantity=1, ean=sim.CATALOG[0]["ean"],
                          extra={"delivery_mode": "STD"}) for i in range(5)]
    results = list(make_transport(server, offer_chunk_size=2).push_offers(offers))
    assert [r.state for r in results[:2]] == ["error", "error"]
    assert "offerRequests[0].price: must be positive" in results[0].message
    assert sorted(r.seller_sku for r in results if r.state == "done") == ["Q-2", "Q-3", "Q-4"]

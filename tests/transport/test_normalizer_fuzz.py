"""Generative test of the Octopia normalizer: any payload gives a clean order or InvalidOrderError.

Pure test (no database): ``scripts/test-pure.sh tests/transport/test_normalizer_fuzz.py``.
Payloads start from realistic simulator orders and get fields replaced, removed or corrupted
with random JSON values (wrong types, huge numbers, NaN, control characters, lone surrogates,
dates out of range...). The invariant: ``normalize_order`` returns a cleaned
:class:`NormalizedOrder` that the pipeline can store, or raises :class:`InvalidOrderError`.
"""
import copy
import math
import re
from datetime import UTC

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marketplace_simulator import octopia as sim

from marketplace_transport import (
    InvalidOrderError,
    NormalizedOrder,
    OrderStatus,
    TransportConfig,
)
from marketplace_transport.normalized import MAX_QUANTITY, MAX_TEXT, MAX_UNIT_PRICE
from marketplace_transport.octopia.rest import OctopiaRestTransport

BASE_ORDERS = sim.generate_orders(6, seed=11)
TRANSPORT = OctopiaRestTransport(TransportConfig(base_url="http://127.0.0.1:9/seller/v2",
                                                 options={"account": sim.DEFAULT_SELLER_ID}))
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\ud800", "<script>alert(1)</script>", "é" * 300, "x" * 10000,
                     "FR", "fr", "ZZ", "F", "FRA", "not-an-email", "a@b.c", "NaN", "Infinity", "-1", "1e400",
                     "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "2026-02-30T10:00:00Z",
                     "2026-10-25T02:30:00+02:00", "2026-11-02T10:00:00Z"]),
)
nasty_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 10**400, 2**63, MAX_QUANTITY + 1, 1.5]),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_leaf = st.one_of(st.none(), st.booleans(), nasty_number, nasty_text)
json_value = st.recursive(json_leaf, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)), max_leaves=8)


def _paths(value, prefix=()):
    """Every (path) to a dict key or list item inside a payload."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield prefix + (key,)
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield prefix + (index,)
            yield from _paths(child, prefix + (index,))


@st.composite
def octopia_payloads(draw):
    payload = copy.deepcopy(draw(st.sampled_from(BASE_ORDERS)))
    paths = sorted(set(_paths(payload)), key=repr)
    for _step in range(draw(st.integers(min_value=0, max_value=5))):
        path = draw(st.sampled_from(paths))
        parent = payload
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "replace", "delete", "text", "number"]))
            if action == "delete":
                if isinstance(parent, dict):
                    parent.pop(path[-1], None)
                elif isinstance(parent, list) and path[-1] < len(parent):
                    parent.pop(path[-1])
                continue
            value = {"replace": json_value, "text": nasty_text, "number": nasty_number}[action]
            parent[path[-1]] = draw(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier step changed the shape above this path
    if draw(st.booleans()) and isinstance(payload.get("lines"), list) and payload["lines"]:
        payload["lines"].append(copy.deepcopy(payload["lines"][0]))  # duplicated line id
    return draw(st.one_of(st.just(payload), st.just(payload), json_value))


def _storable(text):
    text.encode("utf-8")  # PostgreSQL rejects lone surrogates
    assert not CONTROL_RE.search(text), repr(text)


def assert_clean(order):
    assert isinstance(order, NormalizedOrder)
    assert order.external_id and len(order.external_id) <= 128
    _storable(order.external_id)
    _storable(order.reference)
    assert isinstance(order.status, OrderStatus)
    assert order.updated_at.tzinfo is not None and order.updated_at.utcoffset().total_seconds() == 0
    assert order.updated_at.tzinfo == UTC
    assert re.fullmatch(r"[A-Z]{3}", order.currency)
    assert order.lines
    ids = [line.external_id for line in order.lines]
    assert len(ids) == len(set(ids)), "duplicated line ids must be rejected"
    for line in order.lines:
        assert line.external_id and (line.sku or line.ean)
        assert 1 <= line.quantity <= MAX_QUANTITY and line.quantity == int(line.quantity)
        assert 0 <= line.unit_price <= MAX_UNIT_PRICE and math.isfinite(line.unit_price)
        for text in (line.sku, line.ean, line.name, line.external_id):
            _storable(text)
    for address in (order.billing, order.shipping):
        assert re.fullmatch(r"[A-Z]{2}", address.country_code)
        assert address.display_name
        for attr in ("name", "company_name", "street", "street2", "zip", "city", "email", "phone", "vat"):
            value = getattr(address, attr)
            _storable(value)
            assert len(value) <= MAX_TEXT
        assert not address.email or "@" in address.email
    assert math.isfinite(order.shipping_amount) and order.shipping_amount >= 0
    assert order.total_amount is None or math.isfinite(order.total_amount)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(octopia_payloads())
def test_normalize_order_is_total(payload):
    try:
        order = TRANSPORT.normalize_order(payload)
    except InvalidOrderError as exc:
        assert str(exc).strip(), "the reason is shown to users: it must not be empty"
        return
    assert_clean(order)


def test_generated_orders_are_valid():
    """The unmutated simulator orders all normalize (the fuzz test starts from valid payloads)."""
    for payload in BASE_ORDERS:
        assert_clean(TRANSPORT.normalize_order(copy.deepcopy(payload)))


def test_known_edge_cases():
    """Cases the fuzzer found or must keep covering, as explicit examples."""
    base = BASE_ORDERS[0]
    for mutate in (
        lambda p: p.update(updatedAt="9999-12-31T23:59:59-05:00"),  # out of range once in UTC
        lambda p: p.update(updatedAt="0001-01-01T00:00:00+05:00"),
        lambda p: p["lines"][0]["sellingPrice"].update(shippingCost=10**400),  # int too large for a float
        lambda p: p["lines"][0].update(quantity=float("nan")),
        lambda p: p["billingAddress"].update(lastName="Dupont\ud800"),  # lone surrogate from a JSON escape
        lambda p: p["lines"][0]["offer"].update(productTitle="Café\udcff"),
    ):
        payload = copy.deepcopy(base)
        mutate(payload)
        try:
            order = TRANSPORT.normalize_order(payload)
        except InvalidOrderError:
            continue
        assert_clean(order)

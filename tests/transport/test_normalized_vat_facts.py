"""The VAT a marketplace states (per line, shipping) and what the buyer paid, in the normalized order."""
from datetime import UTC, datetime

import pytest

from marketplace_transport import InvalidOrderError
from marketplace_transport.normalized import NormalizedAddress, NormalizedLine, NormalizedOrder, OrderStatus


def order(lines, **values):
    return NormalizedOrder(
        external_id="O-1", updated_at=datetime(2025, 1, 31, tzinfo=UTC), status=OrderStatus.TO_SHIP,
        lines=lines, billing=NormalizedAddress(name="Jean", country_code="FR"),
        shipping=NormalizedAddress(name="Jean", country_code="FR"),
        **values).clean()


def line(external_id, price, tax_amount=None, rate=20.0):
    return NormalizedLine(external_id=external_id, sku=external_id, quantity=1, unit_price=price, tax_rate=rate,
                          tax_amount=tax_amount)


def test_stated_tax_needs_every_line_and_the_shipping():
    full = order([line("A", 10.0, "2.00"), line("B", 5.0, 0.28, rate=5.5)], shipping_amount=4.0,
                 shipping_tax_amount="0.80", prices_include_tax=False, total_amount=19.0)
    assert full.lines[0].tax_amount == 2.0 and full.shipping_tax_amount == 0.8
    assert full.stated_tax == pytest.approx(3.08)
    assert full.paid_with_tax(False) == pytest.approx(22.08), "tax-excluded total + the VAT stated"
    assert order([line("A", 10.0, 2.0), line("B", 5.0)]).stated_tax is None
    assert order([line("A", 10.0, 2.0)], shipping_amount=4.0).stated_tax is None, "shipping VAT missing"


def test_paid_amount_as_stated_else_derived():
    assert order([line("A", 12.0)], total_amount=12.0, paid_amount="11.50").paid_with_tax(True) == 11.5
    assert order([line("A", 12.0)], total_amount=12.0).paid_with_tax(True) == 12.0
    assert order([line("A", 10.0)], total_amount=10.0).paid_with_tax(False) is None, "no VAT stated: unknown"
    assert order([line("A", 10.0)]).paid_with_tax(True) is None


def test_amounts_must_be_numbers():
    with pytest.raises(InvalidOrderError, match="tax amount"):
        order([line("A", 10.0, "two")])
    with pytest.raises(InvalidOrderError, match="paid amount"):
        order([line("A", 10.0)], paid_amount="n/a")

"""Standard VAT rates of the 27 member states (eu-vat.md §7, 2025-2026 columns)."""
from datetime import date

import pytest

from odoo.addons.marketplace_vat.vat import rates

from marketplace_transport.vies import VIES_PREFIXES

EXPECTED_2026 = {
    "AT": 20.0, "BE": 21.0, "BG": 20.0, "HR": 25.0, "CY": 19.0, "CZ": 21.0, "DK": 25.0, "EE": 24.0,
    "FI": 25.5, "FR": 20.0, "DE": 19.0, "GR": 24.0, "HU": 27.0, "IE": 23.0, "IT": 22.0, "LV": 21.0,
    "LT": 21.0, "LU": 17.0, "MT": 18.0, "NL": 21.0, "PL": 23.0, "PT": 23.0, "RO": 21.0, "SK": 23.0,
    "SI": 22.0, "ES": 21.0, "SE": 25.0,
}


def test_the_27_member_states():
    assert len(EXPECTED_2026) == 27
    assert rates.EU_MEMBER_STATES == frozenset(EXPECTED_2026)


def test_vies_checks_the_same_member_states():
    """The VIES client (without Odoo, from python-stdnum's list) knows the 27 states and XI."""
    assert VIES_PREFIXES == {rates.vies_prefix(country) for country in rates.EU_MEMBER_STATES} | {"XI"}


@pytest.mark.parametrize("country", sorted(EXPECTED_2026))
def test_standard_rate_2026(country):
    assert rates.standard_rate(country, date(2026, 6, 1)) == EXPECTED_2026[country]
    assert rates.STANDARD_RATES[country] == EXPECTED_2026[country]


@pytest.mark.parametrize("country,before,after,change", [
    ("EE", 22.0, 24.0, date(2025, 7, 1)),
    ("RO", 19.0, 21.0, date(2025, 8, 1)),
    ("SK", 20.0, 23.0, date(2025, 1, 1)),
    ("FI", 24.0, 25.5, date(2024, 9, 1)),
])
def test_rate_changes(country, before, after, change):
    assert rates.standard_rate(country, date.fromordinal(change.toordinal() - 1)) == before
    assert rates.standard_rate(country, change) == after


def test_vies_prefixes():
    assert rates.vies_prefix("GR") == "EL"
    assert rates.vies_prefix("de") == "DE"
    assert rates.standard_rate("EL", date(2026, 1, 1)) == 24.0
    with pytest.raises(KeyError):
        rates.standard_rate("CH")

"""Standard VAT rates of the 27 member states (eu-vat.md §7, 2025-2026 columns)."""
from datetime import date, timedelta

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


# Reduced and super-reduced rates on 2026-06-01 (rate_data.py, TEDB 2026-03-27, mainland), and what each
# VAT category gives in OSS: (reduced rates, super-reduced, rate of "reduced", rate of "super_reduced").
CATEGORIES_2026 = {
    "AT": ((10.0, 13.0), None, None, None),
    "BE": ((6.0, 12.0), None, None, None),
    "BG": ((9.0,), None, 9.0, None),
    "CY": ((5.0, 9.0), None, None, None),
    "CZ": ((12.0,), None, 12.0, None),
    "DE": ((7.0,), None, 7.0, None),
    "DK": ((), None, 25.0, 25.0),
    "EE": ((9.0, 13.0), None, None, None),
    "ES": ((10.0,), 4.0, 10.0, 4.0),
    "FI": ((10.0, 13.5), None, None, None),
    "FR": ((5.5, 10.0), 2.1, None, 2.1),
    "GR": ((6.0, 13.0), None, None, None),
    "HR": ((5.0, 13.0), None, None, None),
    "HU": ((5.0, 18.0), None, None, None),
    "IE": ((9.0, 13.5), None, None, None),
    "IT": ((5.0, 10.0), 4.0, None, 4.0),
    "LT": ((5.0, 12.0), None, None, None),
    "LU": ((8.0, 14.0), 3.0, None, 3.0),
    "LV": ((5.0, 12.0), None, None, None),
    "MT": ((5.0, 7.0), None, None, None),
    "NL": ((9.0,), None, 9.0, None),
    "PL": ((5.0, 8.0), None, None, None),
    "PT": ((6.0, 13.0), None, None, None),
    "RO": ((11.0,), None, 11.0, None),
    "SE": ((6.0, 12.0), None, None, None),
    "SI": ((5.0, 9.5), None, None, None),
    "SK": ((5.0, 19.0), None, None, None),
    "XI": ((5.0,), None, 5.0, None),
}
JUNE_2026 = date(2026, 6, 1)


def test_every_destination_has_category_data():
    assert set(CATEGORIES_2026) == rates.EU_GOODS_VAT_AREA == rates.EU_MEMBER_STATES | {"XI"}


@pytest.mark.parametrize("country", sorted(CATEGORIES_2026))
def test_category_rates_2026(country):
    reduced, super_reduced, reduced_rate, super_rate = CATEGORIES_2026[country]
    assert rates.reduced_rates(country, JUNE_2026) == (reduced, super_reduced)
    assert rates.category_rate(country, "standard", JUNE_2026) == EXPECTED_2026.get(country, 20.0)
    assert rates.category_rate(country, "reduced", JUNE_2026) == reduced_rate
    assert rates.category_rate(country, "super_reduced", JUNE_2026) == super_rate
    assert rates.category_rate(country, "zero", JUNE_2026) is None, "zero-rating is decided per product"
    assert rates.valid_rates(country, JUNE_2026) >= {0.0, *reduced}


def test_a_french_reduced_product_to_germany_is_at_7():
    assert rates.home_category("FR", 5.5, JUNE_2026) == "reduced"
    assert rates.category_rate("DE", "reduced", JUNE_2026) == 7.0


@pytest.mark.parametrize("rate,category", [(20.0, "standard"), (10.0, "reduced"), (5.5, "reduced"),
                                           (2.1, "super_reduced"), (0.0, "zero"), (8.5, None)])
def test_french_taxes_give_the_category(rate, category):
    assert rates.home_category("FR", rate, JUNE_2026) == category


def test_candidates_explain_an_ambiguous_category():
    assert rates.category_candidates("IT", "reduced", JUNE_2026) == (5.0, 10.0)
    assert rates.category_candidates("DE", "super_reduced", JUNE_2026) == (7.0, 19.0)
    assert rates.category_candidates("DE", "zero", JUNE_2026) == (0.0, 7.0, 19.0)
    assert rates.category_candidates("DE", "reduced", date(2024, 6, 1)) == (), "no reduced data before 2025"


@pytest.mark.parametrize("country,category,before,after,change", [
    ("RO", "reduced", None, 11.0, date(2025, 8, 1)),  # 5 and 9 merged into 11
    ("RO", "standard", 19.0, 21.0, date(2025, 8, 1)),
    ("EE", "standard", 22.0, 24.0, date(2025, 7, 1)),
    ("LU", "standard", 17.0, 16.0, date(2023, 1, 1)),
])
def test_category_rate_changes(country, category, before, after, change):
    assert rates.category_rate(country, category, change - timedelta(days=1)) == before
    assert rates.category_rate(country, category, change) == after


def test_reduced_rate_changes_are_dated():
    assert rates.reduced_rates("FI", date(2025, 12, 31))[0] == (10.0, 14.0)
    assert rates.reduced_rates("FI", date(2026, 1, 1))[0] == (10.0, 13.5)
    assert rates.reduced_rates("RO", date(2025, 7, 31))[0] == (5.0, 9.0)


def test_category_periods_cover_the_future():
    assert rates.category_periods("RO", "reduced", date(2025, 1, 1)) == [
        (date(2025, 1, 1), date(2025, 7, 31), None), (date(2025, 8, 1), None, 11.0)]
    assert rates.category_periods("DE", "reduced", date(2026, 1, 1)) == [(date(2026, 1, 1), None, 7.0)]
    assert rates.period_start("RO", date(2026, 3, 1)) == date(2025, 8, 1)
    assert rates.change_dates("EE", date(2025, 1, 1)) == [date(2025, 7, 1)]

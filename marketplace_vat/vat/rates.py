"""Standard VAT rates of the 27 EU member states, 2025-2026.

Source: docs/eu-vat notes §7 (compiled from public rate tables, corroborated by Odoo 19's
OSS tax map). Each country holds a history of ``(valid_from, rate)``; the last entry whose
date is not after the asked date wins. Update this table when a member state changes its rate.
"""
from datetime import date

# ISO 3166 code -> [(valid from, standard rate in percent)], oldest first.
STANDARD_RATE_HISTORY = {
    "AT": [(date(2016, 1, 1), 20.0)],
    "BE": [(date(1996, 1, 1), 21.0)],
    "BG": [(date(2007, 1, 1), 20.0)],
    "HR": [(date(2013, 1, 1), 25.0)],
    "CY": [(date(2014, 1, 13), 19.0)],
    "CZ": [(date(2013, 1, 1), 21.0)],
    "DK": [(date(1992, 1, 1), 25.0)],
    "EE": [(date(2024, 1, 1), 22.0), (date(2025, 7, 1), 24.0)],
    "FI": [(date(2013, 1, 1), 24.0), (date(2024, 9, 1), 25.5)],
    "FR": [(date(2014, 1, 1), 20.0)],
    "DE": [(date(2021, 1, 1), 19.0)],
    "GR": [(date(2016, 6, 1), 24.0)],
    "HU": [(date(2012, 1, 1), 27.0)],
    "IE": [(date(2021, 3, 1), 23.0)],
    "IT": [(date(2013, 10, 1), 22.0)],
    "LV": [(date(2011, 1, 1), 21.0)],
    "LT": [(date(2009, 9, 1), 21.0)],
    "LU": [(date(2024, 1, 1), 17.0)],
    "MT": [(date(2004, 5, 1), 18.0)],
    "NL": [(date(2012, 10, 1), 21.0)],
    "PL": [(date(2011, 1, 1), 23.0)],
    "PT": [(date(2011, 1, 1), 23.0)],
    "RO": [(date(2017, 1, 1), 19.0), (date(2025, 8, 1), 21.0)],
    "SK": [(date(2011, 1, 1), 20.0), (date(2025, 1, 1), 23.0)],
    "SI": [(date(2013, 7, 1), 22.0)],
    "ES": [(date(2012, 9, 1), 21.0)],
    "SE": [(date(1990, 7, 1), 25.0)],
}

EU_MEMBER_STATES = frozenset(STANDARD_RATE_HISTORY)

# VIES uses EL for Greece (ISO GR); Northern Ireland goods numbers use XI.
_VIES_PREFIX = {"GR": "EL"}
_ISO_FROM_VIES = {"EL": "GR", "XI": "GB"}


def standard_rate(country_code, on_date=None):
    """Standard VAT rate (percent) of an EU member state on ``on_date`` (default: today).

    Raises ``KeyError`` for a country outside the EU.
    """
    history = STANDARD_RATE_HISTORY[iso_country(country_code)]
    on_date = on_date or date.today()
    rate = history[0][1]
    for valid_from, value in history:
        if valid_from <= on_date:
            rate = value
    return rate


def current_rates(on_date=None):
    """``{country: standard rate}`` for the 27 member states on a date."""
    return {code: standard_rate(code, on_date) for code in sorted(EU_MEMBER_STATES)}


def vies_prefix(country_code):
    """VAT-number prefix VIES expects for an ISO country code (GR -> EL)."""
    code = (country_code or "").upper()
    return _VIES_PREFIX.get(code, code)


def iso_country(code):
    """ISO country code for a VIES prefix (EL -> GR); other codes are returned upper-cased."""
    code = (code or "").upper()
    return _ISO_FROM_VIES.get(code, code)


STANDARD_RATES = current_rates(date(2026, 1, 1))
"""Snapshot of the 2026 standard rates (what new taxes are created with)."""

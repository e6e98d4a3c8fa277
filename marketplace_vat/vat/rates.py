"""VAT rates of a destination on a date, per VAT category (data and sources: ``rate_data.py``).

A product has a VAT category: standard, reduced, super-reduced or zero. At home it follows from the
product's tax (French 20 % standard; 10 and 5.5 % reduced; 2.1 % super-reduced; 0 % zero). In OSS
the destination's rate applies (art. 33(a) and 96 to 99 of directive 2006/112/EC), and the category
gives it only when the destination's rates leave a single candidate:

* standard: the standard rate;
* reduced: the one reduced rate; the standard rate where there is no reduced rate (Denmark);
  no rate where there are several (which one depends on the goods: art. 98 and annex III);
* super-reduced: the super-reduced rate (art. 110); the standard rate where there is no reduced
  rate at all; no rate otherwise;
* zero: no rate (zero-rating is decided per product in each state, art. 98(2) and 110).

``category_rate`` returns ``None`` when no single rate follows: the OSS line is then held until the
product gets its rate for that destination.
"""
from datetime import date

from .rate_data import REDUCED_RATE_HISTORY, STANDARD_RATE_HISTORY

NORTHERN_IRELAND = "XI"  # VAT code of Northern Ireland: in the EU VAT area for goods (Windsor Framework art. 8)
EU_MEMBER_STATES = frozenset(code for code in STANDARD_RATE_HISTORY if code != NORTHERN_IRELAND)
EU_GOODS_VAT_AREA = EU_MEMBER_STATES | {NORTHERN_IRELAND}
CATEGORIES = ("standard", "reduced", "super_reduced", "zero")

# VIES uses EL for Greece (ISO GR); Northern Ireland goods numbers use XI (kept as the territory code).
_VIES_PREFIX = {"GR": "EL"}
_ISO_FROM_VIES = {"EL": "GR"}


def _period(history, on_date):
    """The last period of ``history`` starting on or before ``on_date`` (``None`` before the first)."""
    found = None
    for period in history:
        if period[0] <= on_date:
            found = period
    return found


def standard_rate(country_code, on_date=None):
    """Standard VAT rate (percent) of an EU member state (or XI) on ``on_date`` (default: today).

    Raises ``KeyError`` for a country outside the EU VAT area.
    """
    history = STANDARD_RATE_HISTORY[iso_country(country_code)]
    period = _period(history, on_date or date.today())
    return (period or history[0])[1]


def reduced_rates(country_code, on_date=None):
    """``(reduced rates, super-reduced rate or None)`` on a date; ``None`` when the data does not go back so far."""
    period = _period(REDUCED_RATE_HISTORY[iso_country(country_code)], on_date or date.today())
    return period[1:] if period else None


def category_candidates(country_code, category, on_date=None):
    """The rates a good of ``category`` may bear in the destination (empty when the data is missing)."""
    standard = standard_rate(country_code, on_date)
    rates = reduced_rates(country_code, on_date)
    if category == "standard":
        return (standard,)
    if rates is None:
        return ()
    reduced, super_reduced = rates
    if category == "reduced":
        return reduced or (standard,)
    if category == "super_reduced":
        if super_reduced is not None:
            return (super_reduced,)
        return reduced + (standard,) if reduced else (standard,)
    others = reduced + ((super_reduced,) if super_reduced is not None else ())
    return (0.0,) + tuple(sorted(others)) + (standard,)  # zero


def category_rate(country_code, category, on_date=None):
    """The destination rate of a category on a date, or ``None`` when no single rate follows."""
    candidates = category_candidates(country_code, category, on_date)
    return candidates[0] if len(candidates) == 1 else None


def home_category(country_code, rate, on_date=None):
    """VAT category of a home tax rate (FR: 20 standard, 10 and 5.5 reduced, 2.1 super-reduced, 0 zero)."""
    if not rate:
        return "zero"
    if rate == standard_rate(country_code, on_date):
        return "standard"
    reduced, super_reduced = reduced_rates(country_code, on_date) or ((), None)
    if rate == super_reduced:
        return "super_reduced"
    return "reduced" if rate in reduced else None


def valid_rates(country_code, on_date=None):
    """Every rate in force in the destination (0 included): what a product's own rate may be."""
    reduced, super_reduced = reduced_rates(country_code, on_date) or ((), None)
    extra = (super_reduced,) if super_reduced is not None else ()
    return frozenset((0.0, standard_rate(country_code, on_date), *reduced, *extra))


def period_start(country_code, on_date):
    """First day of the rate period ``on_date`` falls in (the last change of either history before it)."""
    code = iso_country(country_code)
    dates = [period[0] for period in STANDARD_RATE_HISTORY[code] + REDUCED_RATE_HISTORY[code]]
    return max((day for day in dates if day <= on_date), default=min(dates))


def change_dates(country_code, start):
    """Dates after ``start`` when a rate of the destination changes (both histories), in order."""
    code = iso_country(country_code)
    dates = {period[0] for period in STANDARD_RATE_HISTORY[code] + REDUCED_RATE_HISTORY[code]}
    return sorted(day for day in dates if day > start)


def category_periods(country_code, category, start):
    """``[(valid_from, valid_to or None, rate or None)]`` of a category from ``start`` on (future included)."""
    periods = []
    for day in [start, *change_dates(country_code, start)]:
        rate = category_rate(country_code, category, day)
        if periods and periods[-1][2] == rate:
            continue
        if periods:
            periods[-1] = (periods[-1][0], date.fromordinal(day.toordinal() - 1), periods[-1][2])
        periods.append((day, None, rate))
    return periods


def current_rates(on_date=None):
    """``{country: standard rate}`` for the 27 member states on a date."""
    return {code: standard_rate(code, on_date) for code in sorted(EU_MEMBER_STATES)}


def vies_prefix(country_code):
    """VAT-number prefix VIES expects for an ISO country code (GR -> EL)."""
    code = (country_code or "").upper()
    return _VIES_PREFIX.get(code, code)


def iso_country(code):
    """ISO country code for a VIES prefix (EL -> GR); other codes (XI included) are returned upper-cased."""
    code = (code or "").upper()
    return _ISO_FROM_VIES.get(code, code)


STANDARD_RATES = current_rates(date(2026, 1, 1))
"""Snapshot of the 2026 standard rates."""

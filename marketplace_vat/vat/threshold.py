"""The EUR 10,000 threshold of intra-EU distance sales (directive 2006/112/EC art. 59c; CGI art. 258 A I 1°
and 259 D).

A seller established in one member state only taxes its distance sales of goods to consumers of
other member states at home while the total, without VAT, of those sales does not exceed EUR 10,000
in the current calendar year nor did in the previous one (art. 59c(1)(c)). Each year is summed on
its own. Once the total is exceeded during the year, destination VAT applies "as of that time"
(art. 59c(2)): from the sale that crosses it. The seller may opt for destination taxation below the
threshold; the option covers at least two calendar years (art. 59c(3)): here it binds until the end
of the second calendar year after the year it was made.
"""
from dataclasses import dataclass
from datetime import date

DISTANCE_SALES_THRESHOLD = 10_000.0  # EUR, art. 59c(1)(c)
OPTION_BINDING_YEARS = 2  # art. 59c(3)


@dataclass(frozen=True)
class ThresholdStatus:
    destination: bool  # True: destination VAT (OSS) applies to the sale
    reason: str  # option, previous_year, current_year, crossing, below


def threshold_status(on_date, previous_year_total, current_year_total, sale_value=0.0, option_date=None):
    """Whether a distance sale of ``sale_value`` EUR dated ``on_date`` is taxed at destination.

    :param previous_year_total: distance sales of the previous calendar year, EUR without VAT
    :param current_year_total: those of the current year before this sale
    :param option_date: date the company opted for destination taxation (art. 59c(3)), if it did
    """
    if option_date and option_date <= on_date:
        return ThresholdStatus(True, "option")
    if previous_year_total > DISTANCE_SALES_THRESHOLD:
        return ThresholdStatus(True, "previous_year")
    if current_year_total > DISTANCE_SALES_THRESHOLD:
        return ThresholdStatus(True, "current_year")
    if current_year_total + sale_value > DISTANCE_SALES_THRESHOLD:
        return ThresholdStatus(True, "crossing")
    return ThresholdStatus(False, "below")


def option_binding_until(option_date):
    """Last day the option made on ``option_date`` binds the company (two full calendar years after)."""
    return date(option_date.year + OPTION_BINDING_YEARS, 12, 31) if option_date else None

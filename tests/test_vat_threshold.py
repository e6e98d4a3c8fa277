"""The EUR 10,000 distance-sales threshold (directive 2006/112/EC art. 59c), pure rules."""
from datetime import date

import pytest

from odoo.addons.marketplace_vat.vat.threshold import (
    DISTANCE_SALES_THRESHOLD,
    option_binding_until,
    threshold_status,
)

DAY = date(2026, 5, 4)


@pytest.mark.parametrize("previous,current,sale,option,expected", [
    (0.0, 0.0, 100.0, None, (False, "below")),
    (0.0, 9_900.0, 100.0, None, (False, "below")),  # 10,000 is not "exceeded"
    (0.0, 9_900.0, 100.01, None, (True, "crossing")),  # the crossing sale itself: art. 59c(2)
    (0.0, 10_000.01, 5.0, None, (True, "current_year")),
    (10_000.01, 0.0, 5.0, None, (True, "previous_year")),  # art. 59c(1)(c): either year
    (10_000.0, 0.0, 5.0, None, (False, "below")),
    (0.0, 0.0, 5.0, date(2026, 5, 4), (True, "option")),  # art. 59c(3)
    (0.0, 0.0, 5.0, date(2026, 5, 5), (False, "below")),  # an option applies from its date
])
def test_threshold_status(previous, current, sale, option, expected):
    status = threshold_status(DAY, previous, current, sale, option)
    assert (status.destination, status.reason) == expected


def test_the_years_are_not_added_together():
    assert not threshold_status(DAY, 6_000.0, 6_000.0).destination
    assert DISTANCE_SALES_THRESHOLD == 10_000.0


def test_option_binds_two_full_calendar_years():
    assert option_binding_until(date(2026, 5, 4)) == date(2028, 12, 31)
    assert option_binding_until(None) is None

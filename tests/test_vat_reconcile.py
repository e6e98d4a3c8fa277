"""VAT reconciliation arithmetic (marketplace_vat/vat/reconcile.py): rates, VAT per rate, adjustment split."""
import pytest

from odoo.addons.marketplace_vat.vat.reconcile import (
    LineView,
    adjustment_split,
    rate_differences,
    split,
    stated_tax_by_rate,
    tax_differences,
)

A20, C55, ZERO = "taxes 20", "taxes 5.5", "taxes 0"


def view(group, rate, base, theirs_rate=None, theirs_base=None, theirs_tax=None, theirs=True):
    return LineView(f"{group}/{base}", group, rate, base, theirs, theirs_rate, theirs_base, theirs_tax)


def test_rate_differences_only_where_the_marketplace_states_one():
    lines = [view(A20, 20.0, 24.0, 20.0), view(C55, 5.5, 10.0, 7.0), view(A20, 20.0, 5.0),
             view(A20, 20.0, -2.0, theirs=False)]
    assert rate_differences(lines) == [(f"{C55}/10.0", 7.0, 5.5)]
    assert rate_differences([view(A20, 20.0, 24.0, 20.004)]) == [], "a rounded rate is the same rate"


def test_vat_per_rate_needs_every_line_of_the_rate():
    lines = [view(A20, 20.0, 24.0, 20.0, 24.0, 4.0), view(A20, 20.0, 12.0, 20.0, 12.0, 2.0),
             view(C55, 5.5, 10.55, 5.5, 10.55, None)]
    assert stated_tax_by_rate(lines) == {20.0: (6.0, 2)}
    assert tax_differences(lines, {20.0: 6.01}) == [], "one cent per line"
    assert tax_differences(lines, {20.0: 5.5}) == [(20.0, 6.0, 5.5)]
    assert tax_differences([view(ZERO, 0.0, 24.0, 0.0, 24.0, 0.0)], {}) == [], "no tax line for 0 %"


def test_split_rounds_to_cents_and_keeps_the_total():
    assert split(0.05, [24.0, 10.55]) == [0.03, 0.02]
    assert split(-0.10, [1.0, 1.0, 1.0]) == [-0.04, -0.03, -0.03]
    assert sum(split(1.0, [3.0, 3.0, 3.0])) == pytest.approx(1.0)
    assert split(0.07, [0.0, 0.0]) == [0.07, 0.0], "no weight: all on the first group"
    assert split(1.0, []) == []


def test_adjustment_split_in_proportion_without_marketplace_facts():
    lines = [view(A20, 20.0, 24.0), view(C55, 5.5, 10.55)]
    assert adjustment_split(0.05, lines) == [(A20, 0.03), (C55, 0.02)]
    assert adjustment_split(0.0, lines) == []


def test_adjustment_split_follows_the_marketplace_amounts_per_rate():
    # the marketplace's 5.5 % line is 0.40 more than ours; its 20 % line, after its discount (our separate
    # discount line), agrees; 0.02 more in the marketplace's total alone, spread in proportion
    lines = [view(A20, 20.0, 24.0, 20.0, 23.0), view(C55, 5.5, 10.15, 5.5, 10.55), view(A20, 20.0, -1.0, theirs=False)]
    assert dict(adjustment_split(0.42, lines)) == {A20: 0.01, C55: 0.41}


def test_adjustment_of_exempt_lines_stays_exempt():
    assert adjustment_split(0.03, [view(ZERO, 0.0, 24.0)]) == [(ZERO, 0.03)]

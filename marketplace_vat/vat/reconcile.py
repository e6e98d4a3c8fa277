"""VAT reconciliation with the marketplace, per line and per rate (plain Python).

Each invoice line is seen from both sides (:class:`LineView`): our tax rate and amount on the order's
tax basis, and what the marketplace stated for it (rate, amount on the same basis, VAT), ``None`` where
it stated nothing. The checks give readable differences; :func:`adjustment_split` spreads a total gap
over the tax groups, so that an adjustment never moves taxable money out of its VAT rate.

Sources: an invoice states, per rate, the taxable amount and the VAT (CGI ann. II art. 242 nonies A I;
directive 2006/112/EC art. 226(8) to (10)); VAT shown on an invoice is due (CGI art. 283, 3; directive
art. 203); the taxable amount is all the consideration (directive art. 73, 90; CGI art. 266), so an
adjustment keeps the VAT rate of what it adjusts.
"""
from collections import defaultdict
from dataclasses import dataclass

RATE_TOLERANCE = 0.005  # percent points


@dataclass
class LineView:
    label: str
    group: object  # our taxes of the line (adjustment lines of a group carry the same taxes)
    rate: float  # our rate, percent
    base: float  # our amount, on the order's tax basis
    theirs: bool = False  # the line comes from a marketplace line (or its shipping)
    theirs_rate: float | None = None
    theirs_base: float | None = None
    theirs_tax: float | None = None


def _key(rate):
    return round(rate, 2)


def rate_differences(lines):
    """``[(label, theirs, ours)]`` of the lines whose stated rate is not ours (art. 226(9): the rate per line)."""
    return [(line.label, line.theirs_rate, line.rate) for line in lines
            if line.theirs and line.theirs_rate is not None and abs(line.theirs_rate - line.rate) > RATE_TOLERANCE]


def stated_tax_by_rate(lines):
    """``{rate: (VAT stated, number of lines)}`` for the rates whose every marketplace line states its VAT."""
    totals, counts, missing = defaultdict(float), defaultdict(int), set()
    for line in lines:
        if not line.theirs or line.theirs_rate is None:
            continue
        key = _key(line.theirs_rate)
        if line.theirs_tax is None:
            missing.add(key)
        totals[key] += line.theirs_tax or 0.0
        counts[key] += 1
    return {key: (round(totals[key], 2), counts[key]) for key in totals if key not in missing}


def tax_differences(lines, our_tax_by_rate):
    """``[(rate, theirs, ours)]`` where the VAT stated for a rate is not ours (one cent per line allowed)."""
    found = []
    for key, (theirs, count) in sorted(stated_tax_by_rate(lines).items()):
        ours = round(our_tax_by_rate.get(key, 0.0), 2)
        if abs(theirs - ours) > 0.01 * count + 0.0001:
            found.append((key, theirs, ours))
    return found


def split(amount, weights):
    """``amount`` spread in proportion of ``weights``, in cents, the rounding rest on the largest weight."""
    if not weights:
        return []
    total = sum(abs(w) for w in weights)
    shares = [round(amount * abs(w) / total, 2) if total else 0.0 for w in weights]
    largest = max(range(len(weights)), key=lambda i: abs(weights[i]))
    shares[largest] = round(shares[largest] + amount - sum(shares), 2)
    return shares


def adjustment_split(gap, lines):
    """``[(group, amount)]`` adding up to ``gap``, each share keeping its rate (directive art. 73, 90): what
    each tax group lacks against the marketplace's lines of the same rate when every marketplace line
    states its rate and amount; the rest (or the whole gap without those facts) in proportion of our
    amounts per group."""
    groups, ours, rate_of = [], defaultdict(float), {}
    for line in lines:
        if line.group not in ours:
            groups.append(line.group)
            rate_of.setdefault(_key(line.rate), line.group)
        ours[line.group] += line.base
    amounts = dict.fromkeys(groups, 0.0)
    stated = [line for line in lines if line.theirs]
    if stated and all(line.theirs_rate is not None and line.theirs_base is not None for line in stated) \
            and all(_key(line.theirs_rate) in rate_of for line in stated):
        theirs = defaultdict(float)
        for line in stated:
            theirs[rate_of[_key(line.theirs_rate)]] += line.theirs_base
        for group in groups:
            amounts[group] = round(theirs[group] - ours[group], 2) if group in theirs else 0.0
    rest = round(gap - sum(amounts.values()), 2)
    for group, share in zip(groups, split(rest, [ours[g] for g in groups]), strict=True):
        amounts[group] = round(amounts[group] + share, 2)
    return [(group, amount) for group, amount in amounts.items() if amount]

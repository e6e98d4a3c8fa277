"""Wix order amounts: money objects, tax rates, the order discount spread over the lines, additional fees."""
from marketplace_transport import NormalizedCharge
from marketplace_transport.normalized import to_amount


def money(value, what):
    """``{"amount": "12.50"}`` (or a bare number) -> float."""
    if isinstance(value, dict):
        value = value.get("amount")
    return to_amount(value, what)


def tax_rate(details, base=None):
    """Percent rate of ``taxDetails``: ``taxRate`` is a fraction ("0.2"); when it is blank or "0" while
    ``totalTax`` is not zero (the published Get Order example: ``"taxRate": "0"``, ``totalTax`` 2.66 on 66.50,
    a manual 4 % rate), the rate is ``totalTax`` over ``taxableAmount`` (else ``base``); None when unknown."""
    details = details or {}
    raw, tax = details.get("taxRate"), tax_amount(details)
    rate = None if raw in (None, "") else to_amount(raw, "tax rate")
    if not rate and tax:
        taxable = money(details.get("taxableAmount"), "taxable amount") if details.get("taxableAmount") else base
        return round(tax / taxable * 100, 2) if taxable else None
    if rate is None:
        return 0.0 if tax == 0.0 else None  # no rate, a stated zero tax: untaxed
    return round(rate * 100, 2) if rate <= 1 else rate


def tax_amount(details):
    """``taxDetails.totalTax`` (VAT after discounts) as a float, None when not stated."""
    total = (details or {}).get("totalTax")
    return None if total is None else money(total, "tax amount")


def order_total(summary):
    """``priceSummary.total``, or ``totalPrice`` (deprecated, the only one in the published example); None."""
    total = summary.get("total") or summary.get("totalPrice")
    return money(total, "order total") if total else None


def spread_discount(lines, order_discount):
    """Spread the part of ``priceSummary.discount`` not already on the lines, pro rata."""
    already = sum(line.discount_amount for line in lines)
    left = round(abs(order_discount) - already, 2)
    base = sum(line.unit_price * to_amount(line.quantity, "quantity") - line.discount_amount for line in lines)
    if left <= 0.004 or base <= 0:
        return
    left = min(left, base)
    total = left
    for index, line in enumerate(lines):
        room = line.unit_price * to_amount(line.quantity, "quantity") - line.discount_amount
        share = left if index == len(lines) - 1 else min(round(total * room / base, 2), left)
        share = min(share, room)
        line.discount_amount = round(line.discount_amount + share, 2)
        left = round(left - share, 2)


def additional_fees(payload):
    """``additionalFees[]`` (``price`` on the basis of the line prices, ``taxDetails``) as charges."""
    return [NormalizedCharge(label=fee.get("name") or fee.get("code") or "", amount=money(fee.get("price"), "fee"),
                             tax_rate=tax_rate(fee.get("taxDetails"), money(fee.get("totalPriceBeforeTax"), "fee")),
                             kind="fee")
            for fee in payload.get("additionalFees") or [] if isinstance(fee, dict)]

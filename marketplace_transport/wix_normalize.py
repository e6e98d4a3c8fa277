"""Wix order amounts: money objects, tax rates, the order discount spread over the lines, additional fees."""
from marketplace_transport import NormalizedCharge
from marketplace_transport.normalized import to_amount


def money(value, what):
    """``{"amount": "12.50"}`` (or a bare number) -> float."""
    if isinstance(value, dict):
        value = value.get("amount")
    return to_amount(value, what)


def tax_rate(details):
    """Wix tax rates are fractions ("0.2"); return percent, or None."""
    raw = (details or {}).get("taxRate")
    if raw in (None, ""):
        return None
    rate = to_amount(raw, "tax rate")
    return round(rate * 100, 2) if rate <= 1 else rate


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
                             tax_rate=tax_rate(fee.get("taxDetails")), kind="fee")
            for fee in payload.get("additionalFees") or [] if isinstance(fee, dict)]

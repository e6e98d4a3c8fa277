"""Shopify order payload (REST or webhook) -> :class:`NormalizedOrder`, mixed into the transport."""
from marketplace_transport import (
    InvalidOrderError,
    NormalizedAddress,
    NormalizedCharge,
    NormalizedLine,
    NormalizedOrder,
    OrderStatus,
)
from marketplace_transport.normalized import to_amount

from .graphql_shape import is_graphql_order, rest_order

DEFAULT_VAT_ATTRIBUTES = ("vat_number", "vat", "vat_id", "tax_id", "vat_number_eu", "btw_nummer", "ust_idnr")

#: Shopify status -> OrderStatus. The key is the first that applies of: ``cancelled`` (cancelled_at
#: set), the financial statuses ``refunded``/``voided``/``expired``, the fulfillment statuses
#: ``fulfilled``/``restocked``/``partial``, then the financial status.
STATUS_MAP = {
    "cancelled": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
    "voided": OrderStatus.CANCELLED,
    "expired": OrderStatus.CANCELLED,
    "fulfilled": OrderStatus.SHIPPED,
    "restocked": OrderStatus.CANCELLED,
    "partial": OrderStatus.TO_SHIP,  # partly fulfilled: the rest is still to ship
    "paid": OrderStatus.TO_SHIP,
    "partially_refunded": OrderStatus.TO_SHIP,  # unfulfilled, some lines refunded: the rest ships
    "partially_paid": OrderStatus.ACCEPTED,
    "authorized": OrderStatus.ACCEPTED,  # payment authorized, captured later
    "pending": OrderStatus.PENDING,
}
PAID_STATUSES = ("paid", "partially_refunded", "refunded")


def status_key(payload):
    """The :data:`STATUS_MAP` key of a raw order."""
    financial = payload.get("financial_status") or "pending"
    fulfillment = payload.get("fulfillment_status") or ""
    if payload.get("cancelled_at"):
        return "cancelled"
    if financial in ("refunded", "voided", "expired"):
        return financial
    if fulfillment in ("fulfilled", "restocked", "partial"):
        return fulfillment
    return financial


class ShopifyNormalizer:
    """Order payload -> :class:`NormalizedOrder` (lines, addresses, buyer VAT number)."""

    def normalize_order(self, payload):
        """REST/webhook or GraphQL order payload -> :class:`NormalizedOrder` (the same for both)."""
        if not isinstance(payload, dict) or not payload.get("id"):
            raise InvalidOrderError("Shopify order without id")
        raw = payload
        if is_graphql_order(payload):
            payload = rest_order(payload)
        key = status_key(payload)
        if key not in STATUS_MAP:
            raise InvalidOrderError(f"unknown Shopify financial status {payload.get('financial_status')!r}")
        presentment = bool(payload.get("presentment_currency"))
        money = lambda obj, name: _money(obj, name, presentment)  # noqa: E731
        email = payload.get("email") or payload.get("contact_email") or (payload.get("customer") or {}).get("email")
        billing_raw, shipping_raw = payload.get("billing_address"), payload.get("shipping_address")
        default_raw = (payload.get("customer") or {}).get("default_address")
        billing = _address(billing_raw or shipping_raw or default_raw, email)
        shipping = _address(shipping_raw or billing_raw or default_raw, email)
        billing.vat = self._buyer_vat(payload)
        taxes_included = bool(payload.get("taxes_included"))
        shipping_lines = payload.get("shipping_lines") or []
        total = money(payload, "total_price")
        if not taxes_included:  # totals are compared on the prices' tax basis
            total -= money(payload, "total_tax")
        financial = payload.get("financial_status") or "pending"
        refunded = _refunded_quantities(payload)
        order = NormalizedOrder(
            external_id=str(payload["id"]),
            reference=payload.get("name") or str(payload.get("order_number") or payload["id"]),
            updated_at=payload.get("updated_at") or payload.get("created_at"),
            created_at=payload.get("created_at"),
            status=STATUS_MAP[key],
            marketplace_status=("cancelled" if payload.get("cancelled_at")
                                else f"{financial} / {payload.get('fulfillment_status') or 'unfulfilled'}"),
            lines=[self._line(item, money, refunded) for item in payload.get("line_items") or []],
            billing=billing,
            shipping=shipping,
            currency=payload.get("presentment_currency") or payload.get("currency") or "",
            customer_external_id=str((payload.get("customer") or {}).get("id") or ""),
            prices_include_tax=taxes_included,
            shipping_amount=_shipping_price(shipping_lines[0], money) if len(shipping_lines) == 1 else 0.0,
            shipping_tax_rate=_tax_rate(shipping_lines[0]) if len(shipping_lines) == 1 else None,
            shipping_tax_amount=_tax_total(shipping_lines, money) if len(shipping_lines) == 1 else None,
            charges=_charges(payload, shipping_lines, money, presentment),
            total_amount=round(total, 2),
            paid_amount=money(payload, "total_price"),
            is_business=bool(billing.vat or payload.get("company")),
            paid=financial in PAID_STATUSES,
            raw=raw,
            custom_lines=True,  # custom items, tips, gift cards: no SKU
            addresses_optional=True,  # admin orders, no protected customer data access
        )
        return order.clean()

    def _line(self, item, money, refunded):
        allocations = item.get("discount_allocations")
        if allocations:
            discount = sum(money(a, "amount") for a in allocations)
        else:
            discount = money(item, "total_discount")
        ordered = item.get("quantity")
        quantity = _edited_quantity(item, refunded)
        if quantity != ordered and ordered:  # allocations cover the units removed by an edit too
            discount = round(discount * quantity / to_amount(ordered, "quantity"), 2)
        return NormalizedLine(
            external_id=str(item.get("id") or ""),
            sku=item.get("sku") or "",
            name=item.get("name") or item.get("title") or "",
            quantity=quantity,
            cancelled=quantity == 0,  # removed by an order edit
            unit_price=money(item, "price"),
            discount_amount=discount,
            tax_rate=_tax_rate(item),
            tax_amount=_tax_total([item], money),
            shippable=item.get("requires_shipping", True) is not False,
            status=item.get("fulfillment_status") or "",
        )

    def _buyer_vat(self, payload):
        """B2B VAT number from the note attributes (names configurable: ``vat_attributes``)."""
        names = self.option("vat_attributes", DEFAULT_VAT_ATTRIBUTES)
        if isinstance(names, str):
            names = [n for n in names.split(",")]
        wanted = {_attribute_key(n) for n in names if n.strip()}
        for attribute in payload.get("note_attributes") or []:
            if isinstance(attribute, dict) and _attribute_key(attribute.get("name")) in wanted \
                    and attribute.get("value"):
                return str(attribute["value"])
        return ""


def _refunded_quantities(payload):
    """Line id -> units refunded so far (``refunds[].refund_line_items``)."""
    refunded = {}
    for refund in payload.get("refunds") or []:
        for item in refund.get("refund_line_items") or []:
            key = str(item.get("line_item_id"))
            refunded[key] = refunded.get(key, 0) + (item.get("quantity") or 0)
    return refunded


def _edited_quantity(item, refunded):
    """Units still ordered after order edits: ``current_quantity`` (GraphQL ``currentQuantity``)
    excludes refunded and removed units, so the refunded ones are added back; refunds are the
    refund flow's business, edits change what was sold."""
    ordered, current = item.get("quantity"), item.get("current_quantity")
    if current is None or not isinstance(ordered, int):
        return ordered
    return min(ordered, current + refunded.get(str(item.get("id")), 0))


def _shipping_price(line, money):
    return money(line, "discounted_price" if line.get("discounted_price") is not None else "price")


def _charges(payload, shipping_lines, money, presentment):
    """Several shipping lines (each with its own tax), duties and additional fees, as charges."""
    charges = []
    if len(shipping_lines) > 1:
        charges = [NormalizedCharge(label=s.get("title") or s.get("code") or "", amount=_shipping_price(s, money),
                                    tax_rate=_tax_rate(s), kind="shipping") for s in shipping_lines]
    duties = _money_set(payload, "original_total_duties", presentment)
    if duties:
        charges.append(NormalizedCharge(label="Duties", amount=duties, tax_rate=0.0, kind="duty"))
    fees = _money_set(payload, "original_total_additional_fees", presentment)
    if fees:
        charges.append(NormalizedCharge(label="Additional fees", amount=fees, kind="fee"))
    return charges


def _money_set(obj, name, presentment):
    """Amount of a money set only field (``<name>_set``, may be null): 0.0 when absent."""
    money_set = obj.get(f"{name}_set") or {}
    amount = (money_set.get("presentment_money" if presentment else "shop_money") or {}).get("amount")
    return to_amount(amount, name)


def _money(obj, name, presentment):
    """Amount of ``name`` in the currency the buyer paid (``<name>_set.presentment_money``)."""
    money_set = obj.get(f"{name}_set") if presentment else None
    if isinstance(money_set, dict) and isinstance(money_set.get("presentment_money"), dict):
        return to_amount(money_set["presentment_money"].get("amount"), name)
    return to_amount(obj.get(name), name)


def _tax_rate(item):
    """Percent rate from ``tax_lines`` (Shopify rates are fractions: 0.2 = 20 %)."""
    tax_lines = item.get("tax_lines") or []
    if tax_lines:
        return round(sum(to_amount(t.get("rate"), "tax rate") for t in tax_lines) * 100, 4)
    if item.get("taxable") is False:
        return 0.0
    return None


def _tax_total(items, money):
    """VAT of line items or shipping lines: the sum of their ``tax_lines[].price`` (0.0 when not taxable)."""
    amounts = []
    for item in items:
        tax_lines = item.get("tax_lines") or []
        if not tax_lines and item.get("taxable") is not False:
            return None
        amounts.extend(money(t, "price") for t in tax_lines)
    return round(sum(amounts), 2)


def _attribute_key(name):
    return "".join(ch for ch in str(name or "").lower() if ch.isalnum())


def _address(data, email):
    data = data or {}
    name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
    return NormalizedAddress(
        name=name, company_name=data.get("company") or "", street=data.get("address1") or "",
        street2=data.get("address2") or "", zip=data.get("zip") or "", city=data.get("city") or "",
        state_code=data.get("province_code") or "", country_code=data.get("country_code") or "",
        email=email or "", phone=data.get("phone") or "")

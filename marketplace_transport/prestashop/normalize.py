"""PrestaShop order states (default table, channel mapping) and the normalizer of completed order
payloads, mixed into the transport."""
from marketplace_transport import (
    InvalidOrderError,
    NormalizedAddress,
    NormalizedCharge,
    NormalizedLine,
    NormalizedOrder,
    OrderStatus,
)
from marketplace_transport.normalized import to_amount
from marketplace_transport.status_map import StateMapError, parse_state_map  # noqa: F401 (re-exported)

#: PrestaShop order state id (default states of a fresh install) -> OrderStatus.
#: Shops with other ids or custom states override it with the channel's state mapping;
#: ids in neither fall back on the state's own flags (shipped, paid).
STATUS_MAP = {
    "1": OrderStatus.PENDING,  # Awaiting check payment
    "2": OrderStatus.TO_SHIP,  # Payment accepted
    "3": OrderStatus.TO_SHIP,  # Processing in progress
    "4": OrderStatus.SHIPPED,  # Shipped
    "5": OrderStatus.DELIVERED,  # Delivered
    "6": OrderStatus.CANCELLED,  # Canceled
    "7": OrderStatus.REFUNDED,  # Refunded
    "8": OrderStatus.PENDING,  # Payment error: nothing to ship until the buyer pays again
    "9": OrderStatus.TO_SHIP,  # On backorder (paid)
    "10": OrderStatus.PENDING,  # Awaiting bank wire payment
    "11": OrderStatus.TO_SHIP,  # Remote payment accepted
    "12": OrderStatus.PENDING,  # On backorder (not paid)
    "13": OrderStatus.ACCEPTED,  # Awaiting cash-on-delivery validation: shipped, paid on delivery
}


def ps_text(value, language_id=""):
    """A multilingual field as one text: the webservice sends ``[{"id": "1", "value": "..."}, ...]``
    when the shop has several languages (a plain string with one language or ``language=``).

    :param language_id: the channel's PrestaShop language id; missing: the first language sent
    """
    if isinstance(value, dict):  # {"language": [...]} (XML converted) or a single {"id", "value"}
        value = value.get("language", value)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return "" if value is None else str(value)
    entries = [entry for entry in value if isinstance(entry, dict)]
    chosen = next((e for e in entries if str(e.get("id")) == str(language_id)), entries[0] if entries else {})
    return str(chosen.get("value") or "")


class PrestashopNormalizer:
    """Completed order payload -> :class:`NormalizedOrder`; order state -> :class:`OrderStatus`."""

    def map_status(self, state_id, state=None):
        """Order state id -> OrderStatus: the mapping table, else the state's own flags."""
        state_id = str(state_id)
        if state_id in self.state_map:
            return self.state_map[state_id]
        state = state or {}
        if state.get("shipped") == "1":
            return OrderStatus.SHIPPED
        if state.get("paid") == "1":
            return OrderStatus.TO_SHIP
        return OrderStatus.PENDING

    def _address(self, values, role, email=""):
        if not values:
            raise InvalidOrderError(f"{role} address missing (deleted in the shop, or the key cannot read it)")
        return NormalizedAddress(
            name=" ".join(filter(None, [values.get("firstname"), values.get("lastname")])),
            company_name=values.get("company") or "",
            street=values.get("address1") or "", street2=values.get("address2") or "",
            zip=values.get("postcode") or "", city=values.get("city") or "",
            country_code=values.get("country_iso") or "", email=email,
            phone=values.get("phone") or values.get("phone_mobile") or "",
            vat=values.get("vat_number") or "")

    def normalize_order(self, payload):
        """Completed order payload -> NormalizedOrder (tax basis per ``prices_include_tax``)."""
        related = payload.get("_related") or {}
        incl = bool(self.option("prices_include_tax", True))
        suffix = "tax_incl" if incl else "tax_excl"
        customer = related.get("customer") or {}
        email = customer.get("email") or ""
        rows = (payload.get("associations") or {}).get("order_rows") or []
        if isinstance(rows, dict):  # a single row may come as an object
            rows = [rows]
        lines = []
        for row in rows:
            price_incl = to_amount(row.get("unit_price_tax_incl"), "unit price incl. tax")
            price_excl = to_amount(row.get("unit_price_tax_excl"), "unit price excl. tax")
            lines.append(NormalizedLine(
                external_id=str(row.get("id") or ""), quantity=row.get("product_quantity"),
                unit_price=price_incl if incl else price_excl, sku=row.get("product_reference") or "",
                ean=row.get("product_ean13") or "", name=self.text(row.get("product_name")),
                tax_rate=self._rate(price_incl, price_excl)))
        discounts = to_amount(payload.get(f"total_discounts_{suffix}"), "discounts")
        charges = self._cart_rule_charges(related.get("cart_rules"), incl, discounts)
        if not charges:  # rules not readable (older shop, key without the right): spread the total
            self._spread_discount(lines, discounts)
        state_id = str(payload.get("current_state") or "")
        state = related.get("state") or {}
        billing = self._address(related.get("invoice"), "billing", email)
        shipping = self._address(related.get("delivery"), "shipping", email)
        shipping_incl = to_amount(payload.get("total_shipping_tax_incl"), "shipping incl. tax")
        shipping_excl = to_amount(payload.get("total_shipping_tax_excl"), "shipping excl. tax")
        wrapping = to_amount(payload.get(f"total_wrapping_{suffix}"), "wrapping")
        order = NormalizedOrder(
            external_id=str(payload.get("id") or ""),
            reference=payload.get("reference") or "",
            updated_at=self._from_shop(payload.get("date_upd")) or payload.get("date_upd"),
            created_at=self._from_shop(payload.get("date_add")),
            status=self.map_status(state_id, state),
            marketplace_status=f"{state_id} {self.text(state.get('name'))}".strip(),
            lines=lines, billing=billing, shipping=shipping,
            currency=related.get("currency") or "",
            customer_external_id=str(payload.get("id_customer") or ""),
            prices_include_tax=incl,
            shipping_amount=(shipping_incl if incl else shipping_excl) + wrapping,
            shipping_tax_rate=self._rate(shipping_incl, shipping_excl),
            total_amount=to_amount(payload.get(f"total_paid_{suffix}"), "order total"),
            paid_amount=(to_amount(payload["total_paid_tax_incl"], "paid amount")
                         if payload.get("total_paid_tax_incl") not in (None, "") else None),
            is_business=bool(billing.company_name or billing.vat),
            paid=payload.get("valid") == "1",
            raw=payload, custom_lines=True,  # products without reference
            charges=charges,
        )
        if not order.currency:
            raise InvalidOrderError(f"currency {payload.get('id_currency')} unknown to the shop's webservice")
        return order.clean()

    def text(self, value):
        """A multilingual field in the channel's language (option ``language_id``)."""
        return ps_text(value, self.option("language_id", ""))

    def _cart_rule_charges(self, rules, incl, discounts):
        """``order_cart_rules`` as negative charges named after each rule; none when they do not add up
        to the order's ``total_discounts`` (then the total is spread over the lines)."""
        charges = []
        for rule in rules or []:
            if not isinstance(rule, dict) or rule.get("deleted") == "1":
                continue
            value = to_amount(rule.get("value"), "cart rule value")
            value_excl = to_amount(rule.get("value_tax_excl"), "cart rule value excl. tax")
            charges.append(NormalizedCharge(label=self.text(rule.get("name")) or "cart rule", kind="discount",
                                            amount=-(value if incl else value_excl),
                                            tax_rate=self._rate(value, value_excl)))
        if abs(sum(-c.amount for c in charges) - abs(discounts)) > 0.01:
            return []
        return charges

    @staticmethod
    def _rate(incl, excl):
        """Tax rate in percent from a tax-included / excluded pair (None when not computable)."""
        if excl <= 0:
            return None
        return round((incl / excl - 1) * 100, 1)

    @staticmethod
    def _spread_discount(lines, discount):
        """Spread the order's cart-rule discount over the lines, pro rata of their amounts."""
        discount = abs(discount)
        base = sum(to_amount(line.unit_price, "price") * to_amount(line.quantity, "quantity") for line in lines)
        if discount <= 0 or base <= 0:
            return
        discount = min(discount, base)  # free-shipping rules can exceed the products; keep the lines >= 0
        left = round(discount, 2)
        for index, line in enumerate(lines):
            amount = float(line.unit_price) * float(line.quantity)
            share = left if index == len(lines) - 1 else round(discount * amount / base, 2)
            line.discount_amount = min(share, amount)
            left = round(left - line.discount_amount, 2)

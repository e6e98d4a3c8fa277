"""WooCommerce v3 order payload -> :class:`NormalizedOrder`, mixed into the transport."""
import html
from functools import cached_property

from marketplace_transport import (
    InvalidOrderError,
    NormalizedAddress,
    NormalizedCharge,
    NormalizedLine,
    NormalizedOrder,
    OrderStatus,
)
from marketplace_transport.normalized import to_amount
from marketplace_transport.status_map import parse_state_map

DEFAULT_VAT_META_KEYS = ("_billing_vat", "_billing_vat_number", "_vat_number", "vat_number", "billing_vat",
                         "_billing_eu_vat_number", "yweu_billing_vat")

#: WooCommerce order status -> OrderStatus. Partial refunds keep the order's status
#: (the raw status then reads e.g. "processing (partially refunded)").
STATUS_MAP = {
    "pending": OrderStatus.PENDING,  # awaiting payment
    "failed": OrderStatus.PENDING,  # payment failed; the buyer may pay again
    "checkout-draft": OrderStatus.PENDING,
    "on-hold": OrderStatus.ACCEPTED,  # awaiting payment confirmation (bank transfer...)
    "processing": OrderStatus.TO_SHIP,  # paid, to ship
    "completed": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
    "trash": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
}
PAID_STATUSES = ("processing", "completed", "refunded")


class WooCommerceNormalizer:
    """Order payload -> :class:`NormalizedOrder` (lines, addresses, buyer VAT number)."""

    @cached_property
    def status_map(self):
        """The default table with the channel's ``status_map`` lines (custom statuses, overrides)."""
        extra = parse_state_map(self.option("status_map"))
        return dict(STATUS_MAP, **{key.removeprefix("wc-"): value for key, value in extra.items()})

    def map_status(self, status):
        """WooCommerce status slug -> OrderStatus; an unmapped one fails the order naming where to map it."""
        mapped = self.status_map.get(status)
        if mapped is None:
            raise InvalidOrderError(
                f"unknown WooCommerce order status {status!r}: map it on the channel (WooCommerce tab, "
                f"Order status mapping), e.g. {status or 'status'}=to_ship",
                code="unknown_status", params={"status": status, "marketplace": "WooCommerce"})
        return mapped

    def normalize_order(self, payload):
        """v3 order payload -> :class:`NormalizedOrder`."""
        if not isinstance(payload, dict) or not payload.get("id"):
            raise InvalidOrderError("WooCommerce order without id")
        status = payload.get("status") or ""
        mapped = self.map_status(status)
        included = bool(payload.get("prices_include_tax"))
        rates = {t.get("rate_id"): t.get("rate_percent") for t in payload.get("tax_lines") or []
                 if isinstance(t, dict) and not t.get("compound")}
        billing_raw = payload.get("billing") or {}
        shipping_raw = payload.get("shipping") or {}
        if not any(shipping_raw.get(k) for k in ("first_name", "last_name", "company", "address_1")):
            shipping_raw = billing_raw  # virtual orders have no shipping address
        billing = _address(billing_raw, billing_raw.get("email"))
        shipping = _address(shipping_raw, billing_raw.get("email"))
        shipping.phone = shipping.phone or billing.phone
        billing.vat = self._buyer_vat(payload)
        shipping_lines = payload.get("shipping_lines") or []
        shipping_amount = sum(_amount(s, "total") + (_amount(s, "total_tax") if included else 0)
                              for s in shipping_lines)
        total = _amount(payload, "total") - (0 if included else _amount(payload, "total_tax"))
        refunded = sum(-_amount(r, "total") for r in payload.get("refunds") or [])
        raw_status = status + (" (partially refunded)" if refunded > 0.001 and status != "refunded" else "")
        order = NormalizedOrder(
            external_id=str(payload["id"]),
            reference=str(payload.get("number") or payload["id"]),
            updated_at=(payload.get("date_modified_gmt") or payload.get("date_modified")
                        or payload.get("date_created_gmt")),
            created_at=payload.get("date_created_gmt") or payload.get("date_created"),
            status=mapped,
            marketplace_status=raw_status,
            lines=[self._line(item, included, rates) for item in payload.get("line_items") or []
                   if (item.get("quantity") or 0) > 0],
            billing=billing,
            shipping=shipping,
            currency=payload.get("currency") or "",
            customer_external_id=str(payload.get("customer_id") or "") if payload.get("customer_id") else "",
            prices_include_tax=included,
            shipping_amount=round(shipping_amount, 2),
            shipping_tax_rate=_rate(shipping_lines[0], rates, "total") if shipping_lines else None,
            shipping_tax_amount=round(sum(_amount(s, "total_tax") for s in shipping_lines), 2),
            total_amount=round(total, 2),  # on the prices' tax basis, as the pipeline compares it
            paid_amount=_amount(payload, "total"),
            is_business=bool(billing.vat or billing.company_name),
            paid=bool(payload.get("date_paid_gmt") or payload.get("date_paid")) or status in PAID_STATUSES,
            raw=payload,
            custom_lines=True,  # products without SKU, deleted products
            addresses_optional=True,  # orders created in the admin may have none
            charges=[_fee(fee, included, rates) for fee in payload.get("fee_lines") or [] if isinstance(fee, dict)],
        )
        return order.clean()

    @staticmethod
    def _line(item, included, rates):
        """Line prices on the order's basis: WooCommerce amounts are tax excluded, taxes apart."""
        quantity = to_amount(item.get("quantity"), "quantity") or 1
        subtotal = _amount(item, "subtotal") + (_amount(item, "subtotal_tax") if included else 0)
        total = _amount(item, "total") + (_amount(item, "total_tax") if included else 0)
        return NormalizedLine(
            external_id=str(item.get("id") or ""),
            sku=item.get("sku") or "",
            name=html.unescape(item.get("name") or ""),  # names come HTML-escaped (&ndash;)
            quantity=item.get("quantity"),
            unit_price=round(subtotal / quantity, 6),
            discount_amount=round(max(subtotal - total, 0.0), 2),
            tax_rate=_rate(item, rates, "subtotal"),
            tax_amount=_amount(item, "total_tax"),
        )

    def _buyer_vat(self, payload):
        """B2B VAT number from order meta (keys configurable: ``vat_meta_keys``)."""
        keys = self.option("vat_meta_keys", DEFAULT_VAT_META_KEYS)
        if isinstance(keys, str):
            keys = keys.split(",")
        wanted = [k.strip().lower() for k in keys if k.strip()]
        meta = {str(m.get("key", "")).lower(): m.get("value") for m in payload.get("meta_data") or []
                if isinstance(m, dict)}
        for key in wanted:
            if isinstance(meta.get(key), str) and meta[key].strip():
                return meta[key]
        return ""


def _amount(obj, name):
    return to_amount(obj.get(name), name)


def _rate(item, rates, basis):
    """Percent rate: the order's ``tax_lines[].rate_percent`` of the item's taxes, else computed."""
    taxes = [t for t in item.get("taxes") or [] if isinstance(t, dict)]
    known = [rates.get(t.get("id")) for t in taxes]
    if taxes and all(r is not None for r in known):
        return round(sum(to_amount(r, "tax rate") for r in known), 4)
    base = _amount(item, basis)
    tax = _amount(item, f"{basis}_tax") if basis == "subtotal" else _amount(item, "total_tax")
    if not taxes and not tax:
        return 0.0 if base else None
    return round(tax / base * 100, 2) if base else None


def _fee(fee, included, rates):
    """A ``fee_lines`` entry (positive or negative, taxed as sent) on the prices' tax basis."""
    amount = _amount(fee, "total") + (_amount(fee, "total_tax") if included else 0)
    return NormalizedCharge(label=html.unescape(fee.get("name") or ""), amount=round(amount, 2),
                            tax_rate=_rate(fee, rates, "total"), kind="fee")


def _address(data, email):
    name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
    return NormalizedAddress(
        name=name, company_name=data.get("company") or "", street=data.get("address_1") or "",
        street2=data.get("address_2") or "", zip=data.get("postcode") or "", city=data.get("city") or "",
        state_code=data.get("state") or "", country_code=data.get("country") or "", email=email or "",
        phone=data.get("phone") or "")

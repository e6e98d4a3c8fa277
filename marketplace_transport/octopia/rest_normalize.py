"""Octopia order payload -> :class:`NormalizedOrder`: the normalizer half of :class:`.rest.OctopiaRestTransport`."""
from marketplace_transport import (
    InvalidOrderError,
    NormalizedAddress,
    NormalizedFee,
    NormalizedLine,
    NormalizedOrder,
)

from .rest_common import (
    ADDRESS_MASKED_STATUSES,
    LINE_CANCEL_REQUEST,
    ORDER_STATUS_MAP,
    PAID_STATUSES,
    PLACEHOLDER_COUNTRY,
    SELLER_SUPPLY_MODE,
    SHIPPING_COST_PER_LINE,
    _scrub_surrogates,
)


class OctopiaOrderNormalizer:
    """Order keys and normalization of Octopia order payloads (mixed into the transport)."""

    def order_key(self, payload):
        if not isinstance(payload, dict):
            return "", ""
        return _scrub_surrogates(str(payload.get("orderId") or "")), str(payload.get("updatedAt") or "")

    def normalize_order(self, payload):
        """Octopia order -> :class:`NormalizedOrder` (prices VAT included, shipping from lines)."""
        if not isinstance(payload, dict):
            raise InvalidOrderError("Octopia order payload is not a JSON object")
        payload = _scrub_surrogates(payload)  # "\udcff" JSON escapes cannot be stored by PostgreSQL
        order_id = str(payload.get("orderId") or "").strip()
        try:
            return self._normalize(payload, order_id).clean()
        except InvalidOrderError as exc:
            raise InvalidOrderError(f"Octopia order {order_id or '(no orderId)'}: {exc.message}") from exc
        except (AttributeError, TypeError, KeyError, ValueError, ArithmeticError) as exc:
            raise InvalidOrderError(
                f"Octopia order {order_id or '(no orderId)'}: malformed payload ({type(exc).__name__}: {exc})"
            ) from exc

    def _normalize(self, payload, order_id):
        if not order_id:
            raise InvalidOrderError("no orderId")
        raw_status = payload.get("status")
        status = ORDER_STATUS_MAP.get(raw_status)
        if status is None:
            raise InvalidOrderError(f"unknown Octopia status {raw_status!r}")
        raw_lines = payload.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise InvalidOrderError("no order lines")
        lines = [self._normalize_line(raw, index) for index, raw in enumerate(raw_lines)]
        shipping_source = self._shipping_address_source(raw_lines)
        billing_source = payload.get("billingAddress") or shipping_source
        if not billing_source and raw_status in ADDRESS_MASKED_STATUSES:
            billing_source = self._placeholder_address(payload)
        if not billing_source:
            raise InvalidOrderError("neither a billing address nor a shipping address")
        billing = self._address(billing_source)
        shipping = self._address(shipping_source) if shipping_source else self._address(billing_source)
        billing.email = billing.email or shipping.email
        billing.phone = billing.phone or shipping.phone
        shipping_amount = 0.0
        shipping_rate = None
        for raw in raw_lines:
            selling = raw.get("sellingPrice") or {}
            per = 1 if SHIPPING_COST_PER_LINE else float(raw.get("quantity") or 1)
            shipping_amount += float(selling.get("shippingCost") or 0.0) * per
            if shipping_rate is None:
                shipping_rate = self._tax_rate(selling.get("taxes"), shipping=True)
        total = (payload.get("totalPrice") or {}).get("sellingPrice")
        return NormalizedOrder(
            external_id=order_id,
            reference=payload.get("reference") or order_id,
            updated_at=payload.get("updatedAt"),
            created_at=payload.get("createdAt") or payload.get("purchasedAt"),
            status=status,
            marketplace_status=raw_status,
            lines=lines,
            billing=billing,
            shipping=shipping,
            currency=payload.get("currencyCode") or "EUR",
            customer_external_id=(payload.get("customer") or {}).get("reference") or "",
            prices_include_tax=True,
            shipping_amount=round(shipping_amount, 2),
            shipping_tax_rate=shipping_rate,
            fees=self._fees(payload, raw_lines),
            total_amount=total,
            is_business=bool(payload.get("businessOrder")),
            paid=status in PAID_STATUSES,
            raw=payload,
        )

    def _normalize_line(self, raw, index):
        if not isinstance(raw, dict):
            raise InvalidOrderError(f"line {index + 1} is not a JSON object")
        offer = raw.get("offer") or {}
        selling = raw.get("sellingPrice") or {}
        if selling.get("unitSalesPrice") is None:
            raise InvalidOrderError(f"line {index + 1} ({offer.get('sellerProductId') or '?'}): "
                                    "no sellingPrice.unitSalesPrice")
        line_status = raw.get("status") or ""
        return NormalizedLine(
            external_id=str(raw.get("orderLineId") or ""),
            quantity=raw.get("quantity"),
            unit_price=selling.get("unitSalesPrice"),
            sku=offer.get("sellerProductId") or "",
            ean=offer.get("productGtin") or "",
            name=offer.get("productTitle") or "",
            tax_rate=self._tax_rate(selling.get("taxes"), shipping=False),
            shippable=(offer.get("supplyMode") or SELLER_SUPPLY_MODE) == SELLER_SUPPLY_MODE,
            status=line_status,
            cancel_requested=line_status == LINE_CANCEL_REQUEST,
        )

    @staticmethod
    def _tax_rate(taxes, shipping):
        """VAT rate (percent) of the product or shipping part of ``sellingPrice.taxes``."""
        for tax in taxes or ():
            if not isinstance(tax, dict) or str(tax.get("code") or "VAT").upper() != "VAT":
                continue
            is_shipping = "shipping" in str(tax.get("target") or "").lower()
            if is_shipping != shipping or tax.get("rate") in (None, ""):
                continue
            rate = float(tax["rate"])
            # [INFERRED] a rate given as a fraction (0.2) rather than a percent (20.0)
            return rate * 100 if 0 < rate < 1 else rate
        return None

    @staticmethod
    def addresses_pending(payload):
        """True while no line carries its shipping address (before InPreparation)."""
        lines = payload.get("lines") if isinstance(payload, dict) else None
        return not any(isinstance(line, dict) and line.get("shippingAddress") for line in lines or ())

    @staticmethod
    def _placeholder_address(payload):
        """The buyer of an order Octopia shows without addresses yet (completed by a later poll)."""
        channel = str((payload.get("salesChannel") or {}).get("id") or "")
        country = channel[-2:].upper() if len(channel) > 2 and channel[-2:].isalpha() else PLACEHOLDER_COUNTRY
        reference = str((payload.get("customer") or {}).get("reference") or "").strip()
        return {"lastName": f"Octopia customer {reference}".strip(), "countryCode": country}

    @staticmethod
    def _shipping_address_source(raw_lines):
        """Shipping address of the first Seller line (it sits on lines, not on the order)."""
        with_address = [r for r in raw_lines if isinstance(r, dict) and r.get("shippingAddress")]
        for raw in with_address:
            if ((raw.get("offer") or {}).get("supplyMode") or SELLER_SUPPLY_MODE) == SELLER_SUPPLY_MODE:
                return raw["shippingAddress"]
        return with_address[0]["shippingAddress"] if with_address else None

    @staticmethod
    def _address(data):
        if not isinstance(data, dict):
            raise InvalidOrderError("an address is not a JSON object")
        name = " ".join(str(data.get(k) or "").strip() for k in ("firstName", "lastName")).strip()
        street2 = ", ".join(str(data.get(k)).strip() for k in ("addressLine2", "addressLine3") if data.get(k))
        return NormalizedAddress(
            name=name, company_name=data.get("companyName") or "", street=data.get("addressLine1") or "",
            street2=street2, zip=data.get("postalCode") or "", city=data.get("city") or "",
            country_code=data.get("countryCode") or "", email=data.get("email") or "",
            phone=data.get("phone") or data.get("mobilePhone") or "", vat=data.get("companyVatNumber") or "",
            pickup_id=data.get("pickupId") or "", pickup_name=data.get("pickupName") or "")

    @staticmethod
    def _fees(payload, raw_lines):
        fees = [NormalizedFee(fee.get("label") or "Octopia fee", fee.get("amount"))
                for fee in payload.get("serviceFees") or () if isinstance(fee, dict)]
        if fees:
            return fees
        commission = 0.0
        for raw in raw_lines:
            data = ((raw.get("offerPrice") or {}).get("commission") or {})
            commission += float(data.get("amountWithVat") or data.get("amountWithTax") or 0.0)
        return [NormalizedFee("Octopia commission", round(commission, 2))] if commission else []

"""The one normalized shape every transport returns, and the requests sent back.

Amounts are floats in the order currency, as charged to the buyer. ``prices_include_tax``
says whether unit prices, shipping and discounts include VAT. Datetimes are aware (UTC).
"""
import enum
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .exceptions import InvalidOrderError

MAX_TEXT = 256
MAX_QUANTITY = 100000
MAX_UNIT_PRICE = 1000000.0
_EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class OrderStatus(enum.StrEnum):
    """Marketplace-independent order states; each transport maps its own to these."""

    PENDING = "pending"  # not actionable yet (Processing...)
    WAITING_ACCEPTANCE = "waiting_acceptance"  # the seller must accept or refuse
    ACCEPTED = "accepted"  # accepted, payment/controls in progress
    TO_SHIP = "to_ship"  # paid, to prepare and ship
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUSED = "refused"  # refused by the seller
    REFUNDED = "refunded"

    @property
    def is_cancelled(self):
        return self in (OrderStatus.CANCELLED, OrderStatus.REFUSED)

    @property
    def is_done(self):
        return self in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def clean_text(value, limit=MAX_TEXT):
    """Strip control characters and surrounding blanks, cut to ``limit`` characters."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    value = _CONTROL_RE.sub("", str(value)).strip()
    return value[:limit]


def parse_datetime(value):
    """ISO-8601 string (Z or offset) -> aware UTC datetime; naive values are taken as UTC."""
    if isinstance(value, datetime):
        dt = value
    elif not value:
        raise InvalidOrderError("missing date")
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError as exc:
            raise InvalidOrderError(f"invalid date {value!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_amount(value, what):
    """A finite float, or a typed error naming the field."""
    try:
        amount = float(value if value not in (None, "") else 0.0)
    except (TypeError, ValueError) as exc:
        raise InvalidOrderError(f"{what}: not a number ({value!r})") from exc
    if not math.isfinite(amount):
        raise InvalidOrderError(f"{what}: not a finite number ({value!r})")
    return amount


@dataclass
class NormalizedAddress:
    name: str = ""
    company_name: str = ""
    street: str = ""
    street2: str = ""
    zip: str = ""
    city: str = ""
    state_code: str = ""
    country_code: str = ""
    email: str = ""
    phone: str = ""
    vat: str = ""
    pickup_id: str = ""  # relay / pickup point
    pickup_name: str = ""

    def clean(self, role, optional=False):
        """Validate in place; ``optional``: an address without name nor street is kept empty
        (:attr:`is_empty`), for the importer to decide."""
        for attr in ("name", "company_name", "street", "street2", "zip", "city", "state_code",
                     "email", "phone", "vat", "pickup_id", "pickup_name"):
            setattr(self, attr, clean_text(getattr(self, attr)))
        self.country_code = clean_text(self.country_code).upper()
        if optional and self.is_empty:
            self.country_code = self.country_code if _COUNTRY_RE.match(self.country_code) else ""
            return self
        if not self.name and not self.company_name:
            raise InvalidOrderError(f"{role} address: no name")
        if not _COUNTRY_RE.match(self.country_code):
            raise InvalidOrderError(
                f"{role} address: invalid country code {self.country_code!r} (ISO 3166 alpha-2 expected)")
        if self.email and not _EMAIL_RE.match(self.email):
            self.email = ""  # an unusable e-mail must not block the order; matching falls back to name
        self.vat = re.sub(r"[\s.\-]", "", self.vat).upper()
        return self

    @property
    def display_name(self):
        return self.name or self.company_name

    @property
    def is_empty(self):
        """No name and no street: the marketplace withheld the address (or there is none)."""
        return not (self.name or self.company_name or self.street)

    def missing_fields(self):
        """Names of the contact fields this address lacks, for messages."""
        return [label for label, value in (("name", self.display_name), ("street", self.street), ("zip", self.zip),
                                           ("city", self.city), ("country", self.country_code),
                                           ("e-mail", self.email), ("phone", self.phone)) if not value]

    def fingerprint(self):
        """What makes two addresses the same contact (case and blanks ignored)."""
        parts = (self.display_name, self.company_name, self.street, self.street2, self.zip,
                 self.city, self.country_code, self.pickup_id)
        return "|".join(" ".join(p.lower().split()) for p in parts)


@dataclass
class NormalizedLine:
    external_id: str
    quantity: float
    unit_price: float  # per unit, as charged, before line discount
    sku: str = ""
    ean: str = ""
    name: str = ""
    discount_amount: float = 0.0  # total discount on the line (same tax basis as unit_price)
    tax_rate: float | None = None  # percent, when the marketplace states it
    tax_amount: float | None = None  # VAT of the line after its discount, when the marketplace states it
    shippable: bool = True  # False: shipped by the marketplace (fulfilment), never by us
    status: str = ""  # raw line status, for information
    cancel_requested: bool = False
    cancelled: bool = False  # refused or cancelled on the marketplace: its quantity may be 0
    #: other references of the shop's product (catalog ids), tried as internal references when
    #: the line has no SKU nor EAN
    product_refs: list = field(default_factory=list)

    def clean(self, index, custom_lines=False):
        """Validate in place; ``custom_lines``: a line without SKU nor EAN is kept (storefronts sell
        custom lines, gift cards, tips), for the importer's fallback product."""
        self.external_id = clean_text(self.external_id, 128)
        self.sku = clean_text(self.sku, 128)
        self.ean = clean_text(self.ean, 32)
        self.product_refs = [r for r in (clean_text(ref, 128) for ref in self.product_refs or []) if r]
        self.name = clean_text(self.name, 1024) or self.sku or self.ean
        where = f"line {index + 1} ({self.sku or self.external_id or '?'})"
        if not self.external_id:
            raise InvalidOrderError(f"{where}: no line id")
        if not self.sku and not self.ean and not custom_lines:
            raise InvalidOrderError(f"{where}: no SKU and no EAN, the product cannot be matched")
        self.name = self.name or f"Line {self.external_id}"
        self.quantity = to_amount(self.quantity, f"{where} quantity")
        least = 0 if self.cancelled else 1
        if self.quantity < least or self.quantity > MAX_QUANTITY or self.quantity != int(self.quantity):
            raise InvalidOrderError(
                f"{where}: quantity {self.quantity!r} must be a whole number from {least} to {MAX_QUANTITY}")
        self.unit_price = to_amount(self.unit_price, f"{where} unit price")
        if self.unit_price < 0 or self.unit_price > MAX_UNIT_PRICE:
            raise InvalidOrderError(
                f"{where}: unit price {self.unit_price!r} is out of range (0 to {MAX_UNIT_PRICE:.0f})")
        self.discount_amount = abs(to_amount(self.discount_amount, f"{where} discount"))
        if self.discount_amount > self.unit_price * self.quantity + 0.005:
            raise InvalidOrderError(f"{where}: discount {self.discount_amount} exceeds the line amount")
        if self.tax_rate is not None:
            self.tax_rate = to_amount(self.tax_rate, f"{where} tax rate")
            if not 0 <= self.tax_rate < 100:
                raise InvalidOrderError(f"{where}: tax rate {self.tax_rate} out of range")
        if self.tax_amount is not None:
            self.tax_amount = to_amount(self.tax_amount, f"{where} tax amount")
        return self


@dataclass
class NormalizedFee:
    label: str
    amount: float


@dataclass
class NormalizedCharge:
    """An order-level amount the buyer paid besides lines and shipping (a fee, duties, another shipping
    line): imported as a line so that the order's total equals the shop's. Same tax basis as the prices;
    negative for a reduction. ``kind``: "fee", "duty", "shipping" or "discount" (a cart rule)."""

    label: str
    amount: float
    tax_rate: float | None = None  # percent; None: the charge product's taxes
    kind: str = "fee"

    def clean(self):
        self.label = clean_text(self.label, 256) or self.kind
        self.amount = to_amount(self.amount, f"charge {self.label!r}")
        if self.tax_rate is not None:
            self.tax_rate = to_amount(self.tax_rate, f"charge {self.label!r} tax rate")
        return self


@dataclass
class NormalizedOrder:
    external_id: str  # the id actions use (Octopia orderId, Shopify id...)
    updated_at: datetime
    status: OrderStatus
    lines: list
    billing: NormalizedAddress
    shipping: NormalizedAddress
    reference: str = ""  # human reference shown to the buyer, defaults to external_id
    marketplace_status: str = ""  # raw status, shown as is
    created_at: datetime | None = None
    currency: str = "EUR"
    customer_external_id: str = ""
    prices_include_tax: bool = True
    shipping_amount: float = 0.0
    shipping_tax_rate: float | None = None
    shipping_tax_amount: float | None = None  # VAT of the shipping, when stated
    fees: list = field(default_factory=list)  # marketplace fees, informative
    total_amount: float | None = None  # what the buyer paid, to check our totals against
    is_business: bool = False
    paid: bool = False
    paid_amount: float | None = None  # what the buyer paid, VAT included, when stated (else derived, see below)
    raw: dict = field(default_factory=dict)  # payload kept for audit (secrets never in it)
    warnings: list = field(default_factory=list)  # what cleaning dropped or cut, shown on the order
    custom_lines: bool = False  # lines without SKU nor EAN are allowed (see NormalizedLine.clean)
    charges: list = field(default_factory=list)  # NormalizedCharge: fees, duties, other shipping lines
    addresses_optional: bool = False  # addresses may be withheld or absent (NormalizedAddress.is_empty)

    def clean(self):
        """Validate and normalize in place; raises :class:`InvalidOrderError` with the reason.

        Values that are kept degraded (an unusable e-mail dropped, a too long text cut) are listed
        in :attr:`warnings`.
        """
        self.warnings.extend(self._degradations())
        self.external_id = clean_text(self.external_id, 128)
        if not self.external_id:
            raise InvalidOrderError("order without id")
        self.reference = clean_text(self.reference, 128) or self.external_id
        self.marketplace_status = clean_text(self.marketplace_status, 64)
        self.updated_at = parse_datetime(self.updated_at)
        if self.created_at:
            self.created_at = parse_datetime(self.created_at)
        if not isinstance(self.status, OrderStatus):
            raise InvalidOrderError(f"unknown order status {self.status!r}")
        self.currency = clean_text(self.currency, 3).upper() or "EUR"
        if not re.match(r"^[A-Z]{3}$", self.currency):
            raise InvalidOrderError(f"invalid currency {self.currency!r}")
        if not self.lines:
            raise InvalidOrderError("order without lines")
        seen = set()
        for index, line in enumerate(self.lines):
            line.clean(index, self.custom_lines)
            if line.external_id in seen:
                raise InvalidOrderError(f"line id {line.external_id!r} appears twice in the order")
            seen.add(line.external_id)
        self.billing.clean("billing", self.addresses_optional)
        self.shipping.clean("shipping", self.addresses_optional)
        self.shipping_amount = to_amount(self.shipping_amount, "shipping amount")
        if self.shipping_amount < 0:
            raise InvalidOrderError(f"negative shipping amount {self.shipping_amount}")
        for name, label in (("total_amount", "order total"), ("shipping_tax_amount", "shipping tax amount"),
                            ("paid_amount", "paid amount")):
            if getattr(self, name) is not None:
                setattr(self, name, to_amount(getattr(self, name), label))
        self.customer_external_id = clean_text(self.customer_external_id, 128)
        self.charges = [c for c in (charge.clean() for charge in self.charges) if c.amount]
        self.fees = [NormalizedFee(clean_text(f.label, 128), to_amount(f.amount, "fee")) for f in self.fees]
        return self

    def _degradations(self):
        found = []
        for role, address in (("billing", self.billing), ("shipping", self.shipping)):
            for attr in ("name", "company_name", "street", "street2", "city"):
                value = clean_text(getattr(address, attr), limit=MAX_TEXT + 1)
                if len(value) > MAX_TEXT:
                    found.append(f"{role} {attr.replace('_', ' ')} cut to {MAX_TEXT} characters")
            email = clean_text(address.email)
            if email and not _EMAIL_RE.match(email):
                found.append(f"{role} e-mail {email[:80]!r} is not a valid address and was ignored")
        for index, line in enumerate(self.lines or []):
            if len(clean_text(line.name, limit=1025)) > 1024:
                found.append(f"line {index + 1} name cut to 1024 characters")
        return found

    @property
    def buyer_vat(self):
        return self.billing.vat

    @property
    def stated_tax(self):
        """The VAT of the lines and shipping as the marketplace states it; None when one is missing."""
        amounts = [line.tax_amount for line in self.lines]
        if self.shipping_amount:
            amounts.append(self.shipping_tax_amount)
        return None if any(amount is None for amount in amounts) else round(sum(amounts), 2)

    def paid_with_tax(self, prices_include_tax):
        """What the buyer paid, VAT included: as stated, else the total on a tax-included basis, else the
        tax-excluded total plus the stated VAT; None when unknown."""
        if self.paid_amount is not None:
            return self.paid_amount
        if self.total_amount is None:
            return None
        if prices_include_tax:
            return self.total_amount
        tax = self.stated_tax
        return None if tax is None else round(self.total_amount + tax, 2)

    @property
    def computed_total(self):
        """Total from lines and shipping, on the same tax basis as the prices."""
        lines = sum(line.unit_price * line.quantity - line.discount_amount for line in self.lines)
        return round(lines + self.shipping_amount + sum(c.amount for c in self.charges), 2)


@dataclass
class ShipmentRequest:
    order_external_id: str
    carrier: str  # the marketplace's carrier label/code, already mapped
    tracking_number: str
    tracking_url: str = ""
    line_external_ids: list = field(default_factory=list)  # empty: every shippable line
    idempotency_key: str = ""

    def check(self):
        missing = [n for n, v in (("carrier", self.carrier), ("tracking number", self.tracking_number)) if not v]
        if missing:
            from .exceptions import UserInputError
            raise UserInputError(
                f"Cannot ship order {self.order_external_id}: {' and '.join(missing)} missing. "
                "Set the carrier and tracking reference on the delivery, then retry.")
        return self


@dataclass
class RefundLine:
    line_external_id: str
    quantity: float
    amount: float = 0.0


@dataclass
class RefundRequest:
    order_external_id: str
    reason: str
    refund_shipping: bool = False
    lines: list = field(default_factory=list)  # empty: the whole order
    amount: float = 0.0
    currency: str = "EUR"
    note: str = ""
    idempotency_key: str = ""
    amount_only: bool = False  # an amount without lines or quantities (a goodwill gesture)

    @property
    def is_full(self):
        return not self.lines and not self.amount_only

    @property
    def mode(self):
        """The refund mode a transport must offer (``refund_modes``): full, partial or amount."""
        if self.amount_only:
            return "amount"
        return "partial" if self.lines else "full"


@dataclass
class OfferUpdate:
    seller_sku: str
    price: float
    quantity: int
    ean: str = ""
    extra: dict = field(default_factory=dict)  # marketplace-specific attributes


@dataclass
class OfferResult:
    seller_sku: str
    state: str  # "done" | "error"
    message: str = ""

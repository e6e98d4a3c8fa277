"""A GetOrderList ``Order`` of the Cdiscount SOAP API -> :class:`NormalizedOrder`.

Shapes are the real service's (``wsdl/``, recorded answers in ``tests/fixtures/cdiscount``). What the
recordings do not show is marked *inferred*, one constant or function each, and listed in
``marketplace_octopia/readme/CDISCOUNT_SOAP.md``.
"""
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from marketplace_transport import (
    InvalidOrderError,
    NormalizedAddress,
    NormalizedLine,
    NormalizedOrder,
    OrderStatus,
)

#: The service's dates carry no offset and are Paris time: recorded claims and questions are dated
#: up to 1 h 46 after the HTTP ``Date`` (GMT) of the answer listing them, i.e. 14 min before it in
#: Paris summer time (tests/fixtures/cdiscount/SOURCE.md, "Dates").
SERVICE_TZ = ZoneInfo("Europe/Paris")

#: Legacy OrderState -> OrderStatus, after the legacy <-> REST table of the notes (section 5.5):
#: WaitingForSellerAcceptation=WaitingAcceptance, AcceptedBySeller/PaymentInProgress/
#: ValidatedFianet=Accepted, WaitingForShipmentAcceptation=InPreparation, Shipped=Shipped,
#: RefusedBySeller=Refused, the cancellations=Cancelled. Blocked/transit states are not
#: actionable yet (PENDING); click & collect pick-up is DELIVERED.
LEGACY_STATUS_MAP = {
    "WaitingForSellerAcceptation": OrderStatus.WAITING_ACCEPTANCE,
    "AcceptedBySeller": OrderStatus.ACCEPTED,
    "PaymentInProgress": OrderStatus.ACCEPTED,
    "ValidatedFianet": OrderStatus.ACCEPTED,
    "WaitingForShipmentAcceptation": OrderStatus.TO_SHIP,
    "PendingShipmentForAssociatedProduct": OrderStatus.TO_SHIP,
    "Shipped": OrderStatus.SHIPPED,
    "AvailableOnStore": OrderStatus.SHIPPED,
    "PickedUp": OrderStatus.DELIVERED,
    "RefusedBySeller": OrderStatus.REFUSED,
    "CancelledByCustomer": OrderStatus.CANCELLED,
    "AutomaticCancellation": OrderStatus.CANCELLED,
    "PaymentRefused": OrderStatus.CANCELLED,
    "ShipmentRefusedBySeller": OrderStatus.CANCELLED,
    "RefusedNoShipment": OrderStatus.CANCELLED,
    "NonPickedUpByCustomer": OrderStatus.CANCELLED,
    "ServiceCanceled": OrderStatus.CANCELLED,
    **dict.fromkeys((
        "None", "BeingValidatedFianet", "BlockedWaitingForTreatment", "BlockedWaitingForProof",
        "BlockedRepeatedLitigationSuspicion", "BlockedFraudSuspicion", "BlockedConfirmed",
        "BlockedRepeatedLitigationSuspicionConfirmation", "BlockedFraudSuspicionConfirmation",
        "BlockedAutomaticCds", "BlockedMarketplaceService", "FinishedGenerixUpdate", "CegidDown",
        "BeingCancelled", "BeingModified", "RequestGoingToGnx", "PartialInGnx"), OrderStatus.PENDING),
}
#: Line states meaning the line was refunded (a shipped order whose lines all are: REFUNDED).
REFUNDED_LINE_STATES = ("RefundedAfterShipping", "RefundedAfterShipmentRefused", "RefundedAfterCustomerCancellation")
#: Line states of a line that will not be shipped: its Quantity may be 0 (recorded:
#: RefundedAfterShipmentRefused at quantity 0).
CLOSED_LINE_STATES = REFUNDED_LINE_STATES + (
    "RefusedBySeller", "ShipmentRefusedBySeller", "CancelledBeforeNotificationByCustomer",
    "CancelledBeforePaymentByCustomer", "CancelledAfterPaymentByCustomer", "PaymentRefused")
#: Statuses whose orders must carry a real address (we ship them). The others may come masked:
#: recorded for CancelledByCustomer and RefusedBySeller (no name, no country); inferred for the
#: states before payment (the documentation lists the states showing addresses, its list is lost).
ADDRESS_REQUIRED = (OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.REFUNDED)
#: Inferred: the country of a masked address. cdiscount.com (SiteID 100) sells in France.
MASKED_COUNTRY = "FR"
PAID_STATUSES = (OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.REFUNDED)


def from_service_time(value):
    """A date of the service (naive Paris time, or with an offset) -> aware UTC datetime; None stays None."""
    if not value:
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidOrderError(f"invalid Cdiscount date {value!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=SERVICE_TZ)
    return value.astimezone(UTC)


def to_service_time(value):
    """An aware datetime -> the naive Paris time the service expects in filters."""
    return value.astimezone(SERVICE_TZ).replace(tzinfo=None, microsecond=0)


def order_status(payload):
    """OrderStatus of a raw order (REFUNDED when shipped and every line is refunded)."""
    state = payload.get("OrderState") or ""
    if state not in LEGACY_STATUS_MAP:
        raise InvalidOrderError(f"unknown Cdiscount order state {state!r}")
    status = LEGACY_STATUS_MAP[state]
    lines = [line or {} for line in payload.get("OrderLineList") or []]
    if status == OrderStatus.SHIPPED and lines and all(
            line.get("AcceptationState") in REFUNDED_LINE_STATES for line in lines):
        return OrderStatus.REFUNDED
    return status


def normalize_order(payload):
    """Raw GetOrderList order (plain data) -> :class:`NormalizedOrder` (prices include VAT)."""
    if not isinstance(payload, dict):
        raise InvalidOrderError("order payload is not an object")
    status = order_status(payload)
    customer = payload.get("Customer") or {}
    warnings = []
    masked = status not in ADDRESS_REQUIRED
    billing = _address(payload.get("BillingAddress"), customer, "billing", masked, warnings)
    shipping = _address(payload.get("ShippingAddress") or payload.get("BillingAddress"), customer,
                        "shipping", masked, warnings)
    order = NormalizedOrder(
        external_id=payload.get("OrderNumber") or "", reference=payload.get("OrderNumber") or "",
        updated_at=from_service_time(payload.get("LastUpdatedDate") or payload.get("ModifiedDate")
                                     or payload.get("CreationDate")),
        created_at=from_service_time(payload.get("CreationDate")),
        status=status, marketplace_status=payload.get("OrderState") or "", lines=_lines(payload),
        billing=billing, shipping=shipping, currency="EUR", prices_include_tax=True,
        customer_external_id=customer.get("CustomerId") or "", shipping_amount=shipping_amount(payload),
        total_amount=_total(payload, status), paid=status in PAID_STATUSES, raw=payload, warnings=warnings)
    return order.clean()


def _total(payload, status):
    """What the buyer pays; none for a cancelled order (its lines may be at quantity 0)."""
    if status.is_cancelled:
        return None
    return payload.get("ValidatedTotalAmount") or payload.get("InitialTotalAmount") or None


def _lines(payload):
    fulfilment = bool(payload.get("IsCLogistiqueOrder"))
    return [_line(line or {}, fulfilment) for line in payload.get("OrderLineList") or []]


def _line(line, fulfilment):
    sku = line.get("SellerProductId") or ""
    state = line.get("AcceptationState") or ""
    return NormalizedLine(
        external_id=sku or line.get("ProductId") or "", sku=sku, ean=line.get("ProductEan") or "",
        name=line.get("Name") or "", quantity=line.get("Quantity"), unit_price=line.get("PurchasePrice"),
        shippable=not fulfilment, status=state, cancel_requested=state == "CancellationRequestPending",
        cancelled=state in CLOSED_LINE_STATES)


def shipping_amount(payload):
    """Validated shipping charges, else the initial ones, else the lines' unit charges."""
    amount = payload.get("ValidatedTotalShippingCharges") or payload.get("InitialTotalShippingChargesAmount")
    if amount:
        return amount
    total = 0.0
    for line in payload.get("OrderLineList") or []:
        quantity = float((line or {}).get("Quantity") or 0)
        total += float(line.get("UnitShippingCharges") or 0) * quantity
        total += float(line.get("UnitAdditionalShippingCharges") or 0) * max(quantity - 1, 0)
    return total


def _address(address, customer, role, masked, warnings):
    address = address or {}
    relay = address.get("RelayId") or ""
    street = address.get("Street") or address.get("Address1") or ""
    extra = [address.get("Building"), address.get("ApartmentNumber"), address.get("Address2")]
    if address.get("Street") and address.get("Address1"):
        extra.insert(0, address.get("Address1"))
    if not relay and address.get("PlaceName"):
        extra.append(address.get("PlaceName"))
    return NormalizedAddress(
        name=_person(address, customer, role, masked, warnings), company_name=address.get("CompanyName") or "",
        street=street, street2=" ".join(p for p in extra if p), zip=address.get("ZipCode") or "",
        city=address.get("City") or "", country_code=_country(address, role, masked, warnings),
        email=customer.get("Email") or customer.get("EncryptedEmail") or "",
        phone=customer.get("MobilePhone") or customer.get("Phone") or "", pickup_id=relay,
        pickup_name=(address.get("PlaceName") or "") if relay else "")


def _person(address, customer, role, masked, warnings):
    """The address's name, else the customer's (masked addresses keep it on ``Customer``)."""
    name = " ".join(p for p in (address.get("FirstName"), address.get("LastName")) if p)
    if name or address.get("CompanyName"):
        return name
    prefix = "Shipping" if role == "shipping" else ""
    name = " ".join(p for p in (customer.get(f"{prefix}FirstName"), customer.get(f"{prefix}LastName")) if p)
    name = name or " ".join(p for p in (customer.get("FirstName"), customer.get("LastName")) if p)
    if not name and masked:
        name = f"Cdiscount customer {customer.get('CustomerId') or '?'}"
    if name:
        warnings.append(f"{role} address: Cdiscount sent no name, {name!r} taken from the customer")
    return name


def _country(address, role, masked, warnings):
    """The address's country; on an order we will not ship, a missing or unusable one is France."""
    country = (address.get("Country") or "").strip()
    if masked and not re.fullmatch(r"[A-Za-z]{2}", country):
        warnings.append(f"{role} address: Cdiscount sent country {country or 'none'!r} (masked address), "
                        f"{MASKED_COUNTRY} assumed")
        return MASKED_COUNTRY
    return country

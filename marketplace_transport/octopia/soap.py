"""Legacy Cdiscount marketplace SOAP channel (MarketplaceAPIService), through zeep.

Reference: /work/shared/reference/octopia-api.md section 5. A token comes from the STS
(HTTP GET with Basic auth, 48 h validity) and travels in the ``HeaderMessage`` of every call.
Orders are read with GetOrderList (always with a ``States`` filter and paired modification
dates, in bounded time windows), actions go through ValidateOrderList (every line listed)
and CreateRefundVoucher (per line), carriers through GetGlobalConfiguration.

Orders placed before the migration to the Octopia REST API keep being served by this channel
(seed 004): ship and refund them here even when the REST channel sees them too.
"""
import logging
import re
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import requests
import zeep
import zeep.exceptions
import zeep.helpers
from lxml import etree

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceTransport,
    NormalizedAddress,
    NormalizedLine,
    NormalizedOrder,
    OrderStatus,
    RemoteError,
    TemporaryError,
    UserInputError,
    register_transport,
)
from marketplace_transport.http import Exchange, redact_text, redact_url

_logger = logging.getLogger(__name__)

TNS = "http://www.cdiscount.com"
BINDING = f"{{{TNS}}}BasicHttpBinding_IMarketplaceAPIService"
SERVICE_PATH = "/MarketplaceAPIService.svc"
STS_PATH = "/users/httpIssue.svc/"
TOKEN_LIFETIME = 48 * 3600
TOKEN_MARGIN = 600  # renew ten minutes before the STS says it expires
TOKEN_FAULT_RE = re.compile(r"token.*(does not exist|not correctly formatted|has expired|expired)", re.I | re.S)
TIMEOUT_FAULT_RE = re.compile(r"timed? ?out|timeout|temporarily|unavailable", re.I)

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
    "None": OrderStatus.PENDING,
    "BeingValidatedFianet": OrderStatus.PENDING,
    "BlockedWaitingForTreatment": OrderStatus.PENDING,
    "BlockedWaitingForProof": OrderStatus.PENDING,
    "BlockedRepeatedLitigationSuspicion": OrderStatus.PENDING,
    "BlockedFraudSuspicion": OrderStatus.PENDING,
    "BlockedConfirmed": OrderStatus.PENDING,
    "BlockedRepeatedLitigationSuspicionConfirmation": OrderStatus.PENDING,
    "BlockedFraudSuspicionConfirmation": OrderStatus.PENDING,
    "BlockedAutomaticCds": OrderStatus.PENDING,
    "BlockedMarketplaceService": OrderStatus.PENDING,
    "FinishedGenerixUpdate": OrderStatus.PENDING,
    "CegidDown": OrderStatus.PENDING,
    "BeingCancelled": OrderStatus.PENDING,
    "BeingModified": OrderStatus.PENDING,
    "RequestGoingToGnx": OrderStatus.PENDING,
    "PartialInGnx": OrderStatus.PENDING,
}
#: Line states meaning the line was refunded (a shipped order whose lines all are: REFUNDED).
REFUNDED_LINE_STATES = ("RefundedAfterShipping", "RefundedAfterShipmentRefused", "RefundedAfterCustomerCancellation")
#: States asked by default: the actionable ones and those the pipeline must learn about.
DEFAULT_STATES = (
    "WaitingForSellerAcceptation", "AcceptedBySeller", "PaymentInProgress", "WaitingForShipmentAcceptation",
    "Shipped", "RefusedBySeller", "CancelledByCustomer", "AutomaticCancellation", "PaymentRefused",
    "ShipmentRefusedBySeller",
)
#: CreateRefundVoucher motives (documented list).
REFUND_MOTIVES = [
    ("VendorRejection", "Vendor rejection"),
    ("ClientCancellation", "Client cancellation"),
    ("VendorRejectionAndClientCancellation", "Vendor rejection and client cancellation"),
    ("ClientClaim", "Client claim"),
    ("VendorInitiatedRefund", "Vendor initiated refund"),
    ("ClientRetraction", "Client retraction"),
    ("NoClientWithDrawal", "No client withdrawal"),
    ("ProductStockUnavailable", "Product stock unavailable"),
]
REFUND_MODES = ("Claim", "Retraction")


class RecordingZeepTransport(zeep.Transport):
    """zeep transport on our requests session; remembers the HTTP status of the last POST.

    WSDL/XSD documents are fetched through the channel's :class:`HttpClient`, so they are
    recorded, retried and mapped to typed errors like every other call.
    """

    def __init__(self, http, timeout):
        super().__init__(session=http.session, timeout=timeout, operation_timeout=timeout)
        self.http = http
        self.last_status = None

    def load(self, url):
        if url.startswith(("http://", "https://")):
            return self.http.request("GET", url, operation="GetWsdl").content
        return super().load(url)

    def post(self, address, message, headers):
        self.last_status = None
        response = super().post(address, message, headers)
        self.last_status = response.status_code
        if response.content and not response.content.lstrip().startswith(b"<"):
            raise zeep.exceptions.XMLParseError(
                f"not XML (HTTP {response.status_code}, {len(response.content)} bytes)")
        return response


def _plain(value):
    """zeep objects -> JSON-safe plain data; ``{"Order": [...]}`` array wrappers -> lists."""
    if isinstance(value, dict):
        if len(value) == 1:
            (inner,) = value.values()
            if isinstance(inner, list):
                return [_plain(v) for v in inner]
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        if value.tzinfo:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if value.tzinfo else "")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _errors(message):
    """[(ErrorType, Message)] of a ServiceBaseAPIMessage / ValidateOrderResult (plain data)."""
    items = (message or {}).get("ErrorList") or (message or {}).get("Errors") or []
    if isinstance(items, dict):  # empty wrapper kept as a dict
        items = []
    return [(e.get("ErrorType") or "", e.get("Message") or "") for e in items if e]


@register_transport("cdiscount_soap")
class CdiscountSoapTransport(MarketplaceTransport):
    """Legacy Cdiscount marketplace SOAP API.

    Options: ``sts_url`` (default derived from the base URL), ``states`` (OrderState list or
    comma-separated string asked by GetOrderList), ``window_hours`` (width of a GetOrderList
    modification-date window, default 24), ``refund_mode`` (Claim/Retraction), ``site_id``...
    Credentials: ``login`` (API login, "-api" suffix) and ``secret`` (API password).
    """

    refund_modes = ("full", "partial")
    refund_limits = ("Cdiscount legacy refunds whole order lines (all units of a line) with a "
                     "shipping-refund flag per line; amounts and partial quantities are not accepted.")

    def __init__(self, config, recorder=None, sleep=time.sleep):
        super().__init__(config, recorder=recorder, sleep=sleep)
        self._client = None
        self._service = None
        self._zeep_transport = None

    # -- endpoints --------------------------------------------------------------------
    @property
    def service_url(self):
        base = self.config.base_url.rstrip("/")
        return base if base.endswith(".svc") else base + SERVICE_PATH

    @property
    def wsdl_url(self):
        return self.option("wsdl_url") or self.service_url + "?wsdl"

    @property
    def sts_url(self):
        """``options["sts_url"]``, else the STS next to the service (wsvc.* -> sts.*)."""
        if self.option("sts_url"):
            return self.option("sts_url")
        parts = urlsplit(self.service_url)
        netloc = parts.netloc
        if netloc.startswith("wsvc."):
            netloc = "sts." + netloc[len("wsvc."):]
        return urlunsplit((parts.scheme, netloc, STS_PATH, "", ""))

    def _connect(self):
        """Build the zeep client on the WSDL and its service proxy, once per transport."""
        if self._client is None:
            self._zeep_transport = RecordingZeepTransport(self.http, self.config.timeout)
            settings = zeep.Settings(strict=False, xml_huge_tree=False)
            try:
                self._client = zeep.Client(self.wsdl_url, transport=self._zeep_transport, settings=settings)
            except (etree.XMLSyntaxError, zeep.exceptions.Error) as exc:
                raise TemporaryError(f"GetWsdl: the WSDL of {redact_url(self.wsdl_url)} cannot be read: {exc}") from exc
            self._service = self._client.create_service(BINDING, self.service_url)

    @property
    def client(self):
        """zeep client on the WSDL of the configured service (built once per transport)."""
        self._connect()
        return self._client

    @property
    def service(self):
        self._connect()
        return self._service

    # -- token ------------------------------------------------------------------------
    def _secrets(self):
        token, _exp = self.config.token_store.get()
        return self.config.secret_values() + ([token] if token else [])

    def get_token(self, force=False):
        """Token from the store, or a new one from the STS (Basic auth) kept 48 h."""
        token, expires_at = self.config.token_store.get()
        if token and not force and expires_at - TOKEN_MARGIN > time.time():
            return token
        login = self.config.credentials.get("login")
        secret = self.config.credentials.get("secret")
        if not login or not secret:
            raise UserInputError("Cdiscount legacy: set the API login and password on the channel.",
                                 code="credentials_missing", params={"marketplace": "Cdiscount"})
        response = self.http.request(
            "GET", self.sts_url, operation="GetToken", params={"realm": self.service_url},
            auth=(login, secret), expected=(200,))
        try:
            root = etree.fromstring(response.content)
            token = (root.text or "").strip()
        except etree.XMLSyntaxError:
            token = ""
        if not re.fullmatch(r"[0-9A-Za-z]{32}", token):
            raise AuthenticationError(
                "GetToken: the Cdiscount token service did not return a token "
                "(check the API login, which ends with -api, and the password).")
        self.config.token_store.set(token, time.time() + TOKEN_LIFETIME)
        return token

    def header_message(self, token):
        """The HeaderMessage every operation takes (defaults used by every SDK)."""
        return {
            "Context": {
                "CatalogID": int(self.option("catalog_id", 1)),
                "CustomerPoolID": int(self.option("customer_pool_id", 1)),
                "SiteID": int(self.option("site_id", 100)),
            },
            "Localization": {"Country": "Fr", "Currency": "Eur", "DecimalPosition": 2, "Language": "Fr"},
            "Security": {"TokenId": token, "UserName": ""},
            "Version": "1.0",
        }

    # -- calls ------------------------------------------------------------------------
    def _record(self, operation, status, started, ok, error=""):
        if not self.recorder:
            return
        self.recorder(Exchange(
            operation=operation, method="POST", url=redact_url(self.service_url), status=status,
            duration_ms=int((time.monotonic() - started) * 1000), ok=ok,
            error=redact_text(error, self._secrets())[:2000]))

    def call(self, operation, retry=False, **kwargs):
        """Run one SOAP operation with a fresh HeaderMessage; returns plain data.

        Token faults renew the token once. ``retry`` (reads only) retries temporary failures
        with the configured back-off. ErrorList / OperationSuccess=false raise RemoteError.
        """
        attempts = self.config.max_retries + 1 if retry else 1
        renewed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self._call_once(operation, self.get_token(force=False), **kwargs)
            except _TokenFault as fault:
                if renewed:
                    raise AuthenticationError(
                        f"{operation}: Cdiscount refused the token even after renewal: {fault}") from None
                renewed = True
                _logger.info("Cdiscount legacy %s: token refused (%s), requesting a new one", operation, fault)
                self.config.token_store.set(None, 0.0)
                self.get_token(force=True)
                attempt -= 1
                continue
            except TemporaryError:
                if attempt < attempts:
                    self.sleep(min(self.config.backoff * 2 ** (attempt - 1), self.config.max_wait))
                    continue
                raise
            break
        errors = _errors(result)
        if result is not None and (errors or result.get("OperationSuccess") is False):
            message = "; ".join(f"{t}: {m}" if t else m for t, m in errors) or result.get("ErrorMessage") or "failed"
            raise RemoteError(f"{operation}: {redact_text(message, self._secrets())}",
                              details={"errors": errors})
        return result

    def _call_once(self, operation, token, **kwargs):
        started = time.monotonic()
        service = self.service
        self._zeep_transport.last_status = None
        try:
            raw = getattr(service, operation)(headerMessage=self.header_message(token), **kwargs)
        except zeep.exceptions.Fault as fault:
            message = redact_text(fault.message or "SOAP fault", self._secrets())
            status = self._zeep_transport.last_status
            self._record(operation, status, started, False, message)
            if TOKEN_FAULT_RE.search(message):
                raise _TokenFault(message) from None
            code = str(fault.code or "")
            if not code and status and status != 200:  # not a SOAP fault: an HTTP error page
                raise self._http_error(operation, status) from None
            if code.endswith("Server") or TIMEOUT_FAULT_RE.search(message):
                raise TemporaryError(f"{operation}: Cdiscount failure: {message}", status=status) from None
            raise RemoteError(f"{operation}: Cdiscount refused the call: {message}", status=status) from None
        except (requests.Timeout, requests.ConnectionError) as exc:
            kind = "timeout" if isinstance(exc, requests.Timeout) else "connection error"
            message = f"{operation}: {kind} talking to {redact_url(self.service_url)}"
            self._record(operation, None, started, False, message)
            raise TemporaryError(message) from exc
        except zeep.exceptions.TransportError as exc:
            self._record(operation, exc.status_code, started, False, f"HTTP {exc.status_code}")
            raise self._http_error(operation, exc.status_code) from exc
        except (etree.XMLSyntaxError, zeep.exceptions.XMLParseError, zeep.exceptions.ValidationError) as exc:
            status = self._zeep_transport.last_status
            if status is None:  # our request does not fit the WSDL: nothing was sent
                raise RemoteError(f"{operation}: invalid request ({exc})") from exc
            message = f"{operation}: malformed answer from Cdiscount ({exc.__class__.__name__})"
            self._record(operation, status, started, False, message)
            raise TemporaryError(message) from exc
        result = _plain(zeep.helpers.serialize_object(raw, target_cls=dict)) if raw is not None else None
        errors = _errors(result)
        ok = not errors and (result is None or result.get("OperationSuccess") is not False)
        self._record(operation, self._zeep_transport.last_status, started, ok,
                     "; ".join(m for _t, m in errors))
        return result

    @staticmethod
    def _http_error(operation, status):
        message = f"{operation}: HTTP {status} from Cdiscount"
        if status in (401, 403):
            return AuthenticationError(message, status=status)
        if status and status < 500:
            return RemoteError(message, status=status)
        return TemporaryError(message, status=status)

    # -- connection -------------------------------------------------------------------
    def check_connection(self):
        """Token, WSDL and one authenticated call (GetGlobalConfiguration)."""
        self.get_token(force=True)
        carriers = self.list_carriers()
        return [
            "Token issued by the Cdiscount token service.",
            f"WSDL loaded from {redact_url(self.wsdl_url)}.",
            f"GetGlobalConfiguration answered ({len(carriers)} carriers).",
        ]

    # -- orders -----------------------------------------------------------------------
    def states(self):
        value = self.option("states") or DEFAULT_STATES
        if isinstance(value, str):
            value = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in value if s not in LEGACY_STATUS_MAP]
        if unknown:
            raise UserInputError(f"Cdiscount legacy: unknown order state(s) {', '.join(unknown)}.")
        return list(value)

    def order_filter(self, begin, end):
        """GetOrderList filter: States always set, modification dates always paired."""
        return {
            "BeginModificationDate": begin,
            "EndModificationDate": end,
            "FetchOrderLines": True,
            "FetchParcels": True,
            "States": {"OrderStateEnum": self.states()},
        }

    def iter_windows(self, updated_from, updated_to=None):
        """(begin, end) windows of ``window_hours`` covering the period, oldest first."""
        step = timedelta(hours=float(self.option("window_hours", 24)))
        end_all = updated_to or datetime.now(UTC)
        begin = updated_from
        while begin < end_all:
            end = min(begin + step, end_all)
            yield begin, end
            begin = end

    def iter_order_pages(self, updated_from, updated_to=None):
        """One GetOrderList per modification window; yields the non-empty lists of orders."""
        seen = set()
        for begin, end in self.iter_windows(updated_from, updated_to):
            result = self.call("GetOrderList", retry=True, orderFilter=self.order_filter(begin, end))
            page = []
            for order in (result or {}).get("OrderList") or []:
                key = self.order_key(order)
                if key not in seen:
                    seen.add(key)
                    page.append(order)
            if page:
                yield page

    def get_order(self, external_id):
        """Raw payload of one order (GetOrderList by OrderReferenceList, nothing else allowed)."""
        result = self.call("GetOrderList", retry=True, orderFilter={
            "FetchOrderLines": True, "FetchParcels": True,
            "OrderReferenceList": {"string": [external_id]}})
        orders = (result or {}).get("OrderList") or []
        for order in orders:
            if order.get("OrderNumber") == external_id:
                return order
        raise RemoteError(f"GetOrderList: Cdiscount order {external_id} not found.", status=404)

    def order_key(self, payload):
        return payload.get("OrderNumber") or "", payload.get("LastUpdatedDate") or payload.get("ModifiedDate") or ""

    def normalize_order(self, payload):
        """Raw GetOrderList order -> :class:`NormalizedOrder` (prices include VAT)."""
        if not isinstance(payload, dict):
            raise InvalidOrderError("order payload is not an object")
        state = payload.get("OrderState") or ""
        if state not in LEGACY_STATUS_MAP:
            raise InvalidOrderError(f"unknown Cdiscount order state {state!r}")
        status = LEGACY_STATUS_MAP[state]
        raw_lines = payload.get("OrderLineList") or []
        if status == OrderStatus.SHIPPED and raw_lines and all(
                (line or {}).get("AcceptationState") in REFUNDED_LINE_STATES for line in raw_lines):
            status = OrderStatus.REFUNDED
        fulfilment = bool(payload.get("IsCLogistiqueOrder"))
        lines = []
        for line in raw_lines:
            line = line or {}
            sku = line.get("SellerProductId") or ""
            lines.append(NormalizedLine(
                external_id=sku or line.get("ProductId") or "",
                sku=sku, ean=line.get("ProductEan") or "", name=line.get("Name") or "",
                quantity=line.get("Quantity"), unit_price=line.get("PurchasePrice"),
                shippable=not fulfilment, status=line.get("AcceptationState") or "",
                cancel_requested=line.get("AcceptationState") == "CancellationRequestPending"))
        shipping_amount = payload.get("ValidatedTotalShippingCharges")
        if not shipping_amount:
            shipping_amount = payload.get("InitialTotalShippingChargesAmount")
        if not shipping_amount:
            shipping_amount = sum(
                float(line.get("UnitShippingCharges") or 0) * float(line.get("Quantity") or 0)
                + float(line.get("UnitAdditionalShippingCharges") or 0) * max(float(line.get("Quantity") or 0) - 1, 0)
                for line in raw_lines if line)
        customer = payload.get("Customer") or {}
        billing = self._address(payload.get("BillingAddress"), customer)
        shipping = self._address(payload.get("ShippingAddress") or payload.get("BillingAddress"), customer)
        order = NormalizedOrder(
            external_id=payload.get("OrderNumber") or "",
            reference=payload.get("OrderNumber") or "",
            updated_at=payload.get("LastUpdatedDate") or payload.get("ModifiedDate") or payload.get("CreationDate"),
            created_at=payload.get("CreationDate"),
            status=status, marketplace_status=state, lines=lines,
            billing=billing, shipping=shipping, currency="EUR", prices_include_tax=True,
            customer_external_id=customer.get("CustomerId") or "",
            shipping_amount=shipping_amount or 0.0,
            total_amount=payload.get("ValidatedTotalAmount") or payload.get("InitialTotalAmount") or None,
            paid=status in (OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.REFUNDED),
            raw=payload,
        )
        return order.clean()

    @staticmethod
    def _address(address, customer):
        address = address or {}
        name = " ".join(p for p in (address.get("FirstName"), address.get("LastName")) if p)
        street = address.get("Street") or address.get("Address1") or ""
        extra = [address.get("Building"), address.get("ApartmentNumber"), address.get("Address2")]
        if address.get("Street") and address.get("Address1"):
            extra.insert(0, address.get("Address1"))
        if not address.get("RelayId") and address.get("PlaceName"):
            extra.append(address.get("PlaceName"))
        return NormalizedAddress(
            name=name, company_name=address.get("CompanyName") or "",
            street=street, street2=" ".join(p for p in extra if p),
            zip=address.get("ZipCode") or "", city=address.get("City") or "",
            country_code=address.get("Country") or "",
            email=customer.get("Email") or customer.get("EncryptedEmail") or "",
            phone=customer.get("MobilePhone") or customer.get("Phone") or "",
            pickup_id=address.get("RelayId") or "",
            pickup_name=(address.get("PlaceName") or "") if address.get("RelayId") else "",
        )

    # -- actions ----------------------------------------------------------------------
    def _validate(self, order_number, order_state, line_state, **extra):
        """ValidateOrderList for one order, listing every line of it (documented rule)."""
        order = self.get_order(order_number)
        skus = [line.get("SellerProductId") for line in order.get("OrderLineList") or [] if line]
        if not skus:
            raise RemoteError(f"ValidateOrderList: Cdiscount returned order {order_number} without lines.")
        conditions = {line.get("SellerProductId"): line.get("ProductCondition") or "New"
                      for line in order.get("OrderLineList") or [] if line}
        validate_order = {
            "OrderNumber": order_number, "OrderState": order_state,
            "OrderLineList": {"ValidateOrderLine": [
                {"SellerProductId": sku, "AcceptationState": line_state, "ProductCondition": conditions[sku]}
                for sku in skus]},
            **extra,
        }
        result = self.call("ValidateOrderList", validateOrderListMessage={
            "OrderList": {"ValidateOrder": [validate_order]}})
        for item in result.get("ValidateOrderResults") or []:
            errors = _errors(item)
            for line_result in item.get("ValidateOrderLineResults") or []:
                errors.extend(_errors(line_result))
            if not item.get("Validated") or errors:
                message = "; ".join(f"{t}: {m}" if t else m for t, m in errors) or "not validated"
                raise RemoteError(f"ValidateOrderList: order {order_number}: {message}",
                                  details={"errors": errors})
        return result

    def accept_order(self, external_id):
        """Accept every line (AcceptedBySeller)."""
        self._validate(external_id, "AcceptedBySeller", "AcceptedBySeller")
        return {"order": external_id, "state": "AcceptedBySeller"}

    def refuse_order(self, external_id):
        """Refuse the order (only while WaitingForSellerAcceptation)."""
        self._validate(external_id, "RefusedBySeller", "RefusedBySeller")
        return {"order": external_id, "state": "RefusedBySeller"}

    def ship_order(self, shipment):
        """Ship the whole order: CarrierName and TrackingNumber are mandatory, every line sent."""
        shipment.check()
        tracking = shipment.tracking_number.strip()
        if len(tracking) > 50 or re.search(r"[\s&*$]", tracking):
            raise UserInputError(
                f"Cannot ship order {shipment.order_external_id}: the tracking number must have at most "
                "50 characters, without space, &, * or $.")
        if shipment.tracking_url and not shipment.tracking_url.startswith(("http://", "https://")):
            raise UserInputError(
                f"Cannot ship order {shipment.order_external_id}: the tracking URL must start with http(s)://.")
        extra = {"CarrierName": shipment.carrier, "TrackingNumber": tracking}
        if shipment.tracking_url:
            extra["TrackingUrl"] = shipment.tracking_url[:255]
        self._validate(shipment.order_external_id, "Shipped", "ShippedBySeller", **extra)
        return {"order": shipment.order_external_id, "state": "Shipped", "carrier": shipment.carrier,
                "tracking_number": tracking}

    def refund_order(self, refund):
        """CreateRefundVoucher: one SellerRefundRequest per refunded line (all lines when full)."""
        motives = dict(REFUND_MOTIVES)
        if refund.reason not in motives:
            raise UserInputError(
                f"Cannot refund order {refund.order_external_id}: choose a Cdiscount refund motive "
                f"({', '.join(motives)}).")
        mode = self.option("refund_mode", "Claim")
        if mode not in REFUND_MODES:
            raise UserInputError(f"Cdiscount legacy: refund mode must be one of {', '.join(REFUND_MODES)}.")
        order = self.get_order(refund.order_external_id)
        lines = {line.get("SellerProductId"): line for line in order.get("OrderLineList") or [] if line}
        if refund.is_full:
            wanted = [sku for sku, line in lines.items()
                      if line.get("AcceptationState") not in REFUNDED_LINE_STATES]
        else:
            wanted = []
            for refund_line in refund.lines:
                line = lines.get(refund_line.line_external_id)
                if line is None:
                    raise UserInputError(
                        f"Cannot refund order {refund.order_external_id}: line "
                        f"{refund_line.line_external_id} is not in the Cdiscount order.")
                if refund_line.quantity and float(refund_line.quantity) != float(line.get("Quantity") or 0):
                    raise UserInputError(
                        f"Cannot refund order {refund.order_external_id}: Cdiscount legacy refunds whole "
                        f"lines; line {refund_line.line_external_id} has {line.get('Quantity')} unit(s).")
                wanted.append(refund_line.line_external_id)
        if not wanted:
            raise UserInputError(f"Order {refund.order_external_id}: nothing left to refund.",
                                 code="nothing_to_refund", params={"order": refund.order_external_id})
        requests_ = [{
            "Mode": mode, "Motive": refund.reason,
            "RefundOrderLine": {"Ean": lines[sku].get("ProductEan") or None, "SellerProductId": sku,
                                "RefundShippingCharges": bool(refund.refund_shipping)},
        } for sku in wanted]
        result = self.call("CreateRefundVoucher", request={
            "OrderNumber": refund.order_external_id,
            "SellerRefundList": {"SellerRefundRequest": requests_}})
        failed = [r for r in result.get("SellerRefundResult") or [] if not r.get("Ok")]
        if failed:
            raise RemoteError("CreateRefundVoucher: " + "; ".join(r.get("Message") or "refused" for r in failed))
        return {"order": refund.order_external_id, "lines": wanted, "motive": refund.reason, "mode": mode}

    def list_carriers(self):
        """Carriers of GetGlobalConfiguration; ValidateOrderList takes their name."""
        result = self.call("GetGlobalConfiguration", retry=True)
        return [(c.get("Name"), c.get("Name")) for c in result.get("CarrierList") or [] if c and c.get("Name")]

    def list_refund_reasons(self):
        return list(REFUND_MOTIVES)


class _TokenFault(Exception):
    """Internal: the service refused the token (renew once)."""

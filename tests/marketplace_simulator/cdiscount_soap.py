"""Legacy Cdiscount marketplace SOAP API (MarketplaceAPIService) and its STS token service.

Built on the service's own WSDL and XSDs (``cdiscount_soap_xml``: zeep parses requests strictly
and renders answers from the XSDs) and on its recorded answers (``tests/fixtures/cdiscount``):

* ``GET /users/httpIssue.svc/?realm=...`` with HTTP Basic auth returns
  ``<string xmlns="http://schemas.microsoft.com/2003/10/Serialization/">TOKEN</string>``
  (32 characters, valid 48 h; several tokens may coexist) -- recorded answer.
* ``GET /MarketplaceAPIService.svc?wsdl`` (and ``?wsdl=wsdl0``, ``?xsd=xsd0`` … ``xsd11``) serves
  the recorded WSDL parts, their URLs pointing at this server, as WCF does.
* ``POST /MarketplaceAPIService.svc`` answers GetOrderList, ValidateOrderList, CreateRefundVoucher
  and GetGlobalConfiguration (``cdiscount_soap_ops``); :meth:`SoapState.replay` makes the next
  answer of an operation a recorded one, byte for byte.

Token problems are SOAP faults ``s:RequestTokenValidationError`` with the recorded texts; business
errors come back as ``ErrorList`` / ``Errors`` / ``OperationSuccess=false``. Dates on the wire are
naive Paris time; orders here hold aware UTC datetimes.
"""
import base64
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from lxml import etree

from . import cdiscount_soap_ops as ops
from .cdiscount_soap_ops import masked_address, touch  # noqa: F401 (API)
from .cdiscount_soap_rest import LEGACY_TO_REST_STATUS, share_with_rest, to_rest_order  # noqa: F401 (API)
from .cdiscount_soap_xml import (  # noqa: F401 (API of this module)
    ARR,
    MSG,
    SERIALIZATION,
    SERVICE_PATH,
    SERVICE_TZ,
    SOAP_ENV,
    TNS,
    WSDL_FILE,
    SoapFault,
    fault_response,
    fixture,
    parse_call,
    recorded_answer,
    recorded_carriers,
    recorded_orders,
    wsdl_part,
)
from .server import Response

NAME = "cdiscount_soap"
ORD = TNS  # the data contracts of the orders live in the service namespace
STS_PATH = "/users/httpIssue.svc/"
TOKEN_LIFETIME = 48 * 3600
TOKEN_FAULT_CODE = "s:RequestTokenValidationError"
TOKEN_FAULT = "Your token does not exist, please renew your token id."  # recorded
TOKEN_FORMAT_FAULT = "Token id is not correctly formatted."  # recorded
CARRIERS = recorded_carriers()
#: the Corporation of the recorded orders
CORPORATION = {"BusinessUnitId": 1, "CorporationCode": "CDSB2C", "CorporationId": 1,
               "CorporationName": "Cdiscount", "IsMarketPlaceActive": True}


@dataclass
class SoapState:
    """In-memory marketplace: credentials, tokens, orders (plain, XSD-named) and call log."""

    credentials: dict = field(default_factory=lambda: {"seller-api": "s3cret-password"})
    tokens: dict = field(default_factory=dict)  # token -> (login, expires_at epoch)
    orders: dict = field(default_factory=dict)  # OrderNumber -> order dict
    calls: list = field(default_factory=list)  # (operation, request element)
    shipments: dict = field(default_factory=dict)  # OrderNumber -> the ValidateOrder that shipped it
    gestures: list = field(default_factory=list)  # (OrderNumber, Amount, MotiveId) commercial gestures made
    replays: dict = field(default_factory=dict)  # operation -> recorded answers to send next
    no_states_delay: float = 0.0  # how long a filter without States "scans" before the fault
    lock: threading.RLock = field(default_factory=threading.RLock)

    # -- helpers for tests ------------------------------------------------------------
    def reset(self, credentials=None):
        """Forget orders, tokens and calls (a module-scoped server reused by several tests)."""
        with self.lock:
            for store in (self.orders, self.tokens, self.calls, self.shipments, self.replays, self.gestures):
                store.clear()
            self.no_states_delay = 0.0
            if credentials is not None:
                self.credentials = dict(credentials)

    def issue_token(self, login):
        token = secrets.token_hex(16)  # 32 characters, like the STS
        with self.lock:
            self.tokens[token] = (login, time.time() + TOKEN_LIFETIME)
        return token

    def expire_tokens(self):
        """Make every issued token unknown (the next call gets "Your token does not exist")."""
        with self.lock:
            self.tokens.clear()

    def add_orders(self, orders):
        with self.lock:
            for order in orders:
                self.orders[order["OrderNumber"]] = order
        return orders

    def replay(self, operation, body):
        """The next ``operation`` is answered with ``body`` (a recorded answer), after its checks."""
        with self.lock:
            self.replays.setdefault(operation, []).append(body)

    def set_state(self, order_number, state, line_state=None):
        """Move an order along its lifecycle as the marketplace would (payment done...)."""
        with self.lock:
            order = self.orders[order_number]
            order["OrderState"] = state
            for line in order["OrderLineList"] if line_state else ():
                line["AcceptationState"] = line_state
            touch(order)
            return order

    def cancel_before_payment(self, order_number):
        """The buyer cancels before paying: the recorded shape (no name, no country, total 0)."""
        with self.lock:
            order = self.set_state(order_number, "CancelledByCustomer", "CancelledBeforePaymentByCustomer")
            for key in ("BillingAddress", "ShippingAddress"):
                order[key] = masked_address(order[key])
            order.update(Status="Cancelled", ValidatedTotalAmount=Decimal("0"),
                         ValidatedTotalShippingCharges=Decimal("0"))
            return order

    def refuse_shipment(self, order_number):
        """Shipment refused then refunded: the recorded shape (lines at quantity 0)."""
        with self.lock:
            order = self.set_state(order_number, "ShipmentRefusedBySeller", "RefundedAfterShipmentRefused")
            for line in order["OrderLineList"]:
                line["Quantity"] = 0
            return order

    def operations(self, name=None):
        return [c for c in self.calls if name is None or c[0] == name]


# -- seeded order generator ------------------------------------------------------------------
FIRST_NAMES = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Manon", "Jules", "Inès", "Arthur", "Zoé"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
CITIES = [("75011", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"), ("33000", "Bordeaux"),
          ("59000", "Lille"), ("44000", "Nantes"), ("31000", "Toulouse"), ("67000", "Strasbourg")]
STREETS = ["rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "rue Pasteur",
           "place de la Mairie", "rue des Écoles"]
PRODUCTS = [("SKU-TSHIRT-01", "3760000000011", "T-shirt coton bio", Decimal("19.90")),
            ("SKU-MUG-02", "3760000000028", "Mug céramique 33 cl", Decimal("9.50")),
            ("SKU-LAMP-03", "3760000000035", "Lampe de bureau LED", Decimal("34.99")),
            ("SKU-BAG-04", "3760000000042", "Sac à dos 20 L", Decimal("44.00")),
            ("SKU-BOOK-05", "9782070000005", "Roman de poche", Decimal("7.60"))]
DEFAULT_STATES = ("WaitingForSellerAcceptation", "WaitingForShipmentAcceptation", "Shipped")
LINE_STATES = {"WaitingForSellerAcceptation": "None", "Shipped": "ShippedBySeller",
               "RefusedBySeller": "RefusedBySeller", "CancelledByCustomer": "CancelledBeforePaymentByCustomer"}


def make_order_number(rng, when):
    """YYMMDDHHMM (Paris time, as the recorded numbers match their CreationDate) + 5 characters."""
    suffix = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(5))
    return when.astimezone(SERVICE_TZ).strftime("%y%m%d%H%M") + suffix


def generate_orders(count, seed=0, states=DEFAULT_STATES, start=None, step=timedelta(hours=5),
                    relay_every=4):
    """``count`` reproducible legacy orders (XSD-shaped dicts) created from ``start`` on.

    States cycle through ``states``; every ``relay_every``-th order ships to a relay point.
    """
    rng = random.Random(seed)
    start = start or datetime.now(UTC).replace(microsecond=0) - step * count
    return [_order(rng, start + step * index, states[index % len(states)],
                   bool(relay_every) and index % relay_every == relay_every - 1) for index in range(count)]


def _address(rng):
    zip_code, city = rng.choice(CITIES)
    return {
        "Address1": None, "Address2": None, "ApartmentNumber": "", "Building": "", "City": city,
        "Civility": rng.choice(["MR", "MRS", "MISS"]), "CompanyName": "", "Country": "FR", "County": "N/A",
        "FirstName": rng.choice(FIRST_NAMES), "Instructions": "", "LastName": rng.choice(LAST_NAMES),
        "PlaceName": "", "RelayId": None, "Street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "ZipCode": zip_code,
    }


def _line(rng, row, product, state, created):
    sku, ean, name, price = product
    return {
        "AcceptationState": LINE_STATES.get(state, "AcceptedBySeller"), "CategoryCode": "0R0A0B",
        "DeliveryDateMax": created + timedelta(days=5), "DeliveryDateMin": created + timedelta(days=3),
        "HasClaim": False, "InitialPrice": None, "IsCDAV": False, "IsNegotiated": None,
        "IsProductEanGenerated": False, "Name": name, "OrderLineChildList": [], "ProductCondition": "New",
        "ProductEan": ean, "ProductId": f"AUC{ean}", "PurchasePrice": price, "Quantity": rng.randint(1, 3),
        "RefundShippingCharges": None, "RowId": row, "SellerProductId": sku,
        "ShippingDateMax": created + timedelta(days=3), "ShippingDateMin": created + timedelta(days=1),
        "Sku": f"AUC{ean}", "SkuParent": None, "UnitAdditionalShippingCharges": Decimal("0.00"),
        "UnitShippingCharges": Decimal("2.50"),
    }


def _customer(rng, address):
    customer_id = f"{rng.getrandbits(128):032x}"
    return {
        "Civility": address["Civility"], "CustomerId": customer_id, "Email": None,
        "EncryptedEmail": f"c.{customer_id[:24]}@clemarche.com", "FirstName": address["FirstName"],
        "LastName": address["LastName"], "MobilePhone": f"06{rng.randint(10000000, 99999999)}", "Phone": "",
        "ShippingFirstName": address["FirstName"], "ShippingLastName": address["LastName"],
    }


def _order(rng, created, state, relay):
    address = _address(rng)
    shipping = dict(address)
    if relay:
        shipping.update(RelayId=f"{rng.randint(10000, 99999)}", PlaceName="Relais Tabac Presse",
                        Street="12 place du Marché")
    lines = [_line(rng, row, product, state, created)
             for row, product in enumerate(rng.sample(PRODUCTS, rng.randint(1, 3)))]
    shipping_total = sum(line["UnitShippingCharges"] * line["Quantity"] for line in lines)
    total = sum(line["PurchasePrice"] * line["Quantity"] for line in lines) + shipping_total
    order = {
        "ArchiveParcelList": False, "BillingAddress": address, "Corporation": dict(CORPORATION),
        "CreationDate": created, "Customer": _customer(rng, address), "HasClaims": False,
        "InitialTotalAmount": total, "InitialTotalShippingChargesAmount": shipping_total,
        "IsCLogistiqueOrder": False, "LastUpdatedDate": created, "ModGesLog": "MKPCDS", "ModifiedDate": created,
        "Offer": None, "OrderLineList": lines, "OrderNumber": make_order_number(rng, created), "OrderState": state,
        "ParcelList": [], "PartnerOrderRef": None, "ShippedTotalAmount": Decimal("0"),
        "ShippedTotalShippingCharges": Decimal("0"), "ShippingAddress": shipping,
        "ShippingCode": "REL" if relay else "TRK", "ShippingDateMax": created + timedelta(days=3),
        "ShippingDateMin": created + timedelta(days=1),
        "SiteCommissionPromisedAmount": (total * Decimal("0.15")).quantize(Decimal("0.01")),
        "SiteCommissionShippedAmount": Decimal("0"), "SiteCommissionValidatedAmount": Decimal("0"),
        "Status": "Waiting" if state == "WaitingForSellerAcceptation" else "Validated",
        "ValidatedTotalAmount": total, "ValidatedTotalShippingCharges": shipping_total,
        "ValidationStatus": "None", "VisaCegid": None, "VoucherList": None,
    }
    if state == "Shipped":
        ops.add_parcel(order, "Colissimo", "")
    return order


def seed_demo(app, count, seed=0):
    """Demo and benchmark (``python -m marketplace_simulator``): ``count`` new orders updated now.

    Demo credentials: login ``seller-api``, password ``s3cret-password``.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    orders = generate_orders(count, seed=seed, start=now - timedelta(minutes=count), step=timedelta(minutes=1))
    return app.state[NAME].add_orders(orders)


# -- routes ----------------------------------------------------------------------------------
def register(app, state=None):
    """Add the STS, WSDL and SOAP routes; state in ``app.state["cdiscount_soap"]``."""
    state = state or SoapState()
    app.state[NAME] = state
    app.route("GET", r"/users/httpIssue\.svc/?")(lambda request: sts_issue(state, request))
    app.route("GET", r"/MarketplaceAPIService\.svc")(wsdl)
    app.route("POST", r"/MarketplaceAPIService\.svc")(lambda request: soap(state, request))
    return state


def sts_issue(state, request):
    if not request.query.get("realm"):
        return Response(400, "realm is required", content_type="text/plain")
    login, password = _basic_auth(request.headers.get("authorization", ""))
    if login is None or state.credentials.get(login) != password:
        return Response(401, "<html><body>401 - Unauthorized: Access is denied due to invalid "
                             "credentials.</body></html>", content_type="text/html",
                        headers={"WWW-Authenticate": 'Basic realm="sts.cdiscount.com"'})
    token = state.issue_token(login)
    return Response(200, f'<string xmlns="{SERIALIZATION}">{token}</string>', content_type="text/plain")


def wsdl(request):
    query = "&".join(f"{k}={v}" if v else k for k, v in request.query.items())
    host = request.headers.get("host", "127.0.0.1")
    body = wsdl_part(query, f"http://{host}{SERVICE_PATH}")
    if body is None:
        return Response(200, "<html><body>MarketplaceAPIService</body></html>", content_type="text/html")
    return Response(200, body, content_type="text/xml; charset=UTF-8")


def soap(state, request):
    action = request.headers.get("soapaction", "").strip('"')
    try:
        root = etree.fromstring(request.body)
    except etree.XMLSyntaxError:
        return fault_response(SoapFault("The request message is not well-formed XML."))
    body = root.find(f"{{{SOAP_ENV}}}Body")
    call = body[0] if body is not None and len(body) else None
    operation = etree.QName(call).localname if call is not None else ""
    handler = ops.OPERATIONS.get(operation)
    if handler is None or call.tag != f"{{{TNS}}}{operation}" or action != f"{TNS}/IMarketplaceAPIService/{operation}":
        return fault_response(SoapFault(
            f"The message with Action '{action}' cannot be processed at the receiver.", "a:ActionNotSupported"))
    try:
        return _dispatch(state, operation, call, handler)
    except SoapFault as fault:
        return fault_response(fault)


def _dispatch(state, operation, call, handler):
    params = parse_call(call)
    login, token = _check_token(state, params.get("headerMessage"))
    with state.lock:
        state.calls.append((operation, call))
        replays = state.replays.get(operation)
        if replays:
            return recorded_answer(replays.pop(0))
        return handler(state, params, login, token)


def _basic_auth(header):
    if not header.lower().startswith("basic "):
        return None, None
    try:
        login, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None, None
    return login, password


def _check_token(state, header):
    header = header or {}
    token = (header.get("Security") or {}).get("TokenId") or ""
    if not header.get("Context") or not header.get("Localization"):
        raise SoapFault("HeaderMessage: Context and Localization are required.")
    if len(token) != 32:
        raise SoapFault(TOKEN_FORMAT_FAULT, TOKEN_FAULT_CODE)
    with state.lock:
        login, expires_at = state.tokens.get(token, (None, 0))
    if login is None:
        raise SoapFault(TOKEN_FAULT, TOKEN_FAULT_CODE)
    if expires_at < time.time():
        raise SoapFault(f"The token {token[:4]}… has expired", TOKEN_FAULT_CODE)
    return login, token

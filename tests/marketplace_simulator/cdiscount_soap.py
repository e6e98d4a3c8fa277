"""Legacy Cdiscount marketplace SOAP API (MarketplaceAPIService) and its STS token service.

Follows /work/shared/reference/octopia-api.md section 5:

* ``GET /users/httpIssue.svc/?realm=...`` with HTTP Basic auth returns
  ``<string xmlns="http://schemas.microsoft.com/2003/10/Serialization/">TOKEN</string>``
  (32 characters, valid 48 h; several tokens may coexist).
* ``GET /MarketplaceAPIService.svc?wsdl`` serves the project's WSDL with ``soap:address``
  pointing at this server.
* ``POST /MarketplaceAPIService.svc`` answers GetOrderList, ValidateOrderList,
  CreateRefundVoucher and GetGlobalConfiguration (SOAP 1.1, document/literal).

Documented quirks enforced: GetOrderList without a ``States`` filter scans a month and times
out (SOAP fault after ``state.no_states_delay`` seconds); begin/end dates must come in pairs;
``OrderReferenceList`` cannot be combined with other filters; ValidateOrderList must list
every order line; shipping needs ``CarrierName`` and ``TrackingNumber``. Business errors come
back as ``ErrorList`` / ``OperationSuccess=false``; token problems as SOAP faults.
"""
import base64
import copy
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from lxml import etree

from .server import Response

NAME = "cdiscount_soap"
SERVICE_PATH = "/MarketplaceAPIService.svc"
STS_PATH = "/users/httpIssue.svc/"
TOKEN_LIFETIME = 48 * 3600
WSDL_FILE = (Path(__file__).resolve().parents[2]
             / "marketplace_transport" / "octopia" / "wsdl" / "MarketplaceAPIService.wsdl")

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SERIALIZATION = "http://schemas.microsoft.com/2003/10/Serialization/"
TNS = "http://www.cdiscount.com"
MSG = "http://schemas.datacontract.org/2004/07/Cdiscount.Framework.Core.Communication.Messages"
DATA = "http://schemas.datacontract.org/2004/07/Cdiscount.Service.Marketplace.API.External.Contract.Data"
ORD = DATA + ".Order"
ARR = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"

TOKEN_FAULT = "Your token does not exist"
TOKEN_FORMAT_FAULT = "Token id is not correctly formatted"
TIMEOUT_FAULT = ("The request channel timed out while waiting for a reply: the order search "
                 "scanned the last month (no States filter).")

# Lifecycle of an order (documented seller-relevant states).
ACCEPTABLE = ("WaitingForSellerAcceptation",)
SHIPPABLE = ("WaitingForShipmentAcceptation",)
REFUNDABLE = ("WaitingForShipmentAcceptation", "Shipped")

CARRIERS = [
    (1, "Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code={0}"),
    (2, "Chronopost", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={0}"),
    (3, "Mondial Relay", "https://www.mondialrelay.fr/suivi-de-colis?numeroExpedition={0}"),
    (4, "DPD", "https://trace.dpd.fr/fr/trace/{0}"),
    (5, "GLS", "https://gls-group.eu/FR/fr/suivi-colis?match={0}"),
    (6, "UPS", "https://www.ups.com/track?tracknum={0}"),
    (7, "DHL", "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={0}"),
    (8, "Relais Colis", "https://www.relaiscolis.com/suivi-de-colis/?codeEnseigne={0}"),
]
REFUND_MOTIVES = ("VendorRejection", "ClientCancellation", "VendorRejectionAndClientCancellation",
                  "ClientClaim", "VendorInitiatedRefund", "ClientRetraction", "NoClientWithDrawal",
                  "ProductStockUnavailable")
REFUND_MODES = ("Claim", "Retraction")


class SoapFault(Exception):
    def __init__(self, message, code="s:Client"):
        super().__init__(message)
        self.message, self.code = message, code


@dataclass
class SoapState:
    """In-memory marketplace: credentials, tokens, orders (wire-shaped dicts) and call log."""

    credentials: dict = field(default_factory=lambda: {"seller-api": "s3cret-password"})
    tokens: dict = field(default_factory=dict)  # token -> (login, expires_at epoch)
    orders: dict = field(default_factory=dict)  # OrderNumber -> order dict
    calls: list = field(default_factory=list)  # (operation, parsed request summary)
    no_states_delay: float = 0.0  # how long a filter without States "scans" before the fault
    lock: threading.RLock = field(default_factory=threading.RLock)

    # -- helpers for tests ------------------------------------------------------------
    def reset(self, credentials=None):
        """Forget orders, tokens and calls (a module-scoped server reused by several tests)."""
        with self.lock:
            self.orders.clear()
            self.tokens.clear()
            self.calls.clear()
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

    def set_state(self, order_number, state, line_state=None):
        """Move an order along its lifecycle as the marketplace would (payment done...)."""
        with self.lock:
            order = self.orders[order_number]
            order["OrderState"] = state
            if line_state:
                for line in order["OrderLineList"]:
                    line["AcceptationState"] = line_state
            touch(order)
            return order

    def operations(self, name=None):
        return [c for c in self.calls if name is None or c[0] == name]


def touch(order):
    """Bump LastUpdatedDate (strictly increasing, so incremental imports see every change)."""
    now = datetime.now(UTC).replace(microsecond=0)
    previous = order.get("LastUpdatedDate")
    if previous and now <= previous:
        now = previous + timedelta(seconds=1)
    order["LastUpdatedDate"] = order["ModifiedDate"] = now


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


def make_order_number(rng, when):
    suffix = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(4))
    return when.strftime("%y%m%d%H%M") + suffix


def generate_orders(count, seed=0, states=DEFAULT_STATES, start=None, step=timedelta(hours=5),
                    relay_every=4):
    """``count`` reproducible legacy orders (wire-shaped dicts) created from ``start`` on.

    States cycle through ``states``; every ``relay_every``-th order ships to a relay point.
    """
    rng = random.Random(seed)
    start = start or datetime.now(UTC).replace(microsecond=0) - step * count
    orders = []
    for index in range(count):
        created = start + step * index
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        zip_code, city = rng.choice(CITIES)
        address = {
            "Address1": "", "Address2": "", "ApartmentNumber": "", "Building": "",
            "City": city, "Civility": rng.choice(["M.", "Mme"]), "CompanyName": "",
            "Country": "FR", "County": "", "FirstName": first, "Instructions": "",
            "LastName": last, "PlaceName": "", "RelayId": "",
            "Street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "ZipCode": zip_code,
        }
        shipping = dict(address)
        shipping_code = "STD"
        if relay_every and index % relay_every == relay_every - 1:
            shipping.update(RelayId=f"{rng.randint(10000, 99999)}", PlaceName="Relais Tabac Presse",
                            Street="12 place du Marché")
            shipping_code = "REL"
        state = states[index % len(states)]
        lines = []
        for row, (sku, ean, name, price) in enumerate(rng.sample(PRODUCTS, rng.randint(1, 3)), start=1):
            quantity = rng.randint(1, 3)
            lines.append({
                "AcceptationState": _line_state_for(state), "CategoryCode": "0R0A0B",
                "HasClaim": False, "InitialPrice": price, "IsCDAV": False, "IsNegotiated": False,
                "Name": name, "ProductCondition": "New", "ProductEan": ean,
                "ProductId": f"AUC{ean[-8:]}", "PurchasePrice": price, "Quantity": quantity,
                "RefundShippingCharges": False, "RowId": row, "SellerProductId": sku,
                "ShippingDateMax": created + timedelta(days=3), "ShippingDateMin": created + timedelta(days=1),
                "Sku": f"{sku}-CD", "SkuParent": sku, "UnitAdditionalShippingCharges": Decimal("0.00"),
                "UnitShippingCharges": Decimal("2.50"),
            })
        shipping_total = sum(line["UnitShippingCharges"] * line["Quantity"] for line in lines)
        total = sum(line["PurchasePrice"] * line["Quantity"] for line in lines) + shipping_total
        customer_id = f"{rng.randint(10000000, 99999999)}"
        order = {
            "BillingAddress": address, "CorporationCode": "CDSFR", "CreationDate": created,
            "Customer": {
                "Civility": address["Civility"], "CustomerId": customer_id,
                "Email": f"{customer_id}@cdiscount-alias.example",
                "EncryptedEmail": f"{customer_id}@cdiscount-alias.example",
                "FirstName": first, "LastName": last, "MobilePhone": f"06{rng.randint(10000000, 99999999)}",
                "Phone": "", "ShippingFirstName": first, "ShippingLastName": last,
            },
            "HasClaims": False, "InitialTotalAmount": total, "InitialTotalShippingChargesAmount": shipping_total,
            "IsCLogistiqueOrder": False, "LastUpdatedDate": created, "ModGesLog": "", "ModifiedDate": created,
            "OrderLineList": lines, "OrderNumber": make_order_number(rng, created), "OrderState": state,
            "ParcelList": [], "PartnerOrderRef": "", "ShippedTotalAmount": Decimal("0"),
            "ShippedTotalShippingCharges": Decimal("0"), "ShippingAddress": shipping,
            "ShippingCode": shipping_code, "ShippingDateMax": created + timedelta(days=3),
            "ShippingDateMin": created + timedelta(days=1),
            "SiteCommissionPromisedAmount": (total * Decimal("0.15")).quantize(Decimal("0.01")),
            "SiteCommissionShippedAmount": Decimal("0"), "SiteCommissionValidatedAmount": Decimal("0"),
            "Status": "Validated" if state != "WaitingForSellerAcceptation" else "Waiting",
            "ValidatedTotalAmount": total, "ValidatedTotalShippingCharges": shipping_total,
            "ValidationStatus": "None",
        }
        if state == "Shipped":
            order["ParcelList"] = [{"ExternalCarrierName": "Colissimo", "ExternalCarrierTrackingUrl": "",
                                    "ParcelNumber": f"6A{rng.randint(10 ** 10, 10 ** 11)}", "ParcelStatus": "Prepared"}]
        orders.append(order)
    return orders


def seed_demo(app, count, seed=0):
    """Demo and benchmark (``python -m marketplace_simulator``): ``count`` new orders updated now.

    Demo credentials: login ``seller-api``, password ``s3cret-password``.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    orders = generate_orders(count, seed=seed, start=now - timedelta(minutes=count), step=timedelta(minutes=1))
    return app.state[NAME].add_orders(orders)


def _line_state_for(order_state):
    return {"WaitingForSellerAcceptation": "None", "Shipped": "ShippedBySeller",
            "RefusedBySeller": "RefusedBySeller", "CancelledByCustomer": "CancelledBeforePaymentByCustomer",
            }.get(order_state, "AcceptedBySeller")


#: Legacy OrderState -> Octopia REST status (notes, section 5.5), for the migration helper.
LEGACY_TO_REST_STATUS = {
    "WaitingForSellerAcceptation": "WaitingAcceptance", "AcceptedBySeller": "Accepted",
    "PaymentInProgress": "Accepted", "ValidatedFianet": "Accepted",
    "WaitingForShipmentAcceptation": "InPreparation", "Shipped": "Shipped", "RefusedBySeller": "Refused",
    "CancelledByCustomer": "Cancelled", "AutomaticCancellation": "Cancelled", "PaymentRefused": "Cancelled",
    "ShipmentRefusedBySeller": "Cancelled", "RefusedNoShipment": "Cancelled", "NonPickedUpByCustomer": "Cancelled",
}


def to_rest_order(order, seed=0):
    """The REST (Octopia v2) view of a legacy order: same order number as REST ``reference``.

    [INFERRED] the notes give no sample of one order seen by both APIs; the REST ``reference``
    carrying the legacy OrderNumber is this project's assumption. The REST shape comes from
    the REST simulator's own generator, so it stays in step with it.
    """
    from . import octopia

    status = LEGACY_TO_REST_STATUS.get(order["OrderState"], "Processing")
    (rest,) = octopia.generate_orders(1, seed=seed, statuses=[status])
    template = rest["lines"][0]
    billing, shipping = order["BillingAddress"], order["ShippingAddress"]
    customer = order["Customer"]
    lines, total = [], 0.0
    for row, line in enumerate(order["OrderLineList"], start=1):
        quantity = int(line["Quantity"])
        unit = float(line["PurchasePrice"])
        shipping_cost = round(float(line["UnitShippingCharges"]) * quantity, 2)
        rest_line = copy.deepcopy(template)
        rest_line.update(orderLineId=f"{rest['orderId']}-{row}", quantity=quantity, parcels=[])
        rest_line["offer"].update(sellerProductId=line["SellerProductId"], productGtin=line["ProductEan"],
                                  productTitle=line["Name"], supplyMode="Seller")
        rest_line["sellingPrice"] = {"unitSalesPrice": unit, "shippingCost": shipping_cost, "taxes": [
            {"code": "VAT", "target": "Product", "rate": 20.0,
             "amount": round(unit * quantity * 20 / 120, 2)}]}
        rest_line["totalPrice"] = {"offerPrice": round(unit * quantity + shipping_cost, 2),
                                   "sellingPrice": round(unit * quantity + shipping_cost, 2)}
        rest_line["shippingAddress"] = {
            "civility": shipping["Civility"], "firstName": shipping["FirstName"], "lastName": shipping["LastName"],
            "companyName": shipping["CompanyName"], "addressLine1": shipping["Street"], "addressLine2": "",
            "addressLine3": "", "postalCode": shipping["ZipCode"], "city": shipping["City"],
            "countryCode": shipping["Country"], "phone": customer["MobilePhone"], "email": customer["Email"],
            "pickupId": shipping["RelayId"], "pickupName": shipping["PlaceName"] if shipping["RelayId"] else ""}
        lines.append(rest_line)
        total += unit * quantity + shipping_cost
    rest.update(
        reference=order["OrderNumber"], status=status, lines=lines, currencyCode="EUR", businessOrder=False,
        createdAt=_text(order["CreationDate"]), purchasedAt=_text(order["CreationDate"]),
        updatedAt=_text(order["LastUpdatedDate"]), customer={"reference": customer["CustomerId"]},
        totalPrice={"offerPrice": round(total, 2), "sellingPrice": round(total, 2)},
        billingAddress={
            "civility": billing["Civility"], "firstName": billing["FirstName"], "lastName": billing["LastName"],
            "companyName": billing["CompanyName"], "companyVatNumber": "", "addressLine1": billing["Street"],
            "addressLine2": "", "addressLine3": "", "postalCode": billing["ZipCode"], "city": billing["City"],
            "stateOrRegion": "", "countryCode": billing["Country"]})
    return rest


def share_with_rest(app, order, seed=0):
    """Expose a legacy order to the Octopia REST simulator registered on ``app`` (migration).

    Returns the REST payload added (its ``orderId`` differs, its ``reference`` is the OrderNumber).
    """
    from . import octopia

    rest = to_rest_order(order, seed=seed)
    octopia.get_state(app).add_orders([rest])
    return rest


# -- XML writing -----------------------------------------------------------------------------
class S:
    """A data-contract struct: fields (written in key order, as the WSDL lists them) in ``ns``.

    ``base`` holds the inherited fields of an extended type (namespace, fields), written first.
    """

    def __init__(self, ns, fields, base=None):
        self.ns, self.fields, self.base = ns, fields, base


class A:
    """An array data contract: items named ``item`` in ``ns``."""

    def __init__(self, ns, item, values):
        self.ns, self.item, self.values = ns, item, values


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
        return value.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if value.tzinfo else "")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _write_fields(parent, ns, fields):
    for name, value in fields.items():
        if value is None:
            continue
        child = etree.SubElement(parent, f"{{{ns}}}{name}")
        _write_value(child, value)


def _write_value(element, value):
    if isinstance(value, S):
        if value.base:
            _write_fields(element, *value.base)
        _write_fields(element, value.ns, value.fields)
    elif isinstance(value, A):
        for item in value.values:
            _write_value(etree.SubElement(element, f"{{{value.ns}}}{value.item}"), item)
    else:
        element.text = _text(value)


def envelope(operation, result):
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    response = etree.SubElement(body, f"{{{TNS}}}{operation}Response", nsmap={None: TNS})
    result_el = etree.SubElement(response, f"{{{TNS}}}{operation}Result",
                                 nsmap={"a": result.ns, "b": DATA, "i": XSI})
    _write_value(result_el, result)
    return Response(200, etree.tostring(root, xml_declaration=False, encoding="utf-8"),
                    content_type="text/xml; charset=utf-8")


def fault_response(fault):
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    element = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(element, "faultcode").text = fault.code
    string = etree.SubElement(element, "faultstring")
    string.set("{http://www.w3.org/XML/1998/namespace}lang", "fr-FR")
    string.text = fault.message
    return Response(500, etree.tostring(root, encoding="utf-8"), content_type="text/xml; charset=utf-8")


def base_fields(errors=(), seller_login="", token=""):
    """ServiceBaseAPIMessage members: ErrorList, ErrorMessage, OperationSuccess, SellerLogin, TokenId."""
    return DATA, {
        "ErrorList": A(DATA, "Error", [S(DATA, {"ErrorType": t, "Message": m}) for t, m in errors]),
        "ErrorMessage": errors[0][1] if errors else None,
        "OperationSuccess": not errors,
        "SellerLogin": seller_login,
        "TokenId": token,
    }


def order_struct(order, with_lines=True):
    fields = {}
    for name, value in order.items():
        if name in ("BillingAddress", "ShippingAddress"):
            value = S(ORD, value)
        elif name == "Customer":
            value = S(ORD, value)
        elif name == "OrderLineList":
            value = A(ORD, "OrderLine", [S(ORD, line) for line in value]) if with_lines else None
        elif name == "ParcelList":
            value = A(ORD, "Parcel", [S(ORD, parcel) for parcel in value])
        fields[name] = value
    return S(ORD, fields)


# -- XML reading -----------------------------------------------------------------------------
def _child(element, ns, name):
    return None if element is None else element.find(f"{{{ns}}}{name}")


def _value(element, ns, name):
    child = _child(element, ns, name)
    if child is None or child.get(f"{{{XSI}}}nil") == "true":
        return None
    return (child.text or "").strip()


def _bool(element, ns, name):
    return (_value(element, ns, name) or "").lower() == "true"


def _date(element, ns, name):
    text = _value(element, ns, name)
    if not text:
        return None
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _items(element, ns, name, item_ns, item):
    container = _child(element, ns, name)
    return [] if container is None else container.findall(f"{{{item_ns}}}{item}")


# -- routes ----------------------------------------------------------------------------------
def register(app, state=None):
    """Add the STS, WSDL and SOAP routes; state in ``app.state["cdiscount_soap"]``."""
    state = state or SoapState()
    app.state[NAME] = state

    @app.route("GET", r"/users/httpIssue\.svc/?")
    def sts_issue(request):
        if not request.query.get("realm"):
            return Response(400, "realm is required", content_type="text/plain")
        login, password = _basic_auth(request.headers.get("authorization", ""))
        if login is None or state.credentials.get(login) != password:
            return Response(401, "<html><body>401 - Unauthorized: Access is denied due to invalid "
                                 "credentials.</body></html>", content_type="text/html",
                            headers={"WWW-Authenticate": 'Basic realm="sts.cdiscount.com"'})
        token = state.issue_token(login)
        body = f'<string xmlns="{SERIALIZATION}">{token}</string>'
        return Response(200, body, content_type="application/xml; charset=utf-8")

    @app.route("GET", r"/MarketplaceAPIService\.svc")
    def wsdl(request):
        if "wsdl" not in request.query and "singleWsdl" not in request.query:
            return Response(200, "<html><body>MarketplaceAPIService</body></html>", content_type="text/html")
        tree = etree.parse(str(WSDL_FILE))
        host = request.headers.get("host", "127.0.0.1")
        for address in tree.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address"):
            address.set("location", f"http://{host}{SERVICE_PATH}")
        return Response(200, etree.tostring(tree, xml_declaration=True, encoding="utf-8"),
                        content_type="text/xml; charset=utf-8")

    @app.route("POST", r"/MarketplaceAPIService\.svc")
    def soap(request):
        action = request.headers.get("soapaction", "").strip('"')
        try:
            root = etree.fromstring(request.body)
        except etree.XMLSyntaxError:
            return fault_response(SoapFault("The request message is not well-formed XML."))
        body = root.find(f"{{{SOAP_ENV}}}Body")
        call = body[0] if body is not None and len(body) else None
        operation = etree.QName(call).localname if call is not None else ""
        handler = OPERATIONS.get(operation)
        if handler is None or call.tag != f"{{{TNS}}}{operation}" or not action.endswith(f"/{operation}"):
            return fault_response(SoapFault(
                f"The message with Action '{action}' cannot be processed at the receiver.", "a:ActionNotSupported"))
        try:
            login = _check_token(state, _child(call, TNS, "headerMessage"))
            with state.lock:
                state.calls.append((operation, call))
                return handler(state, call, login)
        except SoapFault as fault:
            return fault_response(fault)

    return state


def _basic_auth(header):
    if not header.lower().startswith("basic "):
        return None, None
    try:
        login, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None, None
    return login, password


def _check_token(state, header):
    security = _child(header, MSG, "Security")
    token = _value(security, MSG, "TokenId") or ""
    if _child(header, MSG, "Context") is None or _child(header, MSG, "Localization") is None:
        raise SoapFault("HeaderMessage: Context and Localization are required.")
    if len(token) != 32:
        raise SoapFault(TOKEN_FORMAT_FAULT)
    with state.lock:
        login, expires_at = state.tokens.get(token, (None, 0))
    if login is None:
        raise SoapFault(TOKEN_FAULT)
    if expires_at < time.time():
        raise SoapFault(f"The token {token[:4]}… has expired")
    return login


def op_get_order_list(state, call, login):
    flt = _child(call, TNS, "orderFilter")
    states = [s.text for s in _items(flt, ORD, "States", ORD, "OrderStateEnum")]
    references = [r.text for r in _items(flt, ORD, "OrderReferenceList", ARR, "string")]
    dates = {name: _date(flt, ORD, name) for name in (
        "BeginCreationDate", "EndCreationDate", "BeginModificationDate", "EndModificationDate")}
    errors = []
    for kind in ("Creation", "Modification"):
        begin, end = dates[f"Begin{kind}Date"], dates[f"End{kind}Date"]
        if (begin is None) != (end is None):
            errors.append(("InvalidParameter", f"Begin{kind}Date and End{kind}Date must be given together."))
    if references and (states or any(dates.values())):
        errors.append(("InvalidParameter", "OrderReferenceList cannot be combined with other filters."))
    if errors:
        return envelope("GetOrderList", S(ORD, {"OrderList": None}, base=base_fields(errors, login)))
    if not references and not states:
        # Documented: without States the date filter is ignored, the API scans a month and times out.
        time.sleep(state.no_states_delay)
        raise SoapFault(TIMEOUT_FAULT, "s:Server")
    fetch_lines = _bool(flt, ORD, "FetchOrderLines")
    found = []
    for order in state.orders.values():
        if references and order["OrderNumber"] not in references:
            continue
        if states and order["OrderState"] not in states:
            continue
        if not _in_range(order["CreationDate"], dates["BeginCreationDate"], dates["EndCreationDate"]):
            continue
        if not _in_range(order["LastUpdatedDate"], dates["BeginModificationDate"], dates["EndModificationDate"]):
            continue
        found.append(order)
    found.sort(key=lambda o: o["LastUpdatedDate"])
    result = S(ORD, {"OrderList": A(ORD, "Order", [order_struct(o, fetch_lines) for o in found])},
               base=base_fields((), login))
    return envelope("GetOrderList", result)


def _in_range(value, begin, end):
    if begin is None:
        return True
    return begin <= value <= end


def op_validate_order_list(state, call, login):
    message = _child(call, TNS, "validateOrderListMessage")
    results = []
    for item in _items(message, ORD, "OrderList", ORD, "ValidateOrder"):
        results.append(_validate_one(state, item))
    return envelope("ValidateOrderList", S(ORD, {"ValidateOrderResults": A(ORD, "ValidateOrderResult", results)},
                                           base=base_fields((), login)))


def _validate_one(state, item):
    number = _value(item, ORD, "OrderNumber") or ""
    target = _value(item, ORD, "OrderState") or ""
    lines = {_value(line, ORD, "SellerProductId"): _value(line, ORD, "AcceptationState")
             for line in _items(item, ORD, "OrderLineList", ORD, "ValidateOrderLine")}

    def result(errors, line_results=()):
        return S(ORD, {
            "Errors": A(DATA, "Error", [S(DATA, {"ErrorType": t, "Message": m}) for t, m in errors]),
            "OrderNumber": number,
            "ValidateOrderLineResults": A(ORD, "ValidateOrderLineResult", list(line_results)),
            "Validated": not errors,
            "Warnings": A(ARR, "string", []),
        })

    order = state.orders.get(number)
    if order is None:
        return result([("OrderNotFound", f"Order {number} not found.")])
    current = order["OrderState"]
    allowed = {"AcceptedBySeller": ACCEPTABLE, "RefusedBySeller": ACCEPTABLE,
               "Shipped": SHIPPABLE, "ShipmentRefusedBySeller": SHIPPABLE}
    if target not in allowed:
        return result([("OrderStateIncoherent", f"OrderState {target} cannot be set by the seller.")])
    if current not in allowed[target]:
        return result([("OrderStateIncoherent",
                        f"Order {number} is {current}: it cannot be changed to {target}.")])
    known = {line["SellerProductId"] for line in order["OrderLineList"]}
    missing = sorted(known - set(lines))
    unknown = sorted(set(lines) - known)
    if missing:
        return result([("OrderLineNotFound", "Every order line must be validated; missing "
                        f"SellerProductId: {', '.join(missing)}.")])
    if unknown:
        return result([("OrderLineNotFound", f"Unknown SellerProductId: {', '.join(unknown)}.")])
    expected_line = {"AcceptedBySeller": ("AcceptedBySeller", "RefusedBySeller"),
                     "RefusedBySeller": ("RefusedBySeller",), "Shipped": ("ShippedBySeller",),
                     "ShipmentRefusedBySeller": ("ShipmentRefusedBySeller",)}[target]
    line_results, errors = [], []
    for sku, line_state in lines.items():
        line_errors = []
        if line_state not in expected_line:
            line_errors.append(("OrderLineIncoherentState",
                                f"Line {sku}: AcceptationState {line_state} is not valid for {target}."))
        errors.extend(line_errors)
        line_results.append(S(ORD, {
            "Errors": A(DATA, "Error", [S(DATA, {"ErrorType": t, "Message": m}) for t, m in line_errors]),
            "SellerProductId": sku, "Updated": not line_errors}))
    carrier = _value(item, ORD, "CarrierName")
    tracking = _value(item, ORD, "TrackingNumber")
    url = _value(item, ORD, "TrackingUrl")
    if target == "Shipped":
        errors.extend(_tracking_errors(carrier, tracking, url))
    if errors:
        return result(errors, line_results)
    if target == "AcceptedBySeller" and all(s == "RefusedBySeller" for s in lines.values()):
        target = "RefusedBySeller"
    order["OrderState"] = target
    for line in order["OrderLineList"]:
        line["AcceptationState"] = lines[line["SellerProductId"]]
    if target == "Shipped":
        order["ParcelList"] = [{"ExternalCarrierName": carrier, "ExternalCarrierTrackingUrl": url or "",
                                "ParcelNumber": tracking, "ParcelStatus": "Prepared"}]
        order["ShippedTotalAmount"] = order["ValidatedTotalAmount"]
        order["ShippedTotalShippingCharges"] = order["ValidatedTotalShippingCharges"]
    touch(order)
    return result([], line_results)


def _tracking_errors(carrier, tracking, url):
    """The errors of a shipment's carrier, tracking number and tracking URL."""
    errors = []
    if not carrier or not tracking:
        errors.append(("OrderTrackingInformationError",
                       "CarrierName and TrackingNumber are mandatory to ship an order."))
    elif len(tracking) > 50 or any(c in tracking for c in " &*$"):
        errors.append(("OrderTrackingInformationError",
                       "TrackingNumber: 50 characters at most, without space, &, * or $."))
    if url and (not url.startswith(("http://", "https://")) or len(url) > 255):
        errors.append(("OrderTrackingInformationError", "TrackingUrl must start with http(s):// (255 max)."))
    return errors


def op_create_refund_voucher(state, call, login):
    request = _child(call, TNS, "request")
    number = _value(request, ORD, "OrderNumber") or ""
    refunds = _items(request, ORD, "SellerRefundList", ORD, "SellerRefundRequest")
    order = state.orders.get(number)
    errors, results = [], []
    if order is None:
        errors.append(("OrderNotFound", f"Order {number} not found."))
    elif order["OrderState"] not in REFUNDABLE:
        errors.append(("RefundError", f"Order {number} is {order['OrderState']}: it cannot be refunded."))
    elif not refunds:
        errors.append(("RefundError", "SellerRefundList is empty."))
    if errors:
        return envelope("CreateRefundVoucher", S(ORD, {"OrderNumber": number}, base=base_fields(errors, login)))
    lines = {line["SellerProductId"]: line for line in order["OrderLineList"]}
    for refund in refunds:
        mode, motive = _value(refund, ORD, "Mode"), _value(refund, ORD, "Motive")
        refund_line = _child(refund, ORD, "RefundOrderLine")
        sku = _value(refund_line, ORD, "SellerProductId")
        ship_back = _bool(refund_line, ORD, "RefundShippingCharges")
        line = lines.get(sku)
        message = ""
        if mode not in REFUND_MODES:
            message = f"Mode {mode!r} is not valid ({', '.join(REFUND_MODES)})."
        elif motive not in REFUND_MOTIVES:
            message = f"Motive {motive!r} is not valid."
        elif line is None:
            message = f"Order line {sku} not found."
        elif line["AcceptationState"].startswith("Refunded"):
            message = f"Order line {sku} is already refunded."
        if not message:
            shipped = order["OrderState"] == "Shipped"
            line["AcceptationState"] = "RefundedAfterShipping" if shipped else "RefundedAfterShipmentRefused"
            line["RefundShippingCharges"] = ship_back
        results.append(S(ORD, {"Message": message or None, "Mode": mode, "Motive": motive, "Ok": not message,
                               "RefundOrderLine": S(ORD, {"Ean": _value(refund_line, ORD, "Ean"),
                                                          "RefundShippingCharges": ship_back,
                                                          "SellerProductId": sku})}))
        if message:
            errors.append(("RefundError", message))
    if order["OrderState"] != "Shipped" and all(
            line["AcceptationState"].startswith("Refunded") for line in order["OrderLineList"]):
        order["OrderState"] = "ShipmentRefusedBySeller"
    touch(order)
    result = S(ORD, {"CommercialGestureList": A(ORD, "RefundInformationMessage", []), "OrderNumber": number,
                     "SellerRefundResult": A(ORD, "SellerRefundResult", results)},
               base=base_fields(errors, login))
    return envelope("CreateRefundVoucher", result)


def op_get_global_configuration(state, call, login):
    carriers = [S(DATA, {"CarrierId": cid, "DefaultURL": url, "Name": name}) for cid, name, url in CARRIERS]
    return envelope("GetGlobalConfiguration", S(DATA, {"CarrierList": A(DATA, "Carrier", carriers)},
                                                base=base_fields((), login)))


OPERATIONS = {
    "GetOrderList": op_get_order_list,
    "ValidateOrderList": op_validate_order_list,
    "CreateRefundVoucher": op_create_refund_voucher,
    "GetGlobalConfiguration": op_get_global_configuration,
}

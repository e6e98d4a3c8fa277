"""Octopia Seller API v2 simulator (Keycloak token + ``/seller/v2`` REST endpoints).

Follows /work/shared/reference/octopia-api.md: problem+json errors, ``{"itemsPerPage", "items"}``
envelopes, ``pageIndex`` from 1 and ``pageSize`` at most 100, snake_case approval body, shipments
as a JSON array answered 201, carriers as a bare list with non-unique codes, the JSON
offer-package flow with ``Content-Location`` and ``Link`` cursor paging, the XML offer packages
(``/offer-integration-packages``: the ZIP is downloaded from the posted URL over real HTTP) and
the APIM quota 403.

Usage::

    app = SimulatorApp()
    state = octopia.register(app, orders=octopia.generate_orders(50, seed=1))
    with SimulatorServer(app) as server:
        base_url = server.url + octopia.API_PREFIX
        token_url = server.url + octopia.TOKEN_PATH
"""
import bisect
import collections
import copy
import io
import itertools
import random
import re
import secrets
import string
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import quote, urlsplit

from .server import Response, problem

NAME = "octopia"
API_PREFIX = "/seller/v2"
TOKEN_PATH = "/auth/realms/maas/protocol/openid-connect/token"
DEFAULT_CLIENT_ID = "sim-octopia-client"
DEFAULT_CLIENT_SECRET = "sim-octopia-secret-0123456789"
DEFAULT_SELLER_ID = "98979"
MAX_PAGE_SIZE = 100
MAX_OFFERS_PER_CALL = 100
MAX_OFFERS_PER_PACKAGE = 50000
MAX_OFFERS_PER_XML_PACKAGE = 40000
MAX_XML_PACKAGE_BYTES = 64 * 1024 * 1024
XML_PACKAGE_ENTRIES = ("[Content_Types].xml", "_rels/.rels", "Content/Offers.xml")
OFFER_XML_NAMESPACE = ("clr-namespace:Cdiscount.Service.OfferIntegration.Pivot;"
                       "assembly=Cdiscount.Service.OfferIntegration")
# Inferred (the V2 reference names no field): the ZIP URL as a bare JSON string, or in an object
XML_PACKAGE_URL_FIELDS = ("url", "packageUrl", "zipFileFullPath")
XML_LOG_PAGE_MAX = 100
PRODUCT_CONDITION_NAMES = ("None", "LikeNew", "VeryGoodState", "GoodState", "AverageState", "Refurbished", "New",
                           "RefurbishedLikeNew", "RefurbishedVeryGoodState", "RefurbishedCorrectState")
PRICE_ALIGNMENT_ACTIONS = ("Empty", "Unknown", "Align", "DontAlign")
PACKAGING_UNITS = ("None", "Liter", "Kilogram", "SquareMeter", "CubicMeter", "Piece")
DISCOUNT_TYPES = ("StrikedPrice", "Flash", "Sales")
RECORDED_HEADERS = ("sellerid", "saleschannelid", "accept-language")
QUOTA_MESSAGE = "Out of call volume quota. Quota will be replenished in {delay}."

ORDER_STATUSES = ("Processing", "WaitingAcceptance", "Accepted", "Refused", "InPreparation",
                  "Shipped", "Delivered", "Cancelled", "Rejected")
# The shipping address is only exposed from InPreparation onwards (hdcasa's reading of the doc).
HIDDEN_ADDRESS_STATUSES = ("Processing", "WaitingAcceptance", "Accepted")
NEXT_STATUS = {"Processing": "WaitingAcceptance", "WaitingAcceptance": "Accepted", "Accepted": "InPreparation",
               "InPreparation": "Shipped", "Shipped": "Delivered"}
SHIPPABLE_LINE_STATUSES = ("InPreparation", "CancelRequest")
REFUNDABLE_STATUSES = ("Accepted", "InPreparation", "Shipped", "Delivered")

# 66 carriers were measured on a live account; this is a representative subset with the
# documented non-unique codes (pcc, dhldp).
CARRIERS = [
    {"code": "pcc", "label": "La Poste"},
    {"code": "pcc", "label": "Colissimo"},
    {"code": "pcc", "label": "Chronopost"},
    {"code": "pcc", "label": "Chronofresh"},
    {"code": "dhldp", "label": "DHL"},
    {"code": "dhldp", "label": "Deutsche Post"},
    {"code": "ups", "label": "UPS"},
    {"code": "tnt", "label": "TNT"},
    {"code": "gls", "label": "GLS"},
    {"code": "dpd", "label": "DPD"},
    {"code": "mondialrelay", "label": "Mondial Relay"},
    {"code": "relaiscolis", "label": "Relais Colis"},
    {"code": "colisprive", "label": "Colis Privé"},
    {"code": "fedex", "label": "Fedex"},
    {"code": "geodis", "label": "Geodis"},
    {"code": "kuehnenagel", "label": "Kuehne + Nagel"},
    {"code": "dbschenker", "label": "DB Schenker"},
    {"code": "other", "label": "Autre"},
]

CANCELLATION_REASONS = [
    {"code": "ProductStockUnavailable", "label": "Produit en rupture de stock"},
    {"code": "ClientCancellation", "label": "Annulation à la demande du client"},
    {"code": "VendorRejection", "label": "Refus vendeur"},
    {"code": "ClientClaim", "label": "Réclamation client"},
    {"code": "ClientRetraction", "label": "Rétractation du client"},
    {"code": "VendorInitiatedRefund", "label": "Remboursement à l'initiative du vendeur"},
]

OFFER_CONDITIONS = ("New", "LikeNew", "VeryGoodState", "GoodState", "AverageState", "Refurbished")

# Products the generated orders sell: (seller SKU, EAN-13 without check digit, title, VAT-incl. price)
_PRODUCT_SEEDS = [
    ("CAFE-ARABICA-1KG", "376001234501", "Café en grains arabica 1 kg", 18.90),
    ("THE-VERT-BIO-100", "376001234502", "Thé vert bio 100 sachets", 12.50),
    ("MUG-CERAM-BLEU", "376001234503", "Mug céramique bleu 35 cl", 9.99),
    ("BOUILLOIRE-17L", "376001234504", "Bouilloire électrique 1,7 L inox", 39.90),
    ("CAFETIERE-ITAL-6", "376001234505", "Cafetière italienne 6 tasses", 24.95),
    ("MOULIN-CAFE-MAN", "376001234506", "Moulin à café manuel céramique", 34.00),
    ("FILTRE-PAPIER-4", "376001234507", "Filtres papier n°4 x200", 4.49),
    ("CAPSULES-X50", "376001234508", "Capsules compatibles x50 intenso", 14.90),
    ("THERMOS-500", "376001234509", "Bouteille isotherme 500 ml", 22.00),
    ("SUCRE-CANNE-1KG", "376001234510", "Sucre de canne roux 1 kg", 3.95),
    ("CHOCOLAT-NOIR-85", "376001234511", "Chocolat noir 85 % 200 g", 5.60),
    ("BALANCE-CUISINE", "376001234512", "Balance de cuisine électronique", 27.50),
]


def ean13(body12):
    """Append the EAN-13 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def gtin_is_valid(gtin):
    """8 to 14 digits with a correct GS1 check digit."""
    if not isinstance(gtin, str) or not re.fullmatch(r"\d{8,14}", gtin):
        return False
    digits = [int(d) for d in gtin]
    check = digits.pop()
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10 == check


CATALOG = [
    {"sku": sku, "ean": ean13(body), "name": name, "price": price}
    for sku, body, name, price in _PRODUCT_SEEDS
]

_FIRST_NAMES = ["Camille", "Léa", "Hugo", "Lucas", "Chloé", "Manon", "Jules", "Inès", "Louis", "Zoé",
                "Anna", "Lukas", "Giulia", "Marco", "Lucía", "Pablo", "Émilie", "Noé", "Sofia", "Jonas"]
_LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau",
               "Lefèvre", "Müller", "Schmidt", "Rossi", "Bianchi", "García", "López", "Peeters",
               "Hoarau", "Payet", "Grondin", "Keller"]
# country -> (weight, cities [(postal code prefix or full code, city)], VAT prefix, phone prefix)
_COUNTRIES = {
    "FR": (60, [("75011", "Paris"), ("69003", "Lyon"), ("13008", "Marseille"), ("33000", "Bordeaux"),
                ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg")], "FR", "+33"),
    "RE": (5, [("97400", "Saint-Denis"), ("97410", "Saint-Pierre"), ("97430", "Le Tampon"),
               ("97460", "Saint-Paul")], "FR", "+262"),
    "DE": (8, [("10115", "Berlin"), ("80331", "München"), ("50667", "Köln")], "DE", "+49"),
    "IT": (7, [("20121", "Milano"), ("00184", "Roma")], "IT", "+39"),
    "ES": (7, [("28013", "Madrid"), ("08001", "Barcelona")], "ES", "+34"),
    "BE": (8, [("1000", "Bruxelles"), ("4000", "Liège")], "BE", "+32"),
    "CH": (5, [("1201", "Genève"), ("8001", "Zürich")], "CHE", "+41"),
}
_STREETS = ["rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "chemin des Vignes",
            "Hauptstraße", "Via Roma", "Calle Mayor", "rue Neuve", "Bahnhofstrasse"]
_COMPANIES = ["Brûlerie du Centre SARL", "Kaffeehaus GmbH", "Torrefazione Rossi S.r.l.",
              "Cafés Payet SAS", "Bureau Services SA", "Hôtel des Arts"]
_RELAYS = [("Mondial Relay", "MR-{n:06d}", "Relais Tabac Presse {n}"),
           ("Relais Colis", "RC-{n:06d}", "Relais Colis Épicerie {n}"),
           ("La Poste", "PR-{n:06d}", "Bureau de poste {n}")]
_STATUS_WEIGHTS = [("InPreparation", 45), ("WaitingAcceptance", 10), ("Accepted", 8), ("Shipped", 15),
                   ("Delivered", 10), ("Cancelled", 5), ("Processing", 4), ("Refused", 2), ("Rejected", 1)]
_VAT_RATES = {"FR": 20.0, "RE": 8.5, "DE": 19.0, "IT": 22.0, "ES": 21.0, "BE": 21.0, "CH": 0.0}


def iso(dt):
    """UTC ISO-8601 with a Z, as the API writes dates."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def parse_iso(value):
    return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).astimezone(UTC)


def _money(value):
    return round(value + 1e-9, 2)


def _luhn_digit(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def vat_number(rng, country):
    """A VAT number with valid check digits for FR, BE, DE, IT, ES and CH (UID)."""
    def digits(count, first="123456789"):
        return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(count - 1))

    if country == "FR":
        siren = digits(8)
        siren += _luhn_digit(siren)
        return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    if country == "BE":
        body = "0" + digits(7)
        return f"BE{body}{97 - int(body) % 97:02d}"
    if country == "DE":
        body, product = digits(8), 10
        for char in body:
            total = (int(char) + product) % 10 or 10
            product = (2 * total) % 11
        return f"DE{body}{(11 - product) % 10}"
    if country == "IT":
        body = digits(7) + f"{rng.randint(1, 100):03d}"
        return f"IT{body}{_luhn_digit(body)}"
    if country == "ES":
        body = digits(7)
        total = sum(int(body[i]) for i in (1, 3, 5))
        total += sum(sum(divmod(int(body[i]) * 2, 10)) for i in (0, 2, 4, 6))
        return f"ESB{body}{(10 - total % 10) % 10}"
    if country == "CH":
        while True:
            body = digits(8)
            check = 11 - sum(int(d) * w for d, w in zip(body, (5, 4, 3, 2, 7, 6, 5, 4), strict=True)) % 11
            if check != 10:
                return f"CHE{body}{check % 11}"
    return ""


class _Customer:
    __slots__ = ("reference", "civility", "first_name", "last_name", "country", "postal_code", "city", "street",
                 "company", "vat", "phone", "email")


def _new_customer(rng, b2b):
    countries = list(_COUNTRIES)
    country = rng.choices(countries, weights=[_COUNTRIES[c][0] for c in countries])[0]
    _weight, cities, vat_prefix, phone_prefix = _COUNTRIES[country]
    cust = _Customer()
    cust.reference = f"CUST{rng.randrange(10**9):09d}"
    cust.civility = rng.choice(["Mr", "Mrs"])
    cust.first_name = rng.choice(_FIRST_NAMES)
    cust.last_name = rng.choice(_LAST_NAMES)
    # Réunion: Octopia addresses carry country FR with a 974xx postal code
    cust.country = "FR" if country == "RE" else country
    cust.postal_code, cust.city = rng.choice(cities)
    cust.street = f"{rng.randint(1, 180)} {rng.choice(_STREETS)}"
    cust.company = rng.choice(_COMPANIES) if b2b else ""
    cust.vat = vat_number(rng, cust.country) if b2b else ""
    cust.phone = f"{phone_prefix}6{rng.randrange(10**8):08d}"
    cust.email = f"{cust.reference.lower()}@octopia-alias.example.com"
    return cust


def _address(cust):
    return {
        "civility": cust.civility,
        "firstName": cust.first_name, "lastName": cust.last_name, "companyName": cust.company,
        "addressLine1": cust.street, "addressLine2": "", "addressLine3": "",
        "postalCode": cust.postal_code, "city": cust.city, "countryCode": cust.country,
    }


def generate_orders(n, seed=0, start=None, *, seller_id=DEFAULT_SELLER_ID, sales_channel="CDISFR",
                    statuses=None, step_seconds=60, id_prefix="SCID"):
    """``n`` realistic V2 orders, deterministic for a seed.

    Orders are ``updatedAt``-ordered from ``start`` (default: now - n minutes), one every
    ``step_seconds``. About 30 % come from returning customers, 10 % are B2B (companyName,
    companyVatNumber, businessOrder), some ship to relay points (pickupId/pickupName), some lines
    are fulfilled by Octopia (supplyMode ``Fulfillment``). ``statuses`` forces the status list
    (cycled); otherwise a weighted mix is drawn.
    """
    rng = random.Random(seed)
    if start is None:
        start = datetime.now(UTC) - timedelta(seconds=step_seconds * (n + 1))
    start = start.astimezone(UTC) if start.tzinfo else start.replace(tzinfo=UTC)
    customers = []
    status_names = [s for s, _w in _STATUS_WEIGHTS]
    status_weights = [w for _s, w in _STATUS_WEIGHTS]
    forced = itertools.cycle(statuses) if statuses else None
    orders = []
    for index in range(n):
        if customers and rng.random() < 0.30:
            cust = rng.choice(customers)
        else:
            cust = _new_customer(rng, b2b=rng.random() < 0.10)
            customers.append(cust)
        status = next(forced) if forced else rng.choices(status_names, weights=status_weights)[0]
        updated = start + timedelta(seconds=step_seconds * index)
        created = updated - timedelta(minutes=rng.randint(5, 2 * 24 * 60))
        pickup = None
        if rng.random() < 0.15 and cust.country in ("FR", "BE", "ES"):
            carrier, id_fmt, name_fmt = rng.choice(_RELAYS)
            number = rng.randrange(10**5)
            pickup = (id_fmt.format(n=number), name_fmt.format(n=number))
        fulfillment_all = rng.random() < 0.05
        country_key = "RE" if cust.postal_code.startswith("974") else cust.country
        vat_rate = _VAT_RATES.get(country_key, 20.0)
        created_iso = iso(created)
        shipped_max = iso(created + timedelta(days=2))
        delivery = {"promisedAtMin": shipped_max, "promisedAtMax": iso(created + timedelta(days=5)),
                    "shippedAtMax": shipped_max}
        lines = []
        order_total = offer_total = 0.0
        commission_total = 0.0
        for line_no, product in enumerate(rng.sample(CATALOG, rng.randint(1, 4)), start=1):
            quantity = rng.choices([1, 2, 3, 5], weights=[70, 20, 7, 3])[0]
            unit = product["price"]
            shipping = 0.0 if line_no > 1 else rng.choice([0.0, 3.99, 4.99, 6.90])
            supply = "Fulfillment" if fulfillment_all or rng.random() < 0.08 else "Seller"
            line_status = _line_status(status)
            if line_status == "InPreparation" and supply == "Seller" and rng.random() < 0.05:
                line_status = "CancelRequest"
            commission_rate = 15.0
            commission = _money((unit * quantity + shipping) * commission_rate / 100)
            commission_total += commission
            product_tax = _money(unit * quantity * vat_rate / (100 + vat_rate))
            shipping_tax = _money(shipping * vat_rate / (100 + vat_rate))
            taxes = [{"code": "VAT", "target": "Product", "amount": product_tax, "rate": vat_rate}]
            if shipping:
                taxes.append({"code": "VAT", "target": "ShippingCost", "amount": shipping_tax, "rate": vat_rate})
            line_total = _money(unit * quantity + shipping)
            order_total += line_total
            offer_total += _money(line_total - commission)
            shipping_address = dict(_address(cust), phone=cust.phone, email=cust.email,
                                    pickupId="", pickupName="")
            if pickup:
                shipping_address.update(pickupId=pickup[0], pickupName=pickup[1], addressLine1=pickup[1])
            lines.append({
                "orderLineId": f"{index + 1}-{line_no}",
                "status": line_status,
                "quantity": quantity,
                "offer": {
                    "id": f"OF{rng.randrange(10**8):08d}", "sellerProductId": product["sku"],
                    "productId": f"CD{product['ean'][-8:]}", "productGtin": product["ean"],
                    "productTitle": product["name"], "condition": "New", "supplyMode": supply,
                },
                "sellingPrice": {"unitSalesPrice": unit, "shippingCost": shipping, "taxes": taxes},
                "offerPrice": {
                    "unitSalesPrice": unit, "shippingCost": shipping,
                    "commission": {"amountWithVat": commission,
                                   "amountWithoutVat": _money(commission / 1.2), "rate": commission_rate},
                    "taxes": taxes,
                },
                "totalPrice": {"offerPrice": _money(line_total - commission), "sellingPrice": line_total},
                "delivery": dict(delivery, mode="REL" if pickup else rng.choice(["STD", "TRK", "REG"])),
                "shippingAddress": shipping_address,
                "parcels": [],
                "productAttributes": [],
                "statusEvents": [],
            })
        if status in ("Shipped", "Delivered"):
            for line in lines:
                if line["offer"]["supplyMode"] == "Seller":
                    line["parcels"] = [{"parcelNumber": f"6A{rng.randrange(10**11):011d}",
                                        "carrierName": "Colissimo", "trackingUrl": ""}]
        b2b = bool(cust.company)
        billing = _address(cust)
        billing.update(companyVatNumber=cust.vat, stateOrRegion="")
        orders.append({
            "orderId": f"{id_prefix}{created.strftime('%d%m%y%H%M%S')}{rng.randrange(36**4):04X}{index:04d}",
            "reference": f"{created.strftime('%y%m%d%H%M')}{rng.randrange(10**4):04d}",
            "businessOrder": b2b,
            "salesChannel": {"id": sales_channel, "name": "Cdiscount"},
            "seller": {"id": seller_id},
            "customer": {"reference": cust.reference},
            "purchasedAt": created_iso,
            "createdAt": created_iso,
            "updatedAt": iso(updated),
            "shippedAtMax": shipped_max,
            "status": status,
            "payment": {"method": "Card"},
            "currencyCode": "EUR",
            "billingAddress": billing,
            "totalPrice": {"offerPrice": _money(offer_total), "sellingPrice": _money(order_total)},
            "serviceFees": [{"label": "Commission", "amount": _money(commission_total)}],
            "lines": lines,
        })
    return orders


def _line_status(order_status):
    return {"Processing": "Processing", "WaitingAcceptance": "WaitingAcceptance", "Accepted": "Accepted",
            "Refused": "Refused", "InPreparation": "InPreparation", "Shipped": "Shipped",
            "Delivered": "Delivered", "Cancelled": "Cancelled", "Rejected": "Rejected"}[order_status]


class OctopiaState:
    """In-memory seller account. All mutations go through the app lock."""

    def __init__(self, app, *, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET,
                 seller_id=DEFAULT_SELLER_ID, expires_in=7200, quota=None, quota_delay="00:11:35",
                 package_steps=2, accept_status="Accepted", now=None):
        self.app = app
        self.lock = app.lock
        self.client_id = client_id
        self.client_secret = client_secret
        self.seller_id = seller_id
        self.expires_in = expires_in
        self.quota = quota  # None: unlimited; N: the (N+1)th API call answers the quota 403
        self.quota_delay = quota_delay
        self.package_steps = package_steps  # GETs of a Ready package before it is Integrated
        self.accept_status = accept_status
        self.now = now or (lambda: datetime.now(UTC))
        self.tokens = {}  # token -> expiry (time.time())
        self.token_requests = 0
        self.api_calls = 0
        self.orders = {}
        self._sorted = None
        self.carriers = [dict(c) for c in CARRIERS]
        self.cancellation_reasons = [dict(r) for r in CANCELLATION_REASONS]
        self.cancellation_requests = []
        self.shipments = []  # (orderId, parcel) accepted
        self.approvals = []  # (orderId, approval_status)
        self.packages = {}
        self.offers = {}  # sellerExternalReference -> last integrated offer request (+ "xml" attributes)
        self.xml_packages = {}  # packageId (int) -> XML offer package
        self.xml_downloads = []  # URLs the XML packages were downloaded from
        self.invoices = []  # (orderId, filename, bytes)
        self.seen_headers = collections.deque(maxlen=1000)  # seller/channel headers of recent API calls
        # Fault hooks of GET /orders (reliability tests): ``before_list(page_index)`` runs before the
        # listing is computed (e.g. mutate an order between two pages); ``list_view(page_index,
        # page_size, orders) -> orders`` may return another full listing (out of order, duplicates).
        self.before_list_hooks = []
        self.list_view_hooks = []

    # -- helpers for tests, benchmark and demo ---------------------------------
    def reset(self, **settings):
        """Forget every order, token, package... (tests sharing one server); keeps the routes."""
        with self.lock:
            self.__init__(self.app, **settings)
            self.app.requests.clear()
            self.app.clear_faults()

    def add_orders(self, orders):
        """Add or replace orders (``orderId`` key); returns their ids."""
        with self.lock:
            for order in orders:
                self.orders[order["orderId"]] = order
            self._sorted = None
        return [o["orderId"] for o in orders]

    def touch(self, order, when=None):
        order["updatedAt"] = iso(when or self.now())
        self._sorted = None

    def set_status(self, order_id, status, line_status=None, *, lines=None, when=None):
        """Move an order (and its lines, or the given line ids) to ``status``; bumps updatedAt."""
        if status not in ORDER_STATUSES:
            raise ValueError(f"unknown Octopia status {status}")
        with self.lock:
            order = self.orders[order_id]
            order["status"] = status
            for line in order["lines"]:
                if lines is None or line["orderLineId"] in lines:
                    line["status"] = line_status or _line_status(status)
            self.touch(order, when)
            return order

    def progress_orders(self, count, seed=0):
        """Move ``count`` random open orders one step along the lifecycle (demo, benchmark):
        Processing -> WaitingAcceptance -> Accepted -> InPreparation -> Shipped -> Delivered.
        Returns the ids moved."""
        rng = random.Random(seed)
        with self.lock:
            candidates = sorted(oid for oid, o in self.orders.items() if o["status"] in NEXT_STATUS)
            moved = rng.sample(candidates, min(count, len(candidates)))
            for order_id in moved:
                order = self.orders[order_id]
                self.set_status(order_id, NEXT_STATUS[order["status"]])
                if order["status"] == "Shipped":
                    for line in order["lines"]:
                        if line["offer"].get("supplyMode", "Seller") == "Seller" and not line["parcels"]:
                            line["parcels"] = [{"parcelNumber": f"6A{rng.randrange(10**11):011d}",
                                                "carrierName": "Colissimo", "trackingUrl": ""}]
        return moved

    def expire_tokens(self):
        """Make every issued token expired (the next API call answers 401)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0.0

    def sorted_orders(self):
        """[(updatedAt datetime, orderId, order)] sorted, cached until the next change."""
        with self.lock:
            if self._sorted is None:
                self._sorted = sorted((parse_iso(o["updatedAt"]), o["orderId"], o) for o in self.orders.values())
            return self._sorted

    def public_order(self, order):
        """The order as the API shows it (no shipping address before InPreparation)."""
        if order["status"] not in HIDDEN_ADDRESS_STATUSES:
            return order
        shown = dict(order)
        shown["lines"] = [{k: v for k, v in line.items() if k != "shippingAddress"} for line in order["lines"]]
        return shown


def register(app, orders=None, **settings):
    """Register the Octopia routes on ``app``; returns the :class:`OctopiaState`."""
    state = OctopiaState(app, **settings)
    app.state[NAME] = state
    if orders:
        state.add_orders(orders)
    _register_routes(app, state)
    return state


def get_state(app):
    return app.state[NAME]


def add_orders(app, orders):
    return get_state(app).add_orders(orders)


def set_status(app, order_id, status, line_status=None, **kwargs):
    return get_state(app).set_status(order_id, status, line_status, **kwargs)


def progress_orders(app, count, seed=0):
    return get_state(app).progress_orders(count, seed)


def expire_tokens(app):
    get_state(app).expire_tokens()


def _json_body(request):
    try:
        return request.json(), None
    except ValueError:
        return None, problem(400, "Bad Request", "The request body is not valid JSON.")


def _validation(detail, errors):
    return problem(400, "Validation Failed", detail, errors)


def _register_routes(app, state):  # noqa: C901 - one closure per documented endpoint
    def api(method, path):
        """Route under /seller/v2 with quota, bearer token and SellerId checks."""
        def decorator(handler):
            def guarded(request):
                with state.lock:
                    state.api_calls += 1
                    calls = state.api_calls
                    state.seen_headers.append({k: request.headers.get(k, "") for k in RECORDED_HEADERS})
                if state.quota is not None and calls > state.quota:
                    return Response(403, {"statusCode": 403,
                                          "message": QUOTA_MESSAGE.format(delay=state.quota_delay)})
                auth = request.headers.get("authorization", "")
                token = auth[7:] if auth.lower().startswith("bearer ") else ""
                with state.lock:
                    expiry = state.tokens.get(token)
                if not token or expiry is None:
                    return problem(401, "Unauthorized", "Bearer token missing or invalid.")
                if expiry <= time.time():
                    return problem(401, "Unauthorized", "The access token has expired.")
                seller = request.headers.get("sellerid", "")
                if not seller:
                    return problem(403, "Forbidden", "The SellerId header is required.")
                if seller != state.seller_id:
                    return problem(403, "Forbidden", f"The client is not allowed to act for seller {seller}.")
                return handler(request)
            app.route(method, API_PREFIX + path)(guarded)
            return handler
        return decorator

    @app.route("POST", TOKEN_PATH)
    def token(request):
        form = request.form()
        with state.lock:
            state.token_requests += 1
        if form.get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type",
                                  "error_description": "Unsupported grant_type"})
        if form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret:
            return Response(401, {"error": "unauthorized_client",
                                  "error_description": "Invalid client or Invalid client credentials"})
        value = "eyJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(24)
        with state.lock:
            state.tokens[value] = time.time() + state.expires_in
        return Response(200, {"access_token": value, "expires_in": state.expires_in, "refresh_expires_in": 0,
                              "token_type": "Bearer", "not-before-policy": 0, "scope": "profile email"})

    # -- orders -------------------------------------------------------------------
    def _filtered(request):
        query = request.query
        bounds = {}
        for name in ("updatedAtMin", "updatedAtMax", "createdAtMin", "createdAtMax"):
            if query.get(name):
                try:
                    bounds[name] = parse_iso(query[name])
                except ValueError:
                    return None, _validation("One or more validation errors occurred.",
                                             {name: [f"'{query[name]}' is not a valid ISO-8601 date."]})
        status = query.get("status")
        if status and status not in ORDER_STATUSES:
            return None, _validation("One or more validation errors occurred.",
                                     {"status": [f"'{status}' is not a valid order status."]})
        entries = state.sorted_orders()
        low, high = 0, len(entries)
        if "updatedAtMin" in bounds:
            low = bisect.bisect_left(entries, (bounds["updatedAtMin"],))
        if "updatedAtMax" in bounds:
            high = bisect.bisect_right(entries, (bounds["updatedAtMax"], "\uffff"))
        result = []
        for _updated, _order_id, order in entries[low:high]:
            if status and order["status"] != status:
                continue
            if query.get("reference") and order["reference"] != query["reference"]:
                continue
            if "createdAtMin" in bounds or "createdAtMax" in bounds:
                created = parse_iso(order["createdAt"])
                if created < bounds.get("createdAtMin", created) or created > bounds.get("createdAtMax", created):
                    continue
            result.append(order)
        sort = query.get("sort", "updatedAt")
        if sort.split(":")[-1] == "createdAt":
            result.sort(key=lambda o: (o["createdAt"], o["orderId"]))
        if query.get("desc", "").lower() == "true" or sort.startswith("desc:"):
            result.reverse()
        return result, None

    @api("GET", "/orders")
    def list_orders(request):
        try:
            page_index = int(request.query.get("pageIndex", 1))
            page_size = int(request.query.get("pageSize", 50))
        except ValueError:
            return _validation("One or more validation errors occurred.",
                               {"pageIndex": ["pageIndex and pageSize must be integers."]})
        errors = {}
        if page_index < 1:
            errors["pageIndex"] = ["pageIndex must be greater than or equal to 1."]
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            errors["pageSize"] = [f"pageSize must be between 1 and {MAX_PAGE_SIZE}."]
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        for hook in list(state.before_list_hooks):
            hook(page_index)
        orders, error = _filtered(request)
        if error:
            return error
        for hook in list(state.list_view_hooks):
            orders = hook(page_index, page_size, list(orders))
        page = orders[(page_index - 1) * page_size: page_index * page_size]
        headers = {}
        if len(page) == page_size:
            query = dict(request.query, pageIndex=page_index + 1)
            link = API_PREFIX + "/orders?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
            headers["Link"] = f'<{link}>; rel="next"'
        with state.lock:
            items = [state.public_order(o) for o in page]
        return Response(200, {"itemsPerPage": page_size, "items": items}, headers=headers)

    @api("GET", "/orders/count")
    def count_orders(request):
        orders, error = _filtered(request)
        return error or Response(200, len(orders))

    def _order_or_404(order_id):
        order = state.orders.get(order_id)
        if order is None:
            return None, problem(404, "Not Found", f"Order {order_id} not found.")
        return order, None

    @api("GET", r"/orders/(?P<order_id>[^/]+)")
    def get_order(request):
        with state.lock:
            order, error = _order_or_404(request.params["order_id"])
            return error or Response(200, state.public_order(order))

    @api("POST", r"/orders/(?P<order_id>[^/]+)/approval-status")
    def approval(request):
        body, error = _json_body(request)
        if error:
            return error
        value = body.get("approval_status") if isinstance(body, dict) else None
        if value not in ("Accepted", "Refused"):
            return _validation("One or more validation errors occurred.",
                               {"approval_status": ["approval_status must be 'Accepted' or 'Refused'."]})
        with state.lock:
            order, error = _order_or_404(request.params["order_id"])
            if error:
                return error
            if order["status"] != "WaitingAcceptance":
                return problem(400, "Bad Request",
                               f"Cannot set approval status {value}: order {order['orderId']} is "
                               f"{order['status']}, only WaitingAcceptance orders can be approved or refused.")
            new_status = state.accept_status if value == "Accepted" else "Refused"
            state.set_status(order["orderId"], new_status)
            state.approvals.append((order["orderId"], value))
        return Response(204)

    @api("POST", r"/orders/(?P<order_id>[^/]+)/shipments")
    def shipments(request):
        body, error = _json_body(request)
        if error:
            return error
        if not isinstance(body, list) or not body:
            return _validation("The body must be a non-empty JSON array of parcels.",
                               {"parcels": ["At least one parcel is required."]})
        if len(body) > 1:
            return problem(400, "Bad Request", "Cdiscount only enables one parcel per complete order.")
        parcel = body[0] if isinstance(body[0], dict) else {}
        errors = {}
        number = parcel.get("parcelNumber")
        carrier = parcel.get("carrierName")
        url = parcel.get("trackingUrl") or ""
        if not number:
            errors["parcelNumber"] = ["'Parcel Number' must not be empty."]
        elif len(number) > 50 or re.search(r"[\s&*$]", number):
            errors["parcelNumber"] = ["'Parcel Number' must be at most 50 characters without spaces, &, * or $."]
        if not carrier:
            errors["carrierName"] = ["'Carrier Name' must not be empty."]
        elif carrier not in {c["label"] for c in state.carriers}:
            errors["carrierName"] = [f"Carrier '{carrier}' is not supported. Use a label from GET /carriers."]
        if url and (not re.match(r"^https?://", url) or len(url) > 255):
            errors["trackingUrl"] = ["'Tracking Url' must be an http(s) URL of at most 255 characters."]
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        with state.lock:
            order, error = _order_or_404(request.params["order_id"])
            if error:
                return error
            if order["status"] != "InPreparation":
                return problem(400, "Bad Request",
                               f"Cannot switch to shipped status: order {order['orderId']} is {order['status']}.")
            seller_lines = {order_line["orderLineId"]: order_line for order_line in order["lines"]
                            if order_line["offer"].get("supplyMode", "Seller") == "Seller"
                            and order_line["status"] in SHIPPABLE_LINE_STATUSES}
            line_ids = parcel.get("orderLineIds") or list(seller_lines)
            unknown = [i for i in line_ids if i not in seller_lines]
            if unknown:
                return _validation("One or more validation errors occurred.",
                                   {"orderLineIds": [f"Line {i} cannot be shipped by the seller "
                                                     "(unknown, not InPreparation or not supplyMode Seller)."
                                                     for i in unknown]})
            if set(line_ids) != set(seller_lines):
                return problem(400, "Bad Request",
                               "Cdiscount only enables one parcel per complete order: "
                               f"the parcel must hold lines {sorted(seller_lines)}.")
            for line_id in line_ids:
                line = seller_lines[line_id]
                line["status"] = "Shipped"
                line["parcels"] = [{"parcelNumber": number, "carrierName": carrier, "trackingUrl": url}]
            if all(order_line["status"] in ("Shipped", "Cancelled") or order_line["offer"].get("supplyMode") != "Seller"
                   for order_line in order["lines"]):
                order["status"] = "Shipped"
            state.touch(order)
            state.shipments.append((order["orderId"], dict(parcel)))
        return Response(201)

    @api("GET", "/carriers")
    def carriers(request):
        return Response(200, state.carriers)

    @api("GET", "/cancellation-reasons")
    def cancellation_reasons(request):
        return Response(200, state.cancellation_reasons)

    @api("GET", "/order-cancellation-requests")
    def list_cancellations(request):
        items = [r for r in state.cancellation_requests
                 if not request.query.get("orderSellerId") or r["orderId"] == request.query["orderSellerId"]]
        return Response(200, {"itemsPerPage": len(items), "items": items})

    @api("POST", "/order-cancellation-requests")
    def cancellation_request(request):
        body, error = _json_body(request)
        if error:
            return error
        body = body if isinstance(body, dict) else {}
        errors = {}
        if not body.get("orderId"):
            errors["orderId"] = ["'Order Id' must not be empty."]
        if body.get("reason") not in {r["code"] for r in state.cancellation_reasons}:
            errors["reason"] = [f"'{body.get('reason')}' is not a valid cancellation reason."]
        if not isinstance(body.get("shippingCostRefund", False), bool):
            errors["shippingCostRefund"] = ["shippingCostRefund must be a boolean."]
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        with state.lock:
            order, error = _order_or_404(body["orderId"])
            if error:
                return error
            if order["status"] not in REFUNDABLE_STATUSES:
                return problem(400, "Bad Request",
                               f"Order {order['orderId']} is {order['status']}: a cancellation request is only "
                               "possible on Accepted, InPreparation, Shipped or Delivered orders.")
            if order.get("cancellationDetails"):
                return problem(400, "Bad Request",
                               f"A cancellation request already exists for order {order['orderId']}.")
            request_id = f"CR{len(state.cancellation_requests) + 1:08d}"
            record = {"cancellationRequestId": request_id, "orderId": order["orderId"], "reason": body["reason"],
                      "shippingCostRefund": bool(body.get("shippingCostRefund")), "status": "Accepted",
                      "createdAt": iso(state.now())}
            state.cancellation_requests.append(record)
            order["cancellationDetails"] = dict(record)
            if order["status"] in ("Accepted", "InPreparation"):
                order["status"] = "Cancelled"
                for line in order["lines"]:
                    line["status"] = "Cancelled"
            state.touch(order)
        return Response(201, {"cancellationRequestId": request_id})

    @api("POST", r"/orders/(?P<order_id>[^/]+)/invoice-documents")
    def invoice_document(request):
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            return problem(400, "Bad Request", "multipart/form-data with a 'file' part is expected.")
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + request.body)
        files = [part for part in message.iter_parts()
                 if part.get_param("name", header="content-disposition") == "file"]
        if not files:
            return _validation("One or more validation errors occurred.", {"file": ["A 'file' part is required."]})
        part = files[0]
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename() or ""
        if not data.startswith(b"%PDF") and not data.lstrip().startswith(b"<?xml"):
            return _validation("One or more validation errors occurred.",
                               {"file": ["The document must be a PDF or a UBL 2.1 XML invoice."]})
        with state.lock:
            order, error = _order_or_404(request.params["order_id"])
            if error:
                return error
            state.invoices.append((order["orderId"], filename, data))
            document_id = f"DOC{len(state.invoices):06d}"
        return Response(201, {"id": document_id, "status": "Pending"})

    # -- offers (JSON packages) ----------------------------------------------------
    @api("POST", "/offer-packages")
    def create_package(request):
        body, error = _json_body(request)
        if error:
            return error
        package_type = body.get("packageType") if isinstance(body, dict) else None
        if package_type not in ("Upsert", "Update", "Delete"):
            return _validation("One or more validation errors occurred.",
                               {"packageType": ["packageType must be Upsert, Update or Delete."]})
        channel = request.headers.get("saleschannelid", "")
        if not channel:
            return problem(400, "Bad Request", "The salesChannelId header is required.")
        package_id = secrets.token_hex(12)
        with state.lock:
            state.packages[package_id] = {
                "id": package_id, "packageType": package_type, "state": "WaitingForCompletion",
                "salesChannelId": channel, "createdAt": iso(state.now()), "requests": [], "polls": 0,
                "results": None}
        return Response(201, headers={"Content-Location": f"{API_PREFIX}/offer-packages/{package_id}"})

    def _package_or_404(package_id):
        package = state.packages.get(package_id)
        if package is None:
            return None, problem(404, "Not Found", f"Offer package {package_id} not found.")
        return package, None

    @api("POST", r"/offer-packages/(?P<package_id>\w+)/offer-requests")
    def offer_requests(request):
        body, error = _json_body(request)
        if error:
            return error
        if not isinstance(body, list) or not body:
            return _validation("The body must be a non-empty JSON array of offer requests.",
                               {"offerRequests": ["At least one offer request is required."]})
        if len(body) > MAX_OFFERS_PER_CALL:
            return _validation("Too many offer requests.",
                               {"offerRequests": [f"At most {MAX_OFFERS_PER_CALL} offer requests per call "
                                                  f"({len(body)} sent)."]})
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["state"] != "WaitingForCompletion":
                return problem(400, "Bad Request", f"Package {package['id']} is {package['state']}: offer requests "
                                                   "are only accepted while WaitingForCompletion.")
            if len(package["requests"]) + len(body) > MAX_OFFERS_PER_PACKAGE:
                return problem(400, "Bad Request", f"A package holds at most {MAX_OFFERS_PER_PACKAGE} offers.")
            package["requests"].extend(body)
        return Response(201)

    @api("PATCH", r"/offer-packages/(?P<package_id>\w+)")
    def submit_package(request):
        body, error = _json_body(request)
        if error:
            return error
        if not isinstance(body, dict) or body.get("state") != "Ready":
            return _validation("One or more validation errors occurred.", {"state": ["Only 'Ready' is allowed."]})
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["state"] != "WaitingForCompletion":
                return problem(400, "Bad Request", f"Package {package['id']} is already {package['state']}.")
            package["state"] = "Ready"
        return Response(204)

    @api("GET", r"/offer-packages/(?P<package_id>\w+)")
    def get_package(request):
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["state"] in ("Ready", "IntegrationPending"):
                package["polls"] += 1
                if package["polls"] >= state.package_steps:
                    _integrate(state, package)
                else:
                    package["state"] = "IntegrationPending"
            shown = {k: v for k, v in package.items() if k not in ("requests", "polls", "results")}
            shown["offerRequestCount"] = len(package["requests"])
        return Response(200, shown)

    @api("GET", r"/offer-packages/(?P<package_id>\w+)/offer-requests-results")
    def package_results(request):
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["results"] is None:
                return problem(400, "Bad Request", f"Package {package['id']} is {package['state']}: "
                                                   "results are available once it is integrated.")
            results = package["results"]
        try:
            limit = min(int(request.query.get("limit", 50)), MAX_PAGE_SIZE)
            offset = int(request.query.get("cursor", "0") or 0, 16) if request.query.get("cursor") else 0
        except ValueError:
            return _validation("One or more validation errors occurred.", {"cursor": ["Invalid cursor or limit."]})
        page = results[offset: offset + limit]
        headers = {}
        if offset + limit < len(results):
            cursor = format(offset + limit, "x")
            headers["Link"] = (f'<{API_PREFIX}/offer-packages/{package["id"]}/offer-requests-results'
                               f'?cursor={cursor}&limit={limit}>; rel="next"')
        return Response(200, {"itemsPerPage": limit, "items": page}, headers=headers)

    # -- offers (XML packages) -----------------------------------------------------
    @api("POST", "/offer-integration-packages")
    def submit_xml_package(request):
        body, error = _json_body(request)
        if error:
            return error
        url = body if isinstance(body, str) else next(
            (body[key] for key in XML_PACKAGE_URL_FIELDS if isinstance(body, dict) and isinstance(body.get(key), str)),
            None)
        if not url or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            return _validation("One or more validation errors occurred.",
                               {"url": ["The absolute http(s) URL of the offer package ZIP is required."]})
        with state.lock:
            state.xml_downloads.append(url)
        try:
            package_type, offers = _parse_xml_package(_download(url))
        except ValueError as exc:  # unreachable URL, not a ZIP, wrong layout or XML
            return problem(400, "Bad Request", str(exc))
        with state.lock:
            package_id = 1000 + len(state.xml_packages) + 1
            state.xml_packages[package_id] = {
                "packageId": package_id, "packageType": package_type, "integrationState": "IntegrationPending",
                "url": url, "submittedAt": iso(state.now()), "offers": offers, "polls": 0, "logs": None}
        return Response(201, {"packageId": package_id},
                        headers={"Content-Location": f"{API_PREFIX}/offer-integration-packages/{package_id}"})

    @api("GET", r"/offer-integration-packages/(?P<package_id>\d+)")
    def get_xml_package(request):
        try:
            limit = int(request.query.get("$limit", XML_LOG_PAGE_MAX))
            page = int(request.query.get("$page", 1))
        except ValueError:
            limit = page = 0
        if not 1 <= limit <= XML_LOG_PAGE_MAX or page < 1:
            return _validation("One or more validation errors occurred.",
                               {"$limit": [f"$limit must be 1 to {XML_LOG_PAGE_MAX}."],
                                "$page": ["$page starts at 1."]})
        with state.lock:
            package = state.xml_packages.get(int(request.params["package_id"]))
            if package is None:
                return problem(404, "Not Found", f"Offer integration package {request.params['package_id']} not found.")
            if package["logs"] is None:
                package["polls"] += 1
                if package["polls"] >= state.package_steps:
                    _integrate_xml(state, package)
            logs = package["logs"] or []
            return Response(200, {
                "packageId": package["packageId"], "sellerId": int(state.seller_id),
                "integrationState": package["integrationState"],
                "numberOfErrors": sum(1 for log in logs if log["offerIntegrationStatus"] != "Integrated"),
                "page": page, "countByPage": limit, "totalLogsCount": len(logs),
                "offerLogPagedList": copy.deepcopy(logs[(page - 1) * limit: page * limit])})


def _download(url):
    """Bytes at ``url`` (real HTTP); ValueError with a readable reason when it cannot be read."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http(s) checked above
            data = response.read(MAX_XML_PACKAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ValueError(f"The offer package could not be downloaded from {url} (HTTP {exc.code}).") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ValueError(f"The offer package could not be downloaded from {url} ({exc}).") from exc
    if len(data) > MAX_XML_PACKAGE_BYTES:
        raise ValueError("The offer package is too large.")
    return data


def _parse_xml_package(data):
    """(PackageType, [{"attributes", "shipping", "discounts"}]) of a ZIP offer package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("The offer package is not a valid ZIP file.") from exc
    missing = [name for name in XML_PACKAGE_ENTRIES if name not in archive.namelist()]
    if missing:
        raise ValueError(f"The offer package lacks {', '.join(missing)}.")
    try:
        root = ET.fromstring(archive.read("Content/Offers.xml"))
    except ET.ParseError as exc:
        raise ValueError(f"Content/Offers.xml is not valid XML: {exc}.") from exc

    def tag(name):
        return f"{{{OFFER_XML_NAMESPACE}}}{name}"

    if root.tag != tag("OfferPackage"):
        raise ValueError(f"Content/Offers.xml: the root must be OfferPackage in namespace {OFFER_XML_NAMESPACE}.")
    package_type = root.get("PackageType") or "Full"
    if package_type not in ("Full", "StockAndPrice") or not root.get("Name"):
        raise ValueError("OfferPackage needs a Name and a PackageType of Full or StockAndPrice.")
    offers = [{
        "attributes": dict(offer.attrib),
        "shipping": [dict(e.attrib) for e in offer.iter(tag("ShippingInformation"))],
        "discounts": [dict(e.attrib) for e in offer.iter(tag("DiscountComponent"))],
    } for offer in root.iter(tag("Offer"))]
    if len(offers) > MAX_OFFERS_PER_XML_PACKAGE:
        raise ValueError(f"An offer package holds at most {MAX_OFFERS_PER_XML_PACKAGE} offers ({len(offers)} sent).")
    return package_type, offers


def _integrate_xml(state, package):
    """Validate every offer of an XML package, keep the integrated ones in ``state.offers``."""
    counts = collections.Counter(o["attributes"].get("SellerProductId") for o in package["offers"])
    logs = []
    for offer in package["offers"]:
        attributes = offer["attributes"]
        sku = attributes.get("SellerProductId") or ""
        errors = _xml_offer_errors(state, package["packageType"], offer)
        if counts[sku] > 1:
            errors.insert(0, ("SellerProductId", "Duplicated", f"SellerProductId '{sku}' appears more than once."))
        if not errors:
            current = state.offers.get(sku, {})
            state.offers[sku] = {**current, "sellerExternalReference": sku, "xml": dict(attributes),
                                 "xmlShippingInformation": offer["shipping"],
                                 "xmlDiscountComponents": offer["discounts"]}
        logs.append({"logDate": iso(state.now()), "sellerProductId": sku,
                     "productEan": attributes.get("ProductEan", ""),
                     "offerIntegrationStatus": "Rejected" if errors else "Integrated",
                     "propertyList": [{"propertyCode": code, "propertyError": error, "logMessage": message}
                                      for code, error, message in errors]})
    package["logs"] = logs
    package["integrationState"] = "Integrated"


def _number_or_none(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _xml_offer_errors(state, package_type, offer):  # noqa: C901 - one check per documented attribute
    """[(propertyCode, propertyError, logMessage)] of one ``Offer`` of an XML package."""
    attributes = offer["attributes"]
    errors = []
    sku = attributes.get("SellerProductId") or ""
    if not 1 <= len(sku) <= 50:
        return [("SellerProductId", "InvalidValue", "SellerProductId must be 1 to 50 characters.")]
    full = package_type == "Full"
    if not full and sku not in state.offers:
        return [("SellerProductId", "OfferNotFound", f"No offer '{sku}': send it in a Full package first.")]
    ean = attributes.get("ProductEan") or ""
    if (full or ean) and not gtin_is_valid(ean):
        errors.append(("ProductEan", "InvalidGtin", f"ProductEan '{ean}' is not a valid EAN."))
    condition = attributes.get("ProductCondition")
    if full and condition not in PRODUCT_CONDITION_NAMES and condition not in [
            str(i) for i in range(len(PRODUCT_CONDITION_NAMES))]:
        errors.append(("ProductCondition", "InvalidValue", f"ProductCondition '{condition}' is not allowed."))
    price = _number_or_none(attributes.get("Price"))
    if price is None or price <= 0:
        errors.append(("Price", "InvalidValue", f"Price must be a positive number (got {attributes.get('Price')!r})."))
    stock = attributes.get("Stock")
    if not (stock or "").isdigit():
        errors.append(("Stock", "InvalidValue", f"Stock must be a non-negative integer (got {stock!r})."))
    for name, allowed in (("PriceMustBeAligned", PRICE_ALIGNMENT_ACTIONS), ("ProductPackagingUnit", PACKAGING_UNITS)):
        if name in attributes and attributes[name] not in allowed:
            errors.append((name, "InvalidValue", f"{name} '{attributes[name]}' is not one of {', '.join(allowed)}."))
    for name in ("StrikedPrice", "MinimumPriceForPriceAlignment", "ProductPackagingValue"):
        if name in attributes and (_number_or_none(attributes[name]) or 0) <= 0:
            errors.append((name, "InvalidValue", f"{name} must be a positive number."))
    if full and not any(s.get("DeliveryMode") for s in offer["shipping"]):
        errors.append(("ShippingInformationList", "Missing", "At least one ShippingInformation with a DeliveryMode "
                                                             "is required."))
    for discount in offer["discounts"]:
        start, end = (_parse_xml_date(discount.get(key)) for key in ("StartDate", "EndDate"))
        if _number_or_none(discount.get("DiscountValue")) is None or discount.get("Type") not in DISCOUNT_TYPES + (
                "0", "1", "2"):
            errors.append(("DiscountComponent", "InvalidValue", "DiscountComponent needs a DiscountValue and a Type "
                                                                f"among {', '.join(DISCOUNT_TYPES)}."))
        elif not start or not end or start >= end:
            errors.append(("DiscountComponent", "InvalidDates", "DiscountComponent needs a StartDate before its "
                                                                "EndDate."))
    return errors


def _parse_xml_date(value):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _integrate(state, package):
    """Validate every offer request of a package and record per-offer results."""
    requests_ = package["requests"]
    counts = {}
    for item in requests_:
        ref = item.get("sellerExternalReference") if isinstance(item, dict) else None
        counts[ref] = counts.get(ref, 0) + 1
    results = []
    for item in requests_:
        item = item if isinstance(item, dict) else {}
        ref = item.get("sellerExternalReference")
        messages = _offer_errors(state, package["packageType"], item)
        if counts.get(ref, 0) > 1:
            messages.insert(0, ("DuplicatedSellerExternalReference",
                                f"sellerExternalReference '{ref}' appears more than once in the package."))
        if messages:
            results.append({"sellerExternalReference": ref, "integrationStatus": "Rejected",
                            "results": [{"resultCode": code, "message": text} for code, text in messages]})
        else:
            current = state.offers.get(ref, {})
            state.offers[ref] = {**current, **copy.deepcopy(item)} if package["packageType"] != "Delete" else {}
            results.append({"sellerExternalReference": ref, "integrationStatus": "Integrated", "results": []})
    package["results"] = results
    package["state"] = "Integrated"


def _offer_errors(state, package_type, item):
    errors = []
    ref = item.get("sellerExternalReference")
    if not isinstance(ref, str) or not 1 <= len(ref) <= 50:
        errors.append(("InvalidSellerExternalReference", "sellerExternalReference must be 1 to 50 characters."))
        return errors
    if package_type == "Delete":
        return errors
    if package_type == "Update" and ref not in state.offers:
        errors.append(("OfferNotFound", f"No offer '{ref}' to update: send it in an Upsert package first."))
        return errors
    product = item.get("product") or {}
    if package_type == "Upsert":
        if not product.get("gtin") and not product.get("reference"):
            errors.append(("MissingProductIdentifier", "product.gtin or product.reference is required."))
        elif product.get("gtin") and not gtin_is_valid(product["gtin"]):
            errors.append(("InvalidGtin", f"GTIN '{product['gtin']}' is invalid (8 to 14 digits with a valid "
                                          "check digit)."))
        if item.get("condition") not in OFFER_CONDITIONS:
            errors.append(("InvalidCondition", f"condition '{item.get('condition')}' is not allowed."))
        if not item.get("deliveryModes"):
            errors.append(("MissingDeliveryMode", "At least one delivery mode is required."))
    price = (item.get("price") or {}).get("price")
    if package_type == "Upsert" or price is not None:
        if not isinstance(price, (int, float)) or price <= 0:
            errors.append(("InvalidPrice", f"price.price must be a positive number (got {price!r})."))
    quantity = item.get("quantity")
    if package_type == "Upsert" or quantity is not None:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            errors.append(("InvalidQuantity", f"quantity must be a non-negative integer (got {quantity!r})."))
    for mode in item.get("deliveryModes") or []:
        if not isinstance(mode, dict) or not mode.get("code"):
            errors.append(("InvalidDeliveryMode", "Each delivery mode needs a code."))
    return errors


def seed_demo(app, count, seed=1):
    """Demo feed (``python -m marketplace_simulator``): ``count`` recent orders with the usual mix."""
    start = datetime.now(UTC) - timedelta(seconds=30 * (count + 1))
    add_orders(app, generate_orders(count, seed=seed, start=start, step_seconds=30, id_prefix=f"DEMO{seed % 1000:03d}"))

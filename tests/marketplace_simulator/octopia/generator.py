"""Deterministic, realistic Octopia V2 orders (catalog, customers, VAT numbers, relay points)."""
import itertools
import random
import re
import string
from datetime import UTC, datetime, timedelta

from .constants import DEFAULT_SELLER_ID

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

"""Wix simulator data: constants, amounts and dates, site state, generated orders."""
import random
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta

NAME = "wix"
DEFAULT_API_KEY = "IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0.simulated-wix-api-key"
DEFAULT_SITE_ID = "0c1e3c4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"
MAX_LIMIT = 100
FIRST_NAMES = ["Emma", "Lucas", "Inès", "Gabriel", "Jade", "Raphaël", "Louise", "Arthur"]
LAST_NAMES = ["Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "David", "Bertrand"]
PLACES = [("FR", "FR-75", "75002", "Paris"), ("FR", "FR-69", "69002", "Lyon"), ("DE", "DE-BE", "10117", "Berlin"),
          ("ES", "ES-M", "28013", "Madrid"), ("BE", "BE-BRU", "1000", "Bruxelles")]
PRODUCTS = [("WX-CANDLE-1", "Bougie parfumée", 18.0), ("WX-PLATE-2", "Assiette en grès", 12.5),
            ("WX-VASE-3", "Vase soufflé", 39.0), ("WX-TOWEL-4", "Serviette lin", 22.0)]
SHIPPING = 4.9


def iso(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _amount(value):
    return {"amount": f"{value:.2f}", "formattedAmount": f"€{value:.2f}"}


def _num(money):
    return float((money or {}).get("amount") or 0)



# -- order generator -------------------------------------------------------------------
def new_state(api_key=DEFAULT_API_KEY, site_id=DEFAULT_SITE_ID):
    return {"api_key": api_key, "site_id": site_id, "orders": {}, "fulfillments": {}, "transactions": {},
            "rate_limit": 200, "calls": deque(), "next_number": 10001}


#: shape of the orders served: the published Get Order example and Order Approved event
#: (tests/fixtures/wix/order_get.response.json, order_approved.event.json); ``priceSummary.total`` (the
#: documented successor of ``totalPrice``, both served), ``contactDetails.company``/``vatId`` and
#: ``paymentStatus`` AUTHORIZED come from the Orders reference without an example value
STORES_APP_ID = "1380b703-ce81-ff05-f115-39571d94dfcd"  # Wix Stores, as in the published examples
VAT_RATE = 0.2


def _priced(amount, tax_included):
    """``totalPriceBeforeTax``, ``totalPriceAfterTax`` and ``taxDetails`` of an amount on the prices' basis."""
    net = amount / (1 + VAT_RATE) if tax_included else amount
    tax = net * VAT_RATE
    return {"totalPriceBeforeTax": _amount(net), "totalPriceAfterTax": _amount(net + tax),
            "taxDetails": {"taxableAmount": _amount(net), "taxRate": str(VAT_RATE), "totalTax": _amount(tax)}}


def _line_item(rng, sku, name, price, qty, tax_included):
    return {"id": str(uuid.UUID(int=rng.getrandbits(128))), "productName": {"original": name, "translated": name},
            "catalogReference": {"catalogItemId": str(uuid.UUID(int=rng.getrandbits(128))), "appId": STORES_APP_ID},
            "quantity": qty, "price": _amount(price),
            "physicalProperties": {"sku": sku, "weight": 0.4, "shippable": True},
            "itemType": {"preset": "PHYSICAL"}, "paymentOption": "FULL_PAYMENT_ONLINE", "refundQuantity": 0,
            "totalDiscount": _amount(0), **_priced(price * qty, tax_included)}


def _price_summary(items, order_discount, tax_included):
    subtotal = sum(_num(i["price"]) * i["quantity"] for i in items)
    net = subtotal - order_discount + SHIPPING
    tax = net - net / (1 + VAT_RATE) if tax_included else net * VAT_RATE
    total = _amount(net if tax_included else net + tax)
    return {"subtotal": _amount(subtotal), "shipping": _amount(SHIPPING), "tax": _amount(tax),
            "discount": _amount(order_discount), "totalPrice": total, "total": total}


def _contact(rng, b2b):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    contact = {"firstName": first, "lastName": last, "phone": "+33601020304"}
    if b2b:
        contact.update({"company": f"{last} & Fils", "vatId": {"id": "FR 40 303 265 045", "type": "UNSPECIFIED"}})
    country, subdivision, postal, city = rng.choice(PLACES)
    address = {"country": country, "subdivision": subdivision, "city": city, "postalCode": postal,
               "addressLine": f"{rng.randint(1, 80)} avenue Foch", "addressLine2": ""}
    return address, contact


def _shipping_info(address, contact, tax_included):
    return {"title": "Colissimo", "region": {"name": "Europe"},
            "logistics": {"deliveryTime": "3-5 jours",
                          "shippingDestination": {"address": dict(address), "contactDetails": dict(contact)}},
            "cost": {"price": _amount(SHIPPING), "discount": _amount(0), **_priced(SHIPPING, tax_included)}}


def _coupon(order_discount):
    return [{"discountType": "GLOBAL", "lineItemIds": [], "coupon": {
        "code": "BIENVENUE", "name": "BIENVENUE", "amount": _amount(order_discount)}}] if order_discount else []


def add_order(state, rng, when, b2b=False, status="APPROVED", payment_status="PAID", lines=None,
              order_discount=0.0, tax_included=True, offline=False):
    """One order (and its payment) in ``state``; returns it. ``payment_status`` AUTHORIZED: a payment
    authorized, not captured; ``offline``: paid offline (refunds only marked as made outside Wix)."""
    address, contact = _contact(rng, b2b)
    items = [_line_item(rng, sku, name, price, rng.randint(1, 2), tax_included)
             for sku, name, price in lines or rng.sample(PRODUCTS, rng.randint(1, 3))]
    order_id, number = str(uuid.UUID(int=rng.getrandbits(128))), str(state["next_number"])
    order = {
        "id": order_id, "number": number, "createdDate": iso(when), "updatedDate": iso(when),
        "status": status, "paymentStatus": payment_status, "fulfillmentStatus": "NOT_FULFILLED",
        "currency": "EUR", "taxIncludedInPrices": tax_included, "weightUnit": "KG", "buyerLanguage": "fr",
        "buyerInfo": {"contactId": str(uuid.UUID(int=rng.getrandbits(128))),
                      "email": f"{contact['firstName'].lower()}.{contact['lastName'].lower()}.{number}@example.com"},
        "billingInfo": {"address": dict(address), "contactDetails": dict(contact)},
        "shippingInfo": _shipping_info(address, contact, tax_included), "lineItems": items,
        "appliedDiscounts": _coupon(order_discount),
        "priceSummary": _price_summary(items, order_discount, tax_included), "archived": False,
    }
    state["next_number"] += 1
    state["orders"][order_id] = order
    state["fulfillments"][order_id] = []
    _add_payment(state, rng, order, payment_status, offline)
    return order


def _add_payment(state, rng, order, payment_status, offline):
    payments = []
    if payment_status in ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED", "AUTHORIZED"):
        payments.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "createdDate": order["createdDate"],
                         "amount": order["priceSummary"]["total"], "refundDisabled": False,
                         "regularPaymentDetails": {
                             "status": "AUTHORIZED" if payment_status == "AUTHORIZED" else "APPROVED",
                             "paymentMethod": "Offline" if offline else "CreditCard", "offlinePayment": offline,
                             "gatewayTransactionId": f"gw-{order['number']}"}})
    state["transactions"][order["id"]] = {"orderId": order["id"], "payments": payments, "refunds": []}


def generate_orders(count, seed=0, start=None, state=None):
    """Seeded orders, one every ~40 minutes from ``start``; every 5th is B2B, every 7th INITIALIZED."""
    rng = random.Random(seed)
    state = state if state is not None else new_state()
    start = start or datetime.now(UTC) - timedelta(hours=count + 1)
    orders = []
    for index in range(count):
        when = start + timedelta(minutes=40 * index, seconds=rng.randint(0, 900), milliseconds=rng.randint(0, 999))
        status = "INITIALIZED" if index % 7 == 6 else "APPROVED"
        orders.append(add_order(state, rng, when, b2b=index % 5 == 4, status=status))
    return orders


def touch(order, when=None):
    order["updatedDate"] = iso(when or datetime.now(UTC))

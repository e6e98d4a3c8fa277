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


def add_order(state, rng, when, b2b=False, status="APPROVED", payment_status="PAID", lines=None,
              order_discount=0.0, tax_included=True, offline=False):
    """One order (and its payment) in ``state``; returns it. ``payment_status`` AUTHORIZED: a payment
    authorized, not captured; ``offline``: paid offline (refunds only marked as made outside Wix)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    country, subdivision, postal, city = rng.choice(PLACES)
    contact = {"firstName": first, "lastName": last, "phone": "+33601020304"}
    if b2b:
        contact.update({"company": f"{last} & Fils", "vatId": {"id": "FR 40 303 265 045", "type": "UNSPECIFIED"}})
    address = {"addressLine1": f"{rng.randint(1, 80)} avenue Foch", "addressLine2": "", "city": city,
               "postalCode": postal, "country": country, "subdivision": subdivision}
    items = []
    for sku, name, price in lines or rng.sample(PRODUCTS, rng.randint(1, 3)):
        qty = rng.randint(1, 2)
        items.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "productName": {"original": name, "translated": name},
            "catalogReference": {"catalogItemId": str(uuid.UUID(int=rng.getrandbits(128))),
                                 "appId": "215238eb-22a5-4c36-9e7b-e7c08025e04e"},
            "quantity": qty, "price": _amount(price), "totalPriceBeforeTax": _amount(price * qty / 1.2),
            "physicalProperties": {"sku": sku, "weight": 0.4, "shippable": True},
            "itemType": {"preset": "PHYSICAL"},
            "taxDetails": {"taxRate": "0.2", "totalTax": _amount(price * qty - price * qty / 1.2)},
            "totalDiscount": _amount(0)})
    subtotal = sum(_num(i["price"]) * i["quantity"] for i in items)
    total = subtotal + SHIPPING - order_discount
    order_id = str(uuid.UUID(int=rng.getrandbits(128)))
    order = {
        "id": order_id, "number": str(state["next_number"]), "createdDate": iso(when), "updatedDate": iso(when),
        "status": status, "paymentStatus": payment_status, "fulfillmentStatus": "NOT_FULFILLED",
        "currency": "EUR", "taxIncludedInPrices": tax_included, "weightUnit": "KG", "buyerLanguage": "fr",
        "buyerInfo": {"contactId": str(uuid.UUID(int=rng.getrandbits(128))),
                      "email": f"{first.lower()}.{last.lower()}.{state['next_number']}@example.com"},
        "billingInfo": {"address": dict(address), "contactDetails": dict(contact)},
        "shippingInfo": {"title": "Colissimo", "region": {"name": "Europe"},
                         "logistics": {"deliveryTime": "3-5 jours",
                                       "shippingDestination": {"address": dict(address),
                                                               "contactDetails": dict(contact)}},
                         "cost": {"price": _amount(SHIPPING), "taxDetails": {"taxRate": "0.2"}}},
        "lineItems": items,
        "appliedDiscounts": ([{"discountType": "GLOBAL", "coupon": {"code": "BIENVENUE", "amount":
                                                                     _amount(order_discount)}}]
                             if order_discount else []),
        "priceSummary": {"subtotal": _amount(subtotal), "shipping": _amount(SHIPPING),
                         "tax": _amount(total - total / 1.2), "discount": _amount(order_discount),
                         "total": _amount(total)},
        "archived": False,
    }
    state["next_number"] += 1
    state["orders"][order_id] = order
    state["fulfillments"][order_id] = []
    payments = []
    if payment_status in ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED", "AUTHORIZED"):
        payments.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "createdDate": iso(when),
                         "amount": _amount(total), "refundDisabled": False,
                         "regularPaymentDetails": {
                             "status": "AUTHORIZED" if payment_status == "AUTHORIZED" else "APPROVED",
                             "paymentMethod": "Offline" if offline else "CreditCard", "offlinePayment": offline,
                             "gatewayTransactionId": f"gw-{order['number']}"}})
    state["transactions"][order_id] = {"orderId": order_id, "payments": payments, "refunds": []}
    return order


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

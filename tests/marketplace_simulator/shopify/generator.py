"""Shopify orders in the REST/webhook shape: catalog, customers, ``make_order``, ``generate_orders``."""
import random
from datetime import UTC, datetime, timedelta

from .constants import SHOP_TZ

CATALOG = [
    # (sku, title, unit price, requires_shipping)
    ("SHOP-TEE-BLK-M", "Organic T-shirt - Black / M", 25.00, True),
    ("SHOP-MUG-001", "Ceramic mug", 12.50, True),
    ("SHOP-CAP-RED", "Baseball cap - Red", 19.90, True),
    ("SHOP-BAG-TOTE", "Tote bag", 9.00, True),
    ("SHOP-EBOOK-01", "Care guide (e-book)", 4.99, False),
]
CUSTOMERS = [
    ("Bob", "Norman", "bob.norman@mail.example.com", "Chestnut Street 92", "Louisville", "40202", "KY", "US", ""),
    ("Amélie", "Durand", "amelie.durand@example.fr", "12 rue de la Paix", "Paris", "75002", "", "FR", ""),
    ("Jan", "Jansen", "jan@bedrijf.example.nl", "Keizersgracht 1", "Amsterdam", "1015 CJ", "", "NL",
     "Bedrijf BV"),
    ("Klaus", "Meyer", "k.meyer@firma.example.de", "Hauptstraße 5", "Berlin", "10115", "", "DE", "Firma GmbH"),
]
B2B_VAT = {"NL": "NL123456789B01", "DE": "DE123456789"}


def _fmt(dt):
    """Shopify date format: ISO-8601 with the shop's UTC offset, second precision."""
    return dt.astimezone(SHOP_TZ).replace(microsecond=0).isoformat()


def _parse(value):
    text = str(value).strip().replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _money(amount):
    return f"{amount:.2f}"


def _price_set(amount, currency, presentment_currency=None, rate=1.0):
    return {"shop_money": {"amount": _money(amount), "currency_code": currency},
            "presentment_money": {"amount": _money(amount * rate), "currency_code": presentment_currency or currency}}


def _address(first, last, street, city, zip_code, province, country, company, phone):
    return {"first_name": first, "last_name": last, "name": f"{first} {last}", "company": company or None,
            "address1": street, "address2": "", "city": city, "province": province or None,
            "province_code": province or None, "zip": zip_code, "country": country, "country_code": country,
            "phone": phone, "latitude": None, "longitude": None}


def make_order(order_id, number, *, created_at, lines, customer=0, taxes_included=True, tax_rate=0.20,
               shipping=4.90, discount=0.0, financial_status="paid", fulfillment_status=None, b2b=False,
               currency="EUR", cancelled=False):
    """One order in the documented REST shape.

    ``lines``: [(catalog index, quantity)]; ``discount``: order-level amount spread over the lines
    through ``discount_allocations`` (as Shopify does).
    """
    first, last, email, street, city, zip_code, province, country, company = CUSTOMERS[customer]
    address = _address(first, last, street, city, zip_code, province, country, company if b2b else "",
                       "+33 1 23 45 67 89")
    line_items, subtotal, total_tax = [], 0.0, 0.0
    gross = sum(CATALOG[i][2] * q for i, q in lines) or 1.0
    for position, (index, quantity) in enumerate(lines):
        sku, title, price, requires_shipping = CATALOG[index]
        allocated = round(discount * price * quantity / gross, 2)
        net = price * quantity - allocated
        tax = round(net - net / (1 + tax_rate), 2) if taxes_included else round(net * tax_rate, 2)
        subtotal += net
        total_tax += tax
        line_id = order_id * 100 + position + 1
        line_items.append({
            "id": line_id, "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
            "variant_id": 40000 + index, "product_id": 30000 + index, "sku": sku, "name": title,
            "title": title.split(" - ")[0], "variant_title": title.split(" - ")[1] if " - " in title else None,
            "vendor": "Sim Shop", "quantity": quantity, "current_quantity": quantity,
            "fulfillable_quantity": 0 if fulfillment_status == "fulfilled" else quantity,
            "fulfillment_status": fulfillment_status, "requires_shipping": requires_shipping, "taxable": True,
            "gift_card": False, "grams": 200, "price": _money(price), "price_set": _price_set(price, currency),
            "total_discount": "0.00", "total_discount_set": _price_set(0, currency),
            "discount_allocations": [{"amount": _money(allocated), "amount_set": _price_set(allocated, currency),
                                      "discount_application_index": 0}] if allocated else [],
            "tax_lines": [{"title": "VAT", "rate": tax_rate, "price": _money(tax),
                           "price_set": _price_set(tax, currency), "channel_liable": False}],
            "properties": [], "duties": [],
        })
    shipping_tax = round(shipping - shipping / (1 + tax_rate), 2) if taxes_included else round(shipping * tax_rate, 2)
    total_tax += shipping_tax
    total = subtotal + shipping + (0 if taxes_included else total_tax)
    created = _fmt(created_at)
    order = {
        "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}", "order_number": number, "number": number - 1000,
        "confirmation_number": f"C{order_id:08d}"[-9:],
        "email": email, "contact_email": email, "phone": None,
        "created_at": created, "updated_at": created, "processed_at": created,
        "cancelled_at": created if cancelled else None, "cancel_reason": "customer" if cancelled else None,
        "closed_at": None, "test": False,
        "currency": currency, "presentment_currency": currency,
        "financial_status": financial_status, "fulfillment_status": fulfillment_status,
        "taxes_included": taxes_included, "estimated_taxes": False,
        "subtotal_price": _money(subtotal), "subtotal_price_set": _price_set(subtotal, currency),
        "total_discounts": _money(discount), "total_discounts_set": _price_set(discount, currency),
        "total_line_items_price": _money(sum(CATALOG[i][2] * q for i, q in lines)),
        "total_tax": _money(total_tax), "total_tax_set": _price_set(total_tax, currency),
        "total_price": _money(total), "total_price_set": _price_set(total, currency),
        "current_total_price": _money(total),
        "total_shipping_price_set": _price_set(shipping, currency),
        "tax_lines": [{"title": "VAT", "rate": tax_rate, "price": _money(total_tax),
                       "price_set": _price_set(total_tax, currency), "channel_liable": False}],
        "discount_codes": [{"code": "WELCOME", "amount": _money(discount), "type": "fixed_amount"}] if discount else [],
        "discount_applications": [{"type": "discount_code", "value": _money(discount), "value_type": "fixed_amount",
                                   "allocation_method": "across", "target_selection": "all",
                                   "target_type": "line_item", "code": "WELCOME"}] if discount else [],
        "note": None, "note_attributes": [], "tags": "", "source_name": "web",
        "payment_gateway_names": ["shopify_payments"],
        "customer": {"id": 7000 + customer, "email": email, "first_name": first, "last_name": last,
                     "phone": None, "tax_exempt": bool(b2b), "currency": currency,
                     "default_address": dict(address, id=8000 + customer, customer_id=7000 + customer,
                                             default=True)},
        "billing_address": address, "shipping_address": dict(address),
        "line_items": line_items,
        "shipping_lines": [{
            "id": order_id * 100 + 99, "code": "Standard", "title": "Standard", "source": "shopify",
            "carrier_identifier": None, "price": _money(shipping), "price_set": _price_set(shipping, currency),
            "discounted_price": _money(shipping), "discounted_price_set": _price_set(shipping, currency),
            "discount_allocations": [],
            "tax_lines": [{"title": "VAT", "rate": tax_rate, "price": _money(shipping_tax),
                           "price_set": _price_set(shipping_tax, currency), "channel_liable": False}],
        }] if shipping else [],
        "fulfillments": [], "refunds": [],
    }
    if b2b:
        order["company"] = {"id": 9000 + customer, "location_id": 9100 + customer}
        order["note_attributes"] = [{"name": "vat_number", "value": B2B_VAT.get(country, "")}]
    return order


def generate_orders(count, seed=0, start=None, id_start=450789469):
    """``count`` seeded orders, created one minute apart from ``start`` (UTC)."""
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(hours=2)
    orders = []
    for n in range(count):
        customer = rng.randrange(len(CUSTOMERS))
        lines = [(i, rng.randint(1, 3)) for i in rng.sample(range(4), rng.randint(1, 3))]
        orders.append(make_order(
            id_start + n, 1001 + n, created_at=start + timedelta(minutes=n), lines=lines, customer=customer,
            taxes_included=rng.random() < 0.7, discount=rng.choice([0.0, 0.0, 5.0]),
            shipping=rng.choice([0.0, 4.90, 9.90]), b2b=CUSTOMERS[customer][8] != "" and rng.random() < 0.8,
            financial_status=rng.choice(["paid", "paid", "paid", "pending", "authorized"])))
    return orders

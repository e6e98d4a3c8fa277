"""WooCommerce orders in the documented example's shape: catalog, customers, ``make_order``, ``generate_orders``."""
import random
from datetime import UTC, datetime, timedelta

from .constants import SITE_TZ, VAT_RATE_ID

CATALOG = [
    ("WOO-HOODIE-L", "Hoodie - L", 45.00),
    ("WOO-BEANIE", "Beanie", 18.00),
    ("WOO-POSTER-A2", "Poster A2", 12.00),
    ("WOO-SOCKS-3P", "Socks (3 pairs)", 9.90),
]
CUSTOMERS = [
    ("John", "Doe", "john.doe@example.com", "969 Market", "San Francisco", "94103", "CA", "US", "", ""),
    ("Camille", "Martin", "camille.martin@example.fr", "3 place Bellecour", "Lyon", "69002", "", "FR", "", ""),
    ("Lucia", "Rossi", "lucia@azienda.example.it", "Via Roma 10", "Milano", "20121", "MI", "IT", "Azienda Srl",
     "IT12345678901"),
    ("Pieter", "Peeters", "pieter@bedrijf.example.be", "Grote Markt 1", "Brussel", "1000", "", "BE", "Bedrijf NV",
     "BE0123456789"),
]


def _local(dt):
    return dt.astimezone(SITE_TZ).replace(microsecond=0, tzinfo=None).isoformat()


def _gmt(dt):
    return dt.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()


def _parse_naive(value, tz):
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=tz)


def _money(amount):
    return f"{amount:.2f}"


def _split(gross_or_net, rate, included):
    """(net, tax) of an amount entered with or without tax."""
    if included:
        tax = round(gross_or_net - gross_or_net / (1 + rate / 100), 2)
        return round(gross_or_net - tax, 2), tax
    return round(gross_or_net, 2), round(gross_or_net * rate / 100, 2)


def _set_dates(order, field, dt):
    order[f"date_{field}"] = _local(dt) if dt else None
    order[f"date_{field}_gmt"] = _gmt(dt) if dt else None


def make_order(order_id, *, created_at, lines, customer=0, prices_include_tax=True, rate=20.0, shipping=5.0,
               coupon=0.0, status="processing", currency="EUR", with_vat_meta=True):
    """One order in the documented v3 shape. ``lines``: [(catalog index, quantity)];
    ``coupon``: discount entered on the same basis as prices, spread over the lines."""
    first, last, email, street, city, postcode, state, country, company, vat = CUSTOMERS[customer]
    gross = sum(CATALOG[i][2] * q for i, q in lines) or 1.0
    items, subtotal_tax_sum, total_tax_sum, net_sum, net_discount, tax_discount = [], 0.0, 0.0, 0.0, 0.0, 0.0
    for position, (index, quantity) in enumerate(lines):
        sku, name, price = CATALOG[index]
        sub_net, sub_tax = _split(price * quantity, rate, prices_include_tax)
        allocated = round(coupon * price * quantity / gross, 2)
        tot_net, tot_tax = _split(price * quantity - allocated, rate, prices_include_tax)
        net_sum += tot_net
        subtotal_tax_sum += sub_tax
        total_tax_sum += tot_tax
        net_discount += sub_net - tot_net
        tax_discount += sub_tax - tot_tax
        item_id = order_id * 100 + position + 1
        items.append({"id": item_id, "name": name, "product_id": 90 + index, "variation_id": 0, "quantity": quantity,
                      "tax_class": "", "subtotal": _money(sub_net), "subtotal_tax": _money(sub_tax),
                      "total": _money(tot_net), "total_tax": _money(tot_tax),
                      "taxes": [{"id": VAT_RATE_ID, "total": _money(tot_tax), "subtotal": _money(sub_tax)}],
                      "meta_data": [], "sku": sku, "price": round(tot_net / quantity, 6),
                      "image": {"id": "", "src": ""}, "parent_name": None})
    ship_net, ship_tax = _split(shipping, rate, prices_include_tax)
    total_tax = total_tax_sum + ship_tax
    total = net_sum + ship_net + total_tax
    address = {"first_name": first, "last_name": last, "company": company, "address_1": street, "address_2": "",
               "city": city, "state": state, "postcode": postcode, "country": country}
    paid = status in ("processing", "completed", "refunded")
    order = {
        "id": order_id, "parent_id": 0, "number": str(order_id), "order_key": f"wc_order_{order_id:013x}",
        "created_via": "checkout", "version": "9.4.0", "status": status, "currency": currency,
        "discount_total": _money(net_discount), "discount_tax": _money(tax_discount),
        "shipping_total": _money(ship_net), "shipping_tax": _money(ship_tax), "cart_tax": _money(total_tax_sum),
        "total": _money(total), "total_tax": _money(total_tax), "prices_include_tax": prices_include_tax,
        "customer_id": 0 if customer == 0 else 20 + customer, "customer_ip_address": "", "customer_user_agent": "",
        "customer_note": "", "billing": dict(address, email=email, phone="(555) 555-5555"),
        "shipping": dict(address, phone=""), "payment_method": "bacs",
        "payment_method_title": "Direct Bank Transfer", "transaction_id": "", "cart_hash": "",
        "meta_data": [{"id": order_id * 10 + 1, "key": "_billing_vat", "value": vat}] if vat and with_vat_meta else [],
        "line_items": items,
        "tax_lines": [{"id": order_id * 100 + 98, "rate_code": f"{country}-VAT-1", "rate_id": VAT_RATE_ID,
                       "label": "VAT", "compound": False, "tax_total": _money(total_tax_sum),
                       "shipping_tax_total": _money(ship_tax), "rate_percent": rate, "meta_data": []}],
        "shipping_lines": [{"id": order_id * 100 + 99, "method_title": "Flat Rate", "method_id": "flat_rate",
                            "instance_id": "1", "total": _money(ship_net), "total_tax": _money(ship_tax),
                            "taxes": [{"id": VAT_RATE_ID, "total": _money(ship_tax), "subtotal": ""}],
                            "meta_data": []}] if shipping else [],
        "fee_lines": [],
        "coupon_lines": [{"id": order_id * 100 + 97, "code": "promo", "discount": _money(net_discount),
                          "discount_tax": _money(tax_discount), "meta_data": []}] if coupon else [],
        "refunds": [], "set_paid": False, "_links": {
            "self": [{"href": f"https://example.com/wp-json/wc/v3/orders/{order_id}"}],
            "collection": [{"href": "https://example.com/wp-json/wc/v3/orders"}]},
    }
    _set_dates(order, "created", created_at)
    _set_dates(order, "modified", created_at)
    _set_dates(order, "paid", created_at if paid else None)
    _set_dates(order, "completed", created_at if status == "completed" else None)
    return order


def generate_orders(count, seed=0, start=None, id_start=727):
    """``count`` seeded orders created one minute apart from ``start`` (UTC)."""
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(hours=2)
    orders = []
    for n in range(count):
        lines = [(i, rng.randint(1, 3)) for i in rng.sample(range(len(CATALOG)), rng.randint(1, 3))]
        orders.append(make_order(
            id_start + n, created_at=start + timedelta(minutes=n), lines=lines, customer=rng.randrange(len(CUSTOMERS)),
            prices_include_tax=rng.random() < 0.5, shipping=rng.choice([0.0, 5.0, 7.5]),
            coupon=rng.choice([0.0, 0.0, 6.0]), status=rng.choice(["processing", "processing", "on-hold", "pending"])))
    return orders

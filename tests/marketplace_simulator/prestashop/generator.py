"""PrestaShop shop state: generated orders (customers, addresses, carriers), order state changes."""
import random
from datetime import UTC, datetime, timedelta

from .constants import (
    CITIES,
    COUNTRIES,
    CURRENCIES,
    DEFAULT_KEY,
    FIRST_NAMES,
    LAST_NAMES,
    ORDER_STATES,
    PRODUCTS,
    RESOURCES,
    SHOP_TZ,
)


def ps_date(dt):
    """Aware datetime -> PrestaShop string in the shop time zone."""
    return dt.astimezone(SHOP_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _money(value):
    return f"{value:.6f}"



# -- order generator -------------------------------------------------------------------
def generate_orders(count, seed=0, start=None, state=None):
    """Seeded orders with their customers, addresses and carriers, added to ``state``."""
    rng = random.Random(seed)
    state = state if state is not None else new_state()
    start = start or datetime.now(UTC) - timedelta(hours=count + 1)
    orders = []
    for index in range(count):
        when = start + timedelta(minutes=37 * index + rng.randint(0, 20))
        orders.append(add_order(state, rng, when, b2b=index % 4 == 3))
    return orders


def add_order(state, rng, when, b2b=False, current_state="2", lines=None, discount_incl=0.0, cart_rules=(),
              shop_id="1"):
    """Create one order (plus customer, addresses, order carrier) in ``state``; returns it.
    ``cart_rules``: [(name, value tax incl.)], recorded as ``order_cart_rules`` and in the discount total."""
    discount_incl = discount_incl or sum(value for _name, value in cart_rules)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    customer_id = str(len(state["customers"]) + 1)
    state["customers"][customer_id] = {
        "id": customer_id, "email": f"{first.lower()}.{last.lower()}{customer_id}@example.fr",
        "firstname": first, "lastname": last, "company": f"{last} SARL" if b2b else "",
        "siret": "73282932000074" if b2b else "", "passwd": "$2y$10$simulatedhash", "secure_key": "a1b2c3d4e5",
        "date_add": ps_date(when), "date_upd": ps_date(when)}
    zipcode, city, country = rng.choice(CITIES)

    def address(alias):
        address_id = str(len(state["addresses"]) + 1)
        state["addresses"][address_id] = {
            "id": address_id, "id_customer": customer_id, "id_country": country, "id_state": "0", "alias": alias,
            "company": f"{last} SARL" if b2b else "", "firstname": first, "lastname": last,
            "vat_number": "FR40303265045" if b2b else "", "address1": f"{rng.randint(1, 99)} rue de la Paix",
            "address2": "", "postcode": zipcode, "city": city, "phone": "0102030405", "phone_mobile": "",
            "dni": "", "other": "", "deleted": "0", "date_add": ps_date(when), "date_upd": ps_date(when)}
        return address_id

    delivery = address("Livraison")
    invoice = address("Facturation") if rng.random() < 0.5 else delivery
    order_id = str(len(state["orders"]) + 1)
    rows = []
    for row_index, (sku, name, price) in enumerate(lines or rng.sample(PRODUCTS, rng.randint(1, 3))):
        qty = rng.randint(1, 3)
        rows.append({"id": str(100 * int(order_id) + row_index), "product_id": str(row_index + 1),
                     "product_attribute_id": "0", "product_quantity": str(qty), "product_name": name,
                     "product_reference": sku, "product_ean13": "", "product_isbn": "", "product_upc": "",
                     "product_price": _money(price / 1.2), "id_customization": "0",
                     "unit_price_tax_incl": _money(price), "unit_price_tax_excl": _money(price / 1.2)})
    products_incl = sum(float(r["unit_price_tax_incl"]) * int(r["product_quantity"]) for r in rows)
    shipping_incl = 6.0
    total_incl = products_incl + shipping_incl - discount_incl
    paid_state = state["order_states"][current_state]["paid"] == "1"
    reference = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9))
    state["orders"][order_id] = {
        "id": order_id, "reference": reference, "id_cart": order_id, "id_customer": customer_id,
        "id_address_delivery": delivery, "id_address_invoice": invoice, "id_currency": "1", "id_lang": "1",
        "id_carrier": "2", "id_shop": shop_id, "id_shop_group": "1", "current_state": current_state,
        "valid": "1" if paid_state else "0", "module": "ps_checkpayment", "payment": "Chèque",
        "secure_key": "f1e2d3c4b5a69788", "invoice_number": "0", "invoice_date": "0000-00-00 00:00:00",
        "delivery_number": "0", "delivery_date": "0000-00-00 00:00:00", "shipping_number": "",
        "date_add": ps_date(when), "date_upd": ps_date(when), "note": "", "gift": "0", "gift_message": "",
        "recyclable": "0", "total_paid": _money(total_incl), "total_paid_tax_incl": _money(total_incl),
        "total_paid_tax_excl": _money(total_incl / 1.2), "total_paid_real": _money(total_incl if paid_state else 0),
        "total_products": _money(products_incl / 1.2), "total_products_wt": _money(products_incl),
        "total_shipping": _money(shipping_incl), "total_shipping_tax_incl": _money(shipping_incl),
        "total_shipping_tax_excl": _money(shipping_incl / 1.2), "carrier_tax_rate": "20.000",
        "total_discounts": _money(discount_incl), "total_discounts_tax_incl": _money(discount_incl),
        "total_discounts_tax_excl": _money(discount_incl / 1.2), "total_wrapping": "0.000000",
        "total_wrapping_tax_incl": "0.000000", "total_wrapping_tax_excl": "0.000000", "round_mode": "2",
        "round_type": "2", "conversion_rate": "1.000000",
        "associations": {"order_rows": rows}}
    for name, value in cart_rules:
        rule_id = str(len(state["order_cart_rules"]) + 1)
        state["order_cart_rules"][rule_id] = {
            "id": rule_id, "id_order": order_id, "id_cart_rule": rule_id, "id_order_invoice": "0", "name": name,
            "value": _money(value), "value_tax_excl": _money(value / 1.2), "free_shipping": "0", "deleted": "0"}
    carrier_id = str(len(state["order_carriers"]) + 1)
    state["order_carriers"][carrier_id] = {
        "id": carrier_id, "id_order": order_id, "id_carrier": "2", "id_order_invoice": "0", "weight": "0.500000",
        "shipping_cost_tax_excl": _money(shipping_incl / 1.2), "shipping_cost_tax_incl": _money(shipping_incl),
        "tracking_number": "", "date_add": ps_date(when)}
    return state["orders"][order_id]


def new_state(key=DEFAULT_KEY):
    return {
        "key": key,
        "permissions": {name: {"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"} for name in RESOURCES},
        "orders": {}, "customers": {}, "addresses": {}, "order_carriers": {}, "order_histories": {},
        "order_cart_rules": {},
        "order_states": {sid: {"id": sid, "name": name, "paid": paid, "shipped": shipped, "delivery": delivery,
                               "logable": logable, "invoice": paid, "send_email": "1", "template": ""}
                         for sid, name, paid, shipped, delivery, logable in ORDER_STATES},
        "countries": {cid: {"id": cid, "iso_code": iso, "active": "1"} for cid, iso in COUNTRIES.items()},
        "currencies": {cid: {"id": cid, "iso_code": iso, "conversion_rate": "1.000000"}
                       for cid, iso in CURRENCIES.items()},
    }


def set_order_state(state, order_id, state_id, when=None):
    """What ``POST /api/order_histories`` does: a history row, new current state, date_upd."""
    when = when or datetime.now(UTC)
    order = state["orders"][order_id]
    history_id = str(len(state["order_histories"]) + 1)
    state["order_histories"][history_id] = {
        "id": history_id, "id_employee": "0", "id_order_state": state_id, "id_order": order_id,
        "date_add": ps_date(when)}
    order["current_state"] = state_id
    if state["order_states"][state_id]["paid"] == "1":
        order["valid"] = "1"
    order["date_upd"] = ps_date(when)
    return state["order_histories"][history_id]

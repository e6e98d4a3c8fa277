"""Constants of the PrestaShop simulator: key, time zone, default order states, resources, names."""
from zoneinfo import ZoneInfo

NAME = "prestashop"
SHOP_TZ = ZoneInfo("Europe/Paris")
DATE_FIELDS = {"date_add", "date_upd", "invoice_date", "delivery_date"}
DEFAULT_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"  # 32 characters, like a real key

# Default order states of a fresh install (install-dev/data/xml/order_state.xml order).
ORDER_STATES = [
    # id, name, paid, shipped, delivery, logable
    ("1", "Awaiting check payment", "0", "0", "0", "0"),
    ("2", "Payment accepted", "1", "0", "0", "1"),
    ("3", "Processing in progress", "1", "0", "0", "1"),
    ("4", "Shipped", "1", "1", "1", "1"),
    ("5", "Delivered", "1", "1", "1", "1"),
    ("6", "Canceled", "0", "0", "0", "0"),
    ("7", "Refunded", "1", "0", "0", "0"),
    ("8", "Payment error", "0", "0", "0", "0"),
    ("9", "On backorder (paid)", "1", "0", "0", "1"),
    ("10", "Awaiting bank wire payment", "0", "0", "0", "0"),
    ("11", "Remote payment accepted", "1", "0", "0", "1"),
    ("12", "On backorder (not paid)", "0", "0", "0", "0"),
    ("13", "Awaiting Cash On Delivery validation", "0", "0", "0", "0"),
]
COUNTRIES = {"8": "FR", "1": "DE", "3": "BE", "6": "ES", "10": "IT", "17": "GB"}
CURRENCIES = {"1": "EUR", "2": "USD"}
RESOURCES = ["addresses", "countries", "currencies", "customers", "order_carriers", "order_cart_rules",
             "order_histories", "order_states", "orders"]
SINGULAR = {"addresses": "address", "countries": "country", "currencies": "currency", "customers": "customer",
            "order_carriers": "order_carrier", "order_cart_rules": "order_cart_rule",
            "order_histories": "order_history", "order_states": "order_state", "orders": "order"}

FIRST_NAMES = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Jules", "Manon", "Nathan"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
CITIES = [("75011", "Paris", "8"), ("69003", "Lyon", "8"), ("13001", "Marseille", "8"),
          ("10115", "Berlin", "1"), ("1000", "Bruxelles", "3")]
PRODUCTS = [("PS-TSHIRT-01", "T-shirt bio", 19.9), ("PS-MUG-02", "Mug céramique", 9.5),
            ("PS-CAP-03", "Casquette", 14.0), ("PS-BAG-04", "Sac en toile", 24.0)]

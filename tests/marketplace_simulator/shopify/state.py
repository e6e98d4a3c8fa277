"""Shopify simulator state: registration on an app, reset, order helpers for tests and the demo."""
from datetime import UTC, datetime, timedelta

from .api import Bucket, _state, _touch
from .constants import CLIENT_ID, CLIENT_SECRET, NAME
from .cost import CostBucket
from .fulfillments import _register_fulfillments
from .generator import generate_orders
from .gql import register_graphql
from .inventory import reset_inventory
from .oauth import register_oauth
from .orders import _register_order, _register_order_list, _register_shop
from .refunds import _register_refunds


def seed_demo(app, count, seed=1):
    """Demo feed (``python -m marketplace_simulator``): ``count`` recent orders with the usual mix."""
    state = app.state[NAME]
    start = datetime.now(UTC) - timedelta(minutes=count + 1)
    id_start = max(state["orders"], default=450789468) + 1
    for order in generate_orders(count, seed=seed, start=start, id_start=id_start):
        order["name"] = f"#{1000 + order['id'] - 450789468}"
        order["order_number"] = 1000 + order["id"] - 450789468
        add_order(app, order)



def add_order(app, order):
    with app.lock:
        _state(app)["orders"][order["id"]] = order


def update_order(app, order_id, **changes):
    """Change an order as the merchant would (e.g. ``financial_status="refunded"``), moving updated_at."""
    with app.lock:
        order = _state(app)["orders"][order_id]
        order.update(changes)
        _touch(order)
        return order


def register(app, orders=None, token="shpat_simulator_token", bucket_size=40, leak_rate=2.0,
             shop_domain="sim-shop.myshopify.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
             token_lifetime=86399):
    """Register the Shopify routes on ``app``; state in ``app.state["shopify"]``.

    ``token``: the static Admin API token; ``client_id``/``client_secret``: the Dev Dashboard app
    whose client-credentials tokens last ``token_lifetime`` seconds.
    """
    app.state[NAME] = _initial_state(orders, token, bucket_size, leak_rate, shop_domain)
    app.state[NAME].update(client_id=client_id, client_secret=client_secret, token_lifetime=token_lifetime)
    _register_routes(app)
    return app


def reset(app):
    """Forget every order and action (the token and bucket settings stay), the request log and faults."""
    old = app.state[NAME]
    bucket = old["bucket"]
    app.state[NAME] = _initial_state(None, old["token"], bucket.size, bucket.leak_rate, old["shop"]["myshopify_domain"])
    app.state[NAME].update({key: old[key] for key in ("client_id", "client_secret", "token_lifetime")})
    with app.lock:
        app.requests.clear()
    app.clear_faults()
    reset_inventory(app)


def _initial_state(orders, token, bucket_size, leak_rate, shop_domain):
    return {
        "orders": {o["id"]: o for o in (orders or [])},
        "token": token,
        "bucket": Bucket(bucket_size, leak_rate),
        "fulfillment_orders": {},  # order id -> [fulfillment order]
        "fulfillments": [],
        "calculations": [],  # bodies received by refunds/calculate, for assertions
        "refund_bodies": [],
        "refunded_shipping": {},  # order id -> shipping amount refunded
        "cursors": {},
        "cost_bucket": CostBucket(),  # GraphQL calculated query cost
        "graphql": [],  # {"root", "query", "variables"} of each GraphQL call, for assertions
        "tokens": {},  # client-credentials token -> expiry (epoch seconds)
        "issued": 0,
        "next_id": 1,
        "shop": {"id": 548380009, "name": "Sim Shop", "email": "shop@example.com", "domain": shop_domain,
                 "myshopify_domain": shop_domain, "currency": "EUR", "iana_timezone": "Europe/Paris",
                 "taxes_included": True, "plan_name": "basic", "country_code": "FR"},
    }


def _register_routes(app):
    """Routes of the Admin REST API; handlers read ``app.state["shopify"]`` at call time."""
    _register_shop(app)
    _register_order_list(app)
    _register_order(app)
    _register_fulfillments(app)
    _register_refunds(app)
    register_graphql(app)
    register_oauth(app)
    return app

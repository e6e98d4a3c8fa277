"""WooCommerce simulator state: registration on an app, reset, order helpers for tests and the demo."""
from datetime import UTC, datetime, timedelta

from .api import _state, touch
from .constants import NAME
from .generator import generate_orders
from .inventory import _register_inventory, reset_inventory
from .orders import _register_order, _register_order_list, _register_status
from .refunds import _register_refunds
from .tracking import _register_fallback, _register_tracking


def seed_demo(app, count, seed=1):
    """Demo feed (``python -m marketplace_simulator``): ``count`` recent orders with the usual mix."""
    state = app.state[NAME]
    start = datetime.now(UTC) - timedelta(minutes=count + 1)
    id_start = max(state["orders"], default=726) + 1
    with app.lock:
        for order in generate_orders(count, seed=seed, start=start, id_start=id_start):
            state["orders"][order["id"]] = order



def update_order(app, order_id, **changes):
    """Change an order as the shop manager would, moving its modification date."""
    with app.lock:
        order = _state(app)["orders"][order_id]
        order.update(changes)
        touch(order)
        return order


def register(app, orders=None, consumer_key="ck_simulator", consumer_secret="cs_simulator", tracking_extension=True):
    """Register the WooCommerce routes on ``app``; state in ``app.state["woocommerce"]``."""
    app.state[NAME] = _initial_state(orders, consumer_key, consumer_secret)
    _register_routes(app, tracking_extension)
    return app


def reset(app):
    """Forget every order and action (the keys stay), the request log and faults."""
    old = app.state[NAME]
    app.state[NAME] = _initial_state(None, old["key"], old["secret"])
    with app.lock:
        app.requests.clear()
    app.clear_faults()
    reset_inventory(app)


def _initial_state(orders, consumer_key, consumer_secret):
    return {"orders": {o["id"]: o for o in (orders or [])}, "key": consumer_key, "secret": consumer_secret,
            "notes": {}, "refunds": {}, "trackings": {}, "next_id": 5000, "auth_modes": []}


def _register_routes(app, tracking_extension):
    """Routes of the REST API v3 (and of the tracking extension); handlers read the state at call time."""
    _register_status(app, tracking_extension)
    _register_order_list(app)
    _register_order(app)
    _register_refunds(app)
    if tracking_extension:
        _register_tracking(app)
    _register_inventory(app)
    _register_fallback(app)
    return app

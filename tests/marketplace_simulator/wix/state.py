"""Wix simulator registration on an app, and the demo feed."""
import random
from datetime import UTC, datetime, timedelta

from .fulfillments import _register_fulfillments
from .generator import NAME, add_order, new_state
from .inventory import _register_inventory
from .orders import _register_orders
from .payments import _register_payments


def register(app, state=None):
    """Mount the eCommerce API on ``app``; state in ``app.state["wix"]``."""
    state = app.state.setdefault(NAME, state or new_state())
    _register_orders(app, state)
    _register_fulfillments(app, state)
    _register_payments(app, state)
    _register_inventory(app, state)
    return state



def seed_demo(app, count, seed=1):
    """Add ``count`` recent orders to the registered site (demo and benchmark)."""
    state = app.state[NAME]
    with app.lock:
        rng = random.Random(seed)
        now = datetime.now(UTC)
        return [add_order(state, rng, now - timedelta(minutes=40 * (count - index)), b2b=index % 5 == 4)
                for index in range(count)]

"""Set-up shared by the transport tests: a simulator served on 127.0.0.1, and transports with
quick retries whose exchanges and sleeps are recorded instead of waited for."""
from contextlib import contextmanager

from marketplace_simulator import SimulatorApp, SimulatorServer

from marketplace_transport import TransportConfig

#: retries of the tests: two quick attempts, never a long wait
QUICK_RETRIES = {"max_retries": 2, "backoff": 0.01, "max_wait": 5}


def no_sleep(_seconds):
    return None


@contextmanager
def serve_simulator(simulator, **options):
    """``(app, server)``: ``simulator`` (a ``marketplace_simulator`` module) registered with ``options``
    and served on 127.0.0.1 until the block ends."""
    app = SimulatorApp()
    simulator.register(app, **options)
    with SimulatorServer(app) as server:
        yield app, server


def fresh_state(app, simulator):
    """Give a simulator keeping its state in one dict (PrestaShop, Wix) a fresh ``new_state()``,
    without faults nor logged requests; returns that state."""
    state = app.state[simulator.NAME]
    state.clear()
    state.update(simulator.new_state())
    app.clear_faults()
    app.requests.clear()
    return state


def build_transport(transport_class, base_url, credentials, options=None, exchanges=None, sleeps=None):
    """A ``transport_class`` with :data:`QUICK_RETRIES`; its exchanges and sleeps go to the given
    lists (``None``: exchanges not kept, sleeps skipped)."""
    config = TransportConfig(base_url=base_url, credentials=credentials, options=options or {}, **QUICK_RETRIES)
    return transport_class(config, recorder=exchanges.append if exchanges is not None else None,
                           sleep=sleeps.append if sleeps is not None else no_sleep)


class TransportHarness:
    """A served simulator, and the exchanges and sleeps of the transports built on it."""

    simulator = None  # the marketplace_simulator module

    def __init__(self, app, server):
        self.app, self.server = app, server
        self.exchanges, self.sleeps = [], []

    @property
    def state(self):
        return self.app.state[self.simulator.NAME]

"""Set-up of the Cdiscount SOAP transport tests: the SOAP simulator served once per module, a fresh
state per test, transports with quick retries, and the recorded answers of tests/fixtures/cdiscount.

Test modules get the fixtures with ``_simulator, app, server = simulator_fixtures()``.
"""
from pathlib import Path

import pytest
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import cdiscount_soap as sim

import marketplace_transport.octopia  # noqa: F401 (registers the transports)
from marketplace_transport import TransportConfig, get_transport_class
from marketplace_transport.base import TokenStore

LOGIN, PASSWORD = "seller-api", "Pa55-w0rd-very-secret"
ORD = sim.ORD
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cdiscount"


def simulator_fixtures():
    """(``_simulator``, ``app``, ``server``) fixtures: the SOAP simulator served once per module, a
    fresh state per test. Assign them at module level: ``_simulator, app, server = simulator_fixtures()``."""

    @pytest.fixture(scope="module")
    def _simulator():
        app = SimulatorApp()
        sim.register(app)
        with SimulatorServer(app) as server:
            yield app, server

    @pytest.fixture()
    def app(_simulator):
        app, _server = _simulator
        app.state[sim.NAME].reset(credentials={LOGIN: PASSWORD})
        app.clear_faults()
        with app.lock:
            app.requests.clear()
        return app

    @pytest.fixture()
    def server(app, _simulator):
        return _simulator[1]

    return _simulator, app, server


def make_transport(server, exchanges=None, sleeps=None, **options):
    config = TransportConfig(
        base_url=server.url, credentials={"login": LOGIN, "secret": PASSWORD}, options=options,
        timeout=5, max_retries=2, backoff=0.01, max_wait=0.05, token_store=TokenStore())
    return get_transport_class("cdiscount_soap")(
        config, recorder=(exchanges.append if exchanges is not None else None),
        sleep=(sleeps.append if sleeps is not None else (lambda s: None)))


def add(app, count=3, seed=7, **kwargs):
    return app.state[sim.NAME].add_orders(sim.generate_orders(count, seed=seed, **kwargs))


def state(app):
    return app.state[sim.NAME]


def last_filter(app):
    call = state(app).operations("GetOrderList")[-1][1]
    return call.find(f"{{{sim.TNS}}}orderFilter")


def recorded(name):
    """A recorded file of tests/fixtures/cdiscount (bytes, as the service sent them)."""
    return (FIXTURES / name).read_bytes()

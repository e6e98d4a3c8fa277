"""Set-up shared by the Octopia REST transport tests: the simulator served once per test module,
transports with quick retries whose exchanges and sleeps are recorded, one generated order."""
import time
from datetime import UTC, datetime

import pytest
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import octopia as sim

from marketplace_transport import TransportConfig
from marketplace_transport.base import TokenStore
from marketplace_transport.octopia.rest import OctopiaRestTransport

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module", name="shared")
def shared_fixture():
    app = SimulatorApp()
    sim.register(app)
    with SimulatorServer(app) as server:
        yield app, server


@pytest.fixture(name="app")
def app_fixture(shared):
    app, _server = shared
    sim.get_state(app).reset()
    return app


@pytest.fixture(name="state")
def state_fixture(app):
    return sim.get_state(app)


@pytest.fixture(name="server")
def server_fixture(shared, app):
    return shared[1]


def make_transport(server, store=None, clock=time.time, credentials=None, timeout=2.0, **options):
    exchanges, sleeps = [], []
    config = TransportConfig(
        base_url=server.url + sim.API_PREFIX,
        credentials=credentials or {"login": sim.DEFAULT_CLIENT_ID, "secret": sim.DEFAULT_CLIENT_SECRET},
        options={"account": sim.DEFAULT_SELLER_ID, "offer_poll_interval": 0.01, **options},
        timeout=timeout, max_retries=2, backoff=0.01, max_wait=0.05, token_store=store or TokenStore())
    transport = OctopiaRestTransport(config, recorder=exchanges.append, sleep=sleeps.append, clock=clock)
    transport.exchanges = exchanges
    transport.sleeps = sleeps
    return transport


def one_order(state, status="InPreparation", seed=1, **changes):
    order = sim.generate_orders(1, seed=seed, start=START, statuses=[status])[0]
    order.update(changes)
    state.add_orders([order])
    return order

"""The approved-platform client (``marketplace_transport/einvoice_platform.py``) against its double on 127.0.0.1."""
import pytest
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import einvoice_platform as pa_sim

from marketplace_transport.einvoice_platform import FINAL, STATUSES, HttpPlatformClient, parse_submission
from marketplace_transport.exceptions import RemoteError, TemporaryError

PDF = b"%PDF-1.7 test"


@pytest.fixture(scope="module")
def sim():
    app = SimulatorApp()
    state = pa_sim.register(app)
    with SimulatorServer(app) as server:
        yield app, state, f"{server.url}{pa_sim.PREFIX}"


@pytest.fixture
def client(sim):
    app, state, url = sim
    app.clear_faults()
    return HttpPlatformClient(url, token=state.token, timeout=5)


def test_invoice_deposited_then_its_status_read(sim, client):
    _app, state, _url = sim
    submission = client.submit("invoice", "F-1.pdf", PDF, "INV/2026/0001")
    assert submission.status == "deposited"
    assert state.documents[submission.document_id]["content"] == PDF
    state.move(submission.document_id, "accepted", "ok")
    assert client.status(submission.document_id).status == "accepted"


def test_rejected_document_and_ereporting_file(client):
    assert client.submit("invoice", "x.pdf", b"<html/>", "X").status == "rejected"
    assert client.submit("ereporting", "e.csv", b"date;category;vat_rate\n", "P").status == "deposited"
    with pytest.raises(ValueError):
        client.submit("other", "x", b"", "X")


def test_errors_are_typed(sim, client):
    app, _state, url = sim
    app.add_fault(r"/pa/documents", status=503, count=1)
    with pytest.raises(TemporaryError):
        client.submit("invoice", "F.pdf", PDF, "R")
    with pytest.raises(RemoteError, match="401"):
        HttpPlatformClient(url, token="wrong", timeout=5).submit("invoice", "F.pdf", PDF, "R")
    with pytest.raises(RemoteError, match="404"):
        client.status("unknown")
    with pytest.raises(TemporaryError):
        HttpPlatformClient("http://127.0.0.1:9/pa", timeout=2).status("D1")


def test_status_vocabulary():
    assert {"deposited", "rejected", "refused", "paid"} <= set(STATUSES), "the reform's four mandatory statuses"
    assert FINAL <= set(STATUSES)
    with pytest.raises(RemoteError):
        parse_submission({"id": "D1", "status": "lost"})

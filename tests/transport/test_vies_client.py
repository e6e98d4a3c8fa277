"""VIES client (zeep, real WSDL) against the VIES simulator on 127.0.0.1."""
from datetime import date

import pytest
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import vies as vies_sim

from marketplace_transport.vies import DEFAULT_WSDL, ViesClient, ViesStatus, precheck, reset_breakers

REQUESTER = "FR40303265045"
UNAVAILABLE_CODES = ["MS_UNAVAILABLE", "TIMEOUT", "SERVICE_UNAVAILABLE", "MS_MAX_CONCURRENT_REQ",
                     "GLOBAL_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ_TIME", "GLOBAL_MAX_CONCURRENT_REQ_TIME"]


@pytest.fixture(scope="module")
def sim():
    app = SimulatorApp()
    state = vies_sim.register(app)
    with SimulatorServer(app) as server:
        yield app, state, f"{server.url}/checkVatService.wsdl"


@pytest.fixture(autouse=True)
def _reset(sim):
    app, state, _url = sim
    state.recover()
    state.country_faults.clear()
    app.clear_faults()
    reset_breakers()
    yield
    reset_breakers()


def test_default_wsdl_is_the_official_one():
    assert DEFAULT_WSDL == "https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl"
    assert ViesClient().wsdl_url == DEFAULT_WSDL


def test_wsdl_points_back_at_the_simulator(sim):
    import requests
    _app, _state, url = sim
    text = requests.get(url, timeout=5).text
    assert 'location="http://127.0.0.1:' in text
    assert "checkVatApprox" in text and "requestIdentifier" in text


def test_valid_number_with_name_and_address(sim):
    _app, state, url = sim
    result = ViesClient(url, timeout=5).check("IT 007 431 101 57")
    assert result.status == ViesStatus.VALID and result.is_valid
    assert result.vat == "IT00743110157"
    assert result.name == "ACME ITALIA SRL"
    assert "MILANO" in result.address
    assert result.request_date == date.today()
    assert result.consultation_number == ""  # checkVat gives none
    assert state.checks[-1] == ("checkVat", "IT", "00743110157", "valid")


def test_valid_number_without_trader_data(sim):
    _app, _state, url = sim
    result = ViesClient(url, timeout=5).check("DE136695976")
    assert result.is_valid
    assert result.name == "" and result.address == ""  # "---" means undisclosed


def test_greek_numbers_use_el(sim):
    _app, state, url = sim
    result = ViesClient(url, timeout=5).check("GR094259216")
    assert result.is_valid and result.country_code == "EL"
    assert state.checks[-1][1] == "EL"


def test_unregistered_number_is_invalid(sim):
    _app, _state, url = sim
    number = vies_sim.belgian_number(1234567)
    assert precheck(number)  # well formed, so the service is asked
    result = ViesClient(url, timeout=5).check(number)
    assert result.status == ViesStatus.INVALID
    assert not result.retryable


def test_malformed_number_is_refused_before_calling(sim):
    app, _state, url = sim
    before = app.count_requests(r"/services/checkVatService")
    for bad in ("IT00743110158", "DE999999999", "US123456789", "", "FR"):
        result = ViesClient(url, timeout=5).check(bad)
        assert result.status == ViesStatus.INVALID_INPUT, bad
        assert result.error_code == "INVALID_INPUT"
    assert app.count_requests(r"/services/checkVatService") == before


def test_consultation_number_with_requester(sim):
    _app, state, url = sim
    client = ViesClient(url, requester_vat=REQUESTER, timeout=5)
    first = client.check("BE0403170701")
    second = client.check("BE0403170701")
    assert first.is_valid and first.consultation_number.startswith("WAPI")
    assert second.consultation_number and second.consultation_number != first.consultation_number
    assert first.name == "NV BELGIAN BUYER"
    assert state.checks[-1][0] == "checkVatApprox"


def test_unknown_requester_is_refused(sim):
    _app, state, url = sim
    del state.valid[REQUESTER]
    try:
        result = ViesClient(url, requester_vat=REQUESTER, timeout=5).check("BE0403170701")
    finally:
        state.valid[REQUESTER] = vies_sim.DEFAULT_VALID[REQUESTER]
    assert result.status == ViesStatus.INVALID_INPUT
    assert result.error_code == "INVALID_REQUESTER_INFO"


@pytest.mark.parametrize("code", UNAVAILABLE_CODES)
def test_each_unavailable_fault(sim, code):
    _app, _state, url = sim
    result = ViesClient(url, timeout=5).check(vies_sim.FAULT_NUMBERS[code])
    assert result.status == ViesStatus.UNAVAILABLE
    assert result.retryable
    assert result.error_code == code
    assert not result.is_valid


@pytest.mark.parametrize("code", vies_sim.ALL_FAULTS)
def test_every_documented_fault_is_typed(sim, code):
    _app, _state, url = sim
    result = ViesClient(url, timeout=5).check(vies_sim.FAULT_NUMBERS[code])
    expected = ViesStatus.INVALID_INPUT if code in ("INVALID_INPUT", "INVALID_REQUESTER_INFO", "VAT_BLOCKED") \
        else ViesStatus.UNAVAILABLE
    assert result.status == expected
    assert result.error_code == code
    assert result.retryable == (expected == ViesStatus.UNAVAILABLE)


def test_invalid_input_fault_from_the_service(sim):
    _app, _state, url = sim
    result = ViesClient(url, timeout=5).check(vies_sim.FAULT_NUMBERS["INVALID_INPUT"])
    assert result.status == ViesStatus.INVALID_INPUT
    assert not result.retryable


def test_member_state_down_then_recovered(sim):
    _app, state, url = sim
    client = ViesClient(url, requester_vat=REQUESTER, timeout=5)
    state.country_faults["DE"] = "MS_UNAVAILABLE"
    assert client.check("DE136695976").error_code == "MS_UNAVAILABLE"
    assert client.check("IT00743110157").is_valid  # other member states still answer
    state.country_faults.clear()
    recovered = client.check("DE136695976")
    assert recovered.is_valid and recovered.consultation_number


def test_service_down_then_recovered(sim):
    _app, state, url = sim
    client = ViesClient(url, timeout=5)
    state.go_down("SERVICE_UNAVAILABLE")
    down = client.check("IT00743110157")
    assert down.status == ViesStatus.UNAVAILABLE and down.error_code == "SERVICE_UNAVAILABLE"
    state.recover()
    assert client.check("IT00743110157").is_valid


def test_http_error_without_soap_fault_is_unavailable(sim):
    app, _state, url = sim
    app.add_fault(r"POST /taxation_customs/vies/services/", status=503, body="<html>maintenance</html>")
    result = ViesClient(url, timeout=5).check("IT00743110157")
    assert result.status == ViesStatus.UNAVAILABLE
    assert result.error_code == "SERVICE_UNAVAILABLE"


def test_unreachable_service_pauses_later_checks(sim):
    app, _state, url = sim
    service = r"/taxation_customs/vies/services/"
    app.add_fault(r"POST /taxation_customs/vies/services/", status=502, body="bad gateway", count=-1)
    client = ViesClient(url, timeout=5)
    before = app.count_requests(service)
    first = client.check("IT00743110157")
    second = ViesClient(url, timeout=5).check("DE136695976")  # another client, same service
    assert first.status == second.status == ViesStatus.UNAVAILABLE
    assert "postponed" in second.message
    assert app.count_requests(service) == before + 1, "the second check was not sent"
    app.clear_faults()
    assert client.check("DE136695976", force=True).is_valid, "force (the re-check cron) bypasses the pause"


def test_slow_service_times_out(sim):
    app, _state, url = sim
    client = ViesClient(url, timeout=0.3)
    client._service()  # WSDL loaded before the fault
    app.add_fault(r"POST /taxation_customs/vies/services/", kind="timeout", delay=1.0)
    result = client.check("IT00743110157")
    assert result.status == ViesStatus.UNAVAILABLE and result.error_code == "TIMEOUT"


def test_unreachable_wsdl_is_unavailable():
    result = ViesClient("http://127.0.0.1:9/checkVatService.wsdl", timeout=1).check("IT00743110157")
    assert result.status == ViesStatus.UNAVAILABLE

"""VIES REST client against the simulator on 127.0.0.1, the contract it follows, and the SOAP/REST fallback."""
import re
from datetime import date
from pathlib import Path

import pytest
import requests
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import vies as vies_sim

from marketplace_transport.vies import ViesClient, ViesStatus, reset_breakers
from marketplace_transport.vies_rest import (
    CHECK_PATH,
    DEFAULT_REST_URL,
    REST_INFERRED,
    ViesFallbackClient,
    ViesRestClient,
)

REQUESTER = "FR40303265045"
CONTRACT = Path(__file__).resolve().parent.parent / "fixtures" / "vies" / "swagger_publicVAT.yaml"
SOAP_SERVICE = r"POST /taxation_customs/vies/services/"
REST_SERVICE = r"POST /taxation_customs/vies/rest-api/"


def contract_properties(definition):
    """Property names of a definition of the published Swagger 2.0 file (no YAML parser needed)."""
    lines = CONTRACT.read_text(encoding="utf-8").replace("\r", "").splitlines()
    start = lines.index(f"  {definition}:")
    names = []
    for line in lines[start + 1:]:
        if re.match(r"^ {0,2}\S", line):
            break
        match = re.match(r"^ {6}(\w+):$", line)
        if match:
            names.append(match.group(1))
    return set(names)


@pytest.fixture(scope="module")
def sim():
    app = SimulatorApp()
    state = vies_sim.register(app)
    with SimulatorServer(app) as server:
        yield app, state, server.url


@pytest.fixture(autouse=True)
def _reset(sim):
    app, state, _url = sim
    state.recover()
    state.country_faults.clear()
    state.rest_errors_with_200 = False
    app.clear_faults()
    reset_breakers()
    yield
    reset_breakers()


def rest(url, **kwargs):
    return ViesRestClient(f"{url}/taxation_customs/vies/rest-api", timeout=5, **kwargs)


def soap(url, **kwargs):
    return ViesClient(f"{url}/checkVatService.wsdl", timeout=5, **kwargs)


def test_client_speaks_the_published_contract():
    assert "/check-vat-number:" in CONTRACT.read_text(encoding="utf-8")
    assert CHECK_PATH == "/check-vat-number"
    sent = set(ViesRestClient(requester_vat=REQUESTER)._body("IT", "00743110157"))
    assert sent == {"countryCode", "vatNumber", "requesterMemberStateCode", "requesterNumber"}
    assert sent <= contract_properties("CheckVatRequest")
    read = {"countryCode", "vatNumber", "requestDate", "valid", "requestIdentifier", "name", "address"}
    assert read <= contract_properties("CheckVatResponse")
    assert {"actionSucceed", "errorWrappers"} <= contract_properties("CommonResponse")
    assert {"error", "message"} <= contract_properties("ErrorWrapper")


def test_what_the_contract_does_not_say_is_one_inferred_constant():
    assert DEFAULT_REST_URL == REST_INFERRED["base_url"] == "https://ec.europa.eu/taxation_customs/vies/rest-api"
    assert "host:" not in CONTRACT.read_text(encoding="utf-8"), "the contract names no host: the URL is inferred"
    assert ViesRestClient().base_url == DEFAULT_REST_URL


def test_simulator_answers_with_contract_fields_only(sim):
    _app, _state, url = sim
    answer = requests.post(f"{url}/taxation_customs/vies/rest-api/check-vat-number", timeout=5,
                           json={"countryCode": "IT", "vatNumber": "00743110157"}).json()
    assert set(answer) <= contract_properties("CheckVatResponse")
    error = requests.post(f"{url}/taxation_customs/vies/rest-api/check-vat-number", timeout=5,
                          json={"countryCode": "US", "vatNumber": "1"})
    assert error.status_code == 400 and set(error.json()) <= contract_properties("CommonResponse")
    status = requests.get(f"{url}/taxation_customs/vies/rest-api/check-status", timeout=5).json()
    assert status["vow"]["available"] is True
    assert {"countryCode": "FR", "availability": "Available"} in status["countries"]


def test_valid_number_with_consultation_number(sim):
    _app, state, url = sim
    client = rest(url, requester_vat=REQUESTER)
    first, second = client.check("BE 0403.170.701"), client.check("BE0403170701")
    assert first.status == ViesStatus.VALID and first.protocol == "rest"
    assert first.vat == "BE0403170701" and first.name == "NV BELGIAN BUYER" and "BRUXELLES" in first.address
    assert first.request_date == date.today() or (date.today() - first.request_date).days <= 1
    assert first.consultation_number.startswith("WAPI")
    assert second.consultation_number != first.consultation_number
    assert state.checks[-1] == ("rest", "BE", "0403170701", "valid")


def test_without_requester_no_consultation_number(sim):
    _app, _state, url = sim
    result = rest(url).check("IT00743110157")
    assert result.is_valid and result.consultation_number == ""


def test_undisclosed_trader_data_and_unregistered_number(sim):
    _app, _state, url = sim
    german = rest(url).check("DE136695976")
    assert german.is_valid and german.name == "" and german.address == ""
    unknown = rest(url).check(vies_sim.belgian_number(1234567))
    assert unknown.status == ViesStatus.INVALID and not unknown.retryable


def test_malformed_number_is_refused_before_calling(sim):
    app, _state, url = sim
    before = app.count_requests(r"/rest-api/")
    assert rest(url).check("IT00743110158").status == ViesStatus.INVALID_INPUT
    assert app.count_requests(r"/rest-api/") == before


@pytest.mark.parametrize("with_200", [False, True], ids=["http-400-500", "http-200"])
@pytest.mark.parametrize("code", vies_sim.ALL_FAULTS)
def test_every_error_code_is_typed(sim, code, with_200):
    _app, state, url = sim
    state.rest_errors_with_200 = with_200
    result = rest(url).check(vies_sim.FAULT_NUMBERS[code])
    expected = ViesStatus.INVALID_INPUT if code in ("INVALID_INPUT", "INVALID_REQUESTER_INFO", "VAT_BLOCKED") \
        else ViesStatus.UNAVAILABLE
    assert (result.status, result.error_code) == (expected, code)
    assert result.service_down == (code == "SERVICE_UNAVAILABLE"), "only the service's own outage moves on"


def test_unknown_requester_is_refused(sim):
    _app, state, url = sim
    del state.valid[REQUESTER]
    try:
        result = rest(url, requester_vat=REQUESTER).check("BE0403170701")
    finally:
        state.valid[REQUESTER] = vies_sim.DEFAULT_VALID[REQUESTER]
    assert (result.status, result.error_code) == (ViesStatus.INVALID_INPUT, "INVALID_REQUESTER_INFO")


def test_error_page_is_a_service_outage_and_pauses_later_checks(sim):
    app, _state, url = sim
    app.add_fault(REST_SERVICE, status=503, body="<html>maintenance</html>", count=-1)
    before = app.count_requests(r"/rest-api/")
    first, second = rest(url).check("IT00743110157"), rest(url).check("DE136695976")
    assert first.status == second.status == ViesStatus.UNAVAILABLE
    assert first.service_down and first.error_code == "SERVICE_UNAVAILABLE"
    assert "postponed" in second.message and app.count_requests(r"/rest-api/") == before + 1
    app.clear_faults()
    assert rest(url).check("DE136695976", force=True).is_valid


def test_slow_service_times_out(sim):
    app, _state, url = sim
    app.add_fault(REST_SERVICE, kind="timeout", delay=1.0)
    result = ViesRestClient(f"{url}/taxation_customs/vies/rest-api", timeout=0.3).check("IT00743110157")
    assert (result.status, result.error_code, result.service_down) == (ViesStatus.UNAVAILABLE, "TIMEOUT", True)


def test_soap_down_falls_back_to_rest_with_the_consultation_number(sim):
    app, state, url = sim
    app.add_fault(SOAP_SERVICE, status=502, body="bad gateway", count=-1)
    client = ViesFallbackClient([soap(url, requester_vat=REQUESTER), rest(url, requester_vat=REQUESTER)])
    result = client.check("IT00743110157")
    assert result.is_valid and result.protocol == "rest"
    assert result.consultation_number.startswith("WAPI")
    assert state.checks[-1][0] == "rest"


def test_rest_down_falls_back_to_soap(sim):
    app, state, url = sim
    app.add_fault(REST_SERVICE, status=500, body="oops", count=-1)
    client = ViesFallbackClient([rest(url, requester_vat=REQUESTER), soap(url, requester_vat=REQUESTER)])
    result = client.check("BE0403170701")
    assert result.is_valid and result.protocol == "soap" and result.consultation_number.startswith("WAPI")
    assert state.checks[-1][0] == "checkVatApprox"


def test_member_state_outage_is_not_asked_twice(sim):
    app, state, url = sim
    state.country_faults["DE"] = "MS_UNAVAILABLE"
    before = app.count_requests(r"/services/|/rest-api/")
    result = ViesFallbackClient([soap(url), rest(url)]).check("DE136695976")
    assert (result.error_code, result.protocol, result.service_down) == ("MS_UNAVAILABLE", "soap", False)
    assert app.count_requests(r"/services/|/rest-api/") == before + 1


def test_both_down_is_unavailable(sim):
    app, _state, url = sim
    app.add_fault(SOAP_SERVICE, status=502, count=-1)
    app.add_fault(REST_SERVICE, status=502, count=-1)
    result = ViesFallbackClient([rest(url), soap(url)]).check("IT00743110157")
    assert result.status == ViesStatus.UNAVAILABLE and result.retryable and result.service_down

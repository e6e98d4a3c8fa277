"""Legacy Cdiscount SOAP transport against the SOAP simulator: the real WSDL, token, GetOrderList,
faults and recording (real HTTP, real zeep, the service's own WSDL and XSDs)."""
from datetime import UTC, datetime, timedelta

import pytest
import requests
import zeep
from lxml import etree
from marketplace_simulator import cdiscount_soap as sim
from soap_testing import LOGIN, ORD, PASSWORD, add, last_filter, make_transport, simulator_fixtures, state

from marketplace_transport import (
    AuthenticationError,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    TemporaryError,
    TransportConfig,
    UserInputError,
    get_transport_class,
)
from marketplace_transport.octopia import soap, soap_wsdl
from marketplace_transport.octopia.soap_normalize import SERVICE_TZ

WSDL_NS = "{http://schemas.xmlsoap.org/wsdl/}"

_simulator, app, server = simulator_fixtures()


# -- WSDL and token ----------------------------------------------------------------------------
def test_wsdl_is_served_with_own_address_and_loads_in_zeep(server):
    """The service's WSDL: binding in tempuri.org, port type and data contracts in www.cdiscount.com."""
    response = requests.get(f"{server.url}/MarketplaceAPIService.svc?wsdl", timeout=5)
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    assert tree.get("targetNamespace") == "http://tempuri.org/"
    assert tree.find(f"{WSDL_NS}binding").get("name") == "BasicHttpBinding_IMarketplaceAPIService"
    assert tree.find(f"{WSDL_NS}import").get("location") == f"{server.url}/MarketplaceAPIService.svc?wsdl=wsdl0"
    location = tree.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location")
    assert location == f"{server.url}/MarketplaceAPIService.svc"
    client = zeep.Client(f"{server.url}/MarketplaceAPIService.svc?wsdl")
    assert set(client.wsdl.bindings) == {soap.BINDING}
    operations = set(client.service._binding._operations)
    assert {"GetOrderList", "ValidateOrderList", "CreateRefundVoucher", "GetGlobalConfiguration"} <= operations
    assert len(operations) == 44
    header = client.get_type(f"{{{sim.MSG}}}HeaderMessage")
    assert [e[0] for e in header.elements] == ["Context", "Localization", "Security", "Version"]
    assert client.get_type(f"{{{ORD}}}OrderFilter")(States={"OrderStateEnum": ["Shipped"]}).States
    assert "Corporation" in dict(client.get_type(f"{{{ORD}}}Order").elements)
    refund_result = [name for name, _e in client.get_type(f"{{{ORD}}}SellerRefundResult").elements]
    assert refund_result == ["ErrorMessage", "OperationSuccess", "Ean", "Motive", "SellerProductId", "Value"]


def test_shipped_wsdl_parts_are_the_served_ones(server):
    """Every part the client ships is what the simulator serves (the recorded service documents)."""
    for path in sorted(soap_wsdl.WSDL_DIR.iterdir()):
        query = "wsdl" if path.suffixes == [".wsdl"] else "=".join(reversed(path.name.split(".")[1:]))
        assert soap_wsdl.part_name(query) == path.name
        served = requests.get(f"{server.url}/MarketplaceAPIService.svc?{query}", timeout=5).content
        assert served == path.read_bytes().replace(
            b"https://wsvc.cdiscount.com/MarketplaceAPIService.svc", f"{server.url}/MarketplaceAPIService.svc".encode())
    assert soap_wsdl.shipped_part("https://wsvc.cdiscount.com/MarketplaceAPIService.svc?xsd=xsd3").name == (
        "MarketplaceAPIService.xsd3.xsd")
    assert soap_wsdl.shipped_part("https://wsvc.cdiscount.com/MarketplaceAPIService.svc?xsd=../x") is None


def test_token_from_sts_with_basic_auth_and_reused(app, server):
    exchanges = []
    transport = make_transport(server, exchanges)
    token = transport.get_token()
    assert len(token) == 32 and token in state(app).tokens
    transport.list_carriers()
    transport.list_carriers()
    assert app.count_requests(r"^/users/httpIssue\.svc/$") == 1
    # another transport instance of the same channel shares the store: no second token
    other = make_transport(server)
    other.config.token_store = transport.config.token_store
    other.list_carriers()
    assert app.count_requests(r"^/users/httpIssue\.svc/$") == 1
    sts = [e for e in exchanges if e.operation == "GetToken"]
    assert sts and sts[0].method == "GET" and sts[0].ok


def test_wrong_password_is_an_authentication_error(server):
    transport = make_transport(server)
    transport.config.credentials["secret"] = "wrong-password"
    with pytest.raises(AuthenticationError):
        transport.list_carriers()


def test_expired_token_is_renewed_once(app, server):
    transport = make_transport(server)
    carriers = transport.list_carriers()
    first = transport.config.token_store.get()[0]
    state(app).expire_tokens()
    assert transport.list_carriers() == carriers
    assert transport.config.token_store.get()[0] != first
    assert app.count_requests(r"^/users/httpIssue\.svc/$") == 2


def test_token_refused_after_renewal_is_authentication_error(app, server, monkeypatch):
    transport = make_transport(server)
    transport.list_carriers()
    # every token the STS issues is immediately unknown to the service
    original = state(app).issue_token
    monkeypatch.setattr(state(app), "issue_token", lambda login: original(login)[:31] + "z")
    state(app).expire_tokens()
    with pytest.raises(AuthenticationError, match="even after renewal"):
        transport.list_carriers()
    assert app.count_requests(r"^/users/httpIssue\.svc/$") == 2


# -- GetOrderList --------------------------------------------------------------------------------
def test_get_order_list_always_sends_states_and_paired_dates_per_window(app, server):
    now = datetime.now(UTC).replace(microsecond=0)
    orders = add(app, count=6, start=now - timedelta(hours=70), step=timedelta(hours=12))
    transport = make_transport(server, window_hours=24)
    pages = list(transport.iter_order_pages(now - timedelta(hours=72), now))
    calls = state(app).operations("GetOrderList")
    assert len(calls) == 3  # 72 h in 24 h windows
    for _name, call in calls:
        flt = call.find(f"{{{sim.TNS}}}orderFilter")
        states = [s.text for s in flt.iter(f"{{{ORD}}}OrderStateEnum")]
        assert states == list(soap.DEFAULT_STATES)
        assert flt.find(f"{{{ORD}}}BeginModificationDate") is not None
        assert flt.find(f"{{{ORD}}}EndModificationDate") is not None
    # the service's dates are Paris time without offset
    begin = calls[0][1].find(f"{{{ORD}}}orderFilter/{{{ORD}}}BeginModificationDate").text
    assert begin == (now - timedelta(hours=72)).astimezone(SERVICE_TZ).strftime("%Y-%m-%dT%H:%M:%S")
    numbers = [o["OrderNumber"] for page in pages for o in page]
    assert sorted(numbers) == sorted(o["OrderNumber"] for o in orders)
    assert all(len(page) <= 2 for page in pages)  # 12 h apart: at most 2 per 24 h window


def test_configured_states_filter(app, server):
    add(app, count=6)
    transport = make_transport(server, states="WaitingForSellerAcceptation")
    now = datetime.now(UTC)
    orders = [o for page in transport.iter_order_pages(now - timedelta(days=3), now) for o in page]
    assert orders and {o["OrderState"] for o in orders} == {"WaitingForSellerAcceptation"}
    assert [s.text for s in last_filter(app).iter(f"{{{ORD}}}OrderStateEnum")] == ["WaitingForSellerAcceptation"]
    with pytest.raises(UserInputError):
        make_transport(server, states="Teleported").states()


def test_simulator_enforces_states_and_follows_recorded_date_filters(app, server):
    """The documented quirk the transport works around, seen through raw zeep; a lone begin date is
    applied, as the recorded GetOrderList.by_date request shows (no pairing error)."""
    transport = make_transport(server)
    header = transport.header_message(transport.get_token())
    client = zeep.Client(f"{server.url}/MarketplaceAPIService.svc?wsdl")
    now = datetime.now(UTC)
    with pytest.raises(zeep.exceptions.Fault, match="timed out"):
        client.service.GetOrderList(headerMessage=header, orderFilter={
            "BeginModificationDate": now - timedelta(days=1), "EndModificationDate": now})
    add(app, count=2, states=("Shipped",), start=now - timedelta(days=3), step=timedelta(days=2))
    result = client.service.GetOrderList(headerMessage=header, orderFilter={
        "BeginModificationDate": (now - timedelta(days=2)).astimezone(SERVICE_TZ).replace(tzinfo=None),
        "States": {"OrderStateEnum": ["Shipped"]}})
    assert result.OperationSuccess is True
    assert len(result.OrderList.Order) == 1


def test_http_503_is_temporary_and_retried_for_reads(app, server):
    sleeps = []
    transport = make_transport(server, sleeps=sleeps)
    app.add_fault(r"POST /MarketplaceAPIService\.svc", status=503, count=-1,
                  body="<html>Service Unavailable</html>")
    now = datetime.now(UTC)
    with pytest.raises(TemporaryError, match="HTTP 503"):
        list(transport.iter_order_pages(now - timedelta(hours=1), now))
    assert len(sleeps) == transport.config.max_retries


def test_error_list_on_get_order_list_is_a_remote_error(app, server):
    transport = make_transport(server)
    with pytest.raises(RemoteError, match="cannot be combined"):
        transport.call("GetOrderList", orderFilter={
            "OrderReferenceList": {"string": ["X"]}, "States": {"OrderStateEnum": ["Shipped"]}})


# -- faults and recording --------------------------------------------------------------------------
def test_client_fault_is_remote_error_and_server_fault_temporary(app, server):
    transport = make_transport(server)
    transport.list_carriers()
    app.add_fault(r"POST /MarketplaceAPIService\.svc", status=500, count=1, body=(
        f'<s:Envelope xmlns:s="{sim.SOAP_ENV}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
        "<faultstring>Seller is not authorized</faultstring></s:Fault></s:Body></s:Envelope>"))
    with pytest.raises(RemoteError, match="Seller is not authorized"):
        transport.call("GetGlobalConfiguration")
    app.add_fault(r"POST /MarketplaceAPIService\.svc", status=500, count=1, body=(
        f'<s:Envelope xmlns:s="{sim.SOAP_ENV}"><s:Body><s:Fault><faultcode>s:Server</faultcode>'
        "<faultstring>Internal error</faultstring></s:Fault></s:Body></s:Envelope>"))
    with pytest.raises(TemporaryError, match="Internal error"):
        transport.call("GetGlobalConfiguration")


def test_malformed_answer_is_temporary(app, server):
    transport = make_transport(server)
    transport.list_carriers()
    app.add_fault(r"POST /MarketplaceAPIService\.svc", kind="malformed", count=1)
    with pytest.raises(TemporaryError):
        transport.call("GetGlobalConfiguration")


def test_timeout_is_temporary(app, server):
    transport = make_transport(server)
    transport.list_carriers()
    transport.config.timeout = 0.3
    transport._client = None  # rebuilt with the shorter timeout
    app.add_fault(r"POST /MarketplaceAPIService\.svc", kind="timeout", delay=1.0, count=1)
    with pytest.raises(TemporaryError, match="timeout"):
        transport.call("GetGlobalConfiguration")


def test_exchanges_recorded_without_secrets(app, server):
    exchanges = []
    (order,) = add(app, count=1, states=("WaitingForShipmentAcceptation",))
    # the WSDL read from the service (option), so that its exchanges are recorded too
    transport = make_transport(server, exchanges, wsdl_url=f"{server.url}/MarketplaceAPIService.svc?wsdl")
    transport.ship_order(ShipmentRequest(order["OrderNumber"], "Colissimo", "6A99"))
    state(app).expire_tokens()
    with pytest.raises(RemoteError):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[
            RefundLine(order["OrderLineList"][0]["SellerProductId"], order["OrderLineList"][0]["Quantity"]),
            RefundLine(order["OrderLineList"][0]["SellerProductId"], order["OrderLineList"][0]["Quantity"])]))
    operations = [e.operation for e in exchanges]
    runs = [name for index, name in enumerate(operations) if not index or operations[index - 1] != name]
    assert runs[:4] == ["GetToken", "GetWsdl", "GetOrderList", "ValidateOrderList"]
    assert operations.count("GetWsdl") == 14  # ?wsdl, ?wsdl=wsdl0 and the twelve XSDs
    assert "CreateRefundVoucher" in operations
    failed = [e for e in exchanges if not e.ok]
    assert any("token does not exist" in e.error for e in failed)
    tokens = list(state(app).tokens)
    for exchange in exchanges:
        text = f"{exchange.url} {exchange.error}"
        assert PASSWORD not in text and LOGIN not in exchange.url
        assert not any(token in text for token in tokens)
        if exchange.operation not in ("GetToken", "GetWsdl"):
            assert exchange.method == "POST" and exchange.url == f"{server.url}/MarketplaceAPIService.svc"
            assert exchange.duration_ms >= 0 and exchange.status in (200, 500)


def test_endpoints_derived_from_the_base_url():
    production = TransportConfig(base_url="https://wsvc.cdiscount.com/")
    transport = get_transport_class("cdiscount_soap")(production)
    assert transport.service_url == "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"
    assert transport.wsdl_url == str(soap_wsdl.SHIPPED_WSDL)  # the shipped copy of the service's WSDL
    assert transport.sts_url == "https://sts.cdiscount.com/users/httpIssue.svc/"
    preprod = TransportConfig(base_url="https://wsvc.preprod-cdiscount.com/MarketplaceAPIService.svc",
                              options={"sts_url": "https://sts.example.test/users/httpIssue.svc/"})
    transport = get_transport_class("cdiscount_soap")(preprod)
    assert transport.service_url == "https://wsvc.preprod-cdiscount.com/MarketplaceAPIService.svc"
    assert transport.sts_url == "https://sts.example.test/users/httpIssue.svc/"


def test_seed_demo_adds_recent_orders(app, server):
    before = datetime.now(UTC) - timedelta(minutes=5)
    orders = sim.seed_demo(app, 3, seed=99)
    assert len(state(app).orders) == 3
    assert all(o["LastUpdatedDate"] >= before for o in orders)
    transport = make_transport(server)
    pages = list(transport.iter_order_pages(before, datetime.now(UTC) + timedelta(minutes=1)))
    assert sorted(o["OrderNumber"] for page in pages for o in page) == sorted(o["OrderNumber"] for o in orders)


# -- building the zeep client ----------------------------------------------------------------------
NO_BINDING_WSDL = (b'<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
                   b'targetNamespace="http://www.cdiscount.com"/>')


@pytest.mark.parametrize("status, body, error", [
    (200, NO_BINDING_WSDL, RemoteError), (200, b"<wsdl:definitions", RemoteError), (503, b"", TemporaryError)])
def test_failed_client_build_caches_nothing_half_built(app, server, status, body, error):
    """A WSDL without the binding, unreadable or unavailable fails the call with a typed error; the
    next call builds the client again (no half-built client left to crash with AttributeError)."""
    transport = make_transport(server, wsdl_url=f"{server.url}/MarketplaceAPIService.svc?wsdl")
    count = transport.config.max_retries + 1 if status == 503 else 1
    app.add_fault(r"GET /MarketplaceAPIService\.svc$", status=status, count=count, body=body)
    with pytest.raises(error, match="GetWsdl"):
        transport.call("GetGlobalConfiguration")  # not retried
    assert transport._client is None and transport._service is None
    assert ("Colissimo", "Colissimo") in transport.list_carriers()


def test_shipped_wsdl_is_read_without_any_wsdl_request(app, server):
    transport = make_transport(server)
    assert transport.list_carriers()
    assert app.count_requests(r"MarketplaceAPIService", method="GET") == 0
    assert transport.check_connection()[1] == "WSDL read from the copy shipped with the client."


# -- unreadable answers ------------------------------------------------------------------------
def test_truncated_order_list_is_an_error_not_a_shorter_list(app, server):
    """An answer cut after its first order: zeep (not strict) would recover the one order and drop
    the others silently; the client refuses the answer and the run retries later."""
    body = sim.fixture("GetOrderList.response.xml")
    cut = body.index(b"</Order>") + len(b"</Order>")
    app.add_fault(r"POST /MarketplaceAPIService\.svc", kind="malformed", body=body[:cut], count=-1)
    transport = make_transport(server, window_hours=24 * 60)
    with pytest.raises(TemporaryError, match="malformed answer"):
        list(transport.iter_order_pages(datetime(2019, 4, 1, tzinfo=UTC), datetime(2019, 5, 13, tzinfo=UTC)))


def test_html_error_page_is_an_http_error(app, server):
    """IIS's own 503 page (HTML with a DOCTYPE, not XML): a temporary HTTP error, not a "malformed answer"."""
    page = (b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
            b'<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2>'
            b'<hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>\r\n')
    app.add_fault(r"POST /MarketplaceAPIService\.svc", status=503, body=page, count=-1)
    with pytest.raises(TemporaryError, match="HTTP 503 from Cdiscount"):
        make_transport(server).list_carriers()

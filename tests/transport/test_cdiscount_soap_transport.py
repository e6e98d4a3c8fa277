"""Legacy Cdiscount SOAP transport against the SOAP simulator (real HTTP, real zeep, real WSDL)."""
from datetime import UTC, datetime, timedelta

import pytest
import requests
import zeep
from lxml import etree
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import cdiscount_soap as sim

from marketplace_transport import (
    AuthenticationError,
    OrderStatus,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    TemporaryError,
    TransportConfig,
    UserInputError,
    get_transport_class,
)
from marketplace_transport.base import TokenStore
from marketplace_transport.octopia import soap

LOGIN, PASSWORD = "seller-api", "Pa55-w0rd-very-secret"
ORD = sim.ORD


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


# -- WSDL and token ----------------------------------------------------------------------------
def test_wsdl_is_served_with_own_address_and_loads_in_zeep(server):
    response = requests.get(f"{server.url}/MarketplaceAPIService.svc?wsdl", timeout=5)
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    assert tree.get("targetNamespace") == "http://www.cdiscount.com"
    location = tree.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location")
    assert location == f"{server.url}/MarketplaceAPIService.svc"
    client = zeep.Client(f"{server.url}/MarketplaceAPIService.svc?wsdl")
    operations = set(client.service._binding._operations)
    assert {"GetOrderList", "ValidateOrderList", "CreateRefundVoucher", "GetGlobalConfiguration"} <= operations
    header = client.get_type(f"{{{sim.MSG}}}HeaderMessage")
    assert [e[0] for e in header.elements] == ["Context", "Localization", "Security", "Version"]
    assert client.get_type(f"{{{ORD}}}OrderFilter")(States={"OrderStateEnum": ["Shipped"]}).States


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


def test_simulator_enforces_states_and_date_pairs(app, server):
    """The documented quirks the transport works around, seen through raw zeep."""
    transport = make_transport(server)
    header = transport.header_message(transport.get_token())
    client = zeep.Client(f"{server.url}/MarketplaceAPIService.svc?wsdl")
    now = datetime.now(UTC)
    with pytest.raises(zeep.exceptions.Fault, match="timed out"):
        client.service.GetOrderList(headerMessage=header, orderFilter={
            "BeginModificationDate": now - timedelta(days=1), "EndModificationDate": now})
    result = client.service.GetOrderList(headerMessage=header, orderFilter={
        "BeginModificationDate": now - timedelta(days=1), "States": {"OrderStateEnum": ["Shipped"]}})
    assert result.OperationSuccess is False
    assert "must be given together" in result.ErrorList.Error[0].Message


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


# -- status mapping and normalize ------------------------------------------------------------------
EXPECTED_STATUS = {
    "WaitingForSellerAcceptation": OrderStatus.WAITING_ACCEPTANCE,
    "AcceptedBySeller": OrderStatus.ACCEPTED, "PaymentInProgress": OrderStatus.ACCEPTED,
    "ValidatedFianet": OrderStatus.ACCEPTED,
    "WaitingForShipmentAcceptation": OrderStatus.TO_SHIP,
    "Shipped": OrderStatus.SHIPPED,
    "RefusedBySeller": OrderStatus.REFUSED,
    "CancelledByCustomer": OrderStatus.CANCELLED, "AutomaticCancellation": OrderStatus.CANCELLED,
    "PaymentRefused": OrderStatus.CANCELLED, "ShipmentRefusedBySeller": OrderStatus.CANCELLED,
    "RefusedNoShipment": OrderStatus.CANCELLED, "NonPickedUpByCustomer": OrderStatus.CANCELLED,
}


def _wsdl_order_states():
    tree = etree.parse(str(sim.WSDL_FILE))
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    return tree.xpath("//xs:simpleType[@name='OrderStateEnum']//xs:enumeration/@value", namespaces=ns)


def test_status_table_covers_every_wsdl_state_and_follows_the_notes():
    states = _wsdl_order_states()
    assert len(states) == 34
    assert set(soap.LEGACY_STATUS_MAP) == set(states)
    for legacy, expected in EXPECTED_STATUS.items():
        assert soap.LEGACY_STATUS_MAP[legacy] is expected, legacy


def test_each_legacy_state_normalizes_through_the_table(app, server):
    states = _wsdl_order_states()
    for index, legacy_state in enumerate(states):
        add(app, count=1, seed=index, states=(legacy_state,))
    transport = make_transport(server, states=",".join(states))
    now = datetime.now(UTC)
    seen = {}
    for page in transport.iter_order_pages(now - timedelta(days=2), now):
        for payload in page:
            order = transport.normalize_order(payload)
            assert order.status is soap.LEGACY_STATUS_MAP[payload["OrderState"]]
            seen[order.marketplace_status] = order.status
    assert set(seen) == set(states)


def test_normalize_order_lines_amounts_addresses_and_relay(app, server):
    orders = add(app, count=4, seed=3, relay_every=4)
    relay = orders[3]
    transport = make_transport(server)
    payload = transport.get_order(relay["OrderNumber"])
    order = transport.normalize_order(payload)
    assert order.external_id == order.reference == relay["OrderNumber"]
    assert order.currency == "EUR" and order.prices_include_tax
    assert [line.sku for line in order.lines] == [line["SellerProductId"] for line in relay["OrderLineList"]]
    first = relay["OrderLineList"][0]
    assert order.lines[0].ean == first["ProductEan"]
    assert order.lines[0].quantity == first["Quantity"]
    assert order.lines[0].unit_price == pytest.approx(float(first["PurchasePrice"]))
    assert order.shipping_amount == pytest.approx(float(relay["ValidatedTotalShippingCharges"]))
    assert order.computed_total == pytest.approx(order.total_amount)
    assert order.shipping.pickup_id == relay["ShippingAddress"]["RelayId"] != ""
    assert order.shipping.pickup_name == "Relais Tabac Presse"
    assert order.billing.pickup_id == ""
    assert order.billing.name == f"{relay['BillingAddress']['FirstName']} {relay['BillingAddress']['LastName']}"
    assert order.billing.zip == relay["BillingAddress"]["ZipCode"] and order.billing.country_code == "FR"
    assert order.customer_external_id == relay["Customer"]["CustomerId"]
    assert order.updated_at.tzinfo is not None
    assert transport.order_key(payload)[0] == relay["OrderNumber"]


def test_fully_refunded_shipped_order_is_refunded(app, server):
    (order,) = add(app, count=1, states=("Shipped",))
    for line in order["OrderLineList"]:
        line["AcceptationState"] = "RefundedAfterShipping"
    transport = make_transport(server)
    assert transport.normalize_order(transport.get_order(order["OrderNumber"])).status is OrderStatus.REFUNDED


# -- actions ---------------------------------------------------------------------------------------
def test_accept_sends_every_line(app, server):
    (order,) = add(app, count=1, states=("WaitingForSellerAcceptation",))
    transport = make_transport(server)
    transport.accept_order(order["OrderNumber"])
    assert order["OrderState"] == "AcceptedBySeller"
    assert {line["AcceptationState"] for line in order["OrderLineList"]} == {"AcceptedBySeller"}
    call = state(app).operations("ValidateOrderList")[-1][1]
    sent = [e.text for e in call.iter(f"{{{ORD}}}SellerProductId")]
    assert sorted(sent) == sorted(line["SellerProductId"] for line in order["OrderLineList"])


def test_refuse_and_state_error_surfaced(app, server):
    (order,) = add(app, count=1, states=("WaitingForSellerAcceptation",))
    transport = make_transport(server)
    transport.refuse_order(order["OrderNumber"])
    assert order["OrderState"] == "RefusedBySeller"
    with pytest.raises(RemoteError, match="OrderStateIncoherent"):
        transport.accept_order(order["OrderNumber"])


def test_ship_with_carrier_and_tracking(app, server):
    (order,) = add(app, count=1, states=("WaitingForShipmentAcceptation",))
    transport = make_transport(server)
    result = transport.ship_order(ShipmentRequest(order["OrderNumber"], "Colissimo", "6A123456789",
                                                  tracking_url="https://www.laposte.fr/suivi/6A123456789"))
    assert result["state"] == "Shipped"
    assert order["OrderState"] == "Shipped"
    assert order["ParcelList"][0]["ParcelNumber"] == "6A123456789"
    assert {line["AcceptationState"] for line in order["OrderLineList"]} == {"ShippedBySeller"}
    assert transport.normalize_order(transport.get_order(order["OrderNumber"])).status is OrderStatus.SHIPPED


def test_ship_without_tracking_fails_before_any_call(app, server):
    (order,) = add(app, count=1, states=("WaitingForShipmentAcceptation",))
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="tracking number missing"):
        transport.ship_order(ShipmentRequest(order["OrderNumber"], "Colissimo", ""))
    with pytest.raises(UserInputError, match="carrier"):
        transport.ship_order(ShipmentRequest(order["OrderNumber"], "", "6A1"))
    with pytest.raises(UserInputError, match="50 characters"):
        transport.ship_order(ShipmentRequest(order["OrderNumber"], "Colissimo", "6A 1"))
    assert app.count_requests(r"MarketplaceAPIService") == 0
    assert order["OrderState"] == "WaitingForShipmentAcceptation"


def test_ship_error_list_is_surfaced(app, server):
    (order,) = add(app, count=1, states=("WaitingForSellerAcceptation",))
    transport = make_transport(server)
    with pytest.raises(RemoteError, match="cannot be changed to Shipped") as info:
        transport.ship_order(ShipmentRequest(order["OrderNumber"], "Colissimo", "6A1"))
    assert info.value.details["errors"][0][0] == "OrderStateIncoherent"


def test_simulator_rejects_partial_line_list(app, server):
    (order,) = add(app, count=1, seed=11, states=("WaitingForSellerAcceptation",))
    order["OrderLineList"].append(dict(order["OrderLineList"][0], SellerProductId="SKU-EXTRA"))
    transport = make_transport(server)
    result = transport.call("ValidateOrderList", validateOrderListMessage={"OrderList": {"ValidateOrder": [{
        "OrderNumber": order["OrderNumber"], "OrderState": "AcceptedBySeller",
        "OrderLineList": {"ValidateOrderLine": [{
            "SellerProductId": order["OrderLineList"][0]["SellerProductId"],
            "AcceptationState": "AcceptedBySeller"}]}}]}})
    (item,) = result["ValidateOrderResults"]
    assert item["Validated"] is False
    assert "Every order line must be validated" in item["Errors"][0]["Message"]
    assert order["OrderState"] == "WaitingForSellerAcceptation"
    # the transport lists every line itself
    transport.accept_order(order["OrderNumber"])
    assert order["OrderState"] == "AcceptedBySeller"


def test_refund_full_refunds_every_line(app, server):
    (order,) = add(app, count=1, seed=5, states=("Shipped",))
    transport = make_transport(server)
    result = transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientRetraction",
                                                  refund_shipping=True))
    assert sorted(result["lines"]) == sorted(line["SellerProductId"] for line in order["OrderLineList"])
    assert {line["AcceptationState"] for line in order["OrderLineList"]} == {"RefundedAfterShipping"}
    assert all(line["RefundShippingCharges"] for line in order["OrderLineList"])
    assert transport.normalize_order(transport.get_order(order["OrderNumber"])).status is OrderStatus.REFUNDED


def test_refund_by_line(app, server):
    orders = add(app, count=8, seed=2, states=("Shipped",))
    order = next(o for o in orders if len(o["OrderLineList"]) >= 2)
    first, second = order["OrderLineList"][:2]
    transport = make_transport(server)
    transport.refund_order(RefundRequest(order["OrderNumber"], reason="ProductStockUnavailable", lines=[
        RefundLine(first["SellerProductId"], first["Quantity"])]))
    assert first["AcceptationState"] == "RefundedAfterShipping"
    assert second["AcceptationState"] == "ShippedBySeller"
    call = state(app).operations("CreateRefundVoucher")[-1][1]
    assert [e.text for e in call.iter(f"{{{ORD}}}SellerProductId")] == [first["SellerProductId"]]
    assert transport.normalize_order(transport.get_order(order["OrderNumber"])).status is OrderStatus.SHIPPED
    # the same line again: the marketplace's refusal is surfaced
    with pytest.raises(RemoteError, match="already refunded"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[
            RefundLine(first["SellerProductId"], first["Quantity"])]))


def test_refund_input_checks(app, server):
    (order,) = add(app, count=1, states=("Shipped",))
    line = order["OrderLineList"][0]
    transport = make_transport(server)
    assert ("ClientRetraction", "Client retraction") in transport.list_refund_reasons()
    with pytest.raises(UserInputError, match="refund motive"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="because"))
    assert app.count_requests(r"MarketplaceAPIService") == 0
    if line["Quantity"] > 1:
        with pytest.raises(UserInputError, match="whole"):
            transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[
                RefundLine(line["SellerProductId"], line["Quantity"] - 1)]))
    with pytest.raises(UserInputError, match="not in the Cdiscount order"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[
            RefundLine("NOPE", 1)]))


def test_refund_refused_by_state_is_remote_error(app, server):
    (order,) = add(app, count=1, states=("WaitingForSellerAcceptation",))
    transport = make_transport(server)
    with pytest.raises(RemoteError, match="cannot be refunded"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="VendorRejection"))


def test_list_carriers(server):
    carriers = make_transport(server).list_carriers()
    assert ("Colissimo", "Colissimo") in carriers and len(carriers) == len(sim.CARRIERS)


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
    transport = make_transport(server, exchanges)
    transport.ship_order(ShipmentRequest(order["OrderNumber"], "Colissimo", "6A99"))
    state(app).expire_tokens()
    with pytest.raises(RemoteError):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[
            RefundLine(order["OrderLineList"][0]["SellerProductId"], order["OrderLineList"][0]["Quantity"]),
            RefundLine(order["OrderLineList"][0]["SellerProductId"], order["OrderLineList"][0]["Quantity"])]))
    operations = [e.operation for e in exchanges]
    assert operations[:4] == ["GetToken", "GetWsdl", "GetOrderList", "ValidateOrderList"]
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


# -- migration helper --------------------------------------------------------------------------------
def test_share_with_rest_keeps_the_order_number_as_rest_reference():
    from marketplace_simulator import octopia

    app = SimulatorApp()
    sim.register(app)
    octopia.register(app)
    (order,) = app.state[sim.NAME].add_orders(sim.generate_orders(1, seed=4, states=("WaitingForShipmentAcceptation",)))
    rest = sim.share_with_rest(app, order)
    assert octopia.get_state(app).orders[rest["orderId"]]["reference"] == order["OrderNumber"]
    assert rest["status"] == "InPreparation"
    assert [line["offer"]["sellerProductId"] for line in rest["lines"]] == [
        line["SellerProductId"] for line in order["OrderLineList"]]
    assert rest["totalPrice"]["sellingPrice"] == pytest.approx(float(order["ValidatedTotalAmount"]))


def test_endpoints_derived_from_the_base_url():
    production = TransportConfig(base_url="https://wsvc.cdiscount.com/")
    transport = get_transport_class("cdiscount_soap")(production)
    assert transport.service_url == "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"
    assert transport.wsdl_url == "https://wsvc.cdiscount.com/MarketplaceAPIService.svc?wsdl"
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

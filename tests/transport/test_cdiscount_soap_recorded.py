"""Recorded real answers of the Cdiscount SOAP service (tests/fixtures/cdiscount) through the real
client code: real HTTP, zeep on the shipped WSDL, normalizer checked by value. The simulator replays
the recorded bytes after checking the request like the service (token, XSD)."""
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
import requests
from lxml import etree
from marketplace_simulator import cdiscount_soap as sim
from marketplace_simulator.cdiscount_soap_xml import parse_answer
from soap_testing import make_transport, recorded, simulator_fixtures, state

from marketplace_transport import InvalidOrderError, OrderStatus, RefundRequest, RemoteError, ShipmentRequest
from marketplace_transport.octopia.soap_normalize import SERVICE_TZ, from_service_time

WINDOW = (datetime(2019, 4, 1, tzinfo=UTC), datetime(2019, 5, 13, 13, 30, tzinfo=UTC))
#: the recording library replaced personal data by placeholders; a real address has an ISO country
UNSCRUBBED = (b"<Country>COUNTRY</Country>", b"<Country>FR</Country>")

_simulator, app, server = simulator_fixtures()


def replayed_orders(app, server, body):
    state(app).replay("GetOrderList", body)
    pages = list(make_transport(server, window_hours=24 * 60).iter_order_pages(*WINDOW))
    return {order["OrderNumber"]: order for page in pages for order in page}


def test_recorded_order_list_through_the_client(app, server):
    orders = replayed_orders(app, server, recorded("GetOrderList.response.xml"))
    assert [(n, o["OrderState"]) for n, o in orders.items()] == [
        ("1904291413BT4WY", "CancelledByCustomer"), ("1904291407BT5ZB", "RefusedBySeller"),
        ("1904241640CLE8Z", "Shipped"), ("1904240959CN8HI", "ShipmentRefusedBySeller")]
    call = state(app).operations("GetOrderList")[-1][1]
    assert [s.text for s in call.iter(f"{{{sim.TNS}}}OrderStateEnum")], "the request passed the simulator's checks"
    transport = make_transport(server)
    with pytest.raises(InvalidOrderError, match="invalid country code 'COUNTRY'"):
        transport.normalize_order(orders["1904241640CLE8Z"])  # an order to ship needs a real country


def test_cancelled_before_payment_without_buyer_name_or_country(app, server):
    """Recorded: a cancelled-before-payment order has no name nor country on its addresses."""
    payload = replayed_orders(app, server, recorded("GetOrderList.response.xml"))["1904291413BT4WY"]
    order = make_transport(server).normalize_order(payload)
    assert (order.status, order.marketplace_status, order.paid) == (OrderStatus.CANCELLED, "CancelledByCustomer", False)
    assert order.created_at == datetime(2019, 4, 29, 12, 13, 7, tzinfo=UTC)  # 14:13:07 in Paris
    assert order.updated_at == datetime(2019, 4, 29, 12, 49, 45, tzinfo=UTC)
    assert (order.billing.name, order.billing.country_code, order.billing.city) == ("FIRSTNAME LASTNAME", "FR", "CITY")
    assert order.shipping.name == "SHIPPINGFIRSTNAME SHIPPINGLASTNAME"
    assert order.billing.email == "c.f73827f17f864f7ab8569f7c915f8685@clemarche.com"
    assert order.customer_external_id == "51e39c669d2c70d8b90d2d0c9bf40e2e"
    assert order.total_amount is None and order.shipping_amount == 0
    (line,) = order.lines
    assert (line.sku, line.ean, line.quantity, line.unit_price) == ("PRES2", "0013051733322", 1, 1.0)
    assert (line.status, line.cancelled, line.name) == (
        "CancelledBeforePaymentByCustomer", True, "Lot de 30 pailles flexibles BBQ Party 24 cm")
    assert any("no name" in w for w in order.warnings) and any("FR assumed" in w for w in order.warnings)
    refused = make_transport(server).normalize_order(
        replayed_orders(app, server, recorded("GetOrderList.response.xml"))["1904291407BT5ZB"])
    assert (refused.status, refused.billing.country_code, refused.lines[0].sku) == (OrderStatus.REFUSED, "FR", "PRES1")


def test_shipped_and_refused_shipment_orders_by_value(app, server):
    body = recorded("GetOrderList.response.xml").replace(*UNSCRUBBED)
    orders = replayed_orders(app, server, body)
    transport = make_transport(server)
    shipped = transport.normalize_order(orders["1904241640CLE8Z"])
    assert (shipped.status, shipped.paid, shipped.total_amount, shipped.shipping_amount) == (
        OrderStatus.SHIPPED, True, 1.0, 0)
    assert shipped.updated_at == datetime(2019, 4, 27, 2, 10, 48, tzinfo=UTC)
    address = shipped.shipping
    assert (address.name, address.street, address.street2, address.zip, address.country_code) == (
        "FIRSTNAME LASTNAME", "STREET", "BUILDING", "ZIPCODE", "FR")
    assert (shipped.lines[0].sku, shipped.lines[0].status, shipped.lines[0].cancelled) == ("PRES1", "None", False)
    refused = transport.normalize_order(orders["1904240959CN8HI"])
    assert (refused.status, refused.total_amount) == (OrderStatus.CANCELLED, None)
    (line,) = refused.lines
    assert (line.quantity, line.status, line.cancelled) == (0, "RefundedAfterShipmentRefused", True)


def test_recorded_empty_order_list(app, server):
    assert replayed_orders(app, server, recorded("GetOrderList.empty.response.xml")) == {}


def test_recorded_validation_refusal_is_a_remote_error_with_its_message(app, server):
    state(app).add_orders(sim.recorded_orders())
    state(app).replay("ValidateOrderList", recorded("ValidateOrderList.refused.response.xml"))
    with pytest.raises(RemoteError, match="OrderStateIncoherent: Le passage à l'état ShipmentRefusedBySeller") as info:
        make_transport(server).ship_order(ShipmentRequest("1904240959CN8HI", "Colissimo", "6A1"))
    assert [t for t, _m in info.value.details["errors"]] == ["OrderStateIncoherent"]


def test_recorded_invalid_refund_refuses_every_line_with_its_message(app, server):
    state(app).add_orders(sim.recorded_orders())
    state(app).replay("CreateRefundVoucher", recorded("CreateRefundVoucher.invalid.response.xml"))
    with pytest.raises(RemoteError, match="line PRES1 refused: Demande de remboursement invalide") as info:
        make_transport(server).refund_order(RefundRequest("1904241640CLE8Z", reason="ClientClaim"))
    assert info.value.details == {"refunded": [], "refused": [("PRES1", "Demande de remboursement invalide")]}


def test_recorded_global_configuration(app, server):
    state(app).replay("GetGlobalConfiguration", recorded("GetGlobalConfiguration.response.xml"))
    carriers = [name for name, _label in make_transport(server).list_carriers()]
    assert len(carriers) == 29 and carriers[:3] == ["Relais Colis", "UPS", "TNT"] and "Colissimo" in carriers


@pytest.mark.parametrize("fault", ["Fault.token_does_not_exist.xml", "Fault.token_not_formatted.xml"])
def test_recorded_token_faults_renew_the_token(app, server, fault):
    transport = make_transport(server)
    transport.list_carriers()
    app.add_fault(r"POST /MarketplaceAPIService\.svc", status=500, count=1, body=recorded(fault))
    assert transport.list_carriers()
    assert app.count_requests(r"^/users/httpIssue\.svc/$") == 2


def test_recorded_token_answer_is_read(app, server):
    app.add_fault(r"GET /users/httpIssue\.svc/", status=200, count=1, body=recorded("GetToken.response.xml"))
    assert make_transport(server).get_token() == "e1d87736dca748128735ca2277f71ba7"


# -- the simulator against the recorded requests -----------------------------------------------------
def post_recorded(app, server, name, operation):
    """POST a recorded request (its expired token swapped for a valid one) to the simulator."""
    token = state(app).issue_token("seller-api")
    body = recorded(name)
    old = etree.fromstring(body).findtext(f".//{{{sim.MSG}}}TokenId")
    return requests.post(f"{server.url}/MarketplaceAPIService.svc", data=body.replace(old.encode(), token.encode()),
                         headers={"SOAPAction": f'"{sim.TNS}/IMarketplaceAPIService/{operation}"',
                                  "Content-Type": "text/xml; charset=utf-8"}, timeout=5)


def without_session(result):
    return {k: v for k, v in result.items() if k not in ("SellerLogin", "TokenId")}


@pytest.mark.parametrize("name, operation", [
    ("ValidateOrderList", "ValidateOrderList"), ("CreateRefundVoucher", "CreateRefundVoucher"),
    ("CreateRefundVoucher.unknown_order", "CreateRefundVoucher"), ("GetOrderList.empty", "GetOrderList")])
def test_simulator_answers_the_recorded_requests_as_the_service_did(app, server, name, operation):
    """Each recorded request, sent to the simulator holding the recorded orders, gets the answer the
    service gave (refused validation, invalid refund, unknown order, a lone BeginCreationDate applied)."""
    state(app).add_orders(sim.recorded_orders())
    answers = {"ValidateOrderList": "ValidateOrderList.refused", "CreateRefundVoucher": "CreateRefundVoucher.invalid"}
    response = post_recorded(app, server, f"{name}.request.xml", operation)
    assert response.status_code == 200, response.text
    expected = parse_answer(recorded(f"{answers.get(name, name)}.response.xml"), operation)
    assert without_session(parse_answer(response.content, operation)) == without_session(expected)


def test_simulator_refuses_a_request_off_the_xsd(app, server):
    """The hand-written dialect of the first simulator (data contracts in datacontract.org) is refused."""
    token = state(app).issue_token("seller-api")
    body = recorded("GetOrderList.empty.request.xml").replace(
        b'<ns0:States>', b'<ns0:States xmlns:x="http://schemas.datacontract.org/2004/07/X"><x:Bogus/>')
    old = etree.fromstring(recorded("GetOrderList.empty.request.xml")).findtext(f".//{{{sim.MSG}}}TokenId")
    response = requests.post(f"{server.url}/MarketplaceAPIService.svc", data=body.replace(old.encode(), token.encode()),
                             headers={"SOAPAction": f"{sim.TNS}/IMarketplaceAPIService/GetOrderList"}, timeout=5)
    assert response.status_code == 500 and b"DeserializationFailed" in response.content


# -- dates: Paris time ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name, http_date", [
    ("GetOrderClaimList.response.xml", "Thu, 25 Apr 2019 09:05:49 GMT"),
    ("GetOfferQuestionList.response.xml", "Tue, 23 Apr 2019 14:02:12 GMT")])
def test_service_dates_are_paris_time(name, http_date):
    """Read as UTC, the newest claim/question would postdate the answer listing it; as Paris time it
    precedes it by minutes. (HTTP dates from the recordings, see SOURCE.md.)"""
    answered = parsedate_to_datetime(http_date)
    tree = etree.fromstring(recorded(name))
    stamps = [datetime.fromisoformat(e.text[:19]) for e in tree.iter()
              if etree.QName(e).localname in ("CreationDate", "LastUpdatedDate", "Timestamp") and e.text]
    newest = max(stamps)
    assert newest.replace(tzinfo=UTC) > answered
    paris = from_service_time(newest)
    assert paris < answered and (answered - paris).total_seconds() < 20 * 60


def test_order_numbers_carry_the_paris_creation_minute(app, server):
    for order in sim.recorded_orders():
        assert order["OrderNumber"][:10] == order["CreationDate"].astimezone(SERVICE_TZ).strftime("%y%m%d%H%M")

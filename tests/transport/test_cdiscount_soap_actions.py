"""Legacy Cdiscount SOAP transport against the SOAP simulator: status table, normalization of the
simulator's real-shaped orders, accept / refuse / ship / refund, carriers, migration helper."""
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from marketplace_simulator import SimulatorApp
from marketplace_simulator import cdiscount_soap as sim
from soap_testing import add, make_transport, simulator_fixtures, state

from marketplace_transport import (
    InvalidOrderError,
    OrderStatus,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    UserInputError,
)
from marketplace_transport.octopia import soap, soap_wsdl

ORD = sim.ORD

_simulator, app, server = simulator_fixtures()


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
    tree = etree.parse(str(soap_wsdl.WSDL_DIR / "MarketplaceAPIService.xsd0.xsd"))  # the service's data contracts
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
    assert state(app).shipments[order["OrderNumber"]]["TrackingNumber"] == "6A123456789"
    assert order["ParcelList"][0]["ExternalCarrierTrackingUrl"] == "https://www.laposte.fr/suivi/6A123456789"
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
    with pytest.raises(RemoteError, match="Le passage à l'état Shipped est impossible") as info:
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


# -- migration helper --------------------------------------------------------------------------------
def test_share_with_rest_keeps_the_order_number_as_rest_reference():
    from marketplace_simulator import octopia

    both = SimulatorApp()
    sim.register(both)
    octopia.register(both)
    (order,) = both.state[sim.NAME].add_orders(sim.generate_orders(
        1, seed=4, states=("WaitingForShipmentAcceptation",)))
    rest = sim.share_with_rest(both, order)
    assert octopia.get_state(both).orders[rest["orderId"]]["reference"] == order["OrderNumber"]
    assert rest["status"] == "InPreparation"
    assert [line["offer"]["sellerProductId"] for line in rest["lines"]] == [
        line["SellerProductId"] for line in order["OrderLineList"]]
    assert rest["totalPrice"]["sellingPrice"] == pytest.approx(float(order["ValidatedTotalAmount"]))




# -- lines refused, orders without buyer -----------------------------------------------------------
def test_refund_line_refused_by_the_service_is_reported_with_its_message(app, server):
    orders = add(app, count=8, seed=2, states=("Shipped",))
    order = next(o for o in orders if len(o["OrderLineList"]) >= 2)
    first, second = (line["SellerProductId"] for line in order["OrderLineList"][:2])
    transport = make_transport(server)
    transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[RefundLine(first, 0)]))
    with pytest.raises(RemoteError, match=f"line {first} refused: Order line {first} is already refunded") as info:
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", lines=[
            RefundLine(first, 0), RefundLine(second, 0)]))
    assert info.value.details == {"refunded": [second],
                                  "refused": [(first, f"Order line {first} is already refunded.")]}
    assert f"refunded: {second}" in str(info.value)
    # the answer, as the XSD shapes it: one SellerRefundResult per line
    result = transport.call("CreateRefundVoucher", check=False, request={
        "OrderNumber": order["OrderNumber"], "SellerRefundList": {"SellerRefundRequest": [{
            "Mode": "Claim", "Motive": "ClientClaim", "RefundOrderLine": {"SellerProductId": first}}]}})
    assert result["OperationSuccess"] is False
    (line,) = result["SellerRefundList"]
    assert (line["SellerProductId"], line["OperationSuccess"], line["Motive"]) == (first, False, "ClientClaim")
    assert line["ErrorMessage"] == f"Order line {first} is already refunded."


@pytest.mark.parametrize("state_name", ["CancelledByCustomer", "PaymentRefused"])
def test_order_cancelled_before_payment_normalizes(app, server, state_name):
    (order,) = add(app, count=1, seed=12, states=("WaitingForSellerAcceptation",))
    state(app).cancel_before_payment(order["OrderNumber"])
    state(app).set_state(order["OrderNumber"], state_name)
    transport = make_transport(server, states=state_name)
    normalized = transport.normalize_order(transport.get_order(order["OrderNumber"]))
    assert normalized.status is OrderStatus.CANCELLED and normalized.marketplace_status == state_name
    assert normalized.shipping.country_code == "FR" and normalized.shipping.street == ""
    assert normalized.billing.name == f"{order['Customer']['FirstName']} {order['Customer']['LastName']}"
    assert {line.status for line in normalized.lines} == {"CancelledBeforePaymentByCustomer"}


def test_refused_shipment_lines_at_quantity_zero_normalize(app, server):
    (order,) = add(app, count=1, seed=13, states=("WaitingForShipmentAcceptation",))
    state(app).refuse_shipment(order["OrderNumber"])
    transport = make_transport(server)
    normalized = transport.normalize_order(transport.get_order(order["OrderNumber"]))
    assert normalized.status is OrderStatus.CANCELLED and normalized.total_amount is None
    assert {(line.quantity, line.cancelled) for line in normalized.lines} == {(0, True)}


def test_a_line_at_quantity_zero_still_in_force_is_invalid(app, server):
    (order,) = add(app, count=1, seed=14, states=("WaitingForShipmentAcceptation",))
    order["OrderLineList"][0]["Quantity"] = 0
    transport = make_transport(server)
    with pytest.raises(InvalidOrderError, match="from 1 to"):
        transport.normalize_order(transport.get_order(order["OrderNumber"]))

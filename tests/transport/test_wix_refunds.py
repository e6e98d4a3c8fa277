"""Wix refunds through the Order Billing API (refundability, then refund-payments with the documented
top-level fields), authorized payments, and fulfillment tracking fields, against the simulator."""
import random
from datetime import UTC, datetime

import pytest
from marketplace_simulator import wix as wix_sim
from transport_testing import build_transport, fresh_state, serve_simulator

from marketplace_transport import OrderStatus, RefundLine, RefundRequest, RemoteError, ShipmentRequest, UserInputError
from marketplace_transport.wix import WixTransport, tracking_info
from marketplace_transport.wix_refund import refund_body, refundability_states

START = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
LINES = [("WX-MUG", "Mug", 12.0), ("WX-TEE", "Tee", 20.0)]


@pytest.fixture(scope="module")
def server():
    with serve_simulator(wix_sim) as (app, srv):
        yield app, srv


@pytest.fixture
def site(server):
    app, srv = server
    return fresh_state(app, wix_sim), srv


def transport(srv, exchanges=None, **options):
    options.setdefault("account", wix_sim.DEFAULT_SITE_ID)
    return build_transport(WixTransport, srv.url, {"secret": wix_sim.DEFAULT_API_KEY}, options, exchanges)


def test_refund_asks_refundability_then_sends_the_documented_body(site):
    state, srv = site
    order = wix_sim.add_order(state, random.Random(1), START, lines=LINES)
    exchanges = []
    client = transport(srv, exchanges)
    line = order["lineItems"][0]
    result = client.refund_order(RefundRequest(order_external_id=order["id"], reason="Cassé", refund_shipping=True,
                                               lines=[RefundLine(line_external_id=line["id"], quantity=1)]))
    operations = [e.operation for e in exchanges]
    assert operations.index("refund: get refundability") < operations.index("refund: refund payments")
    refund = state["transactions"][order["id"]]["refunds"][0]
    assert refund["details"] == {"items": [{"lineItemId": line["id"], "quantity": 1}], "shippingIncluded": True,
                                 "reason": "Cassé"}
    assert result["amount"] == pytest.approx(12.0 + wix_sim.SHIPPING)
    assert not refund["transactions"][0]["externalRefund"]
    body = refund_body("o", [], [], 0, "x" * 250, False)
    assert set(body) == {"orderId", "paymentRefunds", "refundItems", "sideEffects", "customerReason"}
    assert len(body["customerReason"]) == 200 and "shipping" not in body["refundItems"]


def test_offline_payment_is_marked_refunded_outside_wix(site):
    state, srv = site
    order = wix_sim.add_order(state, random.Random(2), START, lines=LINES, offline=True)
    transport(srv).refund_order(RefundRequest(order_external_id=order["id"], reason="annulée"))
    refund = state["transactions"][order["id"]]["refunds"][0]
    assert refund["transactions"][0]["externalRefund"], "manuallyRefundable: externalRefund"
    assert order["paymentStatus"] == "FULLY_REFUNDED" and refund["details"]["shippingIncluded"]


def test_authorized_payment_is_accepted_not_paid_and_not_refundable(site):
    state, srv = site
    order = wix_sim.add_order(state, random.Random(3), START, lines=LINES, payment_status="AUTHORIZED")
    client = transport(srv)
    normalized = client.normalize_order(client.get_order(order["id"]))
    assert normalized.status == OrderStatus.ACCEPTED and not normalized.paid
    assert normalized.marketplace_status.startswith("APPROVED")
    with pytest.raises(UserInputError, match="nothing to refund") as error:
        client.refund_order(RefundRequest(order_external_id=order["id"], reason="x"))
    assert error.value.code == "nothing_to_refund"
    payment = state["transactions"][order["id"]]["payments"][0]
    payment["regularPaymentDetails"]["status"] = "APPROVED"
    with pytest.raises(RemoteError, match="Unknown field"):  # the preview's "details" body is refused
        client._call("POST", "ecom/v1/order-billing/refund-payments", "refund", {
            "orderId": order["id"], "details": {"items": []},
            "paymentRefunds": [{"paymentId": payment["id"], "amount": {"amount": "1.00"}}]})


def test_refundability_answers_and_tracking_fields():
    answer = {"payments": [{"payment": {"paymentId": "a"}, "refundable": True},
                           {"paymentId": "b", "manuallyRefundable": {"maxRefund": {"amount": "3"}}},
                           {"payment": {"paymentId": "c"}, "nonRefundable": True}, {"payment": {}}, "junk"]}
    assert refundability_states(answer) == {"a": "refundable", "b": "manuallyRefundable", "c": "nonRefundable"}

    def shipment(carrier, url=""):
        return ShipmentRequest(order_external_id="o", carrier=carrier, tracking_number="1Z999", tracking_url=url)

    assert tracking_info(shipment("UPS Standard")) == {"trackingNumber": "1Z999", "shippingProvider": "ups"}
    assert tracking_info(shipment("Canada Post"))["shippingProvider"] == "canadaPost"
    assert tracking_info(shipment("Colissimo", "https://laposte.fr/suivi?c=1Z999")) == {
        "trackingNumber": "1Z999", "shippingProvider": "Colissimo", "trackingLink": "https://laposte.fr/suivi?c=1Z999"}

"""Octopia REST refunds against the simulator over real HTTP: partial cancellation of whole lines
and commercial gestures; the bodies sent equal the public clients' shapes kept in
tests/fixtures/octopia; nothing is sent twice after a timeout."""
import json
import time
from pathlib import Path

import pytest
from marketplace_simulator import octopia as sim
from octopia_rest_testing import app_fixture, make_transport, one_order, server_fixture, shared_fixture, state_fixture

from marketplace_transport import RefundLine, RefundRequest, RemoteError, UserInputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "octopia"
__all__ = ["app_fixture", "server_fixture", "shared_fixture", "state_fixture"]


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def posted(state, path):
    """JSON bodies the simulator received on ``path``."""
    return [body for received, body in state.refund_bodies if received.endswith(path)]


def really_waiting(transport):
    """Back-off that really waits: the simulator finishes applying the timed-out call meanwhile."""
    transport.sleep = lambda _seconds: time.sleep(0.6)
    return transport


def _shape(value):
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def test_partial_cancellation_sends_whole_lines_in_the_published_shape(server, state, app):
    order = one_order(state, status="InPreparation", seed=61)
    first, *others = order["lines"]
    assert others, "the generated order has several lines"
    transport = make_transport(server)
    result = transport.refund_order(RefundRequest(order["orderId"], "ProductStockUnavailable", refund_shipping=True,
                                                  lines=[RefundLine(first["orderLineId"], first["quantity"])]))
    (record,) = state.cancellation_requests
    assert (record["lineId"], record["offerId"], record["reason"]) == (
        first["orderLineId"], first["offer"]["id"], "ProductStockUnavailable")
    assert result["lines"] == [first["orderLineId"]] and result["cancellation_request_id"] == "CR00000001"
    assert state.orders[order["orderId"]]["lines"][0]["status"] == "Cancelled"
    assert state.orders[order["orderId"]]["status"] == "InPreparation"
    (body,) = posted(state, "/order-partial-cancellation-requests")
    assert _shape(body) == _shape(fixture("order-partial-cancellation-requests.request.json"))
    again = transport.refund_order(RefundRequest(order["orderId"], "ProductStockUnavailable",
                                                 lines=[RefundLine(first["orderLineId"], 0)]))
    assert again["already_requested"] and len(state.cancellation_requests) == 1


def test_partial_cancellation_after_timeout_is_sent_once(server, state, app):
    order = one_order(state, status="Shipped", seed=62)
    line = order["lines"][0]
    app.add_fault(r"POST /seller/v2/order-partial-cancellation-requests", kind="timeout", delay=0.8)
    transport = really_waiting(make_transport(server, timeout=0.5))
    transport.refund_order(RefundRequest(order["orderId"], "ClientClaim", lines=[RefundLine(line["orderLineId"], 0)]))
    assert len(state.cancellation_requests) == 1
    assert app.count_requests(r"/order-partial-cancellation-requests$", "POST") == 1


def test_partial_refusals_are_clear(server, state, app):
    waiting = one_order(state, status="WaitingAcceptance", seed=63)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="accept it before cancelling some lines"):
        transport.refund_order(RefundRequest(waiting["orderId"], "VendorRejection",
                                             lines=[RefundLine(waiting["lines"][0]["orderLineId"], 0)]))
    order = one_order(state, status="InPreparation", seed=64)
    with pytest.raises(UserInputError, match="not in Octopia order"):
        transport.refund_order(RefundRequest(order["orderId"], "ClientClaim", lines=[RefundLine("nope", 1)]))
    assert app.count_requests(r"cancellation-requests$", "POST") == 0 and not state.approvals


def test_gesture_sends_the_published_body_within_the_allowable_amount(server, state, app):
    order = one_order(state, status="Delivered", seed=65)
    transport = make_transport(server)
    allowable = transport.gesture_allowable_amount(order["orderId"])
    assert allowable == round(order["totalPrice"]["sellingPrice"], 2)
    result = transport.refund_order(RefundRequest(order["orderId"], "MissingProduct", amount=12.5,
                                                  note="Product was missing from package", amount_only=True))
    (gesture,) = state.gesture_requests
    assert (gesture["amount"], gesture["reason"], result["gesture_id"]) == (12.5, "MissingProduct", "CG00000001")
    (body,) = posted(state, "/order-commercial-gesture-requests")
    sample = fixture("order-commercial-gesture-requests.request.json")
    assert body == dict(sample, orderId=order["orderId"])
    assert transport.gesture_allowable_amount(order["orderId"]) == round(allowable - 12.5, 2)
    assert set(fixture("commercial-gestures-available-amounts.response.json")) <= set(
        transport._json("GET", f"/orders/{order['orderId']}/commercial-gestures-available-amounts", operation="t"))


def test_gesture_with_a_cancellation_reason_goes_as_other_with_details(server, state):
    order = one_order(state, status="Shipped", seed=66)
    transport = make_transport(server)
    transport.refund_order(RefundRequest(order["orderId"], "ClientClaim", amount=5, note="Colis abîmé",
                                         amount_only=True))
    (gesture,) = state.gesture_requests
    assert (gesture["reason"], gesture["reasonDetails"]) == ("Other", "Réclamation client: Colis abîmé")


def test_gesture_refusals_are_clear_and_sent_nothing(server, state, app):
    transport = make_transport(server)
    preparing = one_order(state, status="InPreparation", seed=67)
    with pytest.raises(UserInputError, match="only possible once the order is shipped"):
        transport.refund_order(RefundRequest(preparing["orderId"], "ClientClaim", amount=5, amount_only=True))
    delivered = one_order(state, status="Delivered", seed=68)
    with pytest.raises(UserInputError, match="at most"):
        transport.refund_order(RefundRequest(delivered["orderId"], "ClientClaim", amount=10_000, amount_only=True))
    assert app.count_requests(r"/order-commercial-gesture-requests$", "POST") == 0
    app.add_fault(r"POST /seller/v2/order-commercial-gesture-requests", status=400, body={
        "title": "Bad Request", "status": 400, "detail": "A claim is open on this order."})
    with pytest.raises(RemoteError, match="A claim is open"):
        transport.refund_order(RefundRequest(delivered["orderId"], "ClientClaim", amount=3, amount_only=True))
    assert not state.gesture_requests


def test_gesture_after_timeout_is_sent_once(server, state, app):
    order = one_order(state, status="Delivered", seed=69)
    app.add_fault(r"POST /seller/v2/order-commercial-gesture-requests", kind="timeout", delay=0.8)
    transport = really_waiting(make_transport(server, timeout=0.5))
    transport.refund_order(RefundRequest(order["orderId"], "ClientClaim", amount=4.2, amount_only=True))
    assert [g["amount"] for g in state.gesture_requests] == [4.2]
    assert app.count_requests(r"/order-commercial-gesture-requests$", "POST") == 1


def test_simulator_gesture_validation_follows_the_public_client(server, state, app):
    order = one_order(state, status="Delivered", seed=70)
    transport = make_transport(server)
    with pytest.raises(RemoteError, match="reasonDetails"):
        transport._request("POST", "/order-commercial-gesture-requests", operation="gesture", retry=False,
                           json={"orderId": order["orderId"], "reason": "Other", "amount": 1})
    assert sim.GESTURE_STATUSES == ("Shipped", "Delivered")

"""Legacy Cdiscount SOAP: an amount alone is a commercial gesture (CreateRefundVoucher's
CommercialGestureList of RefundInformation{Amount, MotiveId}, as the service's XSD has it),
sent through the real client to the SOAP simulator; a refused gesture comes back with its message."""
from decimal import Decimal

import pytest
from marketplace_simulator import cdiscount_soap as sim
from soap_testing import add, make_transport, simulator_fixtures, state

from marketplace_transport import RefundRequest, RemoteError, UserInputError
from marketplace_transport.octopia.soap_requests import GESTURE_MOTIVES, gesture_refusal

ORD = sim.ORD
_simulator, app, server = simulator_fixtures()


def test_gesture_is_a_commercial_gesture_list_item(app, server):
    (order,) = add(app, count=1, seed=31, states=("Shipped",))
    transport = make_transport(server)
    assert transport.refund_modes == ("full", "partial", "amount")
    assert ("135", "Commercial gesture: late delivery") in transport.list_refund_reasons()
    result = transport.refund_order(RefundRequest(order["OrderNumber"], reason="135", amount=4.5, amount_only=True))
    assert result == {"order": order["OrderNumber"], "amount": 4.5, "motive": "135"}
    assert state(app).gestures == [(order["OrderNumber"], Decimal("4.50"), 135)]
    call = state(app).operations("CreateRefundVoucher")[-1][1]
    assert [e.text for e in call.iter(f"{{{ORD}}}Amount")] == ["4.50"]
    assert [e.text for e in call.iter(f"{{{ORD}}}MotiveId")] == ["135"]
    assert not list(call.iter(f"{{{ORD}}}SellerRefundRequest")), "no line is refunded"
    assert {line["AcceptationState"] for line in order["OrderLineList"]} == {"ShippedBySeller"}


def test_gesture_refused_by_the_service_is_a_remote_error(app, server):
    (order,) = add(app, count=1, seed=32, states=("WaitingForShipmentAcceptation",))
    transport = make_transport(server)
    with pytest.raises(RemoteError, match="commercial gesture refused: .*no commercial gesture before shipping"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="131", amount=2, amount_only=True))
    assert state(app).gestures == []


def test_gesture_input_checks_send_nothing(app, server):
    (order,) = add(app, count=1, seed=33, states=("Shipped",))
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="commercial-gesture motive"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="ClientClaim", amount=2, amount_only=True))
    with pytest.raises(UserInputError, match="positive"):
        transport.refund_order(RefundRequest(order["OrderNumber"], reason="139", amount=0, amount_only=True))
    assert not state(app).operations("CreateRefundVoucher")


def test_gesture_refusal_reads_items_then_the_top_level():
    assert gesture_refusal({"CommercialGestureList": [{"OperationSuccess": True}]}) == ""
    assert gesture_refusal({"CommercialGestureList": [{"OperationSuccess": False, "ErrorMessage": "Non"}]}) == "Non"
    assert gesture_refusal({"OperationSuccess": False, "ErrorMessage": "Demande de remboursement invalide"}) == (
        "Demande de remboursement invalide")
    assert [code for code, _label in GESTURE_MOTIVES] == [str(i) for i in range(131, 140)]

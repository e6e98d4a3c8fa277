"""Octopia Seller API v2 transport over real HTTP on 127.0.0.1: shipments, refunds, approval, invoices."""
import time

import pytest
from octopia_rest_testing import (  # noqa: F401 - the *_fixture names are fixtures
    app_fixture,
    make_transport,
    one_order,
    server_fixture,
    shared_fixture,
    state_fixture,
)

from marketplace_transport import RefundLine, RefundRequest, RemoteError, ShipmentRequest, UserInputError


# -- ship -----------------------------------------------------------------------------------
def _shippable_order(state):
    order = one_order(state, status="InPreparation", seed=31)
    order["lines"].append(dict(order["lines"][0], orderLineId="FF-9",
                               offer=dict(order["lines"][0]["offer"], supplyMode="Fulfillment")))
    order["lines"][0]["status"] = "CancelRequest"  # still shippable (changelog)
    return order


def test_ship_success_one_parcel_with_seller_lines(server, state, app):
    order = _shippable_order(state)
    transport = make_transport(server)
    result = transport.ship_order(ShipmentRequest(order["orderId"], "colissimo", "6A 1234 5678",
                                                  tracking_url="https://www.laposte.fr/outils/suivre-vos-envois"))
    assert result["parcel"]["carrierName"] == "Colissimo"
    (order_id, parcel), = state.shipments
    assert order_id == order["orderId"]
    assert parcel["parcelNumber"] == "6A12345678"
    seller_ids = [line["orderLineId"] for line in order["lines"] if line["offer"]["supplyMode"] == "Seller"]
    assert sorted(parcel["orderLineIds"]) == sorted(seller_ids) and "FF-9" not in parcel["orderLineIds"]
    assert state.orders[order["orderId"]]["status"] == "Shipped"
    assert app.count_requests(r"/shipments$", "POST") == 1


def test_ship_missing_tracking_makes_no_http_call(server, state, app):
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="tracking number missing"):
        transport.ship_order(ShipmentRequest("SCID1", "Colissimo", ""))
    with pytest.raises(UserInputError, match="carrier and tracking number missing"):
        transport.ship_order(ShipmentRequest("SCID1", "", ""))
    assert app.requests == [] and state.token_requests == 0


def test_ship_lines_come_from_octopia(server, state):
    order = _shippable_order(state)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="not awaiting shipment"):
        transport.ship_order(ShipmentRequest(order["orderId"], "UPS", "1Z999", line_external_ids=["FF-9"]))
    first = order["lines"][0]["orderLineId"]
    transport.ship_order(ShipmentRequest(order["orderId"], "UPS", "1Z999", line_external_ids=[first]))
    (_order_id, parcel), = state.shipments
    assert len(parcel["orderLineIds"]) == len(order["lines"]) - 1  # the whole order, Fulfillment line aside


def test_ship_carrier_resolution(server, state):
    order = _shippable_order(state)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="pcc.*La Poste, Colissimo, Chronopost"):
        transport.ship_order(ShipmentRequest(order["orderId"], "pcc", "6A1"))
    with pytest.raises(UserInputError, match="not in the Octopia carrier list"):
        transport.ship_order(ShipmentRequest(order["orderId"], "Pigeon Voyageur", "6A1"))
    assert transport.resolve_carrier("ups") == "UPS"  # unique code -> its label
    assert not state.shipments


def test_ship_marketplace_error_text_is_surfaced(server, state):
    order = _shippable_order(state)
    transport = make_transport(server)
    with pytest.raises(RemoteError) as error:
        transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A&123"))
    message = str(error.value)
    assert "One or more validation errors occurred." in message
    assert "parcelNumber" in message and "without spaces, &" in message
    assert error.value.status == 400
    other = one_order(state, status="Accepted", seed=32)
    with pytest.raises(UserInputError, match="it is Accepted"):
        transport.ship_order(ShipmentRequest(other["orderId"], "Colissimo", "6A123"))


def test_ship_retry_after_timeout_is_idempotent(server, state, app):
    order = _shippable_order(state)
    app.add_fault(r"POST /seller/v2/orders/.*/shipments", kind="timeout", delay=0.6)

    def wait_for_server(_seconds):  # the server applies the shipment after the client gave up
        deadline = time.time() + 5
        while not state.shipments and time.time() < deadline:
            time.sleep(0.02)

    transport = make_transport(server, timeout=0.3)
    transport.sleep = wait_for_server
    result = transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A999"))
    assert result["order"] == order["orderId"]
    assert len(state.shipments) == 1
    assert app.count_requests(r"/shipments$", "POST") == 1  # not re-sent: the re-read saw it shipped
    assert any(e.status is None and "timeout" in e.error for e in transport.exchanges)


def test_ship_resent_when_first_attempt_was_lost(server, state, app):
    order = _shippable_order(state)
    app.add_fault(r"POST /seller/v2/orders/.*/shipments", kind="reset")
    transport = make_transport(server)
    transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A998"))
    assert len(state.shipments) == 1
    assert app.count_requests(r"/shipments$", "POST") == 2
    assert len(transport.sleeps) == 1
    again = transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A998"))
    assert again["already_shipped"] and len(state.shipments) == 1


# -- refund / approval -------------------------------------------------------------------------
def test_refund_full_is_a_cancellation_request(server, state):
    order = one_order(state, status="InPreparation", seed=41)
    transport = make_transport(server)
    assert transport.refund_modes == ("full",) and "partial" in transport.refund_limits.lower()
    result = transport.refund_order(RefundRequest(order["orderId"], "Produit en rupture de stock",
                                                  refund_shipping=True))
    (request,) = state.cancellation_requests
    assert request["reason"] == "ProductStockUnavailable" and request["shippingCostRefund"] is True
    assert result["cancellation_request_id"] == request["cancellationRequestId"]
    assert state.orders[order["orderId"]]["status"] == "Cancelled"
    shipped = one_order(state, status="Shipped", seed=42)
    transport.refund_order(RefundRequest(shipped["orderId"], "ClientRetraction"))
    assert state.cancellation_requests[-1]["shippingCostRefund"] is False
    assert state.orders[shipped["orderId"]]["status"] == "Shipped"


def test_refund_before_acceptance_refuses(server, state):
    order = one_order(state, status="WaitingAcceptance", seed=43)
    transport = make_transport(server)
    assert transport.refund_order(RefundRequest(order["orderId"], "VendorRejection"))["refused"]
    assert state.approvals == [(order["orderId"], "Refused")]
    assert not state.cancellation_requests
    with pytest.raises(UserInputError, match="already Refused"):
        transport.refund_order(RefundRequest(order["orderId"], "VendorRejection"))


def test_refund_partial_or_bad_reason_rejected(server, state, app):
    order = one_order(state, status="Delivered", seed=44)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="partially"):
        transport.refund_order(RefundRequest(order["orderId"], "ClientClaim",
                                             lines=[RefundLine(order["lines"][0]["orderLineId"], 1)]))
    assert app.requests == []
    with pytest.raises(UserInputError, match="ClientClaim"):
        transport.refund_order(RefundRequest(order["orderId"], "Because"))
    assert not state.cancellation_requests


def test_accept_and_refuse(server, state):
    waiting = one_order(state, status="WaitingAcceptance", seed=45)
    transport = make_transport(server)
    transport.accept_order(waiting["orderId"])
    assert state.orders[waiting["orderId"]]["status"] == "Accepted"
    preparing = one_order(state, status="InPreparation", seed=46)
    with pytest.raises(RemoteError, match="only WaitingAcceptance orders"):
        transport.refuse_order(preparing["orderId"])
    with pytest.raises(RemoteError, match="HTTP 404"):
        transport.get_order("SCID-NOPE")


def test_upload_invoice(server, state):
    order = one_order(state, status="Shipped", seed=61)
    transport = make_transport(server)
    answer = transport.upload_invoice(order["orderId"], b"%PDF-1.7\n...", "FA2026-0001.pdf")
    assert answer["id"]
    assert state.invoices == [(order["orderId"], "FA2026-0001.pdf", b"%PDF-1.7\n...")]
    with pytest.raises(RemoteError, match="PDF or a UBL"):
        transport.upload_invoice(order["orderId"], b"hello", "x.txt")


def test_invoice_upload_is_read_until_final_status(server, state):
    order = one_order(state, status="Shipped", seed=62)
    transport = make_transport(server)
    state.invoice_import_steps = 1
    answer = transport.upload_invoice(order["orderId"], b"%PDF-1.7\n...", "FA2026-0002.pdf")
    assert answer["import_id"] == answer["importId"]
    assert transport.invoice_upload_status(answer["import_id"]) == ("pending", "")
    assert transport.invoice_upload_status(answer["import_id"]) == ("done", "")
    state.invoice_import_error = "Invoice amount differs from the order"
    failed = transport.upload_invoice(order["orderId"], b"%PDF-1.7\n...", "FA2026-0003.pdf")["import_id"]
    transport.invoice_upload_status(failed)
    assert transport.invoice_upload_status(failed) == (
        "failed", f"Octopia import {failed}: Failure (Invoice amount differs from the order)")


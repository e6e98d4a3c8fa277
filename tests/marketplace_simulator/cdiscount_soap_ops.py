"""Operations of the SOAP simulator on plain (XSD-named) data; answers rendered by the real XSD.

Recorded behaviour is followed where a recording exists (tests/fixtures/cdiscount): a refused
validation answers ``Validated=false`` with ``Errors`` and a top-level ``ErrorMessage``
"<order> error: <message>" while ``OperationSuccess`` stays true; an invalid refund request answers
``OperationSuccess=false``, "Demande de remboursement invalide" and empty lists, an unknown order
"Remboursement impossible (N° commande invalide)." the same way. The rest is marked
*inferred* (messages in English are this simulator's, not Cdiscount's).
"""
import time
from datetime import UTC, datetime, timedelta

from .cdiscount_soap_xml import SoapFault, answer, base_result, recorded_carriers

DATE_FIELDS = ("BeginCreationDate", "EndCreationDate", "BeginModificationDate", "EndModificationDate")
TIMEOUT_FAULT = ("The request channel timed out while waiting for a reply: the order search "
                 "scanned the last month (no States filter).")
INVALID_REFUND = "Demande de remboursement invalide"  # recorded (empty request)
UNKNOWN_ORDER_REFUND = "Remboursement impossible (N° commande invalide)."  # recorded (unknown order)
STATE_INCOHERENT = "Le passage à l'état {target} est impossible à ce stade de la commande \"{number}\"."  # recorded
# Lifecycle of an order (documented seller-relevant states).
ALLOWED_FROM = {"AcceptedBySeller": ("WaitingForSellerAcceptation",),
                "RefusedBySeller": ("WaitingForSellerAcceptation",),
                "Shipped": ("WaitingForShipmentAcceptation",),
                "ShipmentRefusedBySeller": ("WaitingForShipmentAcceptation",)}
LINE_TARGETS = {"AcceptedBySeller": ("AcceptedBySeller", "RefusedBySeller"), "RefusedBySeller": ("RefusedBySeller",),
                "Shipped": ("ShippedBySeller",), "ShipmentRefusedBySeller": ("ShipmentRefusedBySeller",)}
REFUNDABLE = ("WaitingForShipmentAcceptation", "Shipped")
REFUND_MOTIVES = ("VendorRejection", "ClientCancellation", "VendorRejectionAndClientCancellation",
                  "ClientClaim", "VendorInitiatedRefund", "ClientRetraction", "NoClientWithDrawal",
                  "ProductStockUnavailable")
REFUND_MODES = ("Claim", "Retraction")
GESTURE_MOTIVES = tuple(range(131, 140))  # reference notes section 5.3


def touch(order):
    """Bump LastUpdatedDate (strictly increasing, so incremental imports see every change)."""
    now = datetime.now(UTC).replace(microsecond=0)
    previous = order.get("LastUpdatedDate")
    if previous and now <= previous:
        now = previous + timedelta(seconds=1)
    order["LastUpdatedDate"] = order["ModifiedDate"] = now


def masked_address(address):
    """What the recorded cancelled-before-payment orders keep of an address."""
    return {key: (value if key in ("City", "Civility", "County", "ZipCode") else None)
            for key, value in address.items()}


def add_parcel(order, carrier, url):
    """The order's parcel, real Parcel fields (the XSD's Parcel has no tracking number)."""
    items = [{"ProductName": line["Name"], "Quantity": line["Quantity"], "Sku": line["Sku"]}
             for line in order["OrderLineList"]]
    order["ParcelList"] = [{"CustomerNum": None, "ExternalCarrierName": carrier,
                            "ExternalCarrierTrackingUrl": url or None,
                            "IsCustomerReturn": False, "ParcelItemList": items, "ParcelStatus": "Prepared",
                            "RealCarrierCode": None}]


# -- GetOrderList ------------------------------------------------------------------------------
def op_get_order_list(state, params, login, token):
    flt = params.get("orderFilter") or {}
    states = flt.get("States") or []
    references = flt.get("OrderReferenceList") or []
    dates = {name: flt.get(name) for name in DATE_FIELDS}
    if references and (states or any(dates.values())):
        error = ("InvalidRequest", "OrderReferenceList cannot be combined with other filters.")
        return answer("GetOrderList", {**base_result(login, token, [error], error[1], False), "OrderList": None})
    if not references and not states and any(dates.values()):
        # Documented: without States the date filter is ignored, the API scans a month and times out.
        time.sleep(state.no_states_delay)
        raise SoapFault(TIMEOUT_FAULT, "s:Server")
    if not references and not states:  # recorded: no filter at all answers the recent orders
        dates["BeginModificationDate"] = datetime.now(UTC) - timedelta(days=30)
    found = [o for o in state.orders.values() if _matches(o, states, references, dates)]
    found.sort(key=lambda o: o["LastUpdatedDate"])
    return answer("GetOrderList", {**base_result(login, token, message=""),
                                   "OrderList": [_shown(o, flt) for o in found]})


def _matches(order, states, references, dates):
    if references and order["OrderNumber"] not in references:
        return False
    if states and order["OrderState"] not in states:
        return False
    return (_in_range(order["CreationDate"], dates["BeginCreationDate"], dates["EndCreationDate"])
            and _in_range(order["LastUpdatedDate"], dates["BeginModificationDate"], dates["EndModificationDate"]))


def _in_range(value, begin, end):
    """Recorded: a lone BeginCreationDate is applied (a far future one finds nothing)."""
    return (begin is None or begin <= value) and (end is None or value <= end)


def _shown(order, flt):
    shown = {k: v for k, v in order.items() if not k.startswith("_")}
    if not flt.get("FetchOrderLines"):
        shown["OrderLineList"] = None
    if not flt.get("FetchParcels"):
        shown["ParcelList"] = []
    return shown


# -- ValidateOrderList -------------------------------------------------------------------------
def op_validate_order_list(state, params, login, token):
    items = (params.get("validateOrderListMessage") or {}).get("OrderList") or []
    results = [_validate_one(state, item) for item in items]
    failed = " ".join(f"{r['OrderNumber']} error: {r['Errors'][0]['Message']}" for r in results if r["Errors"])
    return answer("ValidateOrderList", {**base_result(login, token, message=failed), "ValidateOrderResults": results})


def _validate_one(state, item):
    number = item.get("OrderNumber") or ""
    order = state.orders.get(number)
    lines = {line.get("SellerProductId"): line.get("AcceptationState") for line in item.get("OrderLineList") or []}
    errors = _order_errors(order, item, number, lines)
    line_results = [] if errors else [_line_result(sku, line_state, item.get("OrderState"))
                                      for sku, line_state in lines.items()]
    errors = errors or [(e["ErrorType"], e["Message"]) for r in line_results for e in r["Errors"]]
    errors = errors or _tracking_errors(item)
    if not errors:
        _apply(state, order, item, lines)
    return {"Errors": [{"ErrorType": t, "Message": m} for t, m in errors], "OrderNumber": number,
            "ValidateOrderLineResults": line_results, "Validated": not errors, "Warnings": []}


def _order_errors(order, item, number, lines):
    target = item.get("OrderState") or ""
    if order is None:
        return [("OrderNotFound", f"Order {number} not found.")]
    if order["OrderState"] not in ALLOWED_FROM.get(target, ()):
        return [("OrderStateIncoherent", STATE_INCOHERENT.format(target=target, number=number))]
    known = {line["SellerProductId"] for line in order["OrderLineList"]}
    missing, unknown = sorted(known - set(lines)), sorted(set(lines) - known)
    if missing:
        return [("OrderLineNotFound",
                 f"Every order line must be validated; missing SellerProductId: {', '.join(missing)}.")]
    if unknown:
        return [("OrderLineNotFound", f"Unknown SellerProductId: {', '.join(unknown)}.")]
    return []


def _line_result(sku, line_state, target):
    errors = []
    if line_state not in LINE_TARGETS.get(target, ()):
        errors.append({"ErrorType": "OrderLineIncoherentState",
                       "Message": f"Line {sku}: AcceptationState {line_state} is not valid for {target}."})
    return {"Errors": errors, "SellerProductId": sku, "Updated": not errors}


def _tracking_errors(item):
    if item.get("OrderState") != "Shipped":
        return []
    tracking, url = item.get("TrackingNumber"), item.get("TrackingUrl")
    if not item.get("CarrierName") or not tracking:
        return [("OrderTrackingInformationError", "CarrierName and TrackingNumber are mandatory to ship an order.")]
    if len(tracking) > 50 or any(c in tracking for c in " &*$"):
        return [("OrderTrackingInformationError", "TrackingNumber: 50 characters at most, without space, &, * or $.")]
    if url and (not url.startswith(("http://", "https://")) or len(url) > 255):
        return [("OrderTrackingInformationError", "TrackingUrl must start with http(s):// (255 max).")]
    return []


def _apply(state, order, item, lines):
    target = item["OrderState"]
    if target == "AcceptedBySeller" and all(s == "RefusedBySeller" for s in lines.values()):
        target = "RefusedBySeller"
    order["OrderState"] = target
    for line in order["OrderLineList"]:
        line["AcceptationState"] = lines[line["SellerProductId"]]
    if target == "Shipped":
        state.shipments[order["OrderNumber"]] = {
            key: item.get(key) for key in ("CarrierName", "TrackingNumber", "TrackingUrl")}
        add_parcel(order, item.get("CarrierName"), item.get("TrackingUrl"))
        order["ShippedTotalAmount"] = order["ValidatedTotalAmount"]
        order["ShippedTotalShippingCharges"] = order["ValidatedTotalShippingCharges"]
    touch(order)


# -- CreateRefundVoucher -----------------------------------------------------------------------
def op_create_refund_voucher(state, params, login, token):
    request = params.get("request") or {}
    number = request.get("OrderNumber")
    refunds = request.get("SellerRefundList") or []
    gestures = request.get("CommercialGestureList") or []
    order = state.orders.get(number or "")
    if order is None or not (refunds or gestures):  # both recorded
        message = UNKNOWN_ORDER_REFUND if number and (refunds or gestures) else INVALID_REFUND
        invalid = base_result(login, token, message=message, success=False)
        return answer("CreateRefundVoucher", {**invalid, "CommercialGestureList": [], "OrderNumber": number,
                                              "SellerRefundList": []})
    results = [_refund_line(order, refund) for refund in refunds]
    gesture_results = [_gesture(state, order, gesture) for gesture in gestures]
    _after_refund(order)
    # inferred: false when a line or a gesture is refused
    success = all(r["OperationSuccess"] for r in results + gesture_results)
    return answer("CreateRefundVoucher", {**base_result(login, token, message="", success=success),
                                          "CommercialGestureList": gesture_results, "OrderNumber": number,
                                          "SellerRefundList": results})


def _gesture(state, order, gesture):
    """Inferred rules: a known motive, a shipped order, at most what is left of its total."""
    amount, motive = gesture.get("Amount") or 0, gesture.get("MotiveId")
    given = sum(a for number, a, _m in state.gestures if number == order["OrderNumber"])
    message = ""
    if motive not in GESTURE_MOTIVES:
        message = f"MotiveId {motive} is not a commercial gesture motive."
    elif order["OrderState"] not in ("Shipped", "PickedUp"):
        message = f"Order {order['OrderNumber']} is {order['OrderState']}: no commercial gesture before shipping."
    elif amount <= 0 or given + amount > order["ValidatedTotalAmount"]:
        message = f"Amount {amount} exceeds what is left to refund on order {order['OrderNumber']}."
    else:
        state.gestures.append((order["OrderNumber"], amount, motive))
    return {"ErrorMessage": message or None, "OperationSuccess": not message, "Amount": amount, "MotiveId": motive}


def _refund_line(order, refund):
    refund_line = refund.get("RefundOrderLine") or {}
    sku = refund_line.get("SellerProductId")
    line = next((line for line in order["OrderLineList"] if line["SellerProductId"] == sku), None)
    message = _refund_refusal(order, refund, line, sku)
    if not message:
        shipped = order["OrderState"] == "Shipped"
        line["AcceptationState"] = "RefundedAfterShipping" if shipped else "RefundedAfterShipmentRefused"
        line["RefundShippingCharges"] = bool(refund_line.get("RefundShippingCharges"))
    return {"ErrorMessage": message or None, "OperationSuccess": not message, "Ean": refund_line.get("Ean"),
            "Motive": refund.get("Motive"), "SellerProductId": sku, "Value": _refund_value(line, refund_line, message)}


def _refund_refusal(order, refund, line, sku):
    if refund.get("Mode") not in REFUND_MODES:
        return f"Mode {refund.get('Mode')!r} is not valid ({', '.join(REFUND_MODES)})."
    if refund.get("Motive") not in REFUND_MOTIVES:
        return f"Motive {refund.get('Motive')!r} is not valid."
    if order["OrderState"] not in REFUNDABLE:
        return f"Order {order['OrderNumber']} is {order['OrderState']}: it cannot be refunded."
    if line is None:
        return f"Order line {sku} not found."
    if line["AcceptationState"].startswith("Refunded"):
        return f"Order line {sku} is already refunded."
    return ""


def _refund_value(line, refund_line, message):
    """Inferred: the amount refunded, the line's price (and its shipping when asked)."""
    if message or line is None:
        return 0
    value = line["PurchasePrice"] * line["Quantity"]
    if refund_line.get("RefundShippingCharges"):
        value += line["UnitShippingCharges"] * line["Quantity"]
    return value


def _after_refund(order):
    if order["OrderState"] != "Shipped" and all(
            line["AcceptationState"].startswith("Refunded") for line in order["OrderLineList"]):
        order["OrderState"] = "ShipmentRefusedBySeller"
    touch(order)


# -- GetGlobalConfiguration --------------------------------------------------------------------
def op_get_global_configuration(state, params, login, token):
    carriers = [{"CarrierId": cid, "DefaultURL": url, "Name": name} for cid, name, url in recorded_carriers()]
    return answer("GetGlobalConfiguration", {**base_result(login, token, message=""), "CarrierList": carriers})


OPERATIONS = {
    "GetOrderList": op_get_order_list,
    "ValidateOrderList": op_validate_order_list,
    "CreateRefundVoucher": op_create_refund_voucher,
    "GetGlobalConfiguration": op_get_global_configuration,
}

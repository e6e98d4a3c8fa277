"""Requests of the Cdiscount SOAP API and what their answers mean (plain data, no I/O).

Request shapes follow the real XSDs (``wsdl/``) and the requests recorded in
``tests/fixtures/cdiscount``; what no recording shows is marked *inferred*.
"""
from decimal import Decimal

from .soap_normalize import to_service_time

#: States asked by default: the actionable ones and those the pipeline must learn about.
DEFAULT_STATES = (
    "WaitingForSellerAcceptation", "AcceptedBySeller", "PaymentInProgress", "WaitingForShipmentAcceptation",
    "Shipped", "RefusedBySeller", "CancelledByCustomer", "AutomaticCancellation", "PaymentRefused",
    "ShipmentRefusedBySeller",
)
#: CreateRefundVoucher motives (the XSD's RefundMotive enumeration).
REFUND_MOTIVES = [
    ("VendorRejection", "Vendor rejection"),
    ("ClientCancellation", "Client cancellation"),
    ("VendorRejectionAndClientCancellation", "Vendor rejection and client cancellation"),
    ("ClientClaim", "Client claim"),
    ("VendorInitiatedRefund", "Vendor initiated refund"),
    ("ClientRetraction", "Client retraction"),
    ("NoClientWithDrawal", "No client withdrawal"),
    ("ProductStockUnavailable", "Product stock unavailable"),
]
#: the XSD's SellerRefundRequestMode enumeration
REFUND_MODES = ("Claim", "Retraction")
#: Commercial-gesture MotiveIds of CreateRefundVoucher's CommercialGestureList (RefundInformation
#: {Amount, MotiveId}, XSD); the ids and meanings come from the reference notes (section 5.3, code).
GESTURE_MOTIVES = [
    ("131", "Commercial gesture: missing stock"),
    ("132", "Commercial gesture: product damaged or missing"),
    ("133", "Commercial gesture: wrong reference, colour or size"),
    ("134", "Commercial gesture: fees unduly charged"),
    ("135", "Commercial gesture: late delivery"),
    ("136", "Commercial gesture: return fees"),
    ("137", "Commercial gesture: shipping fees"),
    ("138", "Commercial gesture: warranty or withdrawal period passed"),
    ("139", "Commercial gesture: other"),
]


def header_message(token, catalog_id=1, customer_pool_id=1, site_id=100):
    """The HeaderMessage of every call (the recorded requests send these Context/Localization values)."""
    return {
        "Context": {"CatalogID": catalog_id, "CustomerPoolID": customer_pool_id, "SiteID": site_id},
        "Localization": {"Country": "Fr", "Currency": "Eur", "DecimalPosition": 2, "Language": "Fr"},
        "Security": {"TokenId": token, "UserName": ""},
        "Version": "1.0",
    }


def order_filter(states, begin, end):
    """GetOrderList filter: States always set, modification dates paired, in Paris time."""
    return {
        "BeginModificationDate": to_service_time(begin),
        "EndModificationDate": to_service_time(end),
        "FetchOrderLines": True,
        "FetchParcels": True,
        "States": {"OrderStateEnum": list(states)},
    }


def reference_filter(order_number):
    """GetOrderList filter of one order (the recorded request by references sends nothing else)."""
    return {"FetchOrderLines": True, "FetchParcels": True, "OrderReferenceList": {"string": [order_number]}}


def errors_of(message):
    """[(ErrorType, Message)] of a result (``ErrorList`` or ``Errors``), as plain data."""
    items = (message or {}).get("ErrorList") or (message or {}).get("Errors") or []
    if isinstance(items, dict):  # empty wrapper kept as a dict
        items = []
    return [(e.get("ErrorType") or "", e.get("Message") or "") for e in items if e]


def error_text(errors, fallback):
    return "; ".join(f"{t}: {m}" if t else m for t, m in errors) or fallback


def validate_order(order, order_state, line_state, **extra):
    """A ValidateOrder listing every line of ``order`` (raw), as the service requires."""
    lines = [line for line in order.get("OrderLineList") or [] if line]
    return {
        "OrderNumber": order.get("OrderNumber"), "OrderState": order_state,
        "OrderLineList": {"ValidateOrderLine": [
            {"SellerProductId": line.get("SellerProductId"), "AcceptationState": line_state,
             "ProductCondition": line.get("ProductCondition") or "New"} for line in lines]},
        **extra,
    }


def validation_errors(result):
    """[(ErrorType, Message)] of the orders of a ValidateOrderList answer not validated, or with errors."""
    errors = []
    for item in (result or {}).get("ValidateOrderResults") or []:
        found = errors_of(item)
        for line_result in item.get("ValidateOrderLineResults") or []:
            found.extend(errors_of(line_result))
        if item.get("Validated") and not found:
            continue
        errors.extend(found or [("", (result or {}).get("ErrorMessage") or "not validated")])
    return errors


def refund_request(order_number, lines, mode, motive, refund_shipping):
    """CreateRefundVoucherRequest: one SellerRefundRequest per raw order line."""
    return {
        "OrderNumber": order_number,
        "SellerRefundList": {"SellerRefundRequest": [{
            "Mode": mode, "Motive": motive,
            "RefundOrderLine": {"Ean": line.get("ProductEan") or None, "SellerProductId": line.get("SellerProductId"),
                                "RefundShippingCharges": bool(refund_shipping)},
        } for line in lines]},
    }


def gesture_request(order_number, amount, motive_id):
    """CreateRefundVoucherRequest carrying one commercial gesture (no SellerRefundList)."""
    return {"OrderNumber": order_number,
            "CommercialGestureList": {"RefundInformation": [
                {"Amount": Decimal(f"{amount:.2f}"), "MotiveId": int(motive_id)}]}}


def gesture_refusal(result):
    """Cdiscount's message when the gesture was not made ("" when it was).

    Each ``RefundInformationMessage`` of the answer's CommercialGestureList says ``OperationSuccess``
    and ``ErrorMessage`` (XSD; the official PHP SDK reads them so); without one, the top level says.
    """
    items = [item for item in (result or {}).get("CommercialGestureList") or [] if item]
    refused = [item.get("ErrorMessage") or "refused" for item in items if item.get("OperationSuccess") is not True]
    if items:
        return "; ".join(refused)
    if (result or {}).get("OperationSuccess") is True and not errors_of(result):
        return ""
    return error_text(errors_of(result), (result or {}).get("ErrorMessage") or "refused")


def refund_outcome(result, wanted):
    """(refunded SellerProductIds, [(SellerProductId, message)] refused) of a CreateRefundVoucher answer.

    Each ``SellerRefundResult`` says ``OperationSuccess`` and ``ErrorMessage`` per line (XSD); a line
    counts as refunded only when it says true, as the official PHP SDK reads it.
    """
    results = [item for item in (result or {}).get("SellerRefundList") or [] if item]
    if not results:
        return refund_without_lines(result, wanted)
    refunded = [item.get("SellerProductId") for item in results if item.get("OperationSuccess") is True]
    refused = [(item.get("SellerProductId") or "?", item.get("ErrorMessage") or "refused")
               for item in results if item.get("OperationSuccess") is not True]
    return refunded, refused


def refund_without_lines(result, wanted):
    """Inferred: an answer without per-line results refunds every line when OperationSuccess is true;
    when false (recorded: "Demande de remboursement invalide") it refuses them all with its message."""
    if (result or {}).get("OperationSuccess") is True and not errors_of(result):
        return list(wanted), []
    message = error_text(errors_of(result), (result or {}).get("ErrorMessage") or "refused")
    return [], [(sku, message) for sku in wanted]

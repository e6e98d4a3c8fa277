"""Octopia simulator: carriers, cancellation reasons and requests, invoice documents."""
from email.parser import BytesParser
from email.policy import HTTP

from ..server import Response, problem
from .api import _json_body, _validation, guarded_api, order_or_404
from .constants import REFUNDABLE_STATUSES
from .generator import iso


def register_order_services(app, state):  # noqa: C901 - one closure per documented endpoint
    """Carriers, cancellation reasons and requests, invoice documents."""
    api = guarded_api(app, state)

    @api("GET", "/carriers")
    def carriers(request):
        return Response(200, state.carriers)

    @api("GET", "/cancellation-reasons")
    def cancellation_reasons(request):
        return Response(200, state.cancellation_reasons)

    @api("GET", "/order-cancellation-requests")
    def list_cancellations(request):
        items = [r for r in state.cancellation_requests
                 if not request.query.get("orderSellerId") or r["orderId"] == request.query["orderSellerId"]]
        return Response(200, {"itemsPerPage": len(items), "items": items})

    @api("POST", "/order-cancellation-requests")
    def cancellation_request(request):
        body, error = _json_body(request)
        if error:
            return error
        body = body if isinstance(body, dict) else {}
        errors = {}
        if not body.get("orderId"):
            errors["orderId"] = ["'Order Id' must not be empty."]
        if body.get("reason") not in {r["code"] for r in state.cancellation_reasons}:
            errors["reason"] = [f"'{body.get('reason')}' is not a valid cancellation reason."]
        if not isinstance(body.get("shippingCostRefund", False), bool):
            errors["shippingCostRefund"] = ["shippingCostRefund must be a boolean."]
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        with state.lock:
            order, error = order_or_404(state, body["orderId"])
            if error:
                return error
            if order["status"] not in REFUNDABLE_STATUSES:
                return problem(400, "Bad Request",
                               f"Order {order['orderId']} is {order['status']}: a cancellation request is only "
                               "possible on Accepted, InPreparation, Shipped or Delivered orders.")
            if order.get("cancellationDetails"):
                return problem(400, "Bad Request",
                               f"A cancellation request already exists for order {order['orderId']}.")
            request_id = f"CR{len(state.cancellation_requests) + 1:08d}"
            record = {"cancellationRequestId": request_id, "orderId": order["orderId"], "reason": body["reason"],
                      "shippingCostRefund": bool(body.get("shippingCostRefund")), "status": "Accepted",
                      "createdAt": iso(state.now())}
            state.cancellation_requests.append(record)
            order["cancellationDetails"] = dict(record)
            if order["status"] in ("Accepted", "InPreparation"):
                order["status"] = "Cancelled"
                for line in order["lines"]:
                    line["status"] = "Cancelled"
            state.touch(order)
        return Response(201, {"cancellationRequestId": request_id})

    @api("POST", r"/orders/(?P<order_id>[^/]+)/invoice-documents")
    def invoice_document(request):
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            return problem(400, "Bad Request", "multipart/form-data with a 'file' part is expected.")
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + request.body)
        files = [part for part in message.iter_parts()
                 if part.get_param("name", header="content-disposition") == "file"]
        if not files:
            return _validation("One or more validation errors occurred.", {"file": ["A 'file' part is required."]})
        part = files[0]
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename() or ""
        if not data.startswith(b"%PDF") and not data.lstrip().startswith(b"<?xml"):
            return _validation("One or more validation errors occurred.",
                               {"file": ["The document must be a PDF or a UBL 2.1 XML invoice."]})
        with state.lock:
            order, error = order_or_404(state, request.params["order_id"])
            if error:
                return error
            state.invoices.append((order["orderId"], filename, data))
            document_id = f"DOC{len(state.invoices):06d}"
            state.invoice_imports[document_id] = {"importId": document_id, "orderId": order["orderId"],
                                                  "fileName": filename, "reads": 0}
        # importId: official "Orders Invoices" page; "id"/"status" kept from the earlier simulator
        return Response(201, {"importId": document_id, "id": document_id, "status": "Running"})

    @api("GET", r"/order-invoice-imports/(?P<import_id>[^/]+)")
    def invoice_import(request):
        """Running for ``invoice_import_steps`` reads, then Success (Failure with ``invoice_import_error``)."""
        with state.lock:
            record = state.invoice_imports.get(request.params["import_id"])
            if record is None:
                return problem(404, "Not Found", "Unknown import.")
            record["reads"] += 1
            status = "Running"
            if record["reads"] > state.invoice_import_steps:
                status = "Failure" if state.invoice_import_error else "Success"
            file_result = {"fileName": record["fileName"], "status": status}
            if status == "Failure":
                file_result["errorMessage"] = state.invoice_import_error
            return Response(200, {"importId": record["importId"], "status": status, "files": [file_result]})

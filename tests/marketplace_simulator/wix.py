"""Wix eCommerce simulator (``/ecom/v1/...``), after storefront-apis.md section 4.

- auth: ``Authorization: <API key>`` plus ``wix-site-id`` (never together with ``wix-account-id``);
- ``POST /ecom/v1/orders/search``: ``search { filter, sort, cursorPaging { limit, cursor } }``,
  default limit 100 (max 100), default sort ``createdDate DESC``, ``INITIALIZED`` orders never
  returned, filters ``$eq $ne $gt $gte $lt $lte`` on dates/status/number; a cursor carries its
  query, so filter/sort must not be sent with it; answer ``{orders, pagingMetadata {count,
  cursors {next}, hasNext}}``;
- ``GET /ecom/v1/orders/{id}``;
- ``POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment`` and
  ``GET /ecom/v1/fulfillments/orders/{orderId}``;
- ``GET /ecom/v1/payments/orders/{orderId}`` (order transactions) and
  ``POST /ecom/v1/order-billing/refund-payments``;
- rate limit: ``rate_limit`` requests per minute per site (200) -> HTTP 429 (no documented
  ``Retry-After``, so none is sent).

Amounts are strings in ``{"amount": "12.50"}`` objects; dates ISO-8601 UTC with milliseconds.
"""
import base64
import json
import random
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta

from .server import Response

NAME = "wix"
DEFAULT_API_KEY = "IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0.simulated-wix-api-key"
DEFAULT_SITE_ID = "0c1e3c4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"
MAX_LIMIT = 100
FIRST_NAMES = ["Emma", "Lucas", "Inès", "Gabriel", "Jade", "Raphaël", "Louise", "Arthur"]
LAST_NAMES = ["Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "David", "Bertrand"]
PLACES = [("FR", "FR-75", "75002", "Paris"), ("FR", "FR-69", "69002", "Lyon"), ("DE", "DE-BE", "10117", "Berlin"),
          ("ES", "ES-M", "28013", "Madrid"), ("BE", "BE-BRU", "1000", "Bruxelles")]
PRODUCTS = [("WX-CANDLE-1", "Bougie parfumée", 18.0), ("WX-PLATE-2", "Assiette en grès", 12.5),
            ("WX-VASE-3", "Vase soufflé", 39.0), ("WX-TOWEL-4", "Serviette lin", 22.0)]
SHIPPING = 4.9


def iso(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _amount(value):
    return {"amount": f"{value:.2f}", "formattedAmount": f"€{value:.2f}"}


def _num(money):
    return float((money or {}).get("amount") or 0)


def wix_error(status, message, code=None, field=None):
    """Wix error body: ``message`` + ``details`` (application or validation error)."""
    if field:
        details = {"validationError": {"fieldViolations": [
            {"field": field, "description": message, "violatedRule": "VALIDATION"}]}}
    else:
        details = {"applicationError": {"code": code or "ERROR", "description": message, "data": {}}}
    return Response(status, {"message": message, "details": details})


# -- order generator -------------------------------------------------------------------
def new_state(api_key=DEFAULT_API_KEY, site_id=DEFAULT_SITE_ID):
    return {"api_key": api_key, "site_id": site_id, "orders": {}, "fulfillments": {}, "transactions": {},
            "rate_limit": 200, "calls": deque(), "next_number": 10001}


def add_order(state, rng, when, b2b=False, status="APPROVED", payment_status="PAID", lines=None,
              order_discount=0.0, tax_included=True):
    """One order (and its payment) in ``state``; returns it."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    country, subdivision, postal, city = rng.choice(PLACES)
    contact = {"firstName": first, "lastName": last, "phone": "+33601020304"}
    if b2b:
        contact.update({"company": f"{last} & Fils", "vatId": {"id": "FR 40 303 265 045", "type": "UNSPECIFIED"}})
    address = {"addressLine1": f"{rng.randint(1, 80)} avenue Foch", "addressLine2": "", "city": city,
               "postalCode": postal, "country": country, "subdivision": subdivision}
    items = []
    for sku, name, price in lines or rng.sample(PRODUCTS, rng.randint(1, 3)):
        qty = rng.randint(1, 2)
        items.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "productName": {"original": name, "translated": name},
            "catalogReference": {"catalogItemId": str(uuid.UUID(int=rng.getrandbits(128))),
                                 "appId": "215238eb-22a5-4c36-9e7b-e7c08025e04e"},
            "quantity": qty, "price": _amount(price), "totalPriceBeforeTax": _amount(price * qty / 1.2),
            "physicalProperties": {"sku": sku, "weight": 0.4, "shippable": True},
            "itemType": {"preset": "PHYSICAL"},
            "taxDetails": {"taxRate": "0.2", "totalTax": _amount(price * qty - price * qty / 1.2)},
            "totalDiscount": _amount(0)})
    subtotal = sum(_num(i["price"]) * i["quantity"] for i in items)
    total = subtotal + SHIPPING - order_discount
    order_id = str(uuid.UUID(int=rng.getrandbits(128)))
    order = {
        "id": order_id, "number": str(state["next_number"]), "createdDate": iso(when), "updatedDate": iso(when),
        "status": status, "paymentStatus": payment_status, "fulfillmentStatus": "NOT_FULFILLED",
        "currency": "EUR", "taxIncludedInPrices": tax_included, "weightUnit": "KG", "buyerLanguage": "fr",
        "buyerInfo": {"contactId": str(uuid.UUID(int=rng.getrandbits(128))),
                      "email": f"{first.lower()}.{last.lower()}.{state['next_number']}@example.com"},
        "billingInfo": {"address": dict(address), "contactDetails": dict(contact)},
        "shippingInfo": {"title": "Colissimo", "region": {"name": "Europe"},
                         "logistics": {"deliveryTime": "3-5 jours",
                                       "shippingDestination": {"address": dict(address),
                                                               "contactDetails": dict(contact)}},
                         "cost": {"price": _amount(SHIPPING), "taxDetails": {"taxRate": "0.2"}}},
        "lineItems": items,
        "appliedDiscounts": ([{"discountType": "GLOBAL", "coupon": {"code": "BIENVENUE", "amount":
                                                                     _amount(order_discount)}}]
                             if order_discount else []),
        "priceSummary": {"subtotal": _amount(subtotal), "shipping": _amount(SHIPPING),
                         "tax": _amount(total - total / 1.2), "discount": _amount(order_discount),
                         "total": _amount(total)},
        "archived": False,
    }
    state["next_number"] += 1
    state["orders"][order_id] = order
    state["fulfillments"][order_id] = []
    payments = []
    if payment_status in ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"):
        payments.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "createdDate": iso(when),
                         "amount": _amount(total), "refundDisabled": False,
                         "regularPaymentDetails": {"status": "APPROVED", "paymentMethod": "CreditCard",
                                                   "gatewayTransactionId": f"gw-{order['number']}"}})
    state["transactions"][order_id] = {"orderId": order_id, "payments": payments, "refunds": []}
    return order


def generate_orders(count, seed=0, start=None, state=None):
    """Seeded orders, one every ~40 minutes from ``start``; every 5th is B2B, every 7th INITIALIZED."""
    rng = random.Random(seed)
    state = state if state is not None else new_state()
    start = start or datetime.now(UTC) - timedelta(hours=count + 1)
    orders = []
    for index in range(count):
        when = start + timedelta(minutes=40 * index, seconds=rng.randint(0, 900), milliseconds=rng.randint(0, 999))
        status = "INITIALIZED" if index % 7 == 6 else "APPROVED"
        orders.append(add_order(state, rng, when, b2b=index % 5 == 4, status=status))
    return orders


def touch(order, when=None):
    order["updatedDate"] = iso(when or datetime.now(UTC))


# -- search --------------------------------------------------------------------------------
_OPS = {"$eq": lambda a, b: a == b, "$ne": lambda a, b: a != b, "$gt": lambda a, b: a > b,
        "$gte": lambda a, b: a >= b, "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b}
_FILTERABLE = {"updatedDate", "createdDate", "number", "status", "paymentStatus", "fulfillmentStatus", "archived"}


def _value(order, name):
    value = order.get(name)
    if name in ("updatedDate", "createdDate"):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if name == "number":
        return int(value)
    return value


def _coerce(name, value):
    if name in ("updatedDate", "createdDate"):
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if name == "number":
        return int(value)
    return value


def _matches(order, flt):
    for name, cond in (flt or {}).items():
        if name not in _FILTERABLE:
            raise ValueError(f"filter on {name} is not supported")
        conditions = cond.items() if isinstance(cond, dict) else [("$eq", cond)]
        for op, operand in conditions:
            if op not in _OPS:
                raise ValueError(f"unsupported operator {op}")
            if not _OPS[op](_value(order, name), _coerce(name, operand)):
                return False
    return True


def _encode_cursor(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def _decode_cursor(cursor):
    return json.loads(base64.urlsafe_b64decode(cursor.encode()))


def register(app, state=None):
    """Mount the eCommerce API on ``app``; state in ``app.state["wix"]``."""
    state = app.state.setdefault(NAME, state or new_state())
    _register_orders(app, state)
    _register_fulfillments(app, state)
    _register_payments(app, state)
    return state


def guard(app, state, request):
    """Authentication, then the per-site rate limit."""
    if request.headers.get("wix-account-id") and request.headers.get("wix-site-id"):
        return wix_error(400, "Send either wix-site-id or wix-account-id, not both", "INVALID_HEADERS")
    if request.headers.get("authorization") != state["api_key"]:
        return wix_error(401, "UNAUTHENTICATED: invalid API key", "UNAUTHENTICATED")
    if request.headers.get("wix-site-id") != state["site_id"]:
        return wix_error(403, "PERMISSION_DENIED: the API key has no access to this site", "PERMISSION_DENIED")
    now = time.monotonic()
    with app.lock:
        calls = state["calls"]
        while calls and calls[0] <= now - 60:
            calls.popleft()
        if len(calls) >= state["rate_limit"]:
            return wix_error(429, "Too Many Requests: rate limit exceeded for this app instance",
                             "RATE_LIMIT_EXCEEDED")
        calls.append(now)
    return None


def _register_orders(app, state):
    """Order search (cursor paging) and order details."""

    @app.route("POST", r"/ecom/v1/orders/search")
    def search(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        try:
            search_ = (request.json() or {}).get("search") or {}
        except ValueError:
            return wix_error(400, "Malformed JSON body", field="search")
        paging = search_.get("cursorPaging") or {}
        limit = int(paging.get("limit") or MAX_LIMIT)
        if limit > MAX_LIMIT or limit < 1:
            return wix_error(400, f"cursorPaging.limit must be between 1 and {MAX_LIMIT}", field="cursorPaging.limit")
        if paging.get("cursor"):
            if search_.get("filter") or search_.get("sort"):
                return wix_error(400, "filter and sort cannot be sent with a cursor", field="search.filter")
            try:
                query = _decode_cursor(paging["cursor"])
            except ValueError:
                return wix_error(400, "Invalid cursor", field="cursorPaging.cursor")
        else:
            query = {"filter": search_.get("filter") or {},
                     "sort": search_.get("sort") or [{"fieldName": "createdDate", "order": "DESC"}], "after": None}
        sort = query["sort"][0]
        field, descending = sort.get("fieldName"), sort.get("order", "ASC") == "DESC"
        if field not in ("updatedDate", "createdDate", "number"):
            return wix_error(400, f"sorting on {field} is not supported", field="search.sort")
        try:
            with app.lock:
                rows = [o for o in state["orders"].values()
                        if o["status"] != "INITIALIZED" and _matches(o, query["filter"])]
        except ValueError as exc:
            return wix_error(400, str(exc), field="search.filter")

        def key(order):
            return (_value(order, field), order["id"])

        rows.sort(key=key, reverse=descending)
        if query.get("after"):
            after = (_coerce(field, query["after"][0]), query["after"][1])
            rows = [r for r in rows if (key(r) < after if descending else key(r) > after)]
        page, has_next = rows[:limit], len(rows) > limit
        next_cursor = None
        if has_next:
            last = page[-1]
            next_cursor = _encode_cursor({"filter": query["filter"], "sort": query["sort"],
                                          "after": [str(last[field]), last["id"]]})
        return Response(200, {"orders": [json.loads(json.dumps(o)) for o in page],
                              "pagingMetadata": {"count": len(page), "cursors": {"next": next_cursor},
                                                 "hasNext": has_next}})

    @app.route("GET", r"/ecom/v1/orders/(?P<oid>[\w-]+)")
    def get_order(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        order = state["orders"].get(request.params["oid"])
        if order is None:
            return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
        return Response(200, {"order": order})


def fulfilled_quantities(state, order_id):
    done = {}
    for fulfillment in state["fulfillments"].get(order_id, []):
        for item in fulfillment["lineItems"]:
            done[item["id"]] = done.get(item["id"], 0) + item["quantity"]
    return done


def _register_fulfillments(app, state):
    """Fulfillments (shipments with tracking) of an order."""

    @app.route("POST", r"/ecom/v1/fulfillments/orders/(?P<oid>[\w-]+)/create-fulfillment")
    def create_fulfillment(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        order_id = request.params["oid"]
        with app.lock:
            order = state["orders"].get(order_id)
            if order is None:
                return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
            fulfillment = (request.json() or {}).get("fulfillment") or {}
            items = fulfillment.get("lineItems") or []
            tracking = fulfillment.get("trackingInfo") or {}
            if not items:
                return wix_error(400, "fulfillment.lineItems is required", field="fulfillment.lineItems")
            if not tracking.get("trackingNumber") or not tracking.get("shippingProvider"):
                return wix_error(400, "trackingInfo.trackingNumber and shippingProvider are required",
                                 field="fulfillment.trackingInfo")
            lines = {item["id"]: item for item in order["lineItems"]}
            done = fulfilled_quantities(state, order_id)
            normalized = []
            for item in items:
                line = lines.get(item.get("id"))
                if line is None:
                    return wix_error(400, f"Line item {item.get('id')} is not in the order", "LINE_ITEM_NOT_FOUND")
                quantity = int(item.get("quantity") or line["quantity"] - done.get(line["id"], 0))
                if quantity < 1 or done.get(line["id"], 0) + quantity > line["quantity"]:
                    return wix_error(400, f"Line item {line['id']}: quantity {quantity} exceeds what is left to "
                                          "fulfill", "QUANTITY_EXCEEDED")
                normalized.append({"id": line["id"], "quantity": quantity})
                done[line["id"]] = done.get(line["id"], 0) + quantity
            record = {"id": str(uuid.uuid4()), "createdDate": iso(datetime.now(UTC)),
                      "lineItems": normalized, "trackingInfo": dict(tracking)}
            state["fulfillments"][order_id].append(record)
            complete = all(done.get(i["id"], 0) >= i["quantity"] for i in order["lineItems"])
            order["fulfillmentStatus"] = "FULFILLED" if complete else "PARTIALLY_FULFILLED"
            touch(order)
            fulfillments = list(state["fulfillments"][order_id])
        return Response(200, {"orderWithFulfillments": {"orderId": order_id, "fulfillments": fulfillments}})

    @app.route("GET", r"/ecom/v1/fulfillments/orders/(?P<oid>[\w-]+)")
    def list_fulfillments(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        order_id = request.params["oid"]
        if order_id not in state["orders"]:
            return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
        return Response(200, {"orderWithFulfillments": {"orderId": order_id,
                                                        "fulfillments": state["fulfillments"][order_id]}})


def _register_payments(app, state):
    """Payments of an order and their refunds."""

    @app.route("GET", r"/ecom/v1/payments/orders/(?P<oid>[\w-]+)")
    def list_transactions(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        transactions = state["transactions"].get(request.params["oid"])
        if transactions is None:
            return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
        return Response(200, {"orderTransactions": transactions})

    @app.route("POST", r"/ecom/v1/order-billing/refund-payments")
    def refund_payments(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        body = request.json() or {}
        order_id = body.get("orderId")
        with app.lock:
            order = state["orders"].get(order_id)
            if order is None:
                return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
            transactions = state["transactions"][order_id]
            payments = {p["id"]: p for p in transactions["payments"]}
            refunds = body.get("paymentRefunds") or []
            if not refunds:
                return wix_error(400, "paymentRefunds is required", field="paymentRefunds")
            refunded = refunded_by_payment(transactions)
            ordered = {item["id"]: item["quantity"] for item in order["lineItems"]}
            done_items = {}
            for past in transactions["refunds"]:
                for item in (past.get("details") or {}).get("items") or []:
                    done_items[item["lineItemId"]] = done_items.get(item["lineItemId"], 0) + item["quantity"]
            for item in (body.get("details") or {}).get("items") or []:
                line_id, quantity = item.get("lineItemId"), int(item.get("quantity") or 0)
                if line_id not in ordered:
                    return wix_error(400, f"Line item {line_id} is not in the order", "LINE_ITEM_NOT_FOUND")
                if quantity < 1 or done_items.get(line_id, 0) + quantity > ordered[line_id]:
                    return wix_error(400, f"Line item {line_id}: {quantity} more refunded than ordered",
                                     "INVALID_REFUND_QUANTITY")
            lines = []
            for item in refunds:
                payment = payments.get(item.get("paymentId"))
                if payment is None:
                    return wix_error(400, f"Payment {item.get('paymentId')} is not a payment of the order",
                                     "PAYMENT_NOT_FOUND")
                amount = _num(item.get("amount"))
                left = round(_num(payment["amount"]) - refunded.get(payment["id"], 0.0), 2)
                if amount <= 0 or amount > left + 0.001:
                    return wix_error(400, f"Refund amount {amount:.2f} is not available on payment "
                                          f"{payment['id']} ({left:.2f} left)", "INVALID_REFUND_AMOUNT")
                refunded[payment["id"]] = refunded.get(payment["id"], 0.0) + amount
                lines.append({"paymentId": payment["id"], "amount": _amount(amount),
                              "refundStatus": "SUCCEEDED", "externalRefund": bool(item.get("externalRefund"))})
            transactions["refunds"].append({"id": str(uuid.uuid4()), "createdDate": iso(datetime.now(UTC)),
                                            "transactions": lines, "details": body.get("details") or {}})
            paid = sum(_num(p["amount"]) for p in transactions["payments"])
            total_refunded = sum(refunded.values())
            order["paymentStatus"] = "FULLY_REFUNDED" if total_refunded >= paid - 0.001 else "PARTIALLY_REFUNDED"
            touch(order)
        return Response(200, {"orderTransactions": transactions})


def refunded_by_payment(transactions):
    """{payment id: amount refunded} of successful refunds."""
    done = {}
    for refund in transactions["refunds"]:
        for line in refund["transactions"]:
            if line.get("refundStatus") != "FAILED":
                done[line["paymentId"]] = done.get(line["paymentId"], 0.0) + _num(line["amount"])
    return done


def seed_demo(app, count, seed=1):
    """Add ``count`` recent orders to the registered site (demo and benchmark)."""
    state = app.state[NAME]
    with app.lock:
        rng = random.Random(seed)
        now = datetime.now(UTC)
        return [add_order(state, rng, now - timedelta(minutes=40 * (count - index)), b2b=index % 5 == 4)
                for index in range(count)]

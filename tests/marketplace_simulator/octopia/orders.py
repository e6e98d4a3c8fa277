"""Octopia simulator: the order endpoints (listing, count, get, approval, shipments)."""
import bisect
import re
from urllib.parse import quote

from ..server import Response, problem
from .api import _json_body, _validation, guarded_api, order_or_404
from .constants import API_PREFIX, MAX_PAGE_SIZE, ORDER_STATUSES, SHIPPABLE_LINE_STATUSES
from .generator import parse_iso


def register_orders(app, state):  # noqa: C901 - one closure per documented endpoint
    """Order listing and count, one order, approval and shipments."""
    api = guarded_api(app, state)

    def _filtered(request):
        query = request.query
        bounds = {}
        for name in ("updatedAtMin", "updatedAtMax", "createdAtMin", "createdAtMax"):
            if query.get(name):
                try:
                    bounds[name] = parse_iso(query[name])
                except ValueError:
                    return None, _validation("One or more validation errors occurred.",
                                             {name: [f"'{query[name]}' is not a valid ISO-8601 date."]})
        status = query.get("status")
        if status and status not in ORDER_STATUSES:
            return None, _validation("One or more validation errors occurred.",
                                     {"status": [f"'{status}' is not a valid order status."]})
        entries = state.sorted_orders()
        low, high = 0, len(entries)
        if "updatedAtMin" in bounds:
            low = bisect.bisect_left(entries, (bounds["updatedAtMin"],))
        if "updatedAtMax" in bounds:
            high = bisect.bisect_right(entries, (bounds["updatedAtMax"], "\uffff"))
        result = []
        for _updated, _order_id, order in entries[low:high]:
            if status and order["status"] != status:
                continue
            if query.get("reference") and order["reference"] != query["reference"]:
                continue
            if "createdAtMin" in bounds or "createdAtMax" in bounds:
                created = parse_iso(order["createdAt"])
                if created < bounds.get("createdAtMin", created) or created > bounds.get("createdAtMax", created):
                    continue
            result.append(order)
        sort = query.get("sort", "updatedAt")
        if sort.split(":")[-1] == "createdAt":
            result.sort(key=lambda o: (o["createdAt"], o["orderId"]))
        if query.get("desc", "").lower() == "true" or sort.startswith("desc:"):
            result.reverse()
        return result, None

    @api("GET", "/orders")
    def list_orders(request):
        try:
            page_index = int(request.query.get("pageIndex", 1))
            page_size = int(request.query.get("pageSize", 50))
        except ValueError:
            return _validation("One or more validation errors occurred.",
                               {"pageIndex": ["pageIndex and pageSize must be integers."]})
        errors = {}
        if page_index < 1:
            errors["pageIndex"] = ["pageIndex must be greater than or equal to 1."]
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            errors["pageSize"] = [f"pageSize must be between 1 and {MAX_PAGE_SIZE}."]
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        for hook in list(state.before_list_hooks):
            hook(page_index)
        orders, error = _filtered(request)
        if error:
            return error
        for hook in list(state.list_view_hooks):
            orders = hook(page_index, page_size, list(orders))
        page = orders[(page_index - 1) * page_size: page_index * page_size]
        headers = {}
        if len(page) == page_size:
            query = dict(request.query, pageIndex=page_index + 1)
            link = API_PREFIX + "/orders?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
            headers["Link"] = f'<{link}>; rel="next"'
        with state.lock:
            items = [state.public_order(o) for o in page]
        return Response(200, {"itemsPerPage": page_size, "items": items}, headers=headers)

    @api("GET", "/orders/count")
    def count_orders(request):
        orders, error = _filtered(request)
        return error or Response(200, len(orders))

    @api("GET", r"/orders/(?P<order_id>[^/]+)")
    def get_order(request):
        with state.lock:
            order, error = order_or_404(state, request.params["order_id"])
            return error or Response(200, state.public_order(order))

    @api("POST", r"/orders/(?P<order_id>[^/]+)/approval-status")
    def approval(request):
        body, error = _json_body(request)
        if error:
            return error
        value = body.get("approval_status") if isinstance(body, dict) else None
        if value not in ("Accepted", "Refused"):
            return _validation("One or more validation errors occurred.",
                               {"approval_status": ["approval_status must be 'Accepted' or 'Refused'."]})
        with state.lock:
            order, error = order_or_404(state, request.params["order_id"])
            if error:
                return error
            if order["status"] != "WaitingAcceptance":
                return problem(400, "Bad Request",
                               f"Cannot set approval status {value}: order {order['orderId']} is "
                               f"{order['status']}, only WaitingAcceptance orders can be approved or refused.")
            new_status = state.accept_status if value == "Accepted" else "Refused"
            state.set_status(order["orderId"], new_status)
            state.approvals.append((order["orderId"], value))
        return Response(204)

    @api("POST", r"/orders/(?P<order_id>[^/]+)/shipments")
    def shipments(request):
        body, error = _json_body(request)
        if error:
            return error
        if not isinstance(body, list) or not body:
            return _validation("The body must be a non-empty JSON array of parcels.",
                               {"parcels": ["At least one parcel is required."]})
        if len(body) > 1:
            return problem(400, "Bad Request", "Cdiscount only enables one parcel per complete order.")
        parcel = body[0] if isinstance(body[0], dict) else {}
        errors = {}
        number = parcel.get("parcelNumber")
        carrier = parcel.get("carrierName")
        url = parcel.get("trackingUrl") or ""
        if not number:
            errors["parcelNumber"] = ["'Parcel Number' must not be empty."]
        elif len(number) > 50 or re.search(r"[\s&*$]", number):
            errors["parcelNumber"] = ["'Parcel Number' must be at most 50 characters without spaces, &, * or $."]
        if not carrier:
            errors["carrierName"] = ["'Carrier Name' must not be empty."]
        elif carrier not in {c["label"] for c in state.carriers}:
            errors["carrierName"] = [f"Carrier '{carrier}' is not supported. Use a label from GET /carriers."]
        if url and (not re.match(r"^https?://", url) or len(url) > 255):
            errors["trackingUrl"] = ["'Tracking Url' must be an http(s) URL of at most 255 characters."]
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        with state.lock:
            order, error = order_or_404(state, request.params["order_id"])
            if error:
                return error
            if order["status"] != "InPreparation":
                return problem(400, "Bad Request",
                               f"Cannot switch to shipped status: order {order['orderId']} is {order['status']}.")
            seller_lines = {order_line["orderLineId"]: order_line for order_line in order["lines"]
                            if order_line["offer"].get("supplyMode", "Seller") == "Seller"
                            and order_line["status"] in SHIPPABLE_LINE_STATUSES}
            line_ids = parcel.get("orderLineIds") or list(seller_lines)
            unknown = [i for i in line_ids if i not in seller_lines]
            if unknown:
                return _validation("One or more validation errors occurred.",
                                   {"orderLineIds": [f"Line {i} cannot be shipped by the seller "
                                                     "(unknown, not InPreparation or not supplyMode Seller)."
                                                     for i in unknown]})
            if set(line_ids) != set(seller_lines):
                return problem(400, "Bad Request",
                               "Cdiscount only enables one parcel per complete order: "
                               f"the parcel must hold lines {sorted(seller_lines)}.")
            for line_id in line_ids:
                line = seller_lines[line_id]
                line["status"] = "Shipped"
                line["parcels"] = [{"parcelNumber": number, "carrierName": carrier, "trackingUrl": url}]
            if all(order_line["status"] in ("Shipped", "Cancelled") or order_line["offer"].get("supplyMode") != "Seller"
                   for order_line in order["lines"]):
                order["status"] = "Shipped"
            state.touch(order)
            state.shipments.append((order["orderId"], dict(parcel)))
        return Response(201)

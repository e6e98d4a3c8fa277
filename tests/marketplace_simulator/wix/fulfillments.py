"""Wix simulator: fulfillments of an order."""
import uuid
from datetime import UTC, datetime

from ..server import Response
from .api import guard, wix_error
from .generator import iso, touch

#: tracking links Wix fills in for the carriers it knows, as in the published Order Fulfillments examples
#: (tests/fixtures/wix/fulfillments_list.response.json and the Bulk Create Fulfillments example)
TRACKING_LINKS = {"fedex": "https://www.fedex.com/apps/fedextrack/?action=track&trackingnumber={}",
                  "ups": "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={}",
                  "usps": "https://tools.usps.com/go/TrackConfirmAction.action?tLabels={}",
                  "dhl": "https://www.logistics.dhl/global-en/home/tracking.html?tracking-id={}"}


def _tracking(tracking):
    """The tracking info as stored: a known carrier's link filled in unless one was given."""
    tracking = dict(tracking)
    template = TRACKING_LINKS.get(tracking["shippingProvider"])
    if template and not tracking.get("trackingLink"):
        tracking["trackingLink"] = template.format(tracking["trackingNumber"])
    return tracking


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
                      "lineItems": normalized, "trackingInfo": _tracking(tracking)}
            state["fulfillments"][order_id].append(record)
            complete = all(done.get(i["id"], 0) >= i["quantity"] for i in order["lineItems"])
            order["fulfillmentStatus"] = "FULFILLED" if complete else "PARTIALLY_FULFILLED"
            touch(order)
            fulfillments = list(state["fulfillments"][order_id])
        return Response(200, {"orderWithFulfillments": {"orderId": order_id, "fulfillments": fulfillments},
                              "fulfillmentId": record["id"]})

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

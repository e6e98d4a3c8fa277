"""Shopify simulator: fulfillment orders and fulfillments."""
import functools
from datetime import UTC, datetime

from ..server import Response
from .api import _api, _body, _error, _new_id, _state, _touch
from .generator import _fmt


def _fulfillment_orders(app, order):
    fos = _state(app)["fulfillment_orders"].get(order["id"])
    if fos is None:
        fo_id = order["id"] * 10 + 1
        items = [{"id": line["id"] * 10 + 1, "shop_id": 548380009, "fulfillment_order_id": fo_id,
                  "line_item_id": line["id"], "inventory_item_id": 50000 + line["variant_id"],
                  "quantity": line["quantity"], "fulfillable_quantity": line["fulfillable_quantity"],
                  "variant_id": line["variant_id"]}
                 for line in order["line_items"] if line["requires_shipping"]]
        closed = bool(order["cancelled_at"]) or all(i["fulfillable_quantity"] == 0 for i in items)
        fos = [{"id": fo_id, "shop_id": 548380009, "order_id": order["id"], "assigned_location_id": 24826418,
                "request_status": "unsubmitted", "status": "closed" if closed else "open",
                "supported_actions": [] if closed else ["create_fulfillment", "hold", "move"],
                "destination": order.get("shipping_address"), "line_items": items,
                "fulfill_at": None, "international_duties": None, "fulfillment_holds": [],
                "delivery_method": {"method_type": "shipping"}}]
        _state(app)["fulfillment_orders"][order["id"]] = fos
    return fos




def _register_fulfillments(app):
    api = functools.partial(_api, app)

    @api("POST", r"/fulfillments\.json")
    def create_fulfillment(request):
        body = _body(request)
        fulfillment = (body or {}).get("fulfillment") if isinstance(body, dict) else None
        if not isinstance(fulfillment, dict) or not fulfillment.get("line_items_by_fulfillment_order"):
            return _error(400, {"fulfillment": ["Required parameter missing or invalid"]})
        return fulfil(app, fulfillment)


def fulfil(app, fulfillment):
    """Create a fulfillment (REST body shape); the 201 Response, or an error Response."""
    all_fos = {fo["id"]: (order_id, fo) for order_id, fos in _state(app)["fulfillment_orders"].items()
               for fo in fos}
    moves, order_id = [], None
    for group in fulfillment["line_items_by_fulfillment_order"]:
        found = all_fos.get(group.get("fulfillment_order_id"))
        if not found:
            return _error(404, "Not Found")
        order_id, fo = found
        if fo["status"] not in ("open", "in_progress"):
            return _error(422, [f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status']}."])
        wanted = group.get("fulfillment_order_line_items") or [
            {"id": i["id"], "quantity": i["fulfillable_quantity"]} for i in fo["line_items"]]
        items = {i["id"]: i for i in fo["line_items"]}
        for want in wanted:
            item = items.get(want.get("id"))
            if not item or not 0 < int(want.get("quantity") or 0) <= item["fulfillable_quantity"]:
                return _error(422, [
                    f"Invalid fulfillment order line item quantity requested for {want.get('id')}."])
            moves.append((fo, item, int(want["quantity"])))
    order = _state(app)["orders"][order_id]
    lines = {line["id"]: line for line in order["line_items"]}
    for fo, item, quantity in moves:
        item["fulfillable_quantity"] -= quantity
        lines[item["line_item_id"]]["fulfillable_quantity"] -= quantity
        if all(i["fulfillable_quantity"] == 0 for i in fo["line_items"]):
            fo["status"], fo["supported_actions"] = "closed", []
        else:
            fo["status"] = "in_progress"
    tracking = fulfillment.get("tracking_info") or {}
    record = {
        "id": _new_id(app), "order_id": order_id, "status": "success", "created_at": _fmt(datetime.now(UTC)),
        "service": "manual", "location_id": 24826418, "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
        "tracking_company": tracking.get("company"), "tracking_number": tracking.get("number"),
        "tracking_numbers": [tracking["number"]] if tracking.get("number") else [],
        "tracking_url": tracking.get("url"), "tracking_urls": [tracking["url"]] if tracking.get("url") else [],
        "notify_customer": bool(fulfillment.get("notify_customer")),
        "line_items": [dict(lines[item["line_item_id"]], quantity=q) for _fo, item, q in moves],
    }
    _state(app)["fulfillments"].append(record)
    order["fulfillments"].append(record)
    shippable = [line for line in order["line_items"] if line["requires_shipping"]]
    done = all(line["fulfillable_quantity"] == 0 for line in shippable)
    order["fulfillment_status"] = "fulfilled" if done else "partial"
    _touch(order)
    return Response(201, {"fulfillment": record})

"""WooCommerce simulator: the Shipment Tracking extension and WordPress's unknown-route answer."""
import functools
from datetime import UTC, datetime

from ..server import Response
from .api import _api, _body_of, _get, _invalid_id, _new_id, _state, touch, wp_error
from .constants import PROVIDERS, TRACKING_PREFIX


def _register_tracking(app):
    """The Shipment Tracking extension's routes."""
    api = functools.partial(_api, app)

    @api("GET", r"/shipment-trackings/providers", prefix=TRACKING_PREFIX)
    def providers(request):
        return Response(200, PROVIDERS)

    @api("POST", r"/orders/(?P<id>\d+)/shipment-trackings", prefix=TRACKING_PREFIX)
    def add_tracking(request):
        order = _get(app, request.params["id"])
        if not order:
            return _invalid_id()
        body = _body_of(request) or {}
        if not body.get("tracking_number"):
            return wp_error(400, "rest_missing_callback_param", "Missing parameter(s): tracking_number",
                            params=["tracking_number"])
        known = {name for country in PROVIDERS.values() for name in country}
        provider = body.get("tracking_provider")
        if provider and provider not in known:
            return wp_error(400, "woocommerce_shipment_tracking_invalid_provider", "Invalid tracking provider.")
        if not provider and not body.get("custom_tracking_provider"):
            return wp_error(400, "rest_missing_callback_param", "Missing parameter(s): tracking_provider")
        link = body.get("custom_tracking_link") or ""
        if provider:
            link = next(c[provider] for c in PROVIDERS.values() if provider in c).replace(
                "%1$s", body["tracking_number"])
        item = {"tracking_id": f"{_new_id(app):x}", "tracking_provider": provider or "",
                "custom_tracking_provider": body.get("custom_tracking_provider", ""),
                "custom_tracking_link": body.get("custom_tracking_link", ""), "tracking_link": link,
                "tracking_number": body["tracking_number"],
                "date_shipped": body.get("date_shipped") or datetime.now(UTC).date().isoformat()}
        _state(app)["trackings"].setdefault(order["id"], []).append(item)
        meta = next((m for m in order["meta_data"] if m["key"] == "_wc_shipment_tracking_items"), None)
        if not meta:
            meta = {"id": _new_id(app), "key": "_wc_shipment_tracking_items", "value": []}
            order["meta_data"].append(meta)
        meta["value"].append(dict(item, date_shipped=int(datetime.now(UTC).timestamp())))
        touch(order)
        return Response(201, item)


def _register_fallback(app):
    """WordPress's answer to any other REST path."""
    for method in ("GET", "POST", "PUT", "DELETE"):
        @app.route(method, r"/wp-json/.*")
        def no_route(request):
            return wp_error(404, "rest_no_route", "No route was found matching the URL and request method.")

"""WooCommerce REST API v3 transport: calls, order listing by modification windows, shipments
(Shipment Tracking extension or a note) and refunds."""
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceTransport,
    RemoteError,
    UserInputError,
    register_transport,
)
from marketplace_transport.http import decode_json_body
from marketplace_transport.normalized import parse_datetime, to_amount
from marketplace_transport.webhook import sign_hmac_sha256_base64, verify_hmac_sha256_base64

from .normalize import WooCommerceNormalizer, _amount
from .stock import WooCommerceStock

_logger = logging.getLogger(__name__)

API_PREFIX = "/wp-json/wc/v3"
TRACKING_PREFIX = "/wp-json/wc-shipment-tracking/v3"
MAX_PAGE_SIZE = 100
TRACKING_META_KEY = "_wc_shipment_tracking_items"
REFUND_KEY_META = "_odoo_refund_key"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


#: base64 HMAC-SHA256 of the raw body, as WooCommerce sends in ``X-WC-Webhook-Signature``
sign_webhook = sign_hmac_sha256_base64
verify_webhook = verify_hmac_sha256_base64


def webhook_order_id(topic, payload):
    """Order id of an ``order.*`` webhook (the body is the order)."""
    if not isinstance(payload, dict) or not (topic or "").startswith("order."):
        return ""
    return str(payload.get("id") or "")


@register_transport("woocommerce")
class WooCommerceTransport(WooCommerceStock, WooCommerceNormalizer, MarketplaceTransport):
    """WooCommerce REST API v3 with a consumer key (``credentials.login``) and secret (``credentials.secret``)."""

    refund_modes = ("full", "partial")
    refund_limits = ""
    max_page_size = MAX_PAGE_SIZE

    def __init__(self, config, recorder=None, **kwargs):
        super().__init__(config, recorder=recorder, **kwargs)
        self._providers = None

    # -- plumbing -------------------------------------------------------------------
    def _auth(self):
        """requests ``auth``/``params`` for the consumer key and secret."""
        key, secret = self.config.credentials.get("login"), self.config.credentials.get("secret")
        if not key or not secret:
            raise AuthenticationError("WooCommerce: set the consumer key (ck_...) and secret (cs_...) on the channel.",
                                      code="credentials_missing", params={"marketplace": "WooCommerce"})
        parts = urlsplit(self.config.base_url)
        if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
            raise UserInputError("WooCommerce: the store URL must use https:// (keys are only sent over HTTPS).",
                                 code="https_required", params={"marketplace": "WooCommerce"})
        if self.option("auth_in_query"):  # documented fallback when the server strips Authorization
            return {"params": {"consumer_key": key, "consumer_secret": secret}}
        return {"auth": (key, secret)}

    def _call(self, method, path, *, operation, params=None, **kwargs):
        auth = self._auth()
        params = dict(params or {}, **auth.pop("params", {}))
        return self.http.request(method, path, operation=operation, params=params or None,
                                 headers={"Accept": "application/json"}, **auth, **kwargs)

    def _json(self, method, path, *, operation, expect=dict, **kwargs):
        return decode_json_body(self._call(method, path, operation=operation, **kwargs), operation, "WooCommerce",
                                expect=expect)

    # -- connection -----------------------------------------------------------------
    def check_connection(self):
        """System status (keys, version, currency) and one order listing (read access to orders)."""
        status = self._json("GET", f"{API_PREFIX}/system_status", operation="check connection")
        environment, settings = status.get("environment") or {}, status.get("settings") or {}
        checks = [f"Keys accepted by {environment.get('home_url', '?')} "
                  f"(WooCommerce {environment.get('version', '?')}, currency {settings.get('currency', '?')})"]
        response = self._call("GET", f"{API_PREFIX}/orders", operation="check orders access",
                              params={"per_page": 1, "page": 1})
        checks.append(f"Orders can be read ({response.headers.get('X-WP-Total', '?')} in the store)")
        plugins = " ".join(p.get("plugin", "") for p in status.get("active_plugins") or [] if isinstance(p, dict))
        checks.append("Shipment Tracking extension active" if "shipment-tracking" in plugins
                      else "Shipment Tracking extension not found: tracking numbers go in an order note")
        return checks

    # -- orders ---------------------------------------------------------------------
    def iter_order_pages(self, updated_from, updated_to=None):
        """Yield pages of orders modified in the window, oldest modification first."""
        end = updated_to or datetime.now(UTC) + timedelta(minutes=1)
        windows = [(_aware(updated_from), _aware(end))]
        seen = set()
        while windows:
            start, stop = windows.pop(0)
            orders = self._read_window(start, stop)
            if orders is None:  # too many orders: split the window and read the halves in order
                middle = start + (stop - start) / 2
                # modified_after/before are exclusive: the halves share one second
                windows[:0] = [(start, middle + timedelta(seconds=1)), (middle, stop)]
                continue
            fresh = [o for o in orders if o.get("id") not in seen]
            seen.update(o.get("id") for o in fresh)
            fresh.sort(key=_modified_key)
            for index in range(0, len(fresh), self.page_size):
                yield fresh[index:index + self.page_size]

    def _read_window(self, start, stop):
        """All orders modified in ]start, stop[, or None when there are more than ``max_window_orders``."""
        limit = int(self.option("max_window_orders", 5000))
        params = {"modified_after": _iso(start), "modified_before": _iso(stop), "dates_are_gmt": "true",
                  "orderby": "id", "order": "asc", "per_page": self.page_size, "status": "any"}
        orders, page, pages = [], 1, 1
        while page <= pages:
            response = self._call("GET", f"{API_PREFIX}/orders", operation="list orders",
                                  params=dict(params, page=page))
            total = int(response.headers.get("X-WP-Total") or 0)
            pages = int(response.headers.get("X-WP-TotalPages") or 1)
            if page == 1 and total > limit and stop - start > timedelta(minutes=2):
                return None
            batch = decode_json_body(response, "list orders", "WooCommerce", expect=list)
            orders.extend(batch)
            if len(batch) < self.page_size:
                break
            page += 1
        return orders

    def order_key(self, payload):
        return str(payload["id"]), payload.get("date_modified_gmt") or payload.get("date_modified")

    def get_order(self, external_id):
        """Raw payload of one order."""
        return self._json("GET", f"{API_PREFIX}/orders/{_order_id(external_id)}", operation="get order")

    # -- shipping -------------------------------------------------------------------
    def ship_order(self, shipment):
        """Add the tracking (Shipment Tracking extension, else a customer note) and set ``completed``."""
        shipment.check()
        order_id = _order_id(shipment.order_external_id)
        order = self.get_order(order_id)
        if order.get("status") in ("cancelled", "refunded", "trash", "failed"):
            raise UserInputError(f"WooCommerce order {order.get('number') or order_id} is {order.get('status')}: "
                                 "the shipment was not sent.")
        result = {"status": order.get("status"), "tracking": "already_sent"}
        meta = {}
        if not self._has_tracking(order, shipment.tracking_number):
            result["tracking"] = self._add_tracking(order_id, shipment)
            if result["tracking"] == "note":
                meta = {"_tracking_provider": shipment.carrier, "_tracking_number": shipment.tracking_number,
                        "_tracking_url": shipment.tracking_url or "",
                        "_date_shipped": str(int(datetime.now(UTC).timestamp()))}
        lines = {str(i.get("id")) for i in order.get("line_items") or []}
        complete = not shipment.line_external_ids or lines <= {str(i) for i in shipment.line_external_ids}
        body = {}
        if complete and order.get("status") != "completed":
            body["status"] = "completed"  # sends WooCommerce's "Completed order" e-mail
        if meta:
            body["meta_data"] = [{"key": k, "value": v} for k, v in meta.items()]
        if body:
            updated = self._json("PUT", f"{API_PREFIX}/orders/{order_id}", operation="complete order", json=body)
            result["status"] = updated.get("status")
        return result

    @staticmethod
    def _has_tracking(order, number):
        for meta in order.get("meta_data") or []:
            if meta.get("key") == TRACKING_META_KEY and isinstance(meta.get("value"), list):
                if any(isinstance(i, dict) and i.get("tracking_number") == number for i in meta["value"]):
                    return True
            if meta.get("key") == "_tracking_number" and meta.get("value") == number:
                return True
        return False

    def _add_tracking(self, order_id, shipment):
        """'extension' when the Shipment Tracking API took it, 'note' for the fallback."""
        if self.option("tracking_mode", "extension") == "extension":
            provider = self._provider_name(shipment.carrier)
            body = {"tracking_number": shipment.tracking_number,
                    "date_shipped": datetime.now(UTC).date().isoformat()}
            if provider and not shipment.tracking_url:
                body["tracking_provider"] = provider
            else:
                body.update(custom_tracking_provider=shipment.carrier,
                            custom_tracking_link=shipment.tracking_url or "")
            try:
                self._json("POST", f"{TRACKING_PREFIX}/orders/{order_id}/shipment-trackings",
                           operation="add shipment tracking", json=body, retry=False, error_hook=_no_route_hook)
                return "extension"
            except RemoteError as exc:
                if exc.details.get("code") != "rest_no_route":
                    raise
                _logger.info("WooCommerce: no Shipment Tracking extension, tracking goes in an order note")
        text = f"Shipped with {shipment.carrier}, tracking number {shipment.tracking_number}"
        if shipment.tracking_url:
            text += f": {shipment.tracking_url}"
        self._json("POST", f"{API_PREFIX}/orders/{order_id}/notes", operation="add tracking note",
                   json={"note": text, "customer_note": True}, retry=False)
        return "note"

    def _provider_name(self, carrier):
        """The extension's provider name matching ``carrier`` (case-insensitive), else ''."""
        wanted = (carrier or "").strip().lower()
        for code, _label in self.list_carriers():
            if code.lower() == wanted:
                return code
        return ""

    def list_carriers(self):
        """Providers of the Shipment Tracking extension ([] when it is not installed: free text)."""
        if self._providers is None:
            try:
                groups = self._json("GET", f"{TRACKING_PREFIX}/shipment-trackings/providers",
                                    operation="list tracking providers")
            except RemoteError:
                groups = {}
            names = sorted({name for group in groups.values() if isinstance(group, dict) for name in group})
            self._providers = [(name, name) for name in names]
        return self._providers

    # -- refunds --------------------------------------------------------------------
    def refund_order(self, refund):
        """Full or partial (lines, quantities, shipping) refund through ``orders/<id>/refunds``."""
        order_id = _order_id(refund.order_external_id)
        order = self.get_order(order_id)
        previous = self._json("GET", f"{API_PREFIX}/orders/{order_id}/refunds", operation="list refunds",
                              expect=list)
        for existing in previous:
            keys = {m.get("value") for m in existing.get("meta_data") or [] if m.get("key") == REFUND_KEY_META}
            if refund.idempotency_key and refund.idempotency_key in keys:
                return {"refund_id": existing.get("id"), "amount": to_amount(existing.get("amount"), "refund"),
                        "replayed": True}
        line_items, amount = self._refund_lines(order, previous, refund)
        remaining = round(_amount(order, "total") - sum(-_amount(r, "total") for r in order.get("refunds") or []), 2)
        if refund.is_full:
            amount = remaining  # everything left, fees and rounding included
        # partial: the order's own line totals (tax and discounts included), not the Odoo-side
        # estimate of RefundRequest.amount (which is on the prices' tax basis)
        amount = round(min(amount, remaining), 2)
        if amount <= 0:
            raise UserInputError(f"WooCommerce order {order.get('number') or order_id}: nothing left to refund.",
                                 code="nothing_to_refund", params={"order": order.get("number") or order_id})
        body = {"amount": f"{amount:.2f}", "reason": " - ".join(filter(None, [refund.reason, refund.note])),
                "api_refund": bool(self.option("api_refund", True)), "api_restock": bool(self.option("restock", False)),
                "line_items": line_items}
        if refund.idempotency_key:
            body["meta_data"] = [{"key": REFUND_KEY_META, "value": refund.idempotency_key}]
        created = self._json("POST", f"{API_PREFIX}/orders/{order_id}/refunds", operation="create refund", json=body,
                             retry=False, error_hook=_refund_error)
        return {"refund_id": created.get("id"), "amount": to_amount(created.get("amount"), "refund"),
                "refunded_payment": created.get("refunded_payment"), "replayed": False}

    def _refund_lines(self, order, previous, refund):
        """(line_items body, amount with tax) for the lines and shipping to refund."""
        done = {}
        for existing in previous:
            for item in existing.get("line_items") or []:
                qty, total = done.get(str(item.get("id")), (0, 0.0))
                done[str(item.get("id"))] = (qty - int(item.get("quantity") or 0),
                                             total - _amount(item, "total") - _amount(item, "total_tax"))
        lines = {str(i["id"]): i for i in order.get("line_items") or []}
        if refund.is_full:
            wanted = [(line_id, int(line["quantity"]) - done.get(line_id, (0, 0))[0])
                      for line_id, line in lines.items()]
        else:
            wanted = []
            for refund_line in refund.lines:
                line_id = str(refund_line.line_external_id)
                if line_id not in lines:
                    raise UserInputError(f"Refund: line {line_id} is not in WooCommerce order {order.get('number')}.")
                left = int(lines[line_id]["quantity"]) - done.get(line_id, (0, 0))[0]
                if int(refund_line.quantity) > left:
                    raise UserInputError(
                        f"Refund: only {left} of line {lines[line_id].get('sku') or line_id} can still be refunded.")
                wanted.append((line_id, int(refund_line.quantity)))
        items, amount = [], 0.0
        for line_id, quantity in wanted:
            if quantity <= 0:
                continue
            line = lines[line_id]
            share = quantity / int(line["quantity"])
            net = round(_amount(line, "total") * share, 2)
            taxes = [{"id": t.get("id"), "refund_total": f"{_amount(t, 'total') * share:.2f}"}
                     for t in line.get("taxes") or []]
            items.append({"id": int(line_id), "quantity": quantity, "refund_total": f"{net:.2f}", "refund_tax": taxes})
            amount += net + sum(float(t["refund_total"]) for t in taxes)
        if refund.is_full or refund.refund_shipping:
            for ship in order.get("shipping_lines") or []:
                left = _amount(ship, "total") + _amount(ship, "total_tax") - done.get(str(ship["id"]), (0, 0.0))[1]
                if left <= 0.001:
                    continue
                taxes = [{"id": t.get("id"), "refund_total": t.get("total")} for t in ship.get("taxes") or []]
                items.append({"id": ship["id"], "refund_total": ship.get("total"), "refund_tax": taxes})
                amount += left
        return items, round(amount, 2)


# -- helpers ---------------------------------------------------------------------------------


def _wp_code(response):
    """``code`` of a WordPress error body."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _no_route_hook(response, message):
    """A 404 ``rest_no_route``: the Shipment Tracking extension is not installed."""
    if response.status_code == 404 and _wp_code(response) == "rest_no_route":
        raise RemoteError(f"add shipment tracking: {message}", status=404, details={"code": "rest_no_route"})


def _refund_error(response, message):
    """WooCommerce answers a refused refund with HTTP 500: a business error, not an outage."""
    code = _wp_code(response)
    if code == "woocommerce_rest_cannot_create_order_refund":
        raise RemoteError(f"create refund: WooCommerce refused the refund: {message}", status=response.status_code,
                          details={"code": code})


def _aware(dt):
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _iso(dt):
    """GMT date without offset, as ``dates_are_gmt=true`` expects."""
    return _aware(dt).replace(tzinfo=None, microsecond=0).isoformat()


def _modified_key(payload):
    try:
        return parse_datetime(payload.get("date_modified_gmt") or payload.get("date_modified")), payload.get("id") or 0
    except InvalidOrderError:
        return datetime.min.replace(tzinfo=UTC), payload.get("id") or 0


def _order_id(external_id):
    value = str(external_id or "").strip()
    if not value.isdigit():
        raise UserInputError(f"{external_id!r} is not a WooCommerce order id", code="invalid_order_id",
                             params={"order": external_id})
    return value

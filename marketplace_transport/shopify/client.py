"""Shopify Admin API transport: GraphQL (default) or REST (legacy) calls, order listing,
fulfillments and refunds; tokens in :mod:`.auth`, GraphQL in :mod:`.graphql`."""
import time
from urllib.parse import parse_qsl, urlsplit

from marketplace_transport import (
    MarketplaceTransport,
    RemoteError,
    UserInputError,
    register_transport,
)
from marketplace_transport.http import decode_json_body
from marketplace_transport.normalized import to_amount
from marketplace_transport.webhook import sign_hmac_sha256_base64, verify_hmac_sha256_base64

from .auth import ShopifyAuthMixin
from .graphql import ShopifyGraphqlMixin, _iso
from .graphql_shape import gid_id, is_graphql_order, rest_order
from .normalize import ShopifyNormalizer
from .stock import ShopifyStock
from .versions import API_VERSION

GRAPHQL, REST = "graphql", "rest"
MAX_PAGE_SIZE = 250
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"


#: base64 HMAC-SHA256 of the raw body, as Shopify sends in ``X-Shopify-Hmac-Sha256``
sign_webhook = sign_hmac_sha256_base64
verify_webhook = verify_hmac_sha256_base64


def webhook_order_id(topic, payload):
    """Order id a webhook is about: ``orders/*`` carry the order, refunds/fulfillments its ``order_id``."""
    if not isinstance(payload, dict):
        return ""
    if (topic or "").startswith("orders/"):
        return str(payload.get("id") or "")
    return str(payload.get("order_id") or "")


@register_transport("shopify")
class ShopifyTransport(ShopifyStock, ShopifyNormalizer, ShopifyAuthMixin, ShopifyGraphqlMixin, MarketplaceTransport):
    """Shopify Admin API. Options: ``api`` (``graphql`` or ``rest``), ``auth_mode`` (``static``: the
    Admin API access token is ``credentials.secret``; ``client_credentials``: ``login``/``secret``
    are the app's client id and secret, the token is in ``config.token_store``). Stock sync: :class:`ShopifyStock`."""

    refund_modes = ("full", "partial")
    refund_limits = ""
    max_page_size = MAX_PAGE_SIZE

    def __init__(self, config, recorder=None, clock=time.time, **kwargs):
        super().__init__(config, recorder=recorder, **kwargs)
        self.clock = clock
        self.last_call_limit = None  # (used, size) of the last answer

    @property
    def uses_graphql(self):
        return self.option("api", GRAPHQL) != REST

    # -- plumbing -------------------------------------------------------------------
    @property
    def api_version(self):
        return self.option("api_version", API_VERSION)

    def _path(self, resource):
        return f"/admin/api/{self.api_version}/{resource}"

    def _call(self, method, resource, *, operation, **kwargs):
        """One REST call; waits when the call bucket is nearly full (429s are retried by HttpClient)."""
        response = self._authorized(lambda token: self.http.request(
            method, self._path(resource), operation=operation,
            headers={"X-Shopify-Access-Token": token, "Accept": "application/json"}, **kwargs))
        self._respect_call_limit(response)
        return response

    def _json(self, method, resource, *, operation, **kwargs):
        return decode_json_body(self._call(method, resource, operation=operation, **kwargs), operation, "Shopify")

    def _respect_call_limit(self, response):
        """Leaky bucket back-off: sleep until ``headroom`` calls are free again."""
        used, _sep, size = (response.headers.get(CALL_LIMIT_HEADER) or "").partition("/")
        try:
            used, size = int(used), int(size)
        except ValueError:
            return
        self.last_call_limit = (used, size)
        headroom = int(self.option("call_limit_headroom", 4))
        leak_rate = float(self.option("leak_rate", 2.0))  # calls per second (Standard plan)
        excess = used - (size - headroom)
        if excess > 0 and leak_rate > 0:
            self.sleep(min(excess / leak_rate, self.config.max_wait))

    # -- connection -----------------------------------------------------------------
    def check_connection(self):
        """Read the shop and one order: token, API version and ``read_orders`` scope."""
        checks = self._gql_check_connection() if self.uses_graphql else self._rest_check_connection()
        if self.auth_mode == "client_credentials":
            checks.insert(0, "Access token obtained with the app's client credentials")
        return checks

    def _rest_check_connection(self):
        shop = self._json("GET", "shop.json", operation="check connection").get("shop") or {}
        checks = [f"Access token accepted by shop {shop.get('name', '?')} ({shop.get('myshopify_domain', '?')}), "
                  f"currency {shop.get('currency', '?')}",
                  f"Admin API version {self.api_version} answered"]
        self._json("GET", "orders.json", operation="check orders access",
                   params={"status": "any", "limit": 1, "fields": "id"})
        checks.append("Orders can be read (read_orders scope)")
        if self.last_call_limit:
            checks.append(f"API call bucket: {self.last_call_limit[0]}/{self.last_call_limit[1]} used")
        return checks

    # -- orders ---------------------------------------------------------------------
    def iter_order_pages(self, updated_from, updated_to=None):
        """Yield pages of orders updated since ``updated_from``, oldest update first."""
        if self.uses_graphql:
            yield from self._gql_order_pages(updated_from, updated_to)
            return
        params = {"status": "any", "limit": self.page_size, "order": "updated_at asc",
                  "updated_at_min": _iso(updated_from)}
        if updated_to:
            params["updated_at_max"] = _iso(updated_to)
        while params:
            response = self._call("GET", "orders.json", operation="list orders", params=params)
            yield list(decode_json_body(response, "list orders", "Shopify").get("orders") or [])
            params = self._next_page_params(response)

    def _next_page_params(self, response):
        """``limit`` + ``page_info`` of the ``rel="next"`` link; only the cursor is taken from
        the link, the request goes to our own base URL (the token never follows a foreign URL)."""
        url = (response.links.get("next") or {}).get("url")
        if not url:
            return None
        query = dict(parse_qsl(urlsplit(url).query))
        if not query.get("page_info"):
            raise RemoteError("list orders: Shopify's next-page link has no page_info cursor")
        return {"limit": query.get("limit", self.page_size), "page_info": query["page_info"]}

    def order_key(self, payload):
        if is_graphql_order(payload):
            return str(gid_id(payload["id"])), payload.get("updatedAt")
        return str(payload["id"]), payload.get("updated_at")

    def get_order(self, external_id):
        """Raw payload of one order."""
        if self.uses_graphql:
            return self._gql_get_order(_order_id(external_id))
        return self._json("GET", f"orders/{_order_id(external_id)}.json", operation="get order")["order"]

    # -- shipping -------------------------------------------------------------------
    def ship_order(self, shipment):
        """Fulfil the open fulfillment orders (all lines, or ``line_external_ids``) with tracking."""
        shipment.check()
        order_id = _order_id(shipment.order_external_id)
        if self.uses_graphql:
            groups = self._gql_fulfillment_groups(order_id, {str(i) for i in shipment.line_external_ids})
            if not groups:
                return self._already_shipped(order_id, shipment)
            return self._gql_create_fulfillment(groups, shipment)
        fulfillment_orders = self._json(
            "GET", f"orders/{order_id}/fulfillment_orders.json", operation="get fulfillment orders",
        ).get("fulfillment_orders") or []
        wanted = {str(i) for i in shipment.line_external_ids}
        groups = []
        for fo in fulfillment_orders:
            if fo.get("status") not in ("open", "in_progress") \
                    or "create_fulfillment" not in (fo.get("supported_actions") or ["create_fulfillment"]):
                continue
            items = [{"id": i["id"], "quantity": i["fulfillable_quantity"]} for i in fo.get("line_items") or []
                     if i.get("fulfillable_quantity") and (not wanted or str(i.get("line_item_id")) in wanted)]
            if items:
                groups.append({"fulfillment_order_id": fo["id"], "fulfillment_order_line_items": items})
        if not groups:
            return self._already_shipped(order_id, shipment)
        body = {"fulfillment": {
            "line_items_by_fulfillment_order": groups,
            "tracking_info": {k: v for k, v in (("number", shipment.tracking_number), ("url", shipment.tracking_url),
                                                ("company", shipment.carrier)) if v},
            "notify_customer": bool(self.option("notify_customer", True)),
        }}
        # no automatic retry: after a timeout the next attempt re-reads the fulfillment orders
        fulfillment = self._json("POST", "fulfillments.json", operation="create fulfillment", json=body,
                                 retry=False).get("fulfillment") or {}
        return {"fulfillment_id": fulfillment.get("id"), "status": fulfillment.get("status"),
                "tracking_number": fulfillment.get("tracking_number")}

    def _already_shipped(self, order_id, shipment):
        """Nothing left to fulfil: fine when our tracking number is already there (a retry)."""
        order = self._rest_order(order_id)
        for fulfillment in order.get("fulfillments") or []:
            numbers = fulfillment.get("tracking_numbers") or [fulfillment.get("tracking_number")]
            if shipment.tracking_number in numbers:
                return {"fulfillment_id": fulfillment.get("id"), "status": "already_fulfilled",
                        "tracking_number": shipment.tracking_number}
        raise UserInputError(
            f"Shopify order {order.get('name') or order_id} has nothing left to fulfil "
            f"(fulfillment status {order.get('fulfillment_status') or 'unfulfilled'}, "
            f"cancelled: {'yes' if order.get('cancelled_at') else 'no'}); the tracking number was not sent.")

    # -- refunds --------------------------------------------------------------------
    def refund_order(self, refund):
        """Full or partial refund: ``refunds/calculate`` first, then ``refunds`` with its transactions."""
        order_id = _order_id(refund.order_external_id)
        order = self._rest_order(order_id)
        marker = f"[{refund.idempotency_key}]" if refund.idempotency_key else ""
        for existing in order.get("refunds") or []:
            if marker and marker in (existing.get("note") or ""):
                return self._refund_result(existing, replayed=True)
        items, shipping = self._refund_items(order, refund)
        if not items and not shipping:
            raise _nothing_to_refund(order.get("name") or order_id)
        note = " - ".join(filter(None, [refund.reason, refund.note, marker]))
        if self.uses_graphql:
            return self._gql_refund(order, items, shipping, note)
        request = {"currency": order.get("presentment_currency") or order.get("currency"),
                   "refund_line_items": items}
        if shipping:
            request["shipping"] = shipping
        suggestion = self._json("POST", f"orders/{order_id}/refunds/calculate.json",
                                operation="calculate refund", json={"refund": request}).get("refund") or {}
        transactions = self._refund_transactions(suggestion)
        if not transactions and not items:
            raise _nothing_to_refund(order.get("name") or order_id)
        body = {"refund": dict(request, notify=bool(self.option("notify_customer", True)), note=note,
                               transactions=transactions)}
        created = self._json("POST", f"orders/{order_id}/refunds.json", operation="create refund", json=body,
                             retry=False).get("refund") or {}
        return self._refund_result(created)

    def _gql_refund(self, order, items, shipping, note):
        suggestion = self._gql_suggested_refund(order["id"], items, shipping)
        if not items and not float(((suggestion.get("amountSet") or {}).get("shopMoney") or {}).get("amount") or 0):
            raise _nothing_to_refund(order.get("name") or order["id"])
        return self._refund_result(self._gql_create_refund(order["id"], items, suggestion, note))

    def _rest_order(self, order_id):
        """The order in the REST shape, whichever API read it."""
        order = self.get_order(order_id)
        return rest_order(order) if is_graphql_order(order) else order

    def _refund_items(self, order, refund):
        restock_type = self.option("restock_type", "no_restock")
        refunded = {}
        for previous in order.get("refunds") or []:
            for item in previous.get("refund_line_items") or []:
                refunded[str(item["line_item_id"])] = refunded.get(str(item["line_item_id"]), 0) + item["quantity"]
        lines = {str(line["id"]): line for line in order.get("line_items") or []}
        if refund.is_full:
            wanted = [(line_id, line["quantity"] - refunded.get(line_id, 0)) for line_id, line in lines.items()]
            shipping = {"full_refund": True}
        else:
            wanted = []
            for refund_line in refund.lines:
                line_id = str(refund_line.line_external_id)
                if line_id not in lines:
                    raise UserInputError(f"Refund: line {line_id} is not in Shopify order {order.get('name')}.")
                left = lines[line_id]["quantity"] - refunded.get(line_id, 0)
                if int(refund_line.quantity) > left:
                    raise UserInputError(
                        f"Refund: only {left} of line {lines[line_id].get('sku') or line_id} can still be refunded.")
                wanted.append((line_id, int(refund_line.quantity)))
            shipping = {"full_refund": True} if refund.refund_shipping else None
        items = [{"line_item_id": int(line_id), "quantity": quantity, "restock_type": restock_type}
                 for line_id, quantity in wanted if quantity > 0]
        return items, shipping

    @staticmethod
    def _refund_transactions(suggestion):
        """Refund transactions from the suggested ones: Shopify's own amounts (tax, discounts and
        previous refunds included), not the Odoo-side estimate of ``RefundRequest.amount``."""
        transactions = []
        for suggested in suggestion.get("transactions") or []:
            amount = to_amount(suggested.get("amount"), "suggested refund")
            if amount > 0:
                transactions.append({"parent_id": suggested["parent_id"], "amount": f"{amount:.2f}", "kind": "refund",
                                     "gateway": suggested.get("gateway")})
        return transactions

    @staticmethod
    def _refund_result(refund, replayed=False):
        amount = sum(to_amount(t.get("amount"), "refund") for t in refund.get("transactions") or []
                     if t.get("kind") == "refund")
        if "transactions" not in refund:  # GraphQL: the refund's total
            amount = to_amount(refund.get("total_refunded"), "refund")
        lines = [(str(i.get("line_item_id")), i.get("quantity")) for i in refund.get("refund_line_items") or []]
        return {"refund_id": refund.get("id"), "amount": round(amount, 2), "replayed": replayed, "lines": lines}


# -- helpers ---------------------------------------------------------------------------------


def _nothing_to_refund(order_name):
    return UserInputError(f"Shopify order {order_name}: nothing left to refund.", code="nothing_to_refund",
                          params={"order": order_name})


def _order_id(external_id):
    value = str(external_id or "").strip()
    if value.startswith("gid://shopify/Order/"):
        value = value.rsplit("/", 1)[-1]
    if not value.isdigit():
        raise UserInputError(f"{external_id!r} is not a Shopify order id", code="invalid_order_id",
                             params={"order": external_id})
    return value

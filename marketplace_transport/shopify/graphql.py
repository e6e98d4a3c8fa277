"""Shopify GraphQL Admin API: the one GraphQL call path (orders, shipping, refunds and the stock sync of
:mod:`.stock`), order polling, fulfillment, refunds.

Throttling, one policy for every call, from ``extensions.cost`` (shopify.dev/docs/api/usage/limits): before a
call, when the bucket's ``currentlyAvailable`` points are fewer than the query's last ``requestedQueryCost``,
the transport waits until ``restoreRate`` refills them; a ``THROTTLED`` answer is waited out the same way and
sent again (the same document: a stock write keeps its ``@idempotent`` key). A wait longer than
``max_wait``, or :data:`MAX_THROTTLE_RETRIES` throttled answers in a row, raise :class:`RateLimitedError`:
the channel pauses (at most :data:`MAX_THROTTLE_PAUSE`) and the next run resumes.
"""
from datetime import UTC

from marketplace_transport import RateLimitedError, RemoteError, UserInputError
from marketplace_transport.http import decode_json_body, problem_message

from . import queries
from .graphql_shape import gid_id, rest_order

MAX_THROTTLE_RETRIES = 5
MAX_THROTTLE_PAUSE = 600  # seconds a channel pauses at most after persistent throttling
ORDER_GID = "gid://shopify/Order/{}"


class ShopifyGraphqlMixin:
    """GraphQL half of the transport; expects ``_authorized``, ``http``, ``sleep``, ``option``."""

    _throttle = None  # last throttleStatus seen
    _costs = None  # operation -> last requestedQueryCost

    def _graphql(self, document, variables, *, operation, retry=True):
        """``data`` of one GraphQL call; ``errors`` raise, ``THROTTLED`` waits then retries (module docstring)."""
        for _attempt in range(MAX_THROTTLE_RETRIES + 1):
            self._wait_for_points(operation)
            body = self._authorized(lambda token: decode_json_body(self.http.request(
                "POST", f"/admin/api/{self.api_version}/graphql.json", operation=operation, retry=retry,
                json={"query": document, "variables": variables}, body_error=_answer_errors,
                headers={"X-Shopify-Access-Token": token, "Accept": "application/json"}), operation, "Shopify"))
            self._note_cost(operation, body.get("extensions"))
            errors = body.get("errors") or []
            errors = [{"message": errors}] if isinstance(errors, str) else errors
            if not any(_throttled(e) for e in errors):
                break
        else:
            raise self._kept_throttling(operation)
        if errors:
            raise RemoteError(f"{operation}: " + "; ".join(str(e.get("message")) for e in errors))
        return body.get("data") or {}

    def _kept_throttling(self, operation):
        """The run's error: the channel pauses until the whole bucket is refilled."""
        wait = self._refill(float((self._throttle or {}).get("maximumAvailable") or 0))
        return _rate_limited(operation, "Shopify kept throttling the query", wait)

    def _note_cost(self, operation, extensions):
        cost = (extensions or {}).get("cost") or {}
        self._costs = dict(self._costs or {})
        if cost.get("requestedQueryCost") is not None:
            self._costs[operation] = float(cost["requestedQueryCost"])
        if cost.get("throttleStatus"):
            self._throttle = cost["throttleStatus"]
        self.last_call_limit = self._throttle and (self._throttle.get("currentlyAvailable"),
                                                   self._throttle.get("maximumAvailable"))

    def _refill(self, needed):
        """Seconds until ``needed`` points are available again."""
        status = self._throttle or {}
        missing = needed - float(status.get("currentlyAvailable") or 0)
        rate = float(status.get("restoreRate") or 50)
        return max(missing, 0) / rate

    def _wait_for_points(self, operation):
        """Sleep until the points ``operation`` last cost are there; longer than ``max_wait``: the run pauses."""
        needed = (self._costs or {}).get(operation)
        delay = self._refill(needed) if self._throttle and needed else 0
        if delay > self.config.max_wait:
            raise _rate_limited(operation, f"Shopify's cost bucket needs {delay:.0f}s for the query's points", delay)
        if delay > 0:
            self.sleep(delay)

    # -- orders ---------------------------------------------------------------------
    def _gql_order_pages(self, updated_from, updated_to=None):
        search = f"updated_at:>='{_iso(updated_from)}'"
        if updated_to:
            search += f" AND updated_at:<='{_iso(updated_to)}'"
        variables = {"first": min(self.page_size, 250), "after": None, "query": search}
        while True:
            orders = self._graphql(queries.ORDERS, variables, operation="list orders")["orders"]
            yield list(orders.get("nodes") or [])
            page = orders.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return
            variables = dict(variables, after=page["endCursor"])

    def _gql_get_order(self, order_id):
        order = self._graphql(queries.ORDER, {"id": ORDER_GID.format(order_id)}, operation="get order").get("order")
        if not order:
            raise RemoteError(f"get order: Shopify order {order_id} not found", status=404)
        return order

    def _gql_check_connection(self):
        data = self._graphql(queries.SHOP, {}, operation="check connection")
        shop = data.get("shop") or {}
        return [f"Access token accepted by shop {shop.get('name', '?')} ({shop.get('myshopifyDomain', '?')}), "
                f"currency {shop.get('currencyCode', '?')}",
                f"GraphQL Admin API version {self.api_version} answered",
                "Orders can be read (read_orders scope)"]

    # -- shipping -------------------------------------------------------------------
    def _gql_fulfillment_groups(self, order_id, wanted):
        order = self._graphql(queries.FULFILLMENT_ORDERS, {"id": ORDER_GID.format(order_id)},
                              operation="get fulfillment orders").get("order") or {}
        groups = []
        for fo in (order.get("fulfillmentOrders") or {}).get("nodes") or []:
            actions = {a.get("action") for a in fo.get("supportedActions") or []}
            if fo.get("status") not in ("OPEN", "IN_PROGRESS") or "CREATE_FULFILLMENT" not in actions:
                continue
            items = [{"id": i["id"], "quantity": i["remainingQuantity"]}
                     for i in (fo.get("lineItems") or {}).get("nodes") or [] if i.get("remainingQuantity")
                     and (not wanted or str(gid_id((i.get("lineItem") or {}).get("id"))) in wanted)]
            if items:
                groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": items})
        return groups

    def _gql_create_fulfillment(self, groups, shipment):
        tracking = {k: v for k, v in (("number", shipment.tracking_number), ("url", shipment.tracking_url),
                                      ("company", shipment.carrier)) if v}
        fulfillment = {"lineItemsByFulfillmentOrder": groups, "trackingInfo": tracking,
                       "notifyCustomer": bool(self.option("notify_customer", True))}
        # no automatic retry: after a timeout the next attempt re-reads the fulfillment orders
        result = self._graphql(queries.FULFILLMENT_CREATE, {"fulfillment": fulfillment},
                               operation="create fulfillment", retry=False)["fulfillmentCreate"]
        _raise_user_errors("create fulfillment", result)
        created = result.get("fulfillment") or {}
        return {"fulfillment_id": gid_id(created.get("id")), "status": str(created.get("status") or "").lower(),
                "tracking_number": ((created.get("trackingInfo") or [{}])[0] or {}).get("number")}

    # -- refunds --------------------------------------------------------------------
    def _gql_suggested_refund(self, order_id, items, shipping):
        variables = {"id": ORDER_GID.format(order_id), "refundShipping": bool(shipping),
                     "refundLineItems": [{"lineItemId": f"gid://shopify/LineItem/{i['line_item_id']}",
                                          "quantity": i["quantity"]} for i in items]}
        order = self._graphql(queries.SUGGESTED_REFUND, variables, operation="calculate refund").get("order") or {}
        return order.get("suggestedRefund") or {}

    def _gql_create_refund(self, order_id, items, suggestion, note):
        shipping = ((suggestion.get("shipping") or {}).get("amountSet") or {}).get("shopMoney") or {}
        transactions = [{"orderId": ORDER_GID.format(order_id), "parentId": t["parentTransaction"]["id"],
                         "amount": t["amountSet"]["shopMoney"]["amount"], "gateway": t.get("gateway"),
                         "kind": "REFUND"}
                        for t in suggestion.get("suggestedTransactions") or []
                        if float(t["amountSet"]["shopMoney"]["amount"] or 0) > 0]
        refund_input = {"orderId": ORDER_GID.format(order_id), "note": note,
                        "notify": bool(self.option("notify_customer", True)), "transactions": transactions,
                        "refundLineItems": [{"lineItemId": f"gid://shopify/LineItem/{i['line_item_id']}",
                                             "quantity": i["quantity"], "restockType": i["restock_type"].upper()}
                                            for i in items]}
        if float(shipping.get("amount") or 0) > 0:
            refund_input["shipping"] = {"amount": shipping["amount"]}
        result = self._graphql(queries.REFUND_CREATE, {"input": refund_input}, operation="create refund",
                               retry=False)["refundCreate"]
        _raise_user_errors("create refund", result)
        return rest_order({"id": ORDER_GID.format(order_id), "refunds": [result.get("refund") or {}]})["refunds"][0]


def _rate_limited(operation, why, wait):
    """:class:`RateLimitedError` pausing the channel ``wait`` seconds (1 s to :data:`MAX_THROTTLE_PAUSE`)."""
    wait = min(max(wait, 1.0), MAX_THROTTLE_PAUSE)
    return RateLimitedError(f"{operation}: rate limited: {why}, retry after {wait:.0f}s", retry_after=wait)


def _throttled(error):
    """``THROTTLED`` code (current answers) or the bare ``Throttled`` message (older ones)."""
    error = error if isinstance(error, dict) else {}
    return (error.get("extensions") or {}).get("code") == "THROTTLED" or error.get("message") == "Throttled"


def _answer_errors(response):
    """Message of an answer carrying GraphQL ``errors`` (HTTP 200: logged as a failed exchange)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return problem_message(response) if isinstance(body, dict) and body.get("errors") else None


def _raise_user_errors(operation, result):
    errors = (result or {}).get("userErrors") or []
    if errors:
        raise UserInputError(f"{operation}: Shopify refused: " + "; ".join(str(e.get("message")) for e in errors))


def _iso(dt):
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="seconds")

"""PrestaShop Webservice transport: calls (JSON reads, XML writes), order listing and completion,
shipments and refunds (order states)."""
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceTransport,
    OrderStatus,
    RemoteError,
    UserInputError,
    register_transport,
)

from .normalize import STATUS_MAP, PrestashopNormalizer, parse_state_map
from .stock import PrestashopStock

DEFAULT_SHIPPED_STATE = "4"
DEFAULT_REFUNDED_STATE = "7"
DEFAULT_TIMEZONE = "Europe/Paris"  # PS_TIMEZONE of a default install
MAX_PAGE_SIZE = 200  # not documented; larger pages risk PHP timeouts on shared hosting
PS_DATE = "%Y-%m-%d %H:%M:%S"
EMPTY_DATE = "0000-00-00 00:00:00"
#: fields never kept in the stored payload (per-order and per-customer secrets)
SECRET_FIELDS = ("secure_key", "passwd", "reset_password_token")
CUSTOMER_FIELDS = "[id,email,firstname,lastname,company,siret]"
#: rights the webservice key needs, per resource
REQUIRED_RIGHTS = {
    "orders": ("get",), "addresses": ("get",), "customers": ("get",), "countries": ("get",),
    "currencies": ("get",), "order_states": ("get",), "order_carriers": ("get", "put"),
    "order_histories": ("post",),
}

REFUND_LIMITS = (
    "PrestaShop's webservice cannot refund money. It has no call that runs the back-office refund: "
    "no refund through the payment module, no restock, no refunded quantities on the order lines "
    "(credit slips created through the webservice do not take their lines). "
    "This connector therefore sends full refunds only, as the order state 'Refunded' (an order "
    "history entry); no money moves. Refund the buyer in your payment provider or in the PrestaShop "
    "back office (Orders > order > Partial/Standard refund); partial refunds are recorded in Odoo only.")


def ps_xml(resource, values):
    """``<prestashop><resource><field>value</field>...</resource></prestashop>`` as bytes."""
    root = ET.Element("prestashop", {"xmlns:xlink": "http://www.w3.org/1999/xlink"})
    node = ET.SubElement(root, resource)
    for name, value in values.items():
        ET.SubElement(node, name).text = "" if value is None else str(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def ws_error_message(response):
    """Messages of a webservice error body (XML or JSON), or a short text."""
    text = response.text or ""
    messages = []
    try:
        body = response.json()
    except ValueError:
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            return text.strip()[:300]
        for err in root.iter("error"):
            code, message = (err.findtext("code") or "").strip(), (err.findtext("message") or "").strip()
            messages.append(f"[{code}] {message}" if code else message)
    else:
        errors = body.get("errors") if isinstance(body, dict) else None
        for err in errors or []:
            if isinstance(err, dict):
                messages.append(f"[{err.get('code')}] {err.get('message')}")
    return "; ".join(messages) or text.strip()[:300]


@register_transport("prestashop")
class PrestashopTransport(PrestashopStock, PrestashopNormalizer, MarketplaceTransport):
    """One PrestaShop shop through its Webservice.

    Options: ``page_size``, ``timezone`` (shop time zone), ``state_map`` (extra/overriding
    state mapping), ``shipped_state_id``, ``refunded_state_id``, ``prices_include_tax``
    (use the tax-included amounts, default True), ``send_email`` (state e-mails on changes),
    ``language_id`` (language of multilingual fields), ``shop_id`` (multistore: only this shop's orders).
    Credentials: ``secret`` (or ``login``) = the webservice key.
    """

    refund_modes = ("full",)
    refund_limits = REFUND_LIMITS

    def __init__(self, config, recorder=None, **kwargs):
        super().__init__(config, recorder=recorder, **kwargs)
        key = config.credentials.get("secret") or config.credentials.get("login")
        if not key:
            raise AuthenticationError("PrestaShop: the webservice key is missing on the channel.",
                                      code="credentials_missing", params={"marketplace": "PrestaShop"})
        self.http.session.auth = (key, "")
        self.state_map = dict(STATUS_MAP, **parse_state_map(self.option("state_map")))
        self.shipped_state = str(self.option("shipped_state_id", DEFAULT_SHIPPED_STATE))
        self.refunded_state = str(self.option("refunded_state_id", DEFAULT_REFUNDED_STATE))
        try:
            self.shop_tz = ZoneInfo(self.option("timezone", DEFAULT_TIMEZONE))
        except (ZoneInfoNotFoundError, ValueError):
            raise UserInputError(f"PrestaShop: unknown time zone {self.option('timezone')!r}", code="invalid_setting",
                                 params={"setting": "timezone", "value": self.option("timezone")}) from None
        self._countries = {}
        self._currencies = {}
        self._order_states = None

    # -- low level --------------------------------------------------------------------
    @property
    def page_size(self):
        return max(1, min(int(self.option("page_size", 100)), MAX_PAGE_SIZE))

    def _error_hook(self, response, message):
        """Turn the webservice's error bodies into readable typed errors (4xx only)."""
        status = response.status_code
        if status == 429 or status >= 500:
            return  # retried / paused by HttpClient
        detail = ws_error_message(response)
        if status == 401:
            raise AuthenticationError(f"PrestaShop refused the webservice key or its rights (HTTP 401): {detail}",
                                      status=status)
        raise RemoteError(f"PrestaShop webservice error (HTTP {status}): {detail}", status=status)

    def _get(self, path, params=None, operation="read"):
        params = dict(params or {}, output_format="JSON")
        return self.http.json("GET", path, params=params, operation=operation, error_hook=self._error_hook)

    def _list(self, resource, params, operation):
        """Rows of a list call; PrestaShop answers a bare ``[]`` when nothing matches."""
        body = self._get(f"api/{resource}", params, operation)
        if not body:
            return []
        if not isinstance(body, dict) or not isinstance(body.get(resource), list):
            raise RemoteError(f"PrestaShop: unexpected answer listing {resource}")
        return body[resource]

    def _write(self, method, path, resource, values, operation, params=None):
        response = self.http.request(
            method, path, data=ps_xml(resource, values), params=params or {},
            headers={"Content-Type": "text/xml; charset=utf-8"}, operation=operation,
            error_hook=self._error_hook)
        try:
            node = ET.fromstring(response.content).find(resource)
        except ET.ParseError:
            return {}
        return {child.tag: (child.text or "") for child in node if len(child) == 0} if node is not None else {}

    # -- dates --------------------------------------------------------------------------
    def _to_shop(self, dt):
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(self.shop_tz).strftime(PS_DATE)

    def _from_shop(self, text):
        """Shop-local ``YYYY-MM-DD HH:MM:SS`` -> aware UTC datetime (None for empty dates)."""
        if not text or text == EMPTY_DATE:
            return None
        try:
            local = datetime.strptime(text, PS_DATE)
        except ValueError:
            raise InvalidOrderError(f"invalid PrestaShop date {text!r}") from None
        return local.replace(tzinfo=self.shop_tz).astimezone(UTC)

    # -- connection -------------------------------------------------------------------
    def check_connection(self):
        """Check the key, its rights on the resources used, and the configured states."""
        response = self.http.request("GET", "api/", operation="check connection", error_hook=self._error_hook)
        try:
            api = ET.fromstring(response.content).find("api")
        except ET.ParseError:
            api = None
        if api is None:
            raise RemoteError("PrestaShop: /api/ did not answer the webservice resource list; is it a PrestaShop "
                              "shop with the webservice and URL rewriting enabled?")
        checks = [f"Webservice key accepted by the shop {api.get('shopName') or ''}".strip()]
        missing = []
        for resource, rights in REQUIRED_RIGHTS.items():
            node = api.find(resource)
            for right in rights:
                if node is None or node.get(right) != "true":
                    missing.append(f"{right.upper()} {resource}")
        if missing:
            raise AuthenticationError(
                "PrestaShop: the webservice key lacks these rights: " + ", ".join(missing)
                + ". Grant them in Advanced Parameters > Webservice.")
        checks.append("Key rights: " + ", ".join(
            f"{'/'.join(r.upper() for r in rights)} {res}" for res, rights in REQUIRED_RIGHTS.items()))
        rules = api.find("order_cart_rules")
        checks.append("Cart rules readable (one discount line per rule)" if rules is not None and rules.get("get") ==
                      "true" else "Cart rules not readable (grant GET order_cart_rules): discounts spread over lines")
        states = self._load_order_states()
        for label, state_id in (("Shipped", self.shipped_state), ("Refunded", self.refunded_state)):
            if state_id not in states:
                raise UserInputError(f"PrestaShop: the order state {state_id} configured as '{label}' does not "
                                     "exist in the shop; fix the channel's state settings.")
            checks.append(f"'{label}' state: {state_id} {self.text(states[state_id].get('name'))}".strip())
        rows = self._list("orders", {"display": "[id]", "limit": "1"}, "check connection")
        checks.append(f"Orders readable ({'at least one order' if rows else 'no order yet'})")
        return checks

    # -- orders -------------------------------------------------------------------------
    def iter_order_pages(self, updated_from, updated_to=None):
        """Pages of orders updated in the window, sorted by (date_upd, id).

        Offsets restart from the last ``date_upd`` seen (skipping the rows already read at that
        exact second), so orders updated while we page do not shift others out of the run.
        """
        low = self._to_shop(updated_from)
        high = self._to_shop(updated_to or datetime.now(UTC) + timedelta(days=1))
        size = self.page_size
        seen, ties = set(), set()
        while True:
            rows = self._list("orders", dict(self._shop_filter(), **{
                "display": "full", "filter[date_upd]": f"[{low},{high}]", "date": "1",
                "sort": "[date_upd_ASC,id_ASC]", "limit": f"{len(ties)},{size}"}), "list orders")
            # an order updated while we page comes again later with its new date: keep both versions
            fresh = [row for row in rows if (str(row.get("id")), row.get("date_upd")) not in seen]
            if fresh:
                seen.update((str(row.get("id")), row.get("date_upd")) for row in fresh)
                yield self._complete(fresh)
            if len(rows) < size:
                return
            newest = rows[-1].get("date_upd") or low
            at_newest = {str(row.get("id")) for row in rows if row.get("date_upd") == newest}
            ties = ties | at_newest if newest == low else at_newest
            low = newest

    def _shop_filter(self):
        """Multistore: ``filter[id_shop]`` on the channel's shop id (none: every shop of the key)."""
        shop_id = str(self.option("shop_id") or "0")
        return {"filter[id_shop]": f"[{shop_id}]"} if shop_id != "0" else {}

    def get_order(self, external_id):
        """One order, completed like a listed one."""
        body = self._get(f"api/orders/{self._order_id(external_id)}", operation="get order")
        if not isinstance(body, dict) or not isinstance(body.get("order"), dict):
            raise RemoteError(f"PrestaShop: unexpected answer for order {external_id}")
        return self._complete([body["order"]])[0]

    def order_key(self, payload):
        updated = self._from_shop(payload.get("date_upd"))
        return str(payload["id"]), updated.isoformat() if updated else ""

    def _complete(self, orders):
        """Attach customers, addresses (with country ISO codes), currency and state to raw orders."""
        address_ids = {str(o.get(k)) for o in orders for k in ("id_address_delivery", "id_address_invoice")}
        customer_ids = {str(o.get("id_customer")) for o in orders}
        addresses = self._by_id("addresses", address_ids, "full", "read addresses")
        customers = self._by_id("customers", customer_ids, CUSTOMER_FIELDS, "read customers")
        self._cache_codes(self._countries, "countries", {a.get("id_country") for a in addresses.values()})
        self._cache_codes(self._currencies, "currencies", {o.get("id_currency") for o in orders})
        states = self._load_order_states()
        rules = self._cart_rules({str(o.get("id")) for o in orders})
        completed = []
        for order in orders:
            payload = {k: v for k, v in order.items() if k not in SECRET_FIELDS}
            related = {"customer": self._without_secrets(customers.get(str(order.get("id_customer")))),
                       "currency": self._currencies.get(str(order.get("id_currency")), ""),
                       "state": {k: v for k, v in states.get(str(order.get("current_state")), {}).items()
                                 if k in ("id", "name", "paid", "shipped", "delivery")}}
            for role, key in (("delivery", "id_address_delivery"), ("invoice", "id_address_invoice")):
                address = dict(addresses.get(str(order.get(key))) or {})
                if address:
                    address["country_iso"] = self._countries.get(str(address.get("id_country")), "")
                related[role] = address
            related["cart_rules"] = None if rules is None else rules.get(str(order.get("id")), [])
            payload["_related"] = related
            completed.append(payload)
        return completed

    def _cart_rules(self, order_ids):
        """{order id: its ``order_cart_rules`` rows}; None when the shop does not serve them (older
        versions, or a key without the right: the discount total is then spread over the lines)."""
        ids = sorted(i for i in order_ids if i and i != "0")
        try:
            rows = self._list("order_cart_rules", {"display": "full", "filter[id_order]": f"[{'|'.join(ids)}]"},
                              "read cart rules") if ids else []
        except (RemoteError, AuthenticationError):
            return None
        grouped = {}
        for row in rows:
            grouped.setdefault(str(row.get("id_order")), []).append(row)
        return grouped

    @staticmethod
    def _without_secrets(values):
        return {k: v for k, v in (values or {}).items() if k not in SECRET_FIELDS}

    def _by_id(self, resource, ids, display, operation):
        ids = sorted(i for i in ids if i and i != "0")
        rows = {}
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            for row in self._list(resource, {"display": display, "filter[id]": f"[{'|'.join(chunk)}]"}, operation):
                rows[str(row.get("id"))] = row
        return rows

    def _cache_codes(self, cache, resource, ids):
        missing = {str(i) for i in ids if i and str(i) not in cache}
        if missing:
            for row_id, row in self._by_id(resource, missing, "[id,iso_code]", f"read {resource}").items():
                cache[row_id] = (row.get("iso_code") or "").upper()

    def _load_order_states(self):
        if self._order_states is None:
            rows = self._list("order_states", {"display": "full"}, "read order states")
            self._order_states = {str(row.get("id")): row for row in rows}
        return self._order_states

    # -- actions --------------------------------------------------------------------------
    def ship_order(self, shipment):
        """Set the tracking number on the order carrier, then add the Shipped state (once)."""
        shipment.check()
        order_id = self._order_id(shipment.order_external_id)
        order = (self._get(f"api/orders/{order_id}", operation="ship: read order") or {}).get("order") or {}
        carriers = self._list("order_carriers", {"display": "full", "filter[id_order]": f"[{order_id}]"},
                              "ship: read order carrier")
        if not carriers:
            raise RemoteError(f"PrestaShop order {order_id} has no order carrier to carry the tracking number.")
        carrier = max(carriers, key=lambda row: int(row.get("id") or 0))
        result = {"order_carrier_id": str(carrier.get("id")), "tracking_number": shipment.tracking_number}
        if (carrier.get("tracking_number") or "") != shipment.tracking_number:
            values = {k: v for k, v in carrier.items() if not isinstance(v, (dict, list))}
            values["tracking_number"] = shipment.tracking_number
            self._write("PUT", f"api/order_carriers/{carrier['id']}", "order_carrier", values,
                        "ship: set tracking number")
            result["tracking_updated"] = True
        current = str(order.get("current_state") or "")
        if current == self.shipped_state or self.map_status(current) in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            result["state"] = f"already {current}"
            return result
        history = self._add_history(order_id, self.shipped_state, "ship: set shipped state")
        result["state"] = self.shipped_state
        result["order_history_id"] = history.get("id", "")
        return result

    def refund_order(self, refund):
        """Full refunds only: the Refunded order state, no money movement (see :data:`REFUND_LIMITS`)."""
        if not refund.is_full:
            raise UserInputError(
                "PrestaShop: partial refunds cannot be sent through the webservice. " + REFUND_LIMITS)
        order_id = self._order_id(refund.order_external_id)
        order = (self._get(f"api/orders/{order_id}", operation="refund: read order") or {}).get("order") or {}
        if str(order.get("current_state")) == self.refunded_state:
            return {"state": f"already {self.refunded_state}", "money_refunded": False}
        history = self._add_history(order_id, self.refunded_state, "refund: set refunded state")
        return {"state": self.refunded_state, "order_history_id": history.get("id", ""), "money_refunded": False,
                "note": "Order state set to Refunded; refund the payment outside the webservice."}

    @staticmethod
    def _order_id(external_id):
        if not str(external_id or "").isdigit():
            raise UserInputError(f"PrestaShop: {external_id!r} is not a PrestaShop order id.",
                                 code="invalid_order_id", params={"order": external_id})
        return int(external_id)

    def _add_history(self, order_id, state_id, operation):
        params = {"sendemail": "1"} if self.option("send_email", True) else {}
        return self._write("POST", "api/order_histories", "order_history",
                           {"id_order": order_id, "id_order_state": state_id}, operation, params=params)

"""Octopia Seller API v2 (REST) transport.

Reference: /work/shared/reference/octopia-api.md (sections 1-3 and 7). Every call carries
``Authorization: Bearer``, ``SellerId`` and ``SalesChannelId``. The token comes from the
Keycloak realm ``maas`` (client credentials, 2 h) and is kept in ``config.token_store``.
Keycloak realm ``maas`` (client credentials, 2 h) and is kept in ``config.token_store``.
What the notes mark as inferred is isolated in the constants of :mod:`.rest_common`. This module
holds the token, the calls and the order listing; the mixins add the normalizer
(:mod:`.rest_normalize`), the order actions (:mod:`.rest_actions`) and the offers (:mod:`.rest_offers`).
"""
import logging
import time
from datetime import datetime
from urllib.parse import quote, urljoin, urlsplit

from marketplace_transport import (
    AuthenticationError,
    MarketplaceTransport,
    QuotaExhaustedError,
    RemoteError,
    TemporaryError,
    UserInputError,
    register_transport,
)

from .rest_actions import OctopiaOrderActions
from .rest_common import (
    DEFAULT_QUOTA_WAIT,
    DEFAULT_SALES_CHANNEL,
    MAX_PAGE_SIZE,
    ORDER_SORT,
    ORDER_STATUS_MAP,
    PRODUCTION_BASE_URL,
    PRODUCTION_TOKEN_URL,
    REFUND_LIMITS,
    TOKEN_PATH,
    TOKEN_RENEW_MARGIN,
    _iso,
    _items,
    parse_quota_delay,
)
from .rest_normalize import OctopiaOrderNormalizer
from .rest_offers import OctopiaOfferPackages
from .rest_refunds import OctopiaRefunds

__all__ = [
    "DEFAULT_SALES_CHANNEL",
    "ORDER_STATUS_MAP",
    "PRODUCTION_BASE_URL",
    "PRODUCTION_TOKEN_URL",
    "REFUND_LIMITS",
    "OctopiaRestTransport",
    "parse_quota_delay",
]

_logger = logging.getLogger(__name__)


@register_transport("octopia")
class OctopiaRestTransport(OctopiaOrderNormalizer, OctopiaRefunds, OctopiaOrderActions, OctopiaOfferPackages,
                           MarketplaceTransport):
    """Octopia Seller API v2: orders, approval, shipments, cancellation requests (order, lines),
    commercial gestures, carriers,
    JSON offer packages and invoice upload.

    Options: ``account`` (SellerId, required), ``sales_channel`` (default ``CDISFR``),
    ``token_url``, ``page_size`` (max 100), ``order_sort``, ``offer_package_type``
    (``Upsert``/``Update``), ``delivery_modes`` (default offer delivery modes),
    ``offer_poll_interval``, ``offer_poll_max``.
    """

    refund_modes = ("full", "partial", "amount")
    refund_limits = REFUND_LIMITS

    def __init__(self, config, recorder=None, sleep=time.sleep, clock=time.time):
        super().__init__(config, recorder=recorder, sleep=sleep)
        self.clock = clock
        self._token_requested = False
        self._renewed_after_401 = False
        self._carriers = None
        self._reasons = None

    # -- token and calls ------------------------------------------------------------
    @property
    def token_url(self):
        """options["token_url"], else the production Keycloak URL for the production API,
        else the same path on the API host (simulator, proxies)."""
        explicit = self.option("token_url")
        if explicit:
            return explicit
        parts = urlsplit(self.config.base_url)
        if parts.netloc.endswith("octopia-io.net"):
            return PRODUCTION_TOKEN_URL
        return f"{parts.scheme}://{parts.netloc}{TOKEN_PATH}"

    @property
    def seller_id(self):
        seller = str(self.option("account", "")).strip()
        if not seller:
            raise UserInputError("Octopia: the seller id (SellerId) is not set on the channel.",
                                 code="credentials_missing", params={"marketplace": "Octopia"})
        return seller

    def _access_token(self, force=False):
        token, expires_at = self.config.token_store.get()
        if token and not force:
            remaining = (expires_at or 0) - self.clock()
            # a token from an earlier run is renewed 5 minutes early; ours is used until it expires
            if remaining > TOKEN_RENEW_MARGIN or (self._token_requested and remaining > 0):
                return token
        return self._request_token()

    def _request_token(self):
        login = self.config.credentials.get("login")
        secret = self.config.credentials.get("secret")
        if not login or not secret:
            raise AuthenticationError("Octopia: the client id and client secret are not set on the channel.",
                                      code="credentials_missing", params={"marketplace": "Octopia"})
        self._token_requested = True
        data = {"grant_type": "client_credentials", "client_id": login, "client_secret": secret}
        try:
            response = self.http.request("POST", self.token_url, operation="get token", data=data,
                                         expected=(200,))
        except RemoteError as exc:  # Keycloak answers 400 for unknown clients/grants
            raise AuthenticationError(f"Octopia refused the client credentials: {exc.message}",
                                      status=exc.status) from exc
        try:
            body = response.json()
            token = body["access_token"]
            expires_in = float(body.get("expires_in") or 300)
        except (ValueError, KeyError, TypeError) as exc:
            raise TemporaryError("get token: malformed token response from Octopia") from exc
        self.config.token_store.set(token, self.clock() + expires_in)
        return token

    def _headers(self, token):
        return {"Authorization": f"Bearer {token}", "SellerId": self.seller_id,
                "SalesChannelId": self.option("sales_channel", DEFAULT_SALES_CHANNEL),
                "Accept": "application/json"}

    def _quota_hook(self, operation):
        def hook(response, message):
            if response.status_code == 403 and "quota" in (message or "").lower():
                retry_after = parse_quota_delay(message)
                raise QuotaExhaustedError(
                    f"{operation}: Octopia call quota exhausted ({message}). Synchronization paused.",
                    retry_after=retry_after if retry_after is not None else DEFAULT_QUOTA_WAIT, status=403)
        return hook

    def _request(self, method, path, *, operation, headers=None, **kwargs):
        """One authenticated call; a 401 renews the token once per run, then raises."""
        while True:
            token = self._access_token()
            all_headers = dict(self._headers(token), **(headers or {}))
            try:
                return self.http.request(method, path, operation=operation, headers=all_headers,
                                         error_hook=self._quota_hook(operation), **kwargs)
            except AuthenticationError as exc:
                if exc.status != 401 or self._renewed_after_401:
                    raise
                self._renewed_after_401 = True
                _logger.info("Octopia answered 401 to %s: renewing the access token once", operation)
                self._access_token(force=True)

    def _json(self, method, path, *, operation, **kwargs):
        response = self._request(method, path, operation=operation, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TemporaryError(f"{operation}: malformed JSON from Octopia (HTTP {response.status_code}, "
                                 f"{len(response.content)} bytes)") from exc

    def _absolute(self, link):
        return urljoin(self.http.base_url + "/", link)

    def check_connection(self):
        """Obtain a token and read the carrier list; returns what was verified."""
        self._access_token()
        carriers = self.list_carriers()
        return [f"Access token obtained from {self.token_url}",
                f"Seller {self.seller_id} reachable on {self.option('sales_channel', DEFAULT_SALES_CHANNEL)} "
                f"({len(carriers)} carriers)"]

    # -- orders ---------------------------------------------------------------------
    def _page_size(self):
        try:
            size = int(self.option("page_size", MAX_PAGE_SIZE))
        except (TypeError, ValueError):
            size = MAX_PAGE_SIZE
        return max(1, min(size, MAX_PAGE_SIZE))

    def _order_filters(self, updated_from, updated_to):
        params = {"updatedAtMin": _iso(updated_from)}
        if updated_to:
            params["updatedAtMax"] = _iso(updated_to)
        sort = self.option("order_sort", ORDER_SORT)
        if sort and sort != "none":
            params["sort"] = sort
        return params

    def iter_order_pages(self, updated_from: datetime, updated_to: datetime | None = None):
        """Yield raw order lists from ``GET /orders`` (pageIndex from 1) until a short page."""
        size = self._page_size()
        params = dict(self._order_filters(updated_from, updated_to), pageSize=size)
        max_pages = int(self.option("max_pages", 2000))
        for index in range(1, max_pages + 1):
            params["pageIndex"] = index
            items = _items(self._json("GET", "/orders", operation="list orders", params=params), "list orders")
            if items:
                yield items
            if len(items) < size:
                return
        raise TemporaryError(f"list orders: more than {max_pages} pages of {size} orders in one window; "
                             "the rest will be read by the next run")

    def count_orders(self, updated_from, updated_to=None):
        """``GET /orders/count`` (a bare integer) for the same window."""
        body = self._json("GET", "/orders/count", operation="count orders",
                          params=self._order_filters(updated_from, updated_to))
        return int(body or 0)

    def get_order(self, external_id):
        """Raw payload of one order (``GET /orders/{orderId}``)."""
        return self._json("GET", f"/orders/{quote(str(external_id), safe='')}",
                          operation=f"get order {external_id}")

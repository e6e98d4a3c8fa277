"""Typed errors raised by transports. Messages are shown to users: keep them actionable.

Each error carries a stable ``code`` (its class's, or a more precise one given with ``code=`` where it
is raised) and ``params``, the values a text about it needs. The Odoo layer turns the code into a
text in the user's language and keeps the English ``message`` as the detail. Codes:

=======================  =============================================================================
code                     meaning (params)
=======================  =============================================================================
``error``                any other marketplace error (:class:`MarketplaceError`)
``user_input``           the request cannot be sent as it is: missing carrier, tracking number...
``invalid_order``        an order payload cannot be turned into a normalized order
``auth``                 the marketplace refused the credentials (after one token renewal)
``remote``               the marketplace refused the request (a business error, HTTP 4xx)
``temporary``            HTTP 5xx, timeout, reset, malformed answer: a later run may succeed
``rate_limited``         HTTP 429: calls resume after ``retry_after`` seconds
``quota``                a call quota is used up (Octopia's 403 "Out of call volume quota")
``no_transport``         no transport is installed for the channel type (``channel_type``)
``not_supported``        the connector has no such operation (``channel_type``, ``operation``:
                         ``accept``, ``refuse`` or ``push_offers``)
``credentials_missing``  the channel lacks its API credentials or account id (``marketplace``)
``https_required``       the shop URL must use https:// (``marketplace``)
``invalid_setting``      a channel setting has a value the connector cannot use (``setting``, ``value``)
``nothing_to_refund``    the order has nothing left to refund (``order``)
``invalid_order_id``     the text is not an order id of this marketplace (``order``)
``state_map_syntax``     order state mapping (PrestaShop, WooCommerce): a line is not ``<state id>=<status>`` (``line``)
``state_map_status``     order state mapping: not a status (``state``, ``status``, ``statuses``)
``unknown_status``       an order's status is in no mapping table of the channel (``status``, ``marketplace``)
=======================  =============================================================================
"""

#: every code above, in the table's order (the Odoo layer has a text for each)
ERROR_CODES = (
    "error", "user_input", "invalid_order", "auth", "remote", "temporary", "rate_limited", "quota",
    "no_transport", "not_supported", "credentials_missing", "https_required", "invalid_setting",
    "nothing_to_refund", "invalid_order_id", "state_map_syntax", "state_map_status", "unknown_status",
)


class MarketplaceError(Exception):
    """Base class. ``retryable`` tells the orchestrator whether a later run may succeed."""

    retryable = False
    code = "error"

    def __init__(self, message, *, status=None, details=None, code=None, params=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details or {}
        if code:
            self.code = code
        self.params = params or {}

    def __str__(self):
        return self.message


class UserInputError(MarketplaceError):
    """The request cannot be sent as it is (missing carrier, tracking number...)."""

    code = "user_input"


class InvalidOrderError(MarketplaceError):
    """An order payload cannot be turned into a normalized order."""

    code = "invalid_order"


class AuthenticationError(MarketplaceError):
    """Credentials refused (after one token renewal)."""

    code = "auth"


class RemoteError(MarketplaceError):
    """The marketplace answered with a business error (4xx)."""

    code = "remote"


class TemporaryError(MarketplaceError):
    """5xx, timeouts, resets, malformed bodies: a later run may succeed."""

    retryable = True
    code = "temporary"


class RateLimitedError(TemporaryError):
    """HTTP 429: stop now, resume after ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(self, message, *, retry_after=None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class QuotaExhaustedError(RateLimitedError):
    """A call quota is used up (Octopia's 403 "Out of call volume quota"); not an auth failure."""

    code = "quota"

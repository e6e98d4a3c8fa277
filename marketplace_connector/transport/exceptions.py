"""Typed errors raised by transports. Messages are shown to users: keep them actionable."""


class MarketplaceError(Exception):
    """Base class. ``retryable`` tells the orchestrator whether a later run may succeed."""

    retryable = False

    def __init__(self, message, *, status=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details or {}

    def __str__(self):
        return self.message


class UserInputError(MarketplaceError):
    """The request cannot be sent as it is (missing carrier, tracking number...)."""


class InvalidOrderError(MarketplaceError):
    """An order payload cannot be turned into a normalized order."""


class AuthenticationError(MarketplaceError):
    """Credentials refused (after one token renewal)."""


class RemoteError(MarketplaceError):
    """The marketplace answered with a business error (4xx)."""


class TemporaryError(MarketplaceError):
    """5xx, timeouts, resets, malformed bodies: a later run may succeed."""

    retryable = True


class RateLimitedError(TemporaryError):
    """HTTP 429: stop now, resume after ``retry_after`` seconds."""

    def __init__(self, message, *, retry_after=None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class QuotaExhaustedError(RateLimitedError):
    """A call quota is used up (Octopia's 403 "Out of call volume quota"); not an auth failure."""

"""A small requests wrapper shared by every REST transport.

It times and records each exchange (without secrets), retries 5xx/timeouts/resets with a
bounded back-off, honours 429 ``Retry-After``, and turns failures into typed errors.
"""
import json
import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from .exceptions import (
    AuthenticationError,
    MarketplaceError,
    RateLimitedError,
    RemoteError,
    TemporaryError,
)

_logger = logging.getLogger(__name__)

SECRET_PARAM_RE = re.compile(r"(key|secret|token|password|signature|sig|auth|ws_key)", re.I)
REDACTED = "***"


@dataclass
class Exchange:
    """One API call as the sync log keeps it."""

    operation: str
    method: str
    url: str
    status: int | None
    duration_ms: int
    ok: bool
    error: str = ""


def redact_url(url):
    """Drop credentials from the query string and user-info of a URL."""
    parts = urlsplit(url)
    query = urlencode([(k, REDACTED if SECRET_PARAM_RE.search(k) else v) for k, v in parse_qsl(parts.query)])
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_text(text, secrets):
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def decode_json_body(response, operation, source, expect=dict):
    """JSON body of a response, of type ``expect`` (an empty body gives ``expect()``).

    A malformed or unexpected body is a :class:`TemporaryError` (a later run may succeed);
    ``source`` names the marketplace in the message.
    """
    try:
        body = response.json() if response.content else expect()
    except ValueError:
        raise TemporaryError(f"{operation}: malformed JSON from {source} (HTTP {response.status_code})") from None
    if not isinstance(body, expect):
        raise TemporaryError(f"{operation}: unexpected answer from {source} (HTTP {response.status_code})")
    return body


def problem_message(response):
    """Best human message of an error response: RFC 7807 ``detail`` + ``errors``, else the body."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:500]
    if not isinstance(body, dict):
        return json.dumps(body)[:500]
    parts = []
    for key in ("detail", "message", "error_description", "error", "title"):
        value = body.get(key)
        if value and isinstance(value, str):
            parts.append(value)
            break
    errors = body.get("errors")
    if isinstance(errors, dict):
        for name, messages in errors.items():
            if isinstance(messages, list):
                messages = "; ".join(str(m) for m in messages)
            parts.append(f"{name}: {messages}")
    elif isinstance(errors, list):
        for item in errors[:10]:
            parts.append(item.get("message", str(item)) if isinstance(item, dict) else str(item))
    elif isinstance(errors, str):
        parts.append(errors)
    return " | ".join(parts)[:1000] or json.dumps(body)[:500]


class HttpClient:
    """requests.Session with retries and exchange recording.

    :param recorder: callable receiving an :class:`Exchange` after every attempt
    :param secrets: strings that must never appear in recorded errors
    """

    def __init__(self, base_url, *, timeout=30, max_retries=3, backoff=1.0, max_wait=60,
                 recorder=None, secrets=(), sleep=time.sleep, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.recorder = recorder
        self.secrets = [s for s in secrets if s]
        self.sleep = sleep
        self.session = session or requests.Session()
        self.request_count = 0

    def url(self, path):
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _record(self, operation, method, url, status, started, ok, error=""):
        exchange = Exchange(
            operation=operation, method=method, url=redact_url(url), status=status,
            duration_ms=int((time.monotonic() - started) * 1000), ok=ok,
            error=redact_text(error, self.secrets)[:2000])
        if self.recorder:
            self.recorder(exchange)
        return exchange

    def request(self, method, path, *, operation, expected=(200, 201, 202, 204), retry=True,
                error_hook=None, body_error=None, **kwargs):
        """Send one call; returns the :class:`requests.Response`.

        ``error_hook(response)`` may raise a more specific error before the generic mapping;
        ``body_error(response)`` -> message when an expected status carries an error (GraphQL ``errors``):
        the exchange is then recorded as failed.
        """
        url = self.url(path)
        kwargs.setdefault("timeout", self.timeout)
        attempts = self.max_retries + 1 if retry else 1
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            self.request_count += 1
            try:
                response = self.session.request(method, url, **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                kind = "timeout" if isinstance(exc, requests.Timeout) else "connection error"
                message = f"{operation}: {kind} talking to {redact_url(url)}"
                self._record(operation, method, url, None, started, False, message)
                if attempt < attempts:
                    self.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_wait))
                    continue
                raise TemporaryError(message) from exc
            if response.status_code in expected:
                failure = body_error(response) if body_error else None
                self._record(operation, method, url, response.status_code, started, not failure, failure or "")
                return response
            message = problem_message(response)
            self._record(operation, method, url, response.status_code, started, False, message)
            if error_hook:
                error_hook(response, message)
            status = response.status_code
            if status == 429:
                retry_after = self._retry_after(response)
                if attempt < attempts and retry_after <= self.max_wait:
                    self.sleep(retry_after)
                    continue
                raise RateLimitedError(
                    f"{operation}: rate limited by the marketplace, retry after {retry_after:.0f}s",
                    retry_after=retry_after, status=status)
            if status >= 500:
                if attempt < attempts:
                    self.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_wait))
                    continue
                raise TemporaryError(f"{operation}: marketplace error HTTP {status}: {message}", status=status)
            if status == 401:
                raise AuthenticationError(
                    f"{operation}: credentials refused (HTTP 401): {message}", status=status)
            if status == 403:
                raise AuthenticationError(
                    f"{operation}: access denied (HTTP 403): {message}", status=status)
            raise RemoteError(f"{operation}: HTTP {status}: {message}", status=status)
        raise MarketplaceError(f"{operation}: no attempt made")  # pragma: no cover

    def _retry_after(self, response):
        value = response.headers.get("Retry-After", "")
        try:
            return max(float(value), 0.0)
        except ValueError:
            return float(self.backoff)

    def json(self, method, path, **kwargs):
        """Like :meth:`request` but returns the decoded JSON body (``None`` for empty bodies)."""
        response = self.request(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TemporaryError(
                f"{kwargs.get('operation')}: malformed JSON from the marketplace "
                f"(HTTP {response.status_code}, {len(response.content)} bytes)") from exc

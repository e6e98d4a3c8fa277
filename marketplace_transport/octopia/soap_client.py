"""Cdiscount SOAP session: zeep client on the real WSDL, STS token, one call with typed errors.

Reference: /work/shared/reference/octopia-api.md section 5; shapes from the service's own WSDL
(``wsdl/``, see :mod:`.soap_wsdl`). A token comes from the STS (HTTP GET with Basic auth, 48 h
validity) and travels in the ``HeaderMessage`` of every call.
"""
import logging
import re
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import requests
import zeep
import zeep.exceptions
import zeep.helpers
from lxml import etree

from marketplace_transport import (
    AuthenticationError,
    MarketplaceTransport,
    RemoteError,
    TemporaryError,
    UserInputError,
)
from marketplace_transport.http import Exchange, redact_text, redact_url

from .soap_requests import error_text, errors_of, header_message
from .soap_wsdl import BINDING, SERVICE_PATH, SHIPPED_WSDL, shipped_part

_logger = logging.getLogger(__name__)

STS_PATH = "/users/httpIssue.svc/"
TOKEN_LIFETIME = 48 * 3600
TOKEN_MARGIN = 600  # renew ten minutes before the STS says it expires
#: recorded faults: s:RequestTokenValidationError "Your token does not exist, please renew your token id."
#: and "Token id is not correctly formatted."; "... has expired" from the notes
TOKEN_FAULT_RE = re.compile(r"token.*(does not exist|not correctly formatted|has expired|expired)", re.I | re.S)
TIMEOUT_FAULT_RE = re.compile(r"timed? ?out|timeout|temporarily|unavailable", re.I)
ZEEP_SETTINGS = zeep.Settings(strict=False, xml_huge_tree=False)
WELL_FORMED_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)


class RecordingZeepTransport(zeep.Transport):
    """zeep transport on our requests session; remembers the HTTP status of the last POST.

    ``offline``: the WSDL parts the shipped documents import come from ``wsdl/``; otherwise WSDL/XSD
    documents are fetched through the channel's :class:`HttpClient` (recorded, retried, typed errors).
    """

    def __init__(self, http, timeout, offline=True):
        super().__init__(session=http.session, timeout=timeout, operation_timeout=timeout)
        self.http = http
        self.offline = offline
        self.last_status = None

    def load(self, url):
        local = shipped_part(url) if self.offline else None
        if local:
            return local.read_bytes()
        if url.startswith(("http://", "https://")):
            return self.http.request("GET", url, operation="GetWsdl").content
        return super().load(url)

    def post(self, address, message, headers):
        self.last_status = None
        response = super().post(address, message, headers)
        self.last_status = response.status_code
        check_answer(response)
        return response


def check_answer(response):
    """An answer zeep may parse: well-formed XML (zeep parses with ``recover=True`` when not strict,
    see ``ZEEP_SETTINGS``: a truncated envelope would come back as a shorter order list). An error
    page that is not XML (proxy, IIS) is an HTTP error, a 200 that is not XML a malformed answer."""
    if not response.content:
        return
    try:
        etree.fromstring(response.content, WELL_FORMED_PARSER)
    except etree.XMLSyntaxError as exc:
        status = response.status_code
        if status != 200:
            raise zeep.exceptions.TransportError(f"HTTP {status}", status_code=status) from None
        raise zeep.exceptions.XMLParseError(
            f"not well-formed XML (HTTP {status}, {len(response.content)} bytes): {exc}") from None


def plain(value):
    """zeep objects -> JSON-safe plain data; ``{"Order": [...]}`` array wrappers -> lists.

    Naive datetimes (the service's Paris time) stay naive: the normalizer knows their zone.
    """
    if isinstance(value, dict):
        if len(value) == 1:
            (inner,) = value.values()
            if isinstance(inner, list):
                return [plain(v) for v in inner]
        return {k: plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        if value.tzinfo:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if value.tzinfo else "")
    if isinstance(value, date):
        return value.isoformat()
    return value


class CdiscountSoapSession(MarketplaceTransport):
    """Endpoints, zeep client, token and calls of the Cdiscount SOAP API (no business logic).

    Options: ``sts_url`` (default derived from the base URL), ``wsdl_url`` (empty: the shipped copy
    of the service's WSDL; a URL such as ``<service>?wsdl`` loads that one), ``site_id``...
    Credentials: ``login`` (API login, "-api" suffix) and ``secret`` (API password).
    """

    def __init__(self, config, recorder=None, sleep=time.sleep):
        super().__init__(config, recorder=recorder, sleep=sleep)
        self._client = None
        self._service = None
        self._zeep_transport = None

    # -- endpoints --------------------------------------------------------------------
    @property
    def service_url(self):
        base = self.config.base_url.rstrip("/")
        return base if base.endswith(".svc") else base + SERVICE_PATH

    @property
    def wsdl_url(self):
        """The WSDL the client reads: the ``wsdl_url`` option, else the shipped copy."""
        return self.option("wsdl_url") or str(SHIPPED_WSDL)

    @property
    def sts_url(self):
        """``options["sts_url"]``, else the STS next to the service (wsvc.* -> sts.*)."""
        if self.option("sts_url"):
            return self.option("sts_url")
        parts = urlsplit(self.service_url)
        netloc = parts.netloc
        if netloc.startswith("wsvc."):
            netloc = "sts." + netloc[len("wsvc."):]
        return urlunsplit((parts.scheme, netloc, STS_PATH, "", ""))

    # -- zeep client ------------------------------------------------------------------
    @property
    def client(self):
        """zeep client on the WSDL (built once per transport, together with its service proxy)."""
        self._ensure_service()
        return self._client

    @property
    def service(self):
        self._ensure_service()
        return self._service

    def _ensure_service(self):
        if self._client is None or self._service is None:
            self._client, self._service, self._zeep_transport = self._build_service()

    def _build_service(self):
        """(client, service, transport), all built or none: a failure caches nothing half-built."""
        transport = RecordingZeepTransport(self.http, self.config.timeout, offline=not self.option("wsdl_url"))
        where = redact_url(self.wsdl_url)
        try:
            client = zeep.Client(self.wsdl_url, transport=transport, settings=ZEEP_SETTINGS)
        except (etree.XMLSyntaxError, zeep.exceptions.Error, OSError) as exc:
            raise TemporaryError(f"GetWsdl: the WSDL of {where} cannot be read: {exc}") from exc
        try:
            service = client.create_service(BINDING, self.service_url)
        except (ValueError, KeyError, zeep.exceptions.Error) as exc:
            raise RemoteError(f"GetWsdl: the WSDL of {where} has no {BINDING}: {exc}"[:500]) from exc
        return client, service, transport

    # -- token ------------------------------------------------------------------------
    def _secrets(self):
        token, _exp = self.config.token_store.get()
        return self.config.secret_values() + ([token] if token else [])

    def get_token(self, force=False):
        """Token from the store, or a new one from the STS (Basic auth) kept 48 h."""
        token, expires_at = self.config.token_store.get()
        if token and not force and expires_at - TOKEN_MARGIN > time.time():
            return token
        login = self.config.credentials.get("login")
        secret = self.config.credentials.get("secret")
        if not login or not secret:
            raise UserInputError("Cdiscount legacy: set the API login and password on the channel.",
                                 code="credentials_missing", params={"marketplace": "Cdiscount"})
        response = self.http.request(
            "GET", self.sts_url, operation="GetToken", params={"realm": self.service_url},
            auth=(login, secret), expected=(200,))
        token = self._token_of(response.content)
        self.config.token_store.set(token, time.time() + TOKEN_LIFETIME)
        return token

    @staticmethod
    def _token_of(content):
        """The 32 characters of ``<string xmlns="…/Serialization/">TOKEN</string>`` (recorded answer)."""
        try:
            token = (etree.fromstring(content).text or "").strip()
        except etree.XMLSyntaxError:
            token = ""
        if not re.fullmatch(r"[0-9A-Za-z]{32}", token):
            raise AuthenticationError(
                "GetToken: the Cdiscount token service did not return a token "
                "(check the API login, which ends with -api, and the password).")
        return token

    def header_message(self, token):
        """The HeaderMessage every operation takes."""
        return header_message(token, int(self.option("catalog_id", 1)), int(self.option("customer_pool_id", 1)),
                              int(self.option("site_id", 100)))

    # -- calls ------------------------------------------------------------------------
    def call(self, operation, retry=False, check=True, **kwargs):
        """Run one SOAP operation with a fresh HeaderMessage; returns plain data.

        Token faults renew the token once. ``retry`` (reads only) retries temporary failures with
        the configured back-off. With ``check``, ErrorList / OperationSuccess=false raise RemoteError.
        """
        renewed = False
        while True:
            try:
                result = self._call_retrying(operation, retry, **kwargs)
                break
            except _TokenFault as fault:
                if renewed:
                    raise AuthenticationError(
                        f"{operation}: Cdiscount refused the token even after renewal: {fault}") from None
                renewed = True
                self._renew_token(operation, fault)
        if check:
            self._check_result(operation, result)
        return result

    def _renew_token(self, operation, fault):
        _logger.info("Cdiscount legacy %s: token refused (%s), requesting a new one", operation, fault)
        self.config.token_store.set(None, 0.0)
        self.get_token(force=True)

    def _call_retrying(self, operation, retry, **kwargs):
        attempts = self.config.max_retries + 1 if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._call_once(operation, self.get_token(force=False), **kwargs)
            except TemporaryError:
                if attempt >= attempts:
                    raise
                self.sleep(min(self.config.backoff * 2 ** (attempt - 1), self.config.max_wait))
        return None  # not reached

    def _check_result(self, operation, result):
        errors = errors_of(result)
        if result is not None and (errors or result.get("OperationSuccess") is False):
            message = error_text(errors, result.get("ErrorMessage") or "failed")
            raise RemoteError(f"{operation}: {redact_text(message, self._secrets())}", details={"errors": errors})

    def _call_once(self, operation, token, **kwargs):
        started = time.monotonic()
        service = self.service
        self._zeep_transport.last_status = None
        try:
            raw = getattr(service, operation)(headerMessage=self.header_message(token), **kwargs)
        except zeep.exceptions.Fault as fault:
            raise self._fault_error(operation, fault, started) from None
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise self._network_error(operation, exc, started) from exc
        except zeep.exceptions.TransportError as exc:
            self._record(operation, exc.status_code, started, False, f"HTTP {exc.status_code}")
            raise self._http_error(operation, exc.status_code) from exc
        except (etree.XMLSyntaxError, zeep.exceptions.XMLParseError, zeep.exceptions.ValidationError) as exc:
            raise self._parse_error(operation, exc, started) from exc
        result = plain(zeep.helpers.serialize_object(raw, target_cls=dict)) if raw is not None else None
        errors = errors_of(result)
        ok = not errors and (result is None or result.get("OperationSuccess") is not False)
        self._record(operation, self._zeep_transport.last_status, started, ok, "; ".join(m for _t, m in errors))
        return result

    def _fault_error(self, operation, fault, started):
        """SOAP fault -> _TokenFault (renew), TemporaryError (server side) or RemoteError."""
        message = redact_text(fault.message or "SOAP fault", self._secrets())
        status = self._zeep_transport.last_status
        self._record(operation, status, started, False, message)
        code = str(fault.code or "")
        if TOKEN_FAULT_RE.search(message):
            return _TokenFault(message)
        if not code and status and status != 200:  # not a SOAP fault: an HTTP error page
            return self._http_error(operation, status)
        if code.endswith("Server") or TIMEOUT_FAULT_RE.search(message):
            return TemporaryError(f"{operation}: Cdiscount failure: {message}", status=status)
        return RemoteError(f"{operation}: Cdiscount refused the call: {message}", status=status)

    def _network_error(self, operation, exc, started):
        kind = "timeout" if isinstance(exc, requests.Timeout) else "connection error"
        message = f"{operation}: {kind} talking to {redact_url(self.service_url)}"
        self._record(operation, None, started, False, message)
        return TemporaryError(message)

    def _parse_error(self, operation, exc, started):
        status = self._zeep_transport.last_status
        if status is None:  # our request does not fit the WSDL: nothing was sent
            return RemoteError(f"{operation}: invalid request ({exc})")
        message = f"{operation}: malformed answer from Cdiscount ({exc.__class__.__name__})"
        self._record(operation, status, started, False, message)
        return TemporaryError(message)

    @staticmethod
    def _http_error(operation, status):
        message = f"{operation}: HTTP {status} from Cdiscount"
        if status in (401, 403):
            return AuthenticationError(message, status=status)
        if status and status < 500:
            return RemoteError(message, status=status)
        return TemporaryError(message, status=status)

    def _record(self, operation, status, started, ok, error=""):
        if not self.recorder:
            return
        self.recorder(Exchange(
            operation=operation, method="POST", url=redact_url(self.service_url), status=status,
            duration_ms=int((time.monotonic() - started) * 1000), ok=ok,
            error=redact_text(error, self._secrets())[:2000]))


class _TokenFault(Exception):
    """Internal: the service refused the token (renew once)."""

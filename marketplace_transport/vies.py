"""VIES client (the EU Commission's VAT number check, SOAP service ``checkVatService``).

``ViesClient.check(vat)`` pre-checks the number's format with python-stdnum, then calls
``checkVat`` (or ``checkVatApprox`` with the requester's own VAT number when configured, which
returns the consultation number ``requestIdentifier``) and returns a typed :class:`ViesResult`:
valid, invalid, unavailable (retry later) or invalid input (do not retry). The REST API client and
the client falling back from one protocol to the other are in ``vies_rest.py``.
"""
import enum
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import requests
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from zeep import Client, Plugin, Settings
from zeep.cache import InMemoryCache
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.transports import Transport

_logger = logging.getLogger(__name__)

DEFAULT_WSDL = "https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl"
TYPES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat:types"

# Fault strings of the service. The *_MAX_CONCURRENT_REQ*, *_UNAVAILABLE and TIMEOUT ones
# (and unknown faults) mean "try again later"; the others are answers about the input.
RETRYABLE_FAULTS = frozenset({
    "SERVICE_UNAVAILABLE", "MS_UNAVAILABLE", "TIMEOUT", "GLOBAL_MAX_CONCURRENT_REQ",
    "GLOBAL_MAX_CONCURRENT_REQ_TIME", "MS_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ_TIME",
    "IP_BLOCKED",
})
INPUT_FAULTS = frozenset({"INVALID_INPUT", "INVALID_REQUESTER_INFO", "VAT_BLOCKED"})
# python-stdnum's member states (ISO codes, with XI for Northern Ireland goods); VIES says EL for Greece.
VIES_PREFIXES = frozenset("EL" if code == "gr" else code.upper() for code in eu_vat.MEMBER_STATES)
WSDL_CACHE_SECONDS = 3600
BREAKER_SECONDS = 60  # after the service itself was unreachable, later checks wait this long

_breakers = {}  # WSDL URL -> monotonic time until which the service is considered down
_breakers_lock = threading.Lock()


def reset_breakers():
    """Forget every "service unreachable" pause (tests, or an admin who knows VIES is back)."""
    with _breakers_lock:
        _breakers.clear()


def trip_breaker(url):
    """Pause the checks sent to ``url`` for ``BREAKER_SECONDS``."""
    with _breakers_lock:
        _breakers[url] = time.monotonic() + BREAKER_SECONDS


def breaker_open(url):
    """True while the service at ``url`` is paused after being unreachable."""
    return _breakers.get(url, 0.0) > time.monotonic()


class ViesStatus(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"  # the service or the member state could not answer: retry later
    INVALID_INPUT = "invalid_input"  # malformed number or refused request: do not retry


@dataclass
class ViesResult:
    status: ViesStatus
    vat: str  # compact number with its VIES prefix (EL..., XI...)
    country_code: str = ""  # VIES prefix
    request_date: date | None = None
    name: str = ""
    address: str = ""
    consultation_number: str = ""  # requestIdentifier (checkVatApprox with a requester)
    error_code: str = ""  # fault string, TIMEOUT, SERVICE_UNAVAILABLE...
    message: str = ""
    extra: dict = field(default_factory=dict)
    protocol: str = ""  # "soap" or "rest": the service that answered (or failed)
    service_down: bool = False  # the service itself failed (not a member state): another protocol may answer

    @property
    def is_valid(self):
        return self.status == ViesStatus.VALID

    @property
    def retryable(self):
        return self.status == ViesStatus.UNAVAILABLE


def split_vat(vat):
    """``"FR 40 303 265 045"`` -> ``("FR", "40303265045")``; ``GR`` is turned into ``EL``.

    Raises ``ValueError`` when the prefix is not a VIES country code.
    """
    text = "".join(ch for ch in (vat or "") if ch.isalnum()).upper()
    prefix, number = text[:2], text[2:]
    if prefix == "GR":
        prefix = "EL"
    if prefix not in VIES_PREFIXES or not number:
        raise ValueError(f"{vat!r} does not start with an EU VAT country code")
    return prefix, number


def precheck(vat):
    """Compact ``vat`` and check its format/checksum offline; returns ``(prefix, number)``.

    Raises ``ValueError`` with a human message when the number cannot be valid.
    """
    prefix, number = split_vat(vat)
    try:
        compact = eu_vat.validate(prefix + number)
    except ValidationError as exc:
        raise ValueError(f"{prefix}{number} is not a well-formed {prefix} VAT number ({exc})") from exc
    return compact[:2], compact[2:]


class _RequestDatePlugin(Plugin):
    """VIES sends ``requestDate`` as ``2026-01-31+01:00`` (a date with an offset), which the
    ISO parser zeep relies on rejects; keep the date part before zeep reads the answer."""

    def ingress(self, envelope, http_headers, operation):
        for element in envelope.iter(f"{{{TYPES_NS}}}requestDate"):
            if element.text and len(element.text.strip()) > 10:
                element.text = element.text.strip()[:10]
        return envelope, http_headers


def _clean_text(value):
    value = (value or "").strip()
    return "" if value == "---" else value


def unavailable(compact, prefix, code, message, down=None):
    """An "unavailable" result; ``down`` (default: the code is SERVICE_UNAVAILABLE) says the service
    itself failed, so that another protocol may be asked."""
    _logger.info("VIES check of %s postponed: %s", compact, code)
    return ViesResult(ViesStatus.UNAVAILABLE, compact, prefix, error_code=code, message=message,
                      service_down=code == "SERVICE_UNAVAILABLE" if down is None else down)


def postponed(compact, prefix, protocol):
    """The result of a check not sent because the service was unreachable a moment ago."""
    return ViesResult(ViesStatus.UNAVAILABLE, compact, prefix, error_code="SERVICE_UNAVAILABLE",
                      message="VIES was unreachable a moment ago; check postponed", protocol=protocol,
                      service_down=True)


def checked(client, vat, force, breaker_key):
    """``client.check``: precheck, the breaker of ``breaker_key``, then ``client._ask`` (SOAP and REST alike)."""
    try:
        prefix, number = precheck(vat)
    except ValueError as exc:
        return ViesResult(ViesStatus.INVALID_INPUT, (vat or "").upper(), error_code="INVALID_INPUT",
                          message=str(exc), protocol=client.protocol)
    compact = prefix + number
    if not force and breaker_open(breaker_key):
        return postponed(compact, prefix, client.protocol)
    result = client._ask(compact, prefix, number)
    result.protocol = client.protocol
    return result


class ViesClient:
    """zeep client of the VIES ``checkVatService``.

    :param wsdl_url: WSDL location (the official one by default; the simulator's in tests)
    :param requester_vat: our own VAT number; when set, ``checkVatApprox`` is used and the
        consultation number is returned
    :param timeout: seconds, for the WSDL download and each call
    """

    protocol = "soap"

    def __init__(self, wsdl_url=DEFAULT_WSDL, requester_vat=None, timeout=10.0, session=None):
        self.wsdl_url = wsdl_url or DEFAULT_WSDL
        self.requester = precheck(requester_vat) if requester_vat else None
        self.timeout = timeout
        self.session = session or requests.Session()
        self._client = None

    def _service(self):
        if self._client is None:
            transport = Transport(session=self.session, timeout=self.timeout, operation_timeout=self.timeout,
                                  cache=InMemoryCache(timeout=WSDL_CACHE_SECONDS))
            self._client = Client(self.wsdl_url, transport=transport, settings=Settings(strict=False),
                                  plugins=[_RequestDatePlugin()])
        return self._client.service

    def check(self, vat, force=False):
        """Check one VAT number; never raises for service trouble, see :class:`ViesResult`.

        When the service itself was unreachable less than ``BREAKER_SECONDS`` ago, the check is
        not sent (``unavailable`` at once) unless ``force``: a bulk import must not wait for a
        timeout per order.
        """
        return checked(self, vat, force, self.wsdl_url)

    def _ask(self, compact, prefix, number):
        try:
            service = self._service()
            if self.requester:
                answer = service.checkVatApprox(
                    countryCode=prefix, vatNumber=number,
                    requesterCountryCode=self.requester[0], requesterVatNumber=self.requester[1])
            else:
                answer = service.checkVat(countryCode=prefix, vatNumber=number)
        except Fault as exc:
            code = (exc.message or "").strip().upper()
            if code in INPUT_FAULTS:
                return ViesResult(ViesStatus.INVALID_INPUT, compact, prefix, error_code=code,
                                  message=f"VIES refused the request: {code}")
            if code not in RETRYABLE_FAULTS:  # HTTP error page, unknown fault: the service is not there
                return unavailable(compact, prefix, "SERVICE_UNAVAILABLE",
                                   f"VIES could not answer ({exc.message or 'no detail'})"[:200])
            return unavailable(compact, prefix, code, f"VIES could not answer: {code}")
        except requests.Timeout:
            trip_breaker(self.wsdl_url)
            return unavailable(compact, prefix, "TIMEOUT", "VIES did not answer in time", down=True)
        except (requests.RequestException, TransportError, ZeepError, OSError) as exc:
            # Connection refused, HTTP 5xx without a SOAP fault, unreadable WSDL...
            trip_breaker(self.wsdl_url)
            detail = getattr(exc, "status_code", None) or type(exc).__name__
            return unavailable(compact, prefix, "SERVICE_UNAVAILABLE", f"VIES is unreachable ({detail})")
        except Exception as exc:  # noqa: BLE001 - e.g. zeep reading a non-XML error page: never block an import
            _logger.warning("VIES answer could not be read (%s)", type(exc).__name__, exc_info=True)
            trip_breaker(self.wsdl_url)
            return unavailable(compact, prefix, "SERVICE_UNAVAILABLE",
                               f"VIES answer could not be read ({type(exc).__name__})")
        return self._result(compact, prefix, answer)

    @staticmethod
    def _result(compact, prefix, answer):
        valid = bool(answer["valid"])
        name = _clean_text(getattr(answer, "name", None) or getattr(answer, "traderName", None))
        address = _clean_text(getattr(answer, "address", None) or getattr(answer, "traderAddress", None))
        return ViesResult(
            ViesStatus.VALID if valid else ViesStatus.INVALID, compact, answer["countryCode"] or prefix,
            request_date=answer["requestDate"], name=name, address=address,
            consultation_number=getattr(answer, "requestIdentifier", None) or "",
            message="" if valid else "VIES: the number is not valid")

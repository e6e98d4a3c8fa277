"""VIES REST client ("VIES on-the-Web", JSON) and the client that falls back from one protocol to the other.

The request and answer shapes follow the Commission's published contract
``swagger_publicVAT.yaml`` (kept in ``tests/fixtures/vies/``, see its ``SOURCE.md``):
``POST /check-vat-number`` with a ``CheckVatRequest`` (``countryCode``, ``vatNumber``,
``requesterMemberStateCode``, ``requesterNumber``) answered by a ``CheckVatResponse`` (``countryCode``,
``vatNumber``, ``requestDate``, ``valid``, ``requestIdentifier``, ``name``, ``address``...), or by a
``CommonResponse`` (``actionSucceed``, ``errorWrappers[].error``/``message``) with HTTP 400 or 500. As
with SOAP, ``requestIdentifier`` (the consultation number) comes only when the requester is given.
What the contract does not show is in :data:`REST_INFERRED`.

VIES confirms a VAT number's validity (regulation (EU) 904/2010 art. 31); the answer with its consultation
number is the seller's evidence of the buyer's status (implementing regulation (EU) 282/2011 art. 18(1)(a)),
a condition of the intra-EU exemption (directive 2006/112/EC art. 138(1)(b)).
"""
import logging
from datetime import date

import requests

from .vies import (
    INPUT_FAULTS,
    RETRYABLE_FAULTS,
    ViesResult,
    ViesStatus,
    checked,
    precheck,
    trip_breaker,
    unavailable,
)

_logger = logging.getLogger(__name__)

# Not in the published contract (it has no host, no examples): taken from the Commission's VIES pages
# as public clients quote them, and from answers public clients record. Marked "inferred" in the README.
REST_INFERRED = {
    "base_url": "https://ec.europa.eu/taxation_customs/vies/rest-api",  # the contract has no host/basePath
    "error_with_http_200": True,  # errors also come as HTTP 200 + {"actionSucceed": false, "errorWrappers"}
    "undisclosed_text": "---",  # name/address a registry does not disclose (as the SOAP service does)
}
DEFAULT_REST_URL = REST_INFERRED["base_url"]
CHECK_PATH = "/check-vat-number"


def _text(value):
    value = (value or "").strip() if isinstance(value, str) else ""
    return "" if value == REST_INFERRED["undisclosed_text"] else value


def _request_date(value):
    """``requestDate`` is an RFC 3339 date-time (contract: ``format: date-time``): its date part."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


class ViesRestClient:
    """Client of the VIES REST API.

    :param base_url: the API root (official one by default; the simulator's in tests)
    :param requester_vat: our own VAT number, sent to get the consultation number
    :param timeout: seconds per call
    """

    protocol = "rest"

    def __init__(self, base_url=DEFAULT_REST_URL, requester_vat=None, timeout=10.0, session=None):
        self.base_url = (base_url or DEFAULT_REST_URL).rstrip("/")
        self.requester = precheck(requester_vat) if requester_vat else None
        self.timeout = timeout
        self.session = session or requests.Session()

    def check(self, vat, force=False):
        """Check one VAT number; never raises for service trouble (same results as the SOAP client)."""
        return checked(self, vat, force, self.base_url)

    def _body(self, prefix, number):
        body = {"countryCode": prefix, "vatNumber": number}
        if self.requester:
            body.update(requesterMemberStateCode=self.requester[0], requesterNumber=self.requester[1])
        return body

    def _ask(self, compact, prefix, number):
        try:
            response = self.session.post(self.base_url + CHECK_PATH, json=self._body(prefix, number),
                                         headers={"Accept": "application/json"}, timeout=self.timeout)
            answer = response.json()
        except requests.Timeout:
            trip_breaker(self.base_url)
            return unavailable(compact, prefix, "TIMEOUT", "VIES did not answer in time", down=True)
        except (requests.RequestException, ValueError) as exc:  # unreachable, or not JSON (an error page)
            trip_breaker(self.base_url)
            return unavailable(compact, prefix, "SERVICE_UNAVAILABLE", f"VIES is unreachable ({type(exc).__name__})")
        if not isinstance(answer, dict):
            return unavailable(compact, prefix, "SERVICE_UNAVAILABLE", "VIES answer could not be read")
        if response.status_code == 200 and "valid" in answer:
            return self._result(compact, prefix, answer)
        return self._error(compact, prefix, response.status_code, answer)

    @staticmethod
    def _error(compact, prefix, status, answer):
        """A ``CommonResponse`` (HTTP 400/500, or 200 per :data:`REST_INFERRED`) or an unknown answer."""
        wrappers = answer.get("errorWrappers") or []
        first = wrappers[0] if wrappers and isinstance(wrappers[0], dict) else {}
        code = str(first.get("error") or "").strip().upper()
        if code in INPUT_FAULTS:
            return ViesResult(ViesStatus.INVALID_INPUT, compact, prefix, error_code=code,
                              message=f"VIES refused the request: {code}")
        if code in RETRYABLE_FAULTS:
            return unavailable(compact, prefix, code, f"VIES could not answer: {code}")
        return unavailable(compact, prefix, "SERVICE_UNAVAILABLE",
                           f"VIES could not answer (HTTP {status}, {code or 'no error code'})"[:200])

    @staticmethod
    def _result(compact, prefix, answer):
        valid = answer.get("valid") is True
        return ViesResult(
            ViesStatus.VALID if valid else ViesStatus.INVALID, compact, answer.get("countryCode") or prefix,
            request_date=_request_date(answer.get("requestDate")),
            name=_text(answer.get("name")),
            address=_text(answer.get("address")),
            consultation_number=_text(answer.get("requestIdentifier")),
            message="" if valid else "VIES: the number is not valid")


class ViesFallbackClient:
    """Asks its clients in turn (the configured protocol first) while the service itself is down.

    A member state's outage (``MS_UNAVAILABLE``...) is the same whatever the protocol: it is returned
    as is. Only ``service_down`` results (unreachable, HTTP error, ``SERVICE_UNAVAILABLE``) move on.
    """

    def __init__(self, clients):
        self.clients = list(clients)

    @property
    def protocol(self):
        return self.clients[0].protocol

    def check(self, vat, force=False):
        result = None
        for client in self.clients:
            result = client.check(vat, force=force)
            if not result.service_down:
                return result
            _logger.info("VIES %s is down (%s): trying the next protocol", client.protocol, result.error_code)
        return result

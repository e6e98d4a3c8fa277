"""VIES ``checkVatService`` simulator (SOAP 1.1, document/literal).

Serves a WSDL equivalent to the official one (``GET /checkVatService.wsdl``, also under the
official path ``/taxation_customs/vies/checkVatService.wsdl``) whose soap:address points back at
the simulator, and answers ``checkVat`` / ``checkVatApprox`` from a table (the REST API, same table
and faults, is in ``vies_rest.py``):

- ``state.valid``: registered numbers -> (name, address); Germany and Spain answer "---" as
  the real registries do;
- any other well-formed request: ``valid=false``;
- ``state.faults``: number -> fault string (``MS_UNAVAILABLE``, ``TIMEOUT``, ...), and
  ``state.country_faults``: VIES prefix -> fault string;
- ``state.go_down(code)`` / ``state.recover()``: every request faults with ``code`` until recovered.

``checkVatApprox`` returns a ``requestIdentifier`` (consultation number) only when the
requester's own, registered VAT number is given, as the real service does.
"""
import itertools
import re
import threading
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from .server import Response

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TYPES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat:types"
WSDL_TEMPLATE = Path(__file__).with_name("checkVatService.wsdl")
SERVICE_PATH = "/taxation_customs/vies/services/checkVatService"
VIES_PREFIXES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
}
NO_TRADER_DATA = {"DE", "ES"}  # registries that do not disclose name and address
ALL_FAULTS = (
    "INVALID_INPUT", "INVALID_REQUESTER_INFO", "SERVICE_UNAVAILABLE", "MS_UNAVAILABLE", "TIMEOUT",
    "VAT_BLOCKED", "IP_BLOCKED", "GLOBAL_MAX_CONCURRENT_REQ", "GLOBAL_MAX_CONCURRENT_REQ_TIME",
    "MS_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ_TIME",
)


def belgian_number(base):
    """A checksum-valid Belgian VAT number (``BE0`` + 7 digits + mod-97 check) for ``base``."""
    digits = f"0{int(base) % 10_000_000:07d}"
    return f"BE{digits}{97 - int(digits) % 97:02d}"


# Well-formed numbers the simulator answers with a fault by default, one per fault string.
FAULT_NUMBERS = {code: belgian_number(4_000_000 + index) for index, code in enumerate(ALL_FAULTS)}

DEFAULT_VALID = {
    "FR40303265045": ("SA ODOO TEST VENDEUR", "12 RUE DU TEST\n75002 PARIS"),
    "DE136695976": ("---", "---"),
    "IT00743110157": ("ACME ITALIA SRL", "VIA ROMA 1\n20121 MILANO MI"),
    "BE0403170701": ("NV BELGIAN BUYER", "RUE DE LA LOI 16\n1000 BRUXELLES"),
    "ESA28015865": ("---", "---"),
    "EL094259216": ("HELLENIC BUYER AE", "ODOS ERMOU 1\n10563 ATHINA"),
}


class ViesState:
    def __init__(self):
        self.valid = dict(DEFAULT_VALID)
        self.faults = dict((number, code) for code, number in FAULT_NUMBERS.items())
        self.country_faults = {}
        self.down_code = None
        self.rest_errors_with_200 = False  # REST errors as HTTP 200 (reported by clients) instead of 400/500
        self.checks = []  # (operation, country, number, answer) for assertions
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def go_down(self, code="SERVICE_UNAVAILABLE"):
        """Every request faults with ``code`` until :meth:`recover`."""
        self.down_code = code

    def recover(self):
        self.down_code = None

    def next_identifier(self):
        with self._lock:
            return f"WAPIAAAAZ{next(self._ids):07d}"


def _envelope(body):
    return (f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP_ENV}">'
            f"<env:Header/><env:Body>{body}</env:Body></env:Envelope>")


def soap_fault(code, faultcode="env:Server"):
    """SOAP 1.1 fault answered with HTTP 500, ``faultstring`` = the VIES error code."""
    body = (f"<env:Fault><faultcode>{faultcode}</faultcode><faultstring>{escape(code)}</faultstring>"
            "</env:Fault>")
    return Response(500, _envelope(body), content_type="text/xml; charset=utf-8")


def _element(name, value):
    if value is None:
        return ""
    return f"<ns2:{name}>{escape(str(value))}</ns2:{name}>"


def _parse(body):
    """(operation, {field: text}) of a SOAP request body; raises ValueError when unreadable."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(str(exc)) from exc
    soap_body = root.find(f"{{{SOAP_ENV}}}Body")
    if soap_body is None or not len(soap_body):
        raise ValueError("no SOAP body")
    operation = soap_body[0]
    if not operation.tag.startswith(f"{{{TYPES_NS}}}"):
        raise ValueError(f"unknown element {operation.tag}")
    fields = {child.tag.split("}")[-1]: (child.text or "").strip() for child in operation}
    return operation.tag.split("}")[-1], fields


def decide(state, operation, country, number, requester):
    """``(fault, answer)`` of one check, whatever the protocol (``operation`` is logged in ``checks``).

    ``answer``: country, number, valid, name, address, identifier (consultation number, only with a
    registered requester, as the real service does).
    """
    country = country.upper()
    number = re.sub(r"\s", "", number).upper()
    fault = state.down_code or state.country_faults.get(country) or state.faults.get(country + number)
    if not fault and (country not in VIES_PREFIXES or not re.fullmatch(r"[0-9A-Z+*]{2,12}", number)):
        fault = "INVALID_INPUT"
    if not fault and requester and requester not in state.valid:
        fault = "INVALID_REQUESTER_INFO"
    if fault:
        state.checks.append((operation, country, number, fault))
        return fault, None
    known = state.valid.get(country + number)
    trader_name, trader_address = known or ("---", "---")
    if country in NO_TRADER_DATA:
        trader_name = trader_address = "---"
    state.checks.append((operation, country, number, "valid" if known else "invalid"))
    return None, {"country": country, "number": number, "valid": known is not None, "name": trader_name,
                  "address": trader_address, "identifier": state.next_identifier() if requester else ""}


def register(app, name="vies"):
    """Add the VIES routes to ``app``; state lives in ``app.state[name]`` (a :class:`ViesState`)."""
    state = app.state.setdefault(name, ViesState())

    def wsdl(request):
        host = request.headers.get("host", "127.0.0.1")
        text = WSDL_TEMPLATE.read_text().replace("{service_url}", f"http://{host}{SERVICE_PATH}")
        return Response(200, text, content_type="text/xml; charset=utf-8")

    app.route("GET", r"/checkVatService\.wsdl")(wsdl)
    app.route("GET", r"/taxation_customs/vies/checkVatService\.wsdl")(wsdl)

    @app.route("POST", re.escape(SERVICE_PATH))
    def check_vat(request):
        try:
            operation, fields = _parse(request.body)
        except ValueError:
            return soap_fault("Unreadable request", faultcode="env:Client")
        if operation not in ("checkVat", "checkVatApprox"):
            return soap_fault("INVALID_INPUT")
        requester = fields.get("requesterCountryCode", "").upper() + fields.get("requesterVatNumber", "").upper()
        fault, answer = decide(state, operation, fields.get("countryCode", ""), fields.get("vatNumber", ""),
                               requester)
        if fault:
            return soap_fault(fault)
        parts = [_element("countryCode", answer["country"]), _element("vatNumber", answer["number"]),
                 _element("requestDate", f"{date.today().isoformat()}+01:00"),
                 _element("valid", "true" if answer["valid"] else "false")]
        if operation == "checkVat":
            parts += [_element("name", answer["name"]), _element("address", answer["address"])]
        else:
            parts += [_element("traderName", answer["name"]), _element("traderAddress", answer["address"])]
            parts.append(_element("requestIdentifier", answer["identifier"]))
        body = f'<ns2:{operation}Response xmlns:ns2="{TYPES_NS}">{"".join(parts)}</ns2:{operation}Response>'
        return Response(200, _envelope(body), content_type="text/xml; charset=utf-8")

    from .vies_rest import register_rest  # the REST API beside SOAP, same state

    register_rest(app, state)
    return state

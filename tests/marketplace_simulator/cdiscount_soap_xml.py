"""The real MarketplaceAPIService shapes for the SOAP simulator: zeep on the service's own WSDL/XSDs.

Requests are parsed (strictly) and answers rendered by zeep against the XSDs Cdiscount serves
(``marketplace_transport/octopia/wsdl``, recorded from the service), so the simulator speaks the
published dialect whatever the client believes. Dates on the wire are naive Paris time (evidence:
``tests/fixtures/cdiscount/SOURCE.md``); in the simulator's state they are aware UTC datetimes.
"""
import functools
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import zeep
import zeep.exceptions
import zeep.helpers
from lxml import etree
from zeep.xsd import ComplexType, Nil

from .server import Response

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SERIALIZATION = "http://schemas.microsoft.com/2003/10/Serialization/"
TNS = "http://www.cdiscount.com"
MSG = "http://schemas.datacontract.org/2004/07/Cdiscount.Framework.Core.Communication.Messages"
ARR = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
WCF_DISPATCHER = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher"
SERVICE_PATH = "/MarketplaceAPIService.svc"
RECORDED_SERVICE = "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"
ROOT = Path(__file__).resolve().parents[2]
WSDL_DIR = ROOT / "marketplace_transport" / "octopia" / "wsdl"
WSDL_FILE = WSDL_DIR / "MarketplaceAPIService.wsdl"
FIXTURES = ROOT / "tests" / "fixtures" / "cdiscount"
SERVICE_TZ = ZoneInfo("Europe/Paris")
_PART_RE = re.compile(r"(wsdl|xsd)=((?:wsdl|xsd)\d{1,2})")


class SoapFault(Exception):
    def __init__(self, message, code="s:Client"):
        super().__init__(message)
        self.message, self.code = message, code


def part_file(query):
    """File serving ``…svc?<query>`` (``wsdl``, ``wsdl=wsdl0``, ``xsd=xsd3``), or None."""
    if query == "wsdl":
        return WSDL_FILE
    match = _PART_RE.fullmatch(query)
    if not match or not match.group(2).startswith(match.group(1)):
        return None
    path = WSDL_DIR / f"MarketplaceAPIService.{match.group(2)}.{match.group(1)}"
    return path if path.is_file() else None


def wsdl_part(query, own_url):
    """A WSDL/XSD part as the service serves it, its imports and address pointing at ``own_url``."""
    path = part_file(query)
    if path is None:
        return None
    return path.read_bytes().replace(RECORDED_SERVICE.encode(), own_url.encode())


class _LocalParts(zeep.Transport):
    def load(self, url):
        query = url.partition("?")[2]
        path = part_file(query) if url.startswith(RECORDED_SERVICE) else None
        return path.read_bytes() if path else super().load(url)


@functools.cache
def schema():
    """zeep client on the shipped WSDL, strict: a request off the XSD is refused."""
    return zeep.Client(str(WSDL_FILE), transport=_LocalParts(), settings=zeep.Settings(strict=True))


# -- plain data <-> zeep values ---------------------------------------------------------------
def to_plain(value):
    """zeep-parsed values -> dicts and lists (array wrappers unwrapped, dates aware UTC)."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(next(iter(value.values())), list):
            return [to_plain(v) for v in next(iter(value.values()))]
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, datetime):
        return from_wire_date(value)
    return value


def from_wire_date(value):
    if value.tzinfo is None and value.year == 1:  # .NET DateTime.MinValue: "no date" (recorded on lines)
        return value.replace(tzinfo=UTC)
    return value.replace(tzinfo=SERVICE_TZ).astimezone(UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_wire_date(value):
    return value.astimezone(SERVICE_TZ).replace(tzinfo=None) if value.tzinfo else value


def _is_array(xsd_type):
    elements = getattr(xsd_type, "elements", None)
    return isinstance(xsd_type, ComplexType) and len(elements) == 1 and elements[0][1].max_occurs == "unbounded"


def to_zeep(xsd_type, value, nillable=False):
    """Plain data -> what zeep renders for ``xsd_type`` (lists wrapped, dates in Paris time, nil)."""
    if value is None:
        return Nil if nillable else None
    if _is_array(xsd_type):
        name, element = xsd_type.elements[0]
        return {name: [to_zeep(element.type, item, element.nillable) for item in value]}
    if isinstance(xsd_type, ComplexType) and isinstance(value, dict):
        elements = dict(xsd_type.elements)
        return {key: to_zeep(elements[key].type, item, elements[key].nillable)
                for key, item in value.items() if key in elements}
    if isinstance(value, datetime):
        return to_wire_date(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value


# -- requests and answers ----------------------------------------------------------------------
def parse_call(call):
    """The operation element of a request body -> plain dict of its parameters (strict XSD parse)."""
    try:
        element = schema().get_element(call.tag)
        value = element.parse(call, schema().wsdl.types)
    except (LookupError, zeep.exceptions.Error, ValueError) as exc:
        raise SoapFault(f"The formatter threw an exception while trying to deserialize the message: {exc}",
                        "a:DeserializationFailed") from exc
    return to_plain(zeep.helpers.serialize_object(value, target_cls=dict))


def answer(operation, result):
    """``<operation>Response`` envelope with ``result`` (plain data) rendered by the XSD."""
    element = schema().get_element(f"{{{TNS}}}{operation}Response")
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    element.render(body, to_zeep(element.type, {f"{operation}Result": result}))
    return Response(200, etree.tostring(root, encoding="utf-8"), content_type="text/xml; charset=utf-8")


def recorded_answer(body):
    return Response(200, body, content_type="text/xml; charset=utf-8")


def fault_response(fault):
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    element = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    nsmap = {"a": WCF_DISPATCHER} if fault.code.startswith("a:") else None
    etree.SubElement(element, "faultcode", nsmap=nsmap).text = fault.code
    string = etree.SubElement(element, "faultstring")
    string.set("{http://www.w3.org/XML/1998/namespace}lang", "fr-FR")
    string.text = fault.message
    return Response(500, etree.tostring(root, encoding="utf-8"), content_type="text/xml; charset=utf-8")


def base_result(login, token, errors=(), message=None, success=True):
    """ServiceMessage + ServiceBaseAPIMessage members of every answer."""
    return {"ErrorMessage": message, "OperationSuccess": success,
            "ErrorList": [{"ErrorType": t, "Message": m} for t, m in errors],
            "SellerLogin": login, "TokenId": token}


# -- recorded answers --------------------------------------------------------------------------
def fixture(name):
    return (FIXTURES / name).read_bytes()


def parse_answer(body, operation):
    """A recorded ``<operation>Response`` envelope -> its result as plain data."""
    root = etree.fromstring(body)
    response = root.find(f"{{{SOAP_ENV}}}Body/{{{TNS}}}{operation}Response")
    element = schema().get_element(response.tag)
    value = element.parse(response, schema().wsdl.types)
    return to_plain(zeep.helpers.serialize_object(value, target_cls=dict))[f"{operation}Result"]


def recorded_orders():
    """The orders of the recorded GetOrderList answer (fixture), as simulator state."""
    return parse_answer(fixture("GetOrderList.response.xml"), "GetOrderList")["OrderList"]


@functools.cache
def recorded_carriers():
    """(CarrierId, Name, DefaultURL) of the recorded GetGlobalConfiguration answer."""
    carriers = parse_answer(fixture("GetGlobalConfiguration.response.xml"), "GetGlobalConfiguration")["CarrierList"]
    return [(c["CarrierId"], c["Name"].strip(), (c["DefaultURL"] or "").strip()) for c in carriers]

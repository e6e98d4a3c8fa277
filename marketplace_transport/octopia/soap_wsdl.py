"""The Cdiscount MarketplaceAPIService WSDL and XSDs shipped with the client.

The files in ``wsdl/`` are the service's own documents (``…svc?wsdl``, ``?wsdl=wsdl0``,
``?xsd=xsd0`` … ``xsd11``) as recorded from ``https://wsvc.cdiscount.com`` (sources:
``tests/fixtures/cdiscount/SOURCE.md``), byte for byte: their imports still name the service's
URLs, which :func:`shipped_part` maps back to the files.
"""
import re
from pathlib import Path
from urllib.parse import urlsplit

WSDL_DIR = Path(__file__).resolve().parent / "wsdl"
SHIPPED_WSDL = WSDL_DIR / "MarketplaceAPIService.wsdl"
#: the binding as the real WSDL names it (the port type and data contracts live in www.cdiscount.com)
BINDING = "{http://tempuri.org/}BasicHttpBinding_IMarketplaceAPIService"
TNS = "http://www.cdiscount.com"
MESSAGES_NS = "http://schemas.datacontract.org/2004/07/Cdiscount.Framework.Core.Communication.Messages"
ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
SERVICE_PATH = "/MarketplaceAPIService.svc"
_PART_RE = re.compile(r"(wsdl|xsd)=((?:wsdl|xsd)\d{1,2})")


def part_name(query):
    """File name of a WSDL part from its URL query (``wsdl``, ``wsdl=wsdl0``, ``xsd=xsd3``), or None."""
    if query == "wsdl":
        return "MarketplaceAPIService.wsdl"
    match = _PART_RE.fullmatch(query)
    if not match or not match.group(2).startswith(match.group(1)):
        return None
    return f"MarketplaceAPIService.{match.group(2)}.{match.group(1)}"


def shipped_part(url):
    """Local file of a shipped WSDL/XSD part named by a service URL (or a file path), else None."""
    parts = urlsplit(str(url))
    if not parts.path.endswith(SERVICE_PATH):
        return None
    name = part_name(parts.query)
    path = WSDL_DIR / name if name else None
    return path if path and path.is_file() else None

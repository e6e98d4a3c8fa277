"""PrestaShop webservice rendering: errors, XML/JSON bodies, list parameters (filter, sort, limit, display)."""
import re
import xml.etree.ElementTree as ET

from ..server import Response
from .constants import DATE_FIELDS, SINGULAR


# -- error and payload rendering --------------------------------------------------------
def _wants_json(request):
    return (request.query.get("output_format") or "").upper() == "JSON"


def error(request, status, code, message, headers=None):
    """The webservice error body, in the requested output format."""
    if _wants_json(request):
        return Response(status, {"errors": [{"code": code, "message": message}]}, headers=headers or {})
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            f"<errors>\n<error>\n<code><![CDATA[{code}]]></code>\n<message><![CDATA[{message}]]></message>\n"
            "</error>\n</errors>\n</prestashop>\n")
    return Response(status, body, headers=headers or {}, content_type="text/xml;charset=utf-8")


def _xml_node(tag, value):
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            node.append(_xml_node(key, sub))
    elif isinstance(value, list):
        child = SINGULAR.get(tag) or (tag[:-1] if tag.endswith("s") else tag)
        node.set("nodeType", child)
        for item in value:
            node.append(_xml_node(child, item))
    else:
        node.text = "" if value is None else str(value)
    return node


def render(request, status, root_name, value):
    """``{root_name: value}`` as JSON, or wrapped in ``<prestashop>`` as XML."""
    if _wants_json(request):
        if isinstance(value, list) and not value:
            return Response(status, [])  # PrestaShop answers a bare [] for an empty list
        return Response(status, {root_name: value})
    root = ET.Element("prestashop")
    root.append(_xml_node(root_name, value))
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    return Response(status, body, content_type="text/xml;charset=utf-8")


def parse_xml_object(body, singular):
    """``<prestashop><singular>...</singular></prestashop>`` -> flat dict of texts."""
    root = ET.fromstring(body)
    node = root.find(singular)
    if node is None:
        raise ValueError(f"<{singular}> element expected")
    return {child.tag: (child.text or "").strip() for child in node if len(child) == 0}


# -- list parameters ---------------------------------------------------------------------
_FILTER_RE = re.compile(r"^filter\[(\w+)\]$")


def _apply_filters(request, rows):
    for name, raw in request.query.items():
        match = _FILTER_RE.match(name)
        if not match:
            continue
        fieldname = match.group(1)
        if fieldname in DATE_FIELDS and request.query.get("date") != "1":
            raise _WsError(400, 31, f'Unable to filter by the field "{fieldname}": use the parameter date=1')
        inner = raw.strip()
        if not (inner.startswith("[") and inner.endswith("]")):
            raise _WsError(400, 32, f"Invalid filter value for {fieldname}: {raw}")
        inner = inner[1:-1]
        if "," in inner:
            low, high = inner.split(",", 1)
            rows = [r for r in rows if _cmp_key(fieldname, low) <= _cmp_key(fieldname, r.get(fieldname, ""))
                    <= _cmp_key(fieldname, high)]
        else:
            wanted = set(inner.split("|"))
            rows = [r for r in rows if str(r.get(fieldname, "")) in wanted]
    return rows


def _cmp_key(fieldname, value):
    if fieldname in DATE_FIELDS:
        return str(value)
    try:
        return float(value)
    except ValueError:
        return str(value)


def _apply_sort(request, rows):
    raw = request.query.get("sort")
    if not raw:
        return sorted(rows, key=lambda r: int(r["id"]))
    specs = raw.strip("[]").split(",")
    for spec in reversed(specs):
        fieldname, _sep, direction = spec.rpartition("_")
        if fieldname in DATE_FIELDS and request.query.get("date") != "1":
            raise _WsError(400, 31, f'Unable to sort by the field "{fieldname}": use the parameter date=1')
        rows = sorted(rows, key=lambda r: _cmp_key(fieldname, r.get(fieldname, "")), reverse=direction == "DESC")
    return rows


def _apply_limit(request, rows):
    raw = request.query.get("limit")
    if not raw:
        return rows
    try:
        if "," in raw:
            offset, count = (int(p) for p in raw.split(","))
        else:
            offset, count = 0, int(raw)
    except ValueError:
        raise _WsError(400, 33, f"Invalid limit: {raw}") from None
    return rows[offset:offset + count]


def _apply_display(request, rows):
    display = request.query.get("display")
    if display == "full":
        return rows
    if display:
        names = [n.strip() for n in display.strip("[]").split(",")]
        return [{n: r.get(n) for n in names if n in r} for r in rows]
    return [{"id": r["id"]} for r in rows]


class _WsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

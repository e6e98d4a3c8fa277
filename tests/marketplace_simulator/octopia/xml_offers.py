"""Octopia simulator: XML offer packages (ZIP download, parsing, validation)."""
import collections
import copy
import io
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from urllib.parse import urlsplit

from ..server import Response, problem
from .api import _json_body, _validation, guarded_api
from .constants import (
    API_PREFIX,
    DISCOUNT_TYPES,
    MAX_OFFERS_PER_XML_PACKAGE,
    MAX_XML_PACKAGE_BYTES,
    OFFER_XML_NAMESPACE,
    PACKAGING_UNITS,
    PRICE_ALIGNMENT_ACTIONS,
    PRODUCT_CONDITION_NAMES,
    XML_LOG_PAGE_MAX,
    XML_PACKAGE_ENTRIES,
    XML_PACKAGE_URL_FIELDS,
)
from .generator import gtin_is_valid, iso


def register_xml_packages(app, state):
    """XML offer packages: submit a ZIP URL (downloaded over real HTTP), read status and logs."""
    api = guarded_api(app, state)

    @api("POST", "/offer-integration-packages")
    def submit_xml_package(request):
        body, error = _json_body(request)
        if error:
            return error
        url = body if isinstance(body, str) else next(
            (body[key] for key in XML_PACKAGE_URL_FIELDS if isinstance(body, dict) and isinstance(body.get(key), str)),
            None)
        if not url or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            return _validation("One or more validation errors occurred.",
                               {"url": ["The absolute http(s) URL of the offer package ZIP is required."]})
        with state.lock:
            state.xml_downloads.append(url)
        try:
            package_type, offers = _parse_xml_package(_download(url))
        except ValueError as exc:  # unreachable URL, not a ZIP, wrong layout or XML
            return problem(400, "Bad Request", str(exc))
        with state.lock:
            package_id = 1000 + len(state.xml_packages) + 1
            state.xml_packages[package_id] = {
                "packageId": package_id, "packageType": package_type, "integrationState": "IntegrationPending",
                "url": url, "submittedAt": iso(state.now()), "offers": offers, "polls": 0, "logs": None}
        return Response(201, {"packageId": package_id},
                        headers={"Content-Location": f"{API_PREFIX}/offer-integration-packages/{package_id}"})

    @api("GET", r"/offer-integration-packages/(?P<package_id>\d+)")
    def get_xml_package(request):
        try:
            limit = int(request.query.get("$limit", XML_LOG_PAGE_MAX))
            page = int(request.query.get("$page", 1))
        except ValueError:
            limit = page = 0
        if not 1 <= limit <= XML_LOG_PAGE_MAX or page < 1:
            return _validation("One or more validation errors occurred.",
                               {"$limit": [f"$limit must be 1 to {XML_LOG_PAGE_MAX}."],
                                "$page": ["$page starts at 1."]})
        with state.lock:
            package = state.xml_packages.get(int(request.params["package_id"]))
            if package is None:
                return problem(404, "Not Found", f"Offer integration package {request.params['package_id']} not found.")
            if package["logs"] is None:
                package["polls"] += 1
                if package["polls"] >= state.package_steps:
                    _integrate_xml(state, package)
            logs = package["logs"] or []
            return Response(200, {
                "packageId": package["packageId"], "sellerId": int(state.seller_id),
                "integrationState": package["integrationState"],
                "numberOfErrors": sum(1 for log in logs if log["offerIntegrationStatus"] != "Integrated"),
                "page": page, "countByPage": limit, "totalLogsCount": len(logs),
                "offerLogPagedList": copy.deepcopy(logs[(page - 1) * limit: page * limit])})


def _download(url):
    """Bytes at ``url`` (real HTTP); ValueError with a readable reason when it cannot be read."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http(s) checked above
            data = response.read(MAX_XML_PACKAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ValueError(f"The offer package could not be downloaded from {url} (HTTP {exc.code}).") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ValueError(f"The offer package could not be downloaded from {url} ({exc}).") from exc
    if len(data) > MAX_XML_PACKAGE_BYTES:
        raise ValueError("The offer package is too large.")
    return data


def _parse_xml_package(data):
    """(PackageType, [{"attributes", "shipping", "discounts"}]) of a ZIP offer package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("The offer package is not a valid ZIP file.") from exc
    missing = [name for name in XML_PACKAGE_ENTRIES if name not in archive.namelist()]
    if missing:
        raise ValueError(f"The offer package lacks {', '.join(missing)}.")
    try:
        root = ET.fromstring(archive.read("Content/Offers.xml"))
    except ET.ParseError as exc:
        raise ValueError(f"Content/Offers.xml is not valid XML: {exc}.") from exc

    def tag(name):
        return f"{{{OFFER_XML_NAMESPACE}}}{name}"

    if root.tag != tag("OfferPackage"):
        raise ValueError(f"Content/Offers.xml: the root must be OfferPackage in namespace {OFFER_XML_NAMESPACE}.")
    package_type = root.get("PackageType") or "Full"
    if package_type not in ("Full", "StockAndPrice") or not root.get("Name"):
        raise ValueError("OfferPackage needs a Name and a PackageType of Full or StockAndPrice.")
    offers = [{
        "attributes": dict(offer.attrib),
        "shipping": [dict(e.attrib) for e in offer.iter(tag("ShippingInformation"))],
        "discounts": [dict(e.attrib) for e in offer.iter(tag("DiscountComponent"))],
    } for offer in root.iter(tag("Offer"))]
    if len(offers) > MAX_OFFERS_PER_XML_PACKAGE:
        raise ValueError(f"An offer package holds at most {MAX_OFFERS_PER_XML_PACKAGE} offers ({len(offers)} sent).")
    return package_type, offers


def _integrate_xml(state, package):
    """Validate every offer of an XML package, keep the integrated ones in ``state.offers``."""
    counts = collections.Counter(o["attributes"].get("SellerProductId") for o in package["offers"])
    logs = []
    for offer in package["offers"]:
        attributes = offer["attributes"]
        sku = attributes.get("SellerProductId") or ""
        errors = _xml_offer_errors(state, package["packageType"], offer)
        if counts[sku] > 1:
            errors.insert(0, ("SellerProductId", "Duplicated", f"SellerProductId '{sku}' appears more than once."))
        if not errors:
            current = state.offers.get(sku, {})
            state.offers[sku] = {**current, "sellerExternalReference": sku, "xml": dict(attributes),
                                 "xmlShippingInformation": offer["shipping"],
                                 "xmlDiscountComponents": offer["discounts"]}
        logs.append({"logDate": iso(state.now()), "sellerProductId": sku,
                     "productEan": attributes.get("ProductEan", ""),
                     "offerIntegrationStatus": "Rejected" if errors else "Integrated",
                     "propertyList": [{"propertyCode": code, "propertyError": error, "logMessage": message}
                                      for code, error, message in errors]})
    package["logs"] = logs
    package["integrationState"] = "Integrated"


def _number_or_none(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _xml_offer_errors(state, package_type, offer):  # noqa: C901 - one check per documented attribute
    """[(propertyCode, propertyError, logMessage)] of one ``Offer`` of an XML package."""
    attributes = offer["attributes"]
    errors = []
    sku = attributes.get("SellerProductId") or ""
    if not 1 <= len(sku) <= 50:
        return [("SellerProductId", "InvalidValue", "SellerProductId must be 1 to 50 characters.")]
    full = package_type == "Full"
    if not full and sku not in state.offers:
        return [("SellerProductId", "OfferNotFound", f"No offer '{sku}': send it in a Full package first.")]
    ean = attributes.get("ProductEan") or ""
    if (full or ean) and not gtin_is_valid(ean):
        errors.append(("ProductEan", "InvalidGtin", f"ProductEan '{ean}' is not a valid EAN."))
    condition = attributes.get("ProductCondition")
    if full and condition not in PRODUCT_CONDITION_NAMES and condition not in [
            str(i) for i in range(len(PRODUCT_CONDITION_NAMES))]:
        errors.append(("ProductCondition", "InvalidValue", f"ProductCondition '{condition}' is not allowed."))
    price = _number_or_none(attributes.get("Price"))
    if price is None or price <= 0:
        errors.append(("Price", "InvalidValue", f"Price must be a positive number (got {attributes.get('Price')!r})."))
    stock = attributes.get("Stock")
    if not (stock or "").isdigit():
        errors.append(("Stock", "InvalidValue", f"Stock must be a non-negative integer (got {stock!r})."))
    for name, allowed in (("PriceMustBeAligned", PRICE_ALIGNMENT_ACTIONS), ("ProductPackagingUnit", PACKAGING_UNITS)):
        if name in attributes and attributes[name] not in allowed:
            errors.append((name, "InvalidValue", f"{name} '{attributes[name]}' is not one of {', '.join(allowed)}."))
    for name in ("StrikedPrice", "MinimumPriceForPriceAlignment", "ProductPackagingValue"):
        if name in attributes and (_number_or_none(attributes[name]) or 0) <= 0:
            errors.append((name, "InvalidValue", f"{name} must be a positive number."))
    if full and not any(s.get("DeliveryMode") for s in offer["shipping"]):
        errors.append(("ShippingInformationList", "Missing", "At least one ShippingInformation with a DeliveryMode "
                                                             "is required."))
    for discount in offer["discounts"]:
        start, end = (_parse_xml_date(discount.get(key)) for key in ("StartDate", "EndDate"))
        if _number_or_none(discount.get("DiscountValue")) is None or discount.get("Type") not in DISCOUNT_TYPES + (
                "0", "1", "2"):
            errors.append(("DiscountComponent", "InvalidValue", "DiscountComponent needs a DiscountValue and a Type "
                                                                f"among {', '.join(DISCOUNT_TYPES)}."))
        elif not start or not end or start >= end:
            errors.append(("DiscountComponent", "InvalidDates", "DiscountComponent needs a StartDate before its "
                                                                "EndDate."))
    return errors


def _parse_xml_date(value):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None

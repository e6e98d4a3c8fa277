"""Octopia XML offer packages: ``Content/Offers.xml`` in a ZIP, streamed from :class:`OfferUpdate`.

The XML package (legacy ``SubmitOfferPackage`` format, taken by the V2 endpoint
``POST /offer-integration-packages``) carries the offer attributes the JSON flow has no field for:
price alignment, packaging unit/value, striked price, discount components and the
``ShippingInformation`` delivery modes. Layout (reference §3.3): ``[Content_Types].xml``,
``_rels/.rels`` and ``Content/Offers.xml``, at most 40,000 offers per package. The namespaces and
the ``OfferPackage``/``Offer`` shape follow the public templates of the Cdiscount SDKs.

Offers are written one by one to a temporary file, so a large catalogue never sits in memory.
"""
import contextlib
import itertools
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from .offers import delivery_modes, xml_offer_attributes

OFFER_NAMESPACE = ("clr-namespace:Cdiscount.Service.OfferIntegration.Pivot;"
                   "assembly=Cdiscount.Service.OfferIntegration")
XAML_NAMESPACE = "http://schemas.microsoft.com/winfx/2006/xaml"
OFFERS_XML_PATH = "Content/Offers.xml"
MAX_OFFERS_PER_XML_PACKAGE = 40000
PACKAGE_TYPE = "Full"  # StockAndPrice cannot carry the attributes this package is for
CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="text/xml" />'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
    '</Types>\n')
RELATIONSHIPS_XML = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Type="http://cdiscount.com/uri/document" Target="/Content/Offers.xml" Id="1" />'
    '</Relationships>\n')
#: ProductConditionEnum in WSDL order: the numeric codes XML packages use (6 New, 4 AverageState...)
PRODUCT_CONDITION_CODES = {name: code for code, name in enumerate((
    "None", "LikeNew", "VeryGoodState", "GoodState", "AverageState", "Refurbished", "New",
    "RefurbishedLikeNew", "RefurbishedVeryGoodState", "RefurbishedCorrectState"))}
#: [INFERRED] JSON delivery-mode code -> XML ``DeliveryMode`` name (the XML samples use the names);
#: other codes are sent unchanged.
XML_DELIVERY_MODES = {"STD": "Standard", "TRK": "Tracked", "REG": "Registered"}
#: ``Offer`` attributes taken from :func:`xml_offer_attributes` as they are
OFFER_XML_ATTRIBUTES = ("StrikedPrice", "PriceMustBeAligned", "MinimumPriceForPriceAlignment",
                        "ProductPackagingUnit", "ProductPackagingValue")
MONEY_ATTRIBUTES = ("StrikedPrice", "MinimumPriceForPriceAlignment", "DiscountValue", "SalesReferencePrice")
DEFAULT_DISCOUNT_TYPE = "Sales"
DISCOUNT_UNIT = "1"  # the value of every public sample
# characters XML 1.0 cannot carry, even escaped
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class OfferPackageFile:
    """One ZIP offer package written to a temporary file; the caller removes it."""

    path: str
    name: str
    seller_skus: list = field(default_factory=list)

    def remove(self):
        """Delete the temporary ZIP file (no error when already gone)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


@dataclass
class OfferXmlPackageReport:
    """Status of a submitted XML package; ``results`` holds one :class:`OfferResult` per offer log."""

    package_id: str
    state: str
    finished: bool
    results: list = field(default_factory=list)
    error_count: int = 0


def _text(value):
    return _INVALID_XML_CHARS.sub("", str(value))


def _number(value, money=False):
    number = float(value)
    if money:
        return f"{number:.2f}"
    return str(int(number)) if number == int(number) else f"{number:g}"


def _element(name, attributes, children=""):
    attrs = "".join(f" {key}={quoteattr(_text(value))}" for key, value in attributes if value not in (None, ""))
    return f"<{name}{attrs}>{children}</{name}>" if children else f"<{name}{attrs} />"


def offer_xml(offer, default_delivery_modes=()):
    """The ``<Offer>`` element of one :class:`OfferUpdate` (a string, attributes escaped)."""
    extra = offer.extra or {}
    xml = xml_offer_attributes(offer)
    condition = extra.get("condition") or "New"
    attributes = [
        ("SellerProductId", offer.seller_sku),
        ("ProductEan", re.sub(r"\s", "", offer.ean or "")),
        ("ProductCondition", PRODUCT_CONDITION_CODES.get(condition, condition)),
        ("Price", _number(offer.price, money=True)),
        ("Stock", max(int(offer.quantity), 0)),
        ("PreparationTime", extra.get("preparation_time")),
        ("Vat", _number(extra["vat_rate"]) if extra.get("vat_rate") not in (None, "") else None),
        ("EcoPart", _number(extra["eco_tax"], money=True) if extra.get("eco_tax") not in (None, "") else None),
    ]
    for name in OFFER_XML_ATTRIBUTES:
        if name in xml:
            value = xml[name]
            if isinstance(value, (int, float)):
                value = _number(value, money=name in MONEY_ATTRIBUTES)
            attributes.append((name, value))
    shipping = "".join(
        _element("ShippingInformation", [
            ("DeliveryMode", XML_DELIVERY_MODES.get(mode["code"], mode["code"])),
            ("ShippingCharges", _number(mode.get("cost") or 0, money=True)),
            ("AdditionalShippingCharges", _number(mode.get("additionalCost") or 0, money=True))])
        for mode in delivery_modes(extra, default_delivery_modes))
    children = ""
    if shipping:
        children += ("<Offer.ShippingInformationList>"
                     + _element("ShippingInformationList", [("Capacity", shipping.count("<ShippingInformation "))],
                                shipping)
                     + "</Offer.ShippingInformationList>")
    discount = discount_component_xml(xml)
    if discount:
        children += ("<Offer.PriceAndDiscountList>"
                     + _element("DiscountComponentList", [("Capacity", 1)], discount)
                     + "</Offer.PriceAndDiscountList>")
    return _element("Offer", attributes, children)


def discount_component_xml(xml):
    """``<DiscountComponent>`` of the flattened ``DiscountComponent*`` attributes ("" without a value)."""
    if xml.get("DiscountComponentDiscountValue") in (None, ""):
        return ""
    return _element("DiscountComponent", [
        ("DiscountUnit", DISCOUNT_UNIT),
        ("DiscountValue", _number(xml["DiscountComponentDiscountValue"], money=True)),
        ("SalesReferencePrice", _number(xml["DiscountComponentSalesReferencePrice"], money=True)
            if xml.get("DiscountComponentSalesReferencePrice") not in (None, "") else None),
        ("StartDate", str(xml.get("DiscountComponentStartDate") or "")[:19]),
        ("EndDate", str(xml.get("DiscountComponentEndDate") or "")[:19]),
        ("Type", xml.get("DiscountComponentType") or DEFAULT_DISCOUNT_TYPE),
    ])


def write_offer_packages(offers, *, name="Odoo offers", max_offers=MAX_OFFERS_PER_XML_PACKAGE, sales_channel="",
                         default_delivery_modes=(), directory=None):
    """Stream ``offers`` into ZIP offer packages of at most ``max_offers`` (40,000) offers each.

    Consumes ``offers`` lazily and yields one :class:`OfferPackageFile` per package, written to a
    temporary file in ``directory`` that the caller removes. ``sales_channel`` (e.g. ``CDISFR``)
    fills the ``OfferPublicationList``; empty leaves the list out (Cdiscount by default).
    """
    size = max(1, min(int(max_offers), MAX_OFFERS_PER_XML_PACKAGE))
    iterator = iter(offers)
    for index in itertools.count(1):
        first = next(iterator, None)
        if first is None:
            return
        package_name = f"{name} {index}" if index > 1 else name
        yield _write_package(itertools.chain([first], itertools.islice(iterator, size - 1)), package_name,
                             sales_channel, default_delivery_modes, directory)


def _write_package(offers, name, sales_channel, default_delivery_modes, directory):
    skus = []
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=directory) as body:
        for offer in offers:
            body.write(offer_xml(offer, default_delivery_modes))
            body.write("\n")
            skus.append(offer.seller_sku)
        body.seek(0)
        handle, path = tempfile.mkstemp(prefix="octopia-offers-", suffix=".zip", dir=directory)
        os.close(handle)
        try:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
                archive.writestr("_rels/.rels", RELATIONSHIPS_XML)
                with archive.open(OFFERS_XML_PATH, "w") as entry:
                    entry.write(_package_head(name, len(skus)).encode("utf-8"))
                    while chunk := body.read(1 << 16):
                        entry.write(chunk.encode("utf-8"))
                    entry.write(_package_tail(sales_channel).encode("utf-8"))
        except BaseException:
            os.unlink(path)
            raise
    return OfferPackageFile(path=path, name=name, seller_skus=skus)


def _package_head(name, count):
    package = _element("OfferPackage", [
        ("Name", name), ("PackageType", PACKAGE_TYPE), ("PurgeAndReplace", "false"),
        ("xmlns", OFFER_NAMESPACE), ("xmlns:x", XAML_NAMESPACE)])
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + package[:-3] + ">\n<OfferPackage.Offers>\n"
            + f'<OfferCollection Capacity="{count}">\n')


def _package_tail(sales_channel):
    tail = "</OfferCollection>\n</OfferPackage.Offers>\n"
    if sales_channel:
        pool = _element("PublicationPool", [("SalesChannelId", sales_channel)])
        tail += ("<OfferPackage.OfferPublicationList>"
                 + _element("OfferPublicationList", [("Capacity", 1)], pool)
                 + "</OfferPackage.OfferPublicationList>\n")
    return tail + "</OfferPackage>\n"

"""Offer requests of the Octopia JSON offer-package flow, built from :class:`OfferUpdate`.

The JSON flow takes ``sellerExternalReference``, ``product.gtin``, ``condition``,
``price.price``/``price.originPrice``/``price.taxes``, ``quantity``, ``preparationTime`` and
``deliveryModes``. Price alignment, packaging unit/value, striked price and discount
components have no JSON field in the public reference: they are attributes of the **XML**
offer package (``Offer`` node of ``Content/Offers.xml``). :func:`xml_offer_attributes` keeps
them under their XML names; :mod:`.offer_xml` writes them into the XML offer package.
"""
import hashlib
import json
import re
from itertools import islice

#: OfferUpdate.extra key -> XML ``Offer`` attribute (legacy SubmitOfferPackage / V2 XML package)
XML_ONLY_ATTRIBUTES = {
    "price_must_be_aligned": "PriceMustBeAligned",  # Empty | Unknown | Align | DontAlign
    "minimum_price_for_price_alignment": "MinimumPriceForPriceAlignment",
    "product_packaging_unit": "ProductPackagingUnit",  # None | Liter | Kilogram | SquareMeter | CubicMeter | Piece
    "product_packaging_value": "ProductPackagingValue",
    "striked_price": "StrikedPrice",
    "discount_start_date": "DiscountComponentStartDate",
    "discount_end_date": "DiscountComponentEndDate",
    "discount_sales_reference_price": "DiscountComponentSalesReferencePrice",
    "discount_value": "DiscountComponentDiscountValue",
    "discount_type": "DiscountComponentType",  # StrikedPrice | Flash | Sales
    "delivery_mode": "ShippingInformationDeliveryMode",
}
JSON_CARRIED_XML_ATTRIBUTES = ("ShippingInformationDeliveryMode",)  # deliveryModes in JSON
DEFAULT_CONDITION = "New"


def chunked(iterable, size):
    """Yield lists of at most ``size`` items, consuming ``iterable`` lazily."""
    iterator = iter(iterable)
    while True:
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield chunk


def delivery_modes(extra, default_modes=()):
    """``deliveryModes`` of an offer: ``extra["delivery_modes"]`` (list of dicts with code, cost,
    additionalCost), else ``extra["delivery_mode"]`` + ``shipping_charges`` /
    ``additional_shipping_charges``, else the channel's default modes."""
    modes = extra.get("delivery_modes")
    if modes:
        return [_delivery_mode(m) for m in modes]
    code = extra.get("delivery_mode")
    if code:
        return [_delivery_mode({"code": code, "cost": extra.get("shipping_charges"),
                                "additionalCost": extra.get("additional_shipping_charges")})]
    return [_delivery_mode(m) for m in default_modes or ()]


def _delivery_mode(mode):
    if isinstance(mode, str):
        mode = {"code": mode}
    result = {"code": mode.get("code")}
    for key in ("cost", "additionalCost"):
        if mode.get(key) not in (None, ""):
            result[key] = round(float(mode[key]), 2)
    return result


def offer_request(offer, *, package_type="Upsert", default_delivery_modes=()):
    """JSON offer request of one :class:`OfferUpdate` for an ``Upsert`` or ``Update`` package."""
    extra = offer.extra or {}
    request = {"sellerExternalReference": offer.seller_sku}
    if package_type == "Delete":
        return request
    if package_type == "Upsert":
        product = {}
        if offer.ean:
            product["gtin"] = re.sub(r"\s", "", offer.ean)
        elif extra.get("product_reference"):
            product["reference"] = extra["product_reference"]
        request["product"] = product
        request["condition"] = extra.get("condition") or DEFAULT_CONDITION
    price = {"price": round(float(offer.price), 2)}
    if extra.get("origin_price"):
        price["originPrice"] = round(float(extra["origin_price"]), 2)
    taxes = []
    if extra.get("vat_rate") not in (None, ""):
        taxes.append({"code": "VAT", "value": float(extra["vat_rate"])})
    if extra.get("eco_tax") not in (None, ""):
        taxes.append({"code": "Ecotax", "value": round(float(extra["eco_tax"]), 2)})
    if taxes:
        price["taxes"] = taxes
    request["price"] = price
    request["quantity"] = max(int(offer.quantity), 0)
    if extra.get("preparation_time"):
        request["preparationTime"] = int(extra["preparation_time"])
    modes = delivery_modes(extra, default_delivery_modes)
    if modes:
        request["deliveryModes"] = modes
    return request


def xml_offer_attributes(offer):
    """The extra attributes only the XML package carries, under their XML names."""
    return xml_attributes(offer.extra or {})


def xml_attributes(extra):
    """:func:`xml_offer_attributes` of an ``extra`` dict."""
    return {xml: extra[key] for key, xml in XML_ONLY_ATTRIBUTES.items() if extra.get(key) not in (None, "")}


def xml_only_fingerprint(extra):
    """Stable digest of the attributes the JSON flow cannot send ("" when none is set): an offer
    goes by XML package while it differs from the digest of its last integrated XML package.
    The delivery mode is left out: the JSON flow sends it too."""
    values = {k: v for k, v in xml_attributes(extra).items() if k not in JSON_CARRIED_XML_ATTRIBUTES}
    if not values:
        return ""
    return hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()

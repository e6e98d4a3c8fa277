"""Constants of the Octopia simulator: API paths and limits, statuses, carriers, reasons."""

NAME = "octopia"
API_PREFIX = "/seller/v2"
TOKEN_PATH = "/auth/realms/maas/protocol/openid-connect/token"
DEFAULT_CLIENT_ID = "sim-octopia-client"
DEFAULT_CLIENT_SECRET = "sim-octopia-secret-0123456789"
DEFAULT_SELLER_ID = "98979"
MAX_PAGE_SIZE = 100
MAX_OFFERS_PER_CALL = 100
MAX_OFFERS_PER_PACKAGE = 50000
MAX_OFFERS_PER_XML_PACKAGE = 40000
MAX_XML_PACKAGE_BYTES = 64 * 1024 * 1024
XML_PACKAGE_ENTRIES = ("[Content_Types].xml", "_rels/.rels", "Content/Offers.xml")
OFFER_XML_NAMESPACE = ("clr-namespace:Cdiscount.Service.OfferIntegration.Pivot;"
                       "assembly=Cdiscount.Service.OfferIntegration")
# Inferred (the V2 reference names no field): the ZIP URL as a bare JSON string, or in an object
XML_PACKAGE_URL_FIELDS = ("url", "packageUrl", "zipFileFullPath")
XML_LOG_PAGE_MAX = 100
PRODUCT_CONDITION_NAMES = ("None", "LikeNew", "VeryGoodState", "GoodState", "AverageState", "Refurbished", "New",
                           "RefurbishedLikeNew", "RefurbishedVeryGoodState", "RefurbishedCorrectState")
PRICE_ALIGNMENT_ACTIONS = ("Empty", "Unknown", "Align", "DontAlign")
PACKAGING_UNITS = ("None", "Liter", "Kilogram", "SquareMeter", "CubicMeter", "Piece")
DISCOUNT_TYPES = ("StrikedPrice", "Flash", "Sales")
RECORDED_HEADERS = ("sellerid", "saleschannelid", "accept-language")
QUOTA_MESSAGE = "Out of call volume quota. Quota will be replenished in {delay}."

ORDER_STATUSES = ("Processing", "WaitingAcceptance", "Accepted", "Refused", "InPreparation",
                  "Shipped", "Delivered", "Cancelled", "Rejected")
# The shipping address is only exposed from InPreparation onwards (hdcasa's reading of the doc).
HIDDEN_ADDRESS_STATUSES = ("Processing", "WaitingAcceptance", "Accepted")
NEXT_STATUS = {"Processing": "WaitingAcceptance", "WaitingAcceptance": "Accepted", "Accepted": "InPreparation",
               "InPreparation": "Shipped", "Shipped": "Delivered"}
SHIPPABLE_LINE_STATUSES = ("InPreparation", "CancelRequest")
REFUNDABLE_STATUSES = ("Accepted", "InPreparation", "Shipped", "Delivered")
GESTURE_STATUSES = ("Shipped", "Delivered")

# 66 carriers were measured on a live account; this is a representative subset with the
# documented non-unique codes (pcc, dhldp).
CARRIERS = [
    {"code": "pcc", "label": "La Poste"},
    {"code": "pcc", "label": "Colissimo"},
    {"code": "pcc", "label": "Chronopost"},
    {"code": "pcc", "label": "Chronofresh"},
    {"code": "dhldp", "label": "DHL"},
    {"code": "dhldp", "label": "Deutsche Post"},
    {"code": "ups", "label": "UPS"},
    {"code": "tnt", "label": "TNT"},
    {"code": "gls", "label": "GLS"},
    {"code": "dpd", "label": "DPD"},
    {"code": "mondialrelay", "label": "Mondial Relay"},
    {"code": "relaiscolis", "label": "Relais Colis"},
    {"code": "colisprive", "label": "Colis Privé"},
    {"code": "fedex", "label": "Fedex"},
    {"code": "geodis", "label": "Geodis"},
    {"code": "kuehnenagel", "label": "Kuehne + Nagel"},
    {"code": "dbschenker", "label": "DB Schenker"},
    {"code": "other", "label": "Autre"},
]

CANCELLATION_REASONS = [
    {"code": "ProductStockUnavailable", "label": "Produit en rupture de stock"},
    {"code": "ClientCancellation", "label": "Annulation à la demande du client"},
    {"code": "VendorRejection", "label": "Refus vendeur"},
    {"code": "ClientClaim", "label": "Réclamation client"},
    {"code": "ClientRetraction", "label": "Rétractation du client"},
    {"code": "VendorInitiatedRefund", "label": "Remboursement à l'initiative du vendeur"},
]

OFFER_CONDITIONS = ("New", "LikeNew", "VeryGoodState", "GoodState", "AverageState", "Refurbished")

"""Which VAT regime applies to one order of goods sold by a seller established in the EU.

The decision table follows the reference notes (eu-vat.md §0); the legal source of each row is
written beside it below and listed in the addon's README (table "Legal sources"). Everything here
is plain data in, plain data out: the Odoo layer maps the result to a fiscal position.
"""
import enum
from dataclasses import dataclass, field

from .rates import iso_country, standard_rate
from .territories import (
    ART6_TERRITORIES,
    FRENCH_OVERSEAS_DEPARTMENTS,
    SAME_VAT_TERRITORY,
    is_eu_vat_territory,
    ship_territory,
    territory_name,
)

DEEMED_SUPPLIER_MAX_VALUE = 150.0  # EUR, intrinsic value of an imported consignment (art. 14a(1))


class Regime(enum.StrEnum):
    DOMESTIC = "domestic"  # seller's own VAT
    INTRA_EU_B2B = "intra_eu_b2b"  # exempt intra-Community supply, buyer reverse-charges
    EU_B2C_HOME = "eu_b2c_home"  # distance sale below the threshold: seller's home VAT
    EU_B2C_OSS = "eu_b2c_oss"  # distance sale above the threshold: destination VAT via OSS
    EXPORT = "export"  # outside the EU VAT territory: exempt
    DEEMED_SUPPLIER = "deemed_supplier"  # the platform collects VAT; seller's supply exempt


class VatStatus(enum.StrEnum):
    """What is known about the buyer's VAT number."""

    NONE = "none"  # no number given
    VALID = "valid"  # VIES said valid
    INVALID = "invalid"  # VIES said invalid, or the number is malformed
    PENDING = "pending"  # VIES could not answer yet: never grounds for an exemption


@dataclass(frozen=True)
class RegimeInput:
    company_country: str  # where the seller is established
    ship_country: str
    ship_zip: str = ""
    vat_status: VatStatus = VatStatus.NONE
    is_business: bool = False
    above_oss_threshold: bool = False  # threshold exceeded or destination taxation elected (art. 59c)
    deemed_supplier_channel: bool = False  # the platform declares itself deemed supplier (art. 14a)
    consignment_value: float | None = None  # EUR, intrinsic value: goods without VAT nor transport
    buyer_vat_country: str = ""  # prefix of the buyer's VAT number (EL, DE, XI...), when there is one
    ship_state: str = ""  # subdivision of the ship-to (ES-CN, FI-01...)
    dispatch_country: str = ""  # where the goods leave from (warehouse); default: the company's country


# Why a regime applies: code -> English text; the Odoo layer translates each code.
REASONS = {
    "export_dom": "Ship-to {dest} is a French overseas department, outside the EU VAT territory: export.",
    "export_territory": "Ship-to {dest} is outside the EU VAT area (art. 6 of directive 2006/112/EC): exempt "
                        "export.",
    "export": "Ship-to {dest} is outside the EU VAT territory: exempt export.",
    "deemed_supplier": "Imported consignment of {value} EUR (at most {limit}) sold through a deemed-supplier "
                       "platform: the platform collects the VAT.",
    "deemed_supplier_non_eu": "Seller established outside the EU, goods sold in the EU through a deemed-supplier "
                              "platform: the platform collects the VAT.",
    "domestic": "Ship-to {dest}: domestic supply.",
    "domestic_home_vat": "Buyer identified for VAT in {home}, goods shipped to {dest}: neither an exempt "
                         "intra-Community supply nor a distance sale, {home} VAT applies.",
    "intra_eu_b2b": "Business buyer with a VIES-valid VAT number, goods leave {home} for {dest}: exempt "
                    "intra-Community supply, reverse charge.",
    "eu_b2c_oss": "Distance sale to {dest} ({why}) above the EU threshold: destination VAT through OSS.",
    "eu_b2c_home": "Distance sale to {dest} ({why}) within the EU threshold: {home} VAT.",
}
# Why a business buyer is taxed as a consumer: code -> English text.
B2C_WHY = {
    "consumer": "consumer",
    "pending": "VAT number check pending, taxed as a consumer meanwhile",
    "invalid": "VAT number not valid, taxed as a consumer",
}


@dataclass(frozen=True)
class RegimeDecision:
    regime: Regime
    tax_country: str  # whose VAT rates apply ("" when exempt; XI for Northern Ireland)
    destination: str  # ship-to territory after normalisation (RE for a 974xx FR address, ES-CN...)
    reason_code: str  # key of REASONS
    reason_args: dict = field(default_factory=dict, hash=False, compare=False)  # dest, home, value, limit, why

    @property
    def reason(self):
        """The reason in English (the Odoo layer renders a translated one from the code)."""
        args = dict(self.reason_args)
        if "why" in args:
            args["why"] = B2C_WHY[args["why"]].format(**args)
        return REASONS[self.reason_code].format(**args)

    @property
    def is_exempt(self):
        return self.regime in (Regime.INTRA_EU_B2B, Regime.EXPORT, Regime.DEEMED_SUPPLIER)

    def rate(self, on_date=None):
        """Standard rate of ``tax_country`` (0.0 when the supply is exempt)."""
        return standard_rate(self.tax_country, on_date) if self.tax_country else 0.0


def decide_regime(data: RegimeInput) -> RegimeDecision:
    """Apply the decision table to one order. Pure function of ``data``."""
    home = iso_country(data.company_country)
    home_territory = SAME_VAT_TERRITORY.get(home, home)
    dest = ship_territory(data.ship_country, data.ship_zip, data.ship_state)

    if not is_eu_vat_territory(dest):
        return _export(dest)
    deemed = _deemed_supplier(data, home_territory, dest)
    if deemed:
        return deemed
    if dest == home_territory:  # place of supply where dispatch begins: art. 32; CGI art. 258 I
        return RegimeDecision(Regime.DOMESTIC, home_territory, dest, "domestic", {"dest": dest})

    buyer = ship_territory(data.buyer_vat_country) if data.buyer_vat_country else ""
    valid_business = data.is_business and data.vat_status == VatStatus.VALID
    if valid_business and buyer == home_territory:
        # buyer not identified in another member state: no exemption (art. 138(1)(b); CGI art. 262 ter I),
        # not a distance sale (art. 14(4)(1): taxable buyer); supply where dispatch begins (art. 32)
        return RegimeDecision(Regime.DOMESTIC, home_territory, dest, "domestic_home_vat",
                              {"dest": dest, "home": home_territory})
    if valid_business:  # art. 138(1); CGI art. 262 ter I
        return RegimeDecision(Regime.INTRA_EU_B2B, "", dest, "intra_eu_b2b", {"dest": dest, "home": home_territory})

    why = {
        VatStatus.PENDING: "pending",
        VatStatus.INVALID: "invalid",
    }.get(data.vat_status if data.is_business else VatStatus.NONE, "consumer")
    return _b2c(data, home_territory, dest, why)


def _export(dest):
    """Supply shipped outside the EU VAT area: exempt export (art. 146; CGI art. 262 I)."""
    if dest in FRENCH_OVERSEAS_DEPARTMENTS:
        return RegimeDecision(Regime.EXPORT, "", dest, "export_dom", {"dest": dest})
    if dest in ART6_TERRITORIES:
        return RegimeDecision(Regime.EXPORT, "", dest, "export_territory", {"dest": territory_name(dest)})
    return RegimeDecision(Regime.EXPORT, "", dest, "export", {"dest": dest})


def _deemed_supplier(data, home_territory, dest):
    """The platform is the deemed supplier (art. 14a; the seller's supply to it is exempt, art. 136a) when:

    * 14a(1): goods imported from outside the EU in a consignment of at most EUR 150;
    * 14a(2): goods within the EU sold by a seller not established in the EU.

    Only to consumers, only through a platform that declares itself deemed supplier. A seller
    established in the EU shipping from the EU is in neither case.
    """
    if not data.deemed_supplier_channel or data.is_business:
        return None
    dispatch = ship_territory(data.dispatch_country or home_territory)
    if not is_eu_vat_territory(dispatch):
        if data.consignment_value is None or data.consignment_value > DEEMED_SUPPLIER_MAX_VALUE:
            return None
        return RegimeDecision(Regime.DEEMED_SUPPLIER, "", dest, "deemed_supplier", {
            "value": f"{data.consignment_value:.2f}", "limit": f"{DEEMED_SUPPLIER_MAX_VALUE:.0f}"})
    if not is_eu_vat_territory(home_territory):
        return RegimeDecision(Regime.DEEMED_SUPPLIER, "", dest, "deemed_supplier_non_eu", {"dest": dest})
    return None


def _b2c(data, home_territory, dest, why):
    """Distance sale to a consumer (or a buyer treated as one, art. 14(4)(1)); ``why`` is a key of B2C_WHY.

    Home VAT within the threshold, destination VAT above it or after the option (art. 33(a), 59c).
    """
    args = {"dest": dest, "home": home_territory, "why": why}
    if data.above_oss_threshold:
        return RegimeDecision(Regime.EU_B2C_OSS, dest, dest, "eu_b2c_oss", args)
    return RegimeDecision(Regime.EU_B2C_HOME, home_territory, dest, "eu_b2c_home", args)

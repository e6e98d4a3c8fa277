"""Which VAT regime applies to one order of goods shipped by an EU-established seller.

The decision table follows the reference notes (eu-vat.md §0): domestic (Monaco counts as
France), intra-EU B2B with a VIES-valid number (exempt, reverse charge), intra-EU B2C (home
VAT up to the EUR 10,000 distance-sales threshold, destination VAT through OSS above it),
exports outside the EU VAT territory (French overseas departments included) and the
marketplace "deemed supplier" case for imported consignments of at most EUR 150.

Everything here is plain data in, plain data out: the Odoo layer maps the result to a
fiscal position.
"""
import enum
import re
from dataclasses import dataclass, field

from .rates import EU_MEMBER_STATES, iso_country, standard_rate

DEEMED_SUPPLIER_MAX_VALUE = 150.0  # EUR, intrinsic value of the consignment (Art. 14a(1))

# Countries forming one VAT territory with a member state.
SAME_VAT_TERRITORY = {"MC": "FR"}

# French overseas departments: own ISO codes, or FR addresses with these postal prefixes.
FRENCH_OVERSEAS_DEPARTMENTS = {
    "GP": "971",  # Guadeloupe
    "MQ": "972",  # Martinique
    "GF": "973",  # Guyane
    "RE": "974",  # Réunion
    "YT": "976",  # Mayotte
}
_DOM_BY_ZIP_PREFIX = {prefix: code for code, prefix in FRENCH_OVERSEAS_DEPARTMENTS.items()}
# Other French overseas collectivities, outside the EU VAT territory too (9750x St-Pierre,
# 977xx St-Barthélemy/St-Martin, 986-988 Wallis, Polynésie, Nouvelle-Calédonie).
_FR_OUTSIDE_VAT_ZIP_PREFIXES = ("975", "977", "978", "984", "986", "987", "988")


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
    company_country: str
    ship_country: str
    ship_zip: str = ""
    vat_status: VatStatus = VatStatus.NONE
    is_business: bool = False
    above_oss_threshold: bool = False
    deemed_supplier_channel: bool = False
    consignment_value: float | None = None  # EUR; only meaningful with a deemed-supplier channel
    buyer_vat_country: str = ""  # prefix of the buyer's VAT number (EL, DE...), when there is one


# Why a regime applies: code -> English text; the Odoo layer translates each code.
REASONS = {
    "export_dom": "Ship-to {dest} is a French overseas department, outside the EU VAT territory: export.",
    "export": "Ship-to {dest} is outside the EU VAT territory: exempt export.",
    "deemed_supplier": "Imported consignment of {value} EUR (at most {limit}) sold through a deemed-supplier "
                       "platform: the platform collects the VAT.",
    "domestic": "Ship-to {dest}: domestic supply.",
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
    "home_vat_number": "buyer identified for VAT in {home}, not in another member state",
}


@dataclass(frozen=True)
class RegimeDecision:
    regime: Regime
    tax_country: str  # whose VAT rates apply ("" when exempt)
    destination: str  # ship-to territory after normalisation (RE for a 974xx FR address...)
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


def ship_territory(country, zip_code=""):
    """Normalise the ship-to to a VAT territory code.

    FR addresses with a 971-976 postal code become their overseas department code; other
    overseas collectivities become ``"FR-OM"`` (outside the VAT territory); Monaco maps to FR.
    """
    country = iso_country(country)
    zip_digits = re.sub(r"\D", "", zip_code or "")
    if country == "FR" and len(zip_digits) == 5:
        dom = _DOM_BY_ZIP_PREFIX.get(zip_digits[:3])
        if dom:
            return dom
        if zip_digits.startswith(_FR_OUTSIDE_VAT_ZIP_PREFIXES):
            return "FR-OM"
    return SAME_VAT_TERRITORY.get(country, country)


def is_eu_vat_territory(territory):
    return territory in EU_MEMBER_STATES


def decide_regime(data: RegimeInput) -> RegimeDecision:
    """Apply the decision table to one order. Pure function of ``data``."""
    home = iso_country(data.company_country)
    dest = ship_territory(data.ship_country, data.ship_zip)
    home_territory = SAME_VAT_TERRITORY.get(home, home)

    if not is_eu_vat_territory(dest):
        code = "export_dom" if dest in FRENCH_OVERSEAS_DEPARTMENTS else "export"
        return RegimeDecision(Regime.EXPORT, "", dest, code, {"dest": dest})

    if (data.deemed_supplier_channel and not data.is_business and data.consignment_value is not None
            and data.consignment_value <= DEEMED_SUPPLIER_MAX_VALUE):
        return RegimeDecision(Regime.DEEMED_SUPPLIER, "", dest, "deemed_supplier", {
            "value": f"{data.consignment_value:.2f}", "limit": f"{DEEMED_SUPPLIER_MAX_VALUE:.0f}"})

    if dest == home_territory:
        return RegimeDecision(Regime.DOMESTIC, home_territory, dest, "domestic", {"dest": dest})

    buyer_country = SAME_VAT_TERRITORY.get(iso_country(data.buyer_vat_country), iso_country(data.buyer_vat_country))
    if data.is_business and data.vat_status == VatStatus.VALID and buyer_country == home_territory:
        return _b2c(data, home_territory, dest, "home_vat_number")
    if data.is_business and data.vat_status == VatStatus.VALID:
        return RegimeDecision(Regime.INTRA_EU_B2B, "", dest, "intra_eu_b2b", {"dest": dest, "home": home_territory})

    why = {
        VatStatus.PENDING: "pending",
        VatStatus.INVALID: "invalid",
    }.get(data.vat_status if data.is_business else VatStatus.NONE, "consumer")
    return _b2c(data, home_territory, dest, why)


def _b2c(data, home_territory, dest, why):
    """Distance sale to a consumer (or a buyer treated as one); ``why`` is a key of B2C_WHY."""
    args = {"dest": dest, "home": home_territory, "why": why}
    if data.above_oss_threshold:
        return RegimeDecision(Regime.EU_B2C_OSS, dest, dest, "eu_b2c_oss", args)
    return RegimeDecision(Regime.EU_B2C_HOME, home_territory, dest, "eu_b2c_home", args)

"""Where a ship-to address lies for VAT: a member state, Northern Ireland, or a territory outside.

* Directive 2006/112/EC art. 6 puts these parts of member states outside the EU VAT area: supplies
  shipped there are exports (art. 146; CGI art. 262 I): Mount Athos, the Canary Islands, the French
  territories of art. 349 and 355(1) TFEU (overseas departments), the Åland Islands, Campione
  d'Italia and the Italian waters of Lake Lugano (art. 6(1)); Heligoland, Büsingen, Ceuta, Melilla
  and Livigno (art. 6(2)). They are recognised by ISO 3166 code, ISO 3166-2 subdivision or postcode.
* Monaco forms one VAT territory with France (1963 Franco-Monegasque convention; directive art. 7).
* Northern Ireland (postcodes BT) stays in the EU VAT area for goods: Windsor Framework (Protocol on
  Ireland/Northern Ireland) art. 8 and its annex 3; its VAT numbers start with XI.
"""
import re

from .rates import EU_GOODS_VAT_AREA, NORTHERN_IRELAND, iso_country

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

# Art. 6 territories: code -> (name, country, postcode prefixes, subdivision codes, own ISO codes)
ART6_TERRITORIES = {
    "ES-CN": ("Canary Islands", "ES", ("35", "38"), ("ES-CN", "CN", "ES-GC", "GC", "ES-TF", "TF"), ("IC",)),
    "ES-CE": ("Ceuta", "ES", ("51",), ("ES-CE", "CE"), ()),
    "ES-ML": ("Melilla", "ES", ("52",), ("ES-ML", "ML", "ME"), ()),  # Odoo codes Melilla "ME"
    "FI-01": ("Åland Islands", "FI", ("22",), ("FI-01", "01"), ("AX",)),
    "DE-HEL": ("Heligoland", "DE", ("27498",), (), ()),
    "DE-BUS": ("Büsingen am Hochrhein", "DE", ("78266",), (), ()),
    "IT-LIV": ("Livigno", "IT", ("23041",), (), ()),
    "IT-CAM": ("Campione d'Italia", "IT", ("22061",), (), ()),
    "GR-69": ("Mount Athos", "GR", ("63086",), ("GR-69", "69"), ()),
}
_ART6_BY_ISO = {iso: code for code, spec in ART6_TERRITORIES.items() for iso in spec[4]}
_ART6_BY_ISO["EA"] = "ES-CE"  # ISO reserved code of Ceuta and Melilla (both outside)
_NI_POSTCODE = re.compile(r"^\s*BT\d", re.IGNORECASE)


def ship_territory(country, zip_code="", state=""):
    """Normalise a ship-to to a VAT territory code.

    FR addresses with a 971-976 postal code become their overseas department code, other overseas
    collectivities ``"FR-OM"``; art. 6 territories their code above (``"ES-CN"``...); GB addresses
    with a BT postcode ``"XI"``; Monaco maps to FR.
    """
    country = iso_country(country)
    if country in _ART6_BY_ISO:
        return _ART6_BY_ISO[country]
    if country == "FR":
        return _french_territory(zip_code)
    if country in ("GB", NORTHERN_IRELAND):
        return NORTHERN_IRELAND if country == NORTHERN_IRELAND or _NI_POSTCODE.match(zip_code or "") else "GB"
    return _art6_territory(country, zip_code, state) or SAME_VAT_TERRITORY.get(country, country)


def _french_territory(zip_code):
    digits = re.sub(r"\D", "", zip_code or "")
    if len(digits) == 5:
        if digits[:3] in _DOM_BY_ZIP_PREFIX:
            return _DOM_BY_ZIP_PREFIX[digits[:3]]
        if digits.startswith(_FR_OUTSIDE_VAT_ZIP_PREFIXES):
            return "FR-OM"
    return "FR"


def _art6_territory(country, zip_code, state):
    """The art. 6 territory of an address of ``country``, by subdivision or postcode (``None`` if none)."""
    digits = re.sub(r"\D", "", zip_code or "")
    state = (state or "").upper()
    for code, (_name, where, zips, states, _iso) in ART6_TERRITORIES.items():
        if where != country:
            continue
        if state and state in states:
            return code
        if len(digits) == 5 and digits.startswith(zips):
            return code
    return None


def territory_name(code):
    """English name of an art. 6 territory code, else the code itself."""
    spec = ART6_TERRITORIES.get(code)
    return f"{spec[0]} ({code})" if spec else code


def is_eu_vat_territory(territory):
    """True inside the EU VAT area for goods (the 27 member states and Northern Ireland)."""
    return territory in EU_GOODS_VAT_AREA


def territory_country(territory):
    """ISO country of a VAT territory code (XI -> GB)."""
    return "GB" if territory == NORTHERN_IRELAND else territory

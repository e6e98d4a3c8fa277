"""VAT regime decision table (eu-vat.md §0) for a France-established seller."""
import pytest

from odoo.addons.marketplace_vat.vat.regime import (
    Regime,
    RegimeInput,
    VatStatus,
    decide_regime,
    ship_territory,
)

FR = "FR"

ROWS = [
    # (case, input, expected regime, expected tax country)
    ("FR consumer", RegimeInput(FR, "FR", "75002"), Regime.DOMESTIC, "FR"),
    ("FR business with valid VAT", RegimeInput(FR, "FR", "69001", VatStatus.VALID, is_business=True),
     Regime.DOMESTIC, "FR"),
    ("DE business, valid VAT", RegimeInput(FR, "DE", "10115", VatStatus.VALID, is_business=True),
     Regime.INTRA_EU_B2B, ""),
    ("DE business, invalid VAT, below threshold",
     RegimeInput(FR, "DE", "10115", VatStatus.INVALID, is_business=True), Regime.EU_B2C_HOME, "FR"),
    ("DE business, invalid VAT, above threshold",
     RegimeInput(FR, "DE", "10115", VatStatus.INVALID, is_business=True, above_oss_threshold=True),
     Regime.EU_B2C_OSS, "DE"),
    ("IT consumer below threshold", RegimeInput(FR, "IT", "20121"), Regime.EU_B2C_HOME, "FR"),
    ("IT consumer above threshold", RegimeInput(FR, "IT", "20121", above_oss_threshold=True),
     Regime.EU_B2C_OSS, "IT"),
    ("CH export", RegimeInput(FR, "CH", "1201", VatStatus.VALID, is_business=True), Regime.EXPORT, ""),
    ("Réunion by ISO code", RegimeInput(FR, "RE", "97400"), Regime.EXPORT, ""),
    ("Réunion as a FR address", RegimeInput(FR, "FR", "97400"), Regime.EXPORT, ""),
    ("Guadeloupe as a FR address", RegimeInput(FR, "FR", "97110"), Regime.EXPORT, ""),
    ("Mayotte as a FR address", RegimeInput(FR, "FR", "976 00"), Regime.EXPORT, ""),
    ("Monaco consumer", RegimeInput(FR, "MC", "98000"), Regime.DOMESTIC, "FR"),
    ("Monaco business", RegimeInput(FR, "MC", "98000", VatStatus.VALID, is_business=True), Regime.DOMESTIC, "FR"),
    ("Corsica stays domestic", RegimeInput(FR, "FR", "20000"), Regime.DOMESTIC, "FR"),
    # art. 14a: a French seller shipping from France is never in either case (the old rows said 0 %)
    ("deemed-supplier platform, French stock, Paris to Paris",
     RegimeInput(FR, "FR", "75002", deemed_supplier_channel=True, consignment_value=150.0),
     Regime.DOMESTIC, "FR"),
    ("deemed-supplier platform, French stock, 120 EUR to a German consumer",
     RegimeInput(FR, "DE", "10115", deemed_supplier_channel=True, consignment_value=120.0,
                 above_oss_threshold=True), Regime.EU_B2C_OSS, "DE"),
    ("art. 14a(1): imported from China, 120 EUR",
     RegimeInput(FR, "DE", "10115", deemed_supplier_channel=True, consignment_value=120.0,
                 above_oss_threshold=True, dispatch_country="CN"), Regime.DEEMED_SUPPLIER, ""),
    ("art. 14a(1): imported, exactly 150 EUR",
     RegimeInput(FR, "FR", "75002", deemed_supplier_channel=True, consignment_value=150.0, dispatch_country="CN"),
     Regime.DEEMED_SUPPLIER, ""),
    ("art. 14a(1): imported, 150.01 EUR",
     RegimeInput(FR, "DE", "10115", deemed_supplier_channel=True, consignment_value=150.01,
                 above_oss_threshold=True, dispatch_country="CN"), Regime.EU_B2C_OSS, "DE"),
    ("art. 14a(1): imported without deemed-supplier platform",
     RegimeInput(FR, "FR", "75002", consignment_value=100.0, dispatch_country="CN"), Regime.DOMESTIC, "FR"),
    ("art. 14a(1): stock in the Canary Islands is outside the EU VAT area",
     RegimeInput(FR, "DE", "10115", deemed_supplier_channel=True, consignment_value=80.0,
                 dispatch_country="IC"), Regime.DEEMED_SUPPLIER, ""),
    ("art. 14a(2): seller established in the US, German stock, any value",
     RegimeInput("US", "DE", "10115", deemed_supplier_channel=True, consignment_value=900.0,
                 dispatch_country="DE"), Regime.DEEMED_SUPPLIER, ""),
    ("art. 14a: a business buyer is not covered",
     RegimeInput(FR, "DE", "10115", VatStatus.VALID, is_business=True, deemed_supplier_channel=True,
                 consignment_value=80.0, dispatch_country="CN", buyer_vat_country="DE"), Regime.INTRA_EU_B2B, ""),
    # a buyer identified in France: no exemption (art. 138(1)(b)), no distance sale (art. 14(4)(1)): art. 32
    ("IT business, valid FR VAT number: French supply",
     RegimeInput(FR, "IT", "20121", VatStatus.VALID, is_business=True, buyer_vat_country="FR",
                 above_oss_threshold=True), Regime.DOMESTIC, "FR"),
    ("DE business, valid BE VAT number", RegimeInput(FR, "DE", "10115", VatStatus.VALID, is_business=True,
                                                     buyer_vat_country="BE"), Regime.INTRA_EU_B2B, ""),
    ("Greece under its VIES code", RegimeInput(FR, "EL", "10563", above_oss_threshold=True),
     Regime.EU_B2C_OSS, "GR"),
    # art. 6 territories: exports
    ("Canary Islands by postcode", RegimeInput(FR, "ES", "35001", above_oss_threshold=True), Regime.EXPORT, ""),
    ("Tenerife by postcode", RegimeInput(FR, "ES", "38001"), Regime.EXPORT, ""),
    ("Canary Islands by subdivision", RegimeInput(FR, "ES", "", ship_state="TF"), Regime.EXPORT, ""),
    ("Canary Islands by ISO code IC", RegimeInput(FR, "IC", "35001"), Regime.EXPORT, ""),
    ("Ceuta", RegimeInput(FR, "ES", "51001", VatStatus.VALID, is_business=True), Regime.EXPORT, ""),
    ("Melilla by Odoo's subdivision", RegimeInput(FR, "ES", "", ship_state="ME"), Regime.EXPORT, ""),
    ("Madrid stays Spanish", RegimeInput(FR, "ES", "28013", above_oss_threshold=True), Regime.EU_B2C_OSS, "ES"),
    ("Åland by postcode", RegimeInput(FR, "FI", "22100"), Regime.EXPORT, ""),
    ("Åland by ISO code AX", RegimeInput(FR, "AX", "22100"), Regime.EXPORT, ""),
    ("Åland by subdivision", RegimeInput(FR, "FI", "", ship_state="FI-01"), Regime.EXPORT, ""),
    ("Helsinki stays Finnish", RegimeInput(FR, "FI", "00100", above_oss_threshold=True), Regime.EU_B2C_OSS, "FI"),
    ("Büsingen", RegimeInput(FR, "DE", "78266"), Regime.EXPORT, ""),
    ("Heligoland", RegimeInput(FR, "DE", "27498"), Regime.EXPORT, ""),
    ("Livigno", RegimeInput(FR, "IT", "23041"), Regime.EXPORT, ""),
    ("Campione d'Italia", RegimeInput(FR, "IT", "22061"), Regime.EXPORT, ""),
    ("Mount Athos", RegimeInput(FR, "GR", "630 86"), Regime.EXPORT, ""),
    # Northern Ireland: EU rules for goods (Windsor Framework art. 8)
    ("Northern Ireland consumer above threshold", RegimeInput(FR, "GB", "BT1 1AA", above_oss_threshold=True),
     Regime.EU_B2C_OSS, "XI"),
    ("Northern Ireland consumer below threshold", RegimeInput(FR, "GB", "BT7 1NN"), Regime.EU_B2C_HOME, "FR"),
    ("Northern Ireland business, VIES-valid XI number",
     RegimeInput(FR, "GB", "BT1 1AA", VatStatus.VALID, is_business=True, buyer_vat_country="XI"),
     Regime.INTRA_EU_B2B, ""),
    ("Great Britain stays an export", RegimeInput(FR, "GB", "SW1A 1AA", above_oss_threshold=True),
     Regime.EXPORT, ""),
    ("XI number shipped to London: export",
     RegimeInput(FR, "GB", "EC1A 1BB", VatStatus.VALID, is_business=True, buyer_vat_country="XI"),
     Regime.EXPORT, ""),
]


@pytest.mark.parametrize("case,data,regime,tax_country", ROWS, ids=[row[0] for row in ROWS])
def test_decision_table(case, data, regime, tax_country):
    decision = decide_regime(data)
    assert decision.regime == regime, decision.reason
    assert decision.tax_country == tax_country
    assert decision.reason


@pytest.mark.parametrize("status", [VatStatus.PENDING, VatStatus.INVALID, VatStatus.NONE])
def test_only_a_valid_number_exempts_an_eu_business(status):
    decision = decide_regime(RegimeInput(FR, "DE", "10115", status, is_business=True))
    assert not decision.is_exempt
    assert decision.regime == Regime.EU_B2C_HOME
    if status == VatStatus.PENDING:
        assert "pending" in decision.reason


def test_a_valid_number_without_business_flag_is_a_consumer():
    decision = decide_regime(RegimeInput(FR, "IT", "20121", VatStatus.VALID, is_business=False))
    assert decision.regime == Regime.EU_B2C_HOME


def test_rates_follow_the_decision():
    from datetime import date
    assert decide_regime(RegimeInput(FR, "IT", "1", above_oss_threshold=True)).rate() == 22.0
    assert decide_regime(RegimeInput(FR, "EE", "1", above_oss_threshold=True)).rate(date(2025, 6, 30)) == 22.0
    assert decide_regime(RegimeInput(FR, "EE", "1", above_oss_threshold=True)).rate(date(2025, 7, 1)) == 24.0
    assert decide_regime(RegimeInput(FR, "CH", "1")).rate() == 0.0


@pytest.mark.parametrize("country,zip_code,expected", [
    ("FR", "97100", "GP"), ("FR", "97200", "MQ"), ("FR", "97300", "GF"), ("FR", "97490", "RE"),
    ("FR", "97600", "YT"), ("FR", "97500", "FR-OM"), ("FR", "98800", "FR-OM"), ("FR", "75001", "FR"),
    ("FR", "", "FR"), ("MC", "98000", "FR"), ("GP", "97100", "GP"), ("el", "", "GR"),
    ("ES", "35001", "ES-CN"), ("ES", "38400", "ES-CN"), ("IC", "", "ES-CN"), ("ES", "51001", "ES-CE"),
    ("ES", "52001", "ES-ML"), ("EA", "", "ES-CE"), ("ES", "03501", "ES"), ("FI", "22100", "FI-01"),
    ("AX", "", "FI-01"), ("DE", "78266", "DE-BUS"), ("DE", "27498", "DE-HEL"), ("DE", "27499", "DE"),
    ("IT", "23041", "IT-LIV"), ("IT", "22061", "IT-CAM"), ("IT", "22060", "IT"), ("GR", "63086", "GR-69"),
    ("GB", "BT1 1AA", "XI"), ("GB", "bt48 7aa", "XI"), ("GB", "B1 1AA", "GB"), ("XI", "", "XI"),
])
def test_ship_territory(country, zip_code, expected):
    assert ship_territory(country, zip_code) == expected


@pytest.mark.parametrize("country,state,expected", [
    ("ES", "ES-CN", "ES-CN"), ("ES", "GC", "ES-CN"), ("ES", "TF", "ES-CN"), ("ES", "CE", "ES-CE"),
    ("ES", "ML", "ES-ML"), ("ES", "M", "ES"), ("FI", "FI-01", "FI-01"), ("GR", "GR-69", "GR-69"),
    ("GR", "69", "GR-69"), ("IT", "CO", "IT"),
])
def test_ship_territory_by_subdivision(country, state, expected):
    assert ship_territory(country, "", state) == expected


def test_art6_reason_names_the_territory():
    decision = decide_regime(RegimeInput(FR, "ES", "35001"))
    assert decision.destination == "ES-CN"
    assert "Canary Islands (ES-CN)" in decision.reason
    assert "art. 6" in decision.reason


def test_french_vat_number_shipped_abroad_is_never_a_distance_sale():
    """A French supply whether the company is below or above the threshold: it counts in neither."""
    for above in (False, True):
        decision = decide_regime(RegimeInput(FR, "DE", "10115", VatStatus.VALID, is_business=True,
                                             buyer_vat_country="FR", above_oss_threshold=above))
        assert (decision.regime, decision.tax_country, decision.reason_code) == (
            Regime.DOMESTIC, "FR", "domestic_home_vat")
        assert decision.rate() == 20.0
    monaco = decide_regime(RegimeInput(FR, "BE", "1000", VatStatus.VALID, is_business=True, buyer_vat_country="FR"))
    assert monaco.regime == Regime.DOMESTIC, "Monegasque numbers start with FR too"


def test_northern_ireland_oss_rate_is_the_uk_rate():
    decision = decide_regime(RegimeInput(FR, "GB", "BT1 1AA", above_oss_threshold=True))
    assert decision.rate() == 20.0


def test_other_company_country():
    decision = decide_regime(RegimeInput("DE", "FR", "75002", above_oss_threshold=True))
    assert decision.regime == Regime.EU_B2C_OSS and decision.tax_country == "FR"
    assert decide_regime(RegimeInput("DE", "DE", "10115")).regime == Regime.DOMESTIC

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
    ("deemed supplier, 120 EUR consignment",
     RegimeInput(FR, "DE", "10115", deemed_supplier_channel=True, consignment_value=120.0,
                 above_oss_threshold=True), Regime.DEEMED_SUPPLIER, ""),
    ("deemed supplier, exactly 150 EUR",
     RegimeInput(FR, "FR", "75002", deemed_supplier_channel=True, consignment_value=150.0),
     Regime.DEEMED_SUPPLIER, ""),
    ("deemed-supplier channel but 150.01 EUR",
     RegimeInput(FR, "DE", "10115", deemed_supplier_channel=True, consignment_value=150.01,
                 above_oss_threshold=True), Regime.EU_B2C_OSS, "DE"),
    ("150 EUR without deemed-supplier channel",
     RegimeInput(FR, "FR", "75002", consignment_value=100.0), Regime.DOMESTIC, "FR"),
    ("IT business, valid FR VAT number: not another member state",
     RegimeInput(FR, "IT", "20121", VatStatus.VALID, is_business=True, buyer_vat_country="FR"),
     Regime.EU_B2C_HOME, "FR"),
    ("DE business, valid BE VAT number", RegimeInput(FR, "DE", "10115", VatStatus.VALID, is_business=True,
                                                     buyer_vat_country="BE"), Regime.INTRA_EU_B2B, ""),
    ("Greece under its VIES code", RegimeInput(FR, "EL", "10563", above_oss_threshold=True),
     Regime.EU_B2C_OSS, "GR"),
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
])
def test_ship_territory(country, zip_code, expected):
    assert ship_territory(country, zip_code) == expected


def test_other_company_country():
    decision = decide_regime(RegimeInput("DE", "FR", "75002", above_oss_threshold=True))
    assert decision.regime == Regime.EU_B2C_OSS and decision.tax_country == "FR"
    assert decide_regime(RegimeInput("DE", "DE", "10115")).regime == Regime.DOMESTIC

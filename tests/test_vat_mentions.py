"""French invoice mention helpers (marketplace_vat/vat/mentions.py): SIREN from identifiers, French numbers."""
from odoo.addons.marketplace_vat.vat import mentions


def test_siren_from_siret_or_siren():
    assert mentions.siren_from_identifier("303 265 045 00003") == "303265045"
    assert mentions.siren_from_identifier("303265045") == "303265045"
    assert mentions.siren_from_identifier("303265046") == "", "Luhn check"
    assert mentions.siren_from_identifier("HRB 12345") == ""
    assert mentions.siren_from_identifier(False) == ""


def test_siren_from_french_vat_numbers_only():
    assert mentions.siren_from_vat("FR 96 552100554") == "552100554"
    assert mentions.siren_from_vat("FR53000004605") == "", "Monaco: a French VAT number without SIREN"
    assert mentions.siren_from_vat("DE136695976") == ""
    assert mentions.siren_from_vat("") == ""


def test_french_numbers():
    assert mentions.french_number(10000.0) == "10 000,00"
    assert mentions.french_number(1234567.891, 0) == "1 234 568"
    assert mentions.french_percent(12.5) == "12,5"
    assert mentions.french_percent(40.0) == "40"
    assert mentions.RECOVERY_INDEMNITY_EUR == 40


def test_first_siren_in_order_then_the_vat_number():
    assert mentions.first_siren("", "303265045 00003", vat="FR96552100554") == "303265045"
    assert mentions.first_siren(False, "HRB 1", vat="FR96552100554") == "552100554"
    assert mentions.first_siren(vat="") == ""

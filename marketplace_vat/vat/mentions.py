"""French invoice mentions: wording and the SIREN found in the identifiers Odoo keeps (plain Python).

Sources, cited beside each constant (table "Invoice mentions" of ``marketplace_vat/README.md``):

- CGI, annexe II, art. 242 nonies A, I, 1° (as amended by décret n° 2022-1299 du 7 octobre 2022): the
  full name, the identification number of Code de commerce R123-221 (the SIREN) and the address of the
  seller and of its customer;
- Code de commerce R123-237, 1° and 2°: the SIREN and "RCS" followed by the city of the registry;
  L224-1 (sociétés par actions, and SAS through L227-1) and R223-3 (SARL): the legal form and the share
  capital with the company name;
- Code de commerce L441-9, I: between professionals, the invoice states the discount terms for early
  payment (escompte), the rate of late-payment penalties and the fixed indemnity for recovery costs;
  L441-10, II: the default penalty rate (ECB refinancing rate + 10 points); D441-5: the indemnity is 40 EUR.
"""
from stdnum.fr import siren as stdnum_siren

# French wording on purpose, whatever the customer's language (as the VAT mentions of account_move.py).
MENTION_CAPITAL = "%(form)s au capital de %(capital)s"  # C. com. L224-1, R223-3
MENTION_SIREN = "SIREN %s"  # CGI ann. II art. 242 nonies A I 1°; C. com. R123-237 1°
MENTION_RCS = "RCS %s"  # C. com. R123-237 2°
MENTION_BUYER_SIREN = "SIREN du client : %s"  # CGI ann. II art. 242 nonies A I 1°
MENTION_PENALTY = ("Pénalités de retard exigibles le jour suivant la date de règlement : %s "
                   "(art. L441-10 du Code de commerce).")  # C. com. L441-9 I
PENALTY_LEGAL_RATE = ("taux de la Banque centrale européenne à son opération de refinancement la plus récente, "
                      "majoré de 10 points de pourcentage")  # C. com. L441-10 II, when no rate is agreed
PENALTY_RATE = "%s %% par an"
RECOVERY_INDEMNITY_EUR = 40  # C. com. D441-5
MENTION_INDEMNITY = ("Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : %s € "
                     "(art. L441-10 et D441-5 du Code de commerce).")
MENTION_NO_DISCOUNT = "Escompte pour paiement anticipé : néant."  # C. com. L441-9 I
MENTION_DISCOUNT = "Escompte pour paiement anticipé : %(percent)s %% si paiement sous %(days)s jours."


def french_number(value, decimals=2):
    """``10000.0`` -> ``"10 000,00"`` (French grouping and decimal comma)."""
    text = f"{value:,.{decimals}f}" if decimals else f"{value:,.0f}"
    return text.replace(",", " ").replace(".", ",")


def french_percent(value):
    """``12.5`` -> ``"12,5"``, ``40.0`` -> ``"40"``."""
    return f"{value:g}".replace(".", ",")


def siren_from_identifier(value):
    """The SIREN of a SIRET (14 digits) or of a SIREN (9 digits), spaces allowed; ``""`` otherwise."""
    digits = "".join(ch for ch in (value or "") if not ch.isspace())
    if not digits.isdigit() or len(digits) not in (9, 14):
        return ""
    return digits[:9] if stdnum_siren.is_valid(digits[:9]) else ""


def siren_from_vat(vat):
    """The SIREN inside a French VAT number (``FR`` + 2-character key + SIREN); ``""`` otherwise.

    Monaco numbers are French VAT numbers too but hold no SIREN: their "SIREN" part starts with
    ``000`` (python-stdnum ``stdnum.fr.tva``), they give none.
    """
    text = "".join(ch for ch in (vat or "") if ch.isalnum()).upper()
    if not text.startswith("FR") or len(text) != 13 or text[4:7] == "000":
        return ""
    return siren_from_identifier(text[4:])


def first_siren(*identifiers, vat=""):
    """The SIREN of the first SIRET/SIREN among ``identifiers``, else the one inside ``vat``; ``""``."""
    for identifier in identifiers:
        siren = siren_from_identifier(identifier)
        if siren:
            return siren
    return siren_from_vat(vat)

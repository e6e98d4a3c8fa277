"""E-reporting category of each VAT regime of ``marketplace_vat`` (plain Python).

Under the French reform (CGI art. 289 bis and 290, as set by ordonnance n° 2021-1190 and Finance law
2024 art. 91), an invoice between two businesses established in France goes through e-invoicing
(the Factur-X of this addon); the other sales are e-reported as transaction data: B2C sales in
aggregate per day, category and rate, international B2B sales (intra-EU and exports) invoice by
invoice. The category labels follow the DGFiP external specifications' transaction categories
(TLB1 goods taxed in France, TNT1 operations not taxed in France, including intra-EU distance sales)
[C2: secondary sources].
"""

B2C_FRANCE = "b2c_fr"
B2C_OSS = "b2c_oss"
EXPORT = "export"
EXPORT_B2B = "export_b2b"
DEEMED_SUPPLIER = "deemed_supplier"
INTRA_EU_B2B = "intra_eu_b2b"
EINVOICED = "einvoiced"  # domestic B2B: e-invoicing, not in the extract

CATEGORIES = [
    (B2C_FRANCE, "B2C goods taxed in France (TLB1)"),
    (B2C_OSS, "Distance sales taxed in another member state, OSS (TNT1)"),
    (EXPORT, "Exports outside the EU VAT area (TNT1)"),
    (EXPORT_B2B, "Exports to businesses, invoice by invoice (TNT1)"),
    (DEEMED_SUPPLIER, "Supplies to a deemed-supplier platform (TNT1)"),
    (INTRA_EU_B2B, "Intra-EU B2B, invoice by invoice"),
]

# VAT regime (marketplace_vat) -> category; a regime whose category depends on the buyer maps to a
# pair (consumer, business).
REGIME_CATEGORY = {
    "domestic": (B2C_FRANCE, EINVOICED),
    "eu_b2c_home": (B2C_FRANCE, B2C_FRANCE),  # French VAT below the EUR 10,000 threshold
    "eu_b2c_oss": (B2C_OSS, B2C_OSS),
    "export": (EXPORT, EXPORT_B2B),
    "deemed_supplier": (DEEMED_SUPPLIER, DEEMED_SUPPLIER),
    "intra_eu_b2b": (INTRA_EU_B2B, INTRA_EU_B2B),
}

#: international B2B sales are reported invoice by invoice (DGFiP flux 10.1), the others aggregated
PER_INVOICE = {INTRA_EU_B2B, EXPORT_B2B}


def category_for(regime, is_business):
    """:return: the e-reporting category of a sale, or ``EINVOICED`` for a domestic business sale."""
    consumer, business = REGIME_CATEGORY.get(regime or "domestic", REGIME_CATEGORY["domestic"])
    return business if is_business else consumer


def operation_category(kinds):
    """Category of the operation the French reform asks on invoices, from the product kinds of the lines.

    :param kinds: set of ``"goods"`` / ``"services"``
    :return: ``("B1", "Livraison de biens")``, ``("S1", "Prestation de services")`` or ``("M1", "Mixte")``:
        the Factur-X business process (BT-23) codes of the French e-invoicing framework [C2]
    """
    if kinds == {"services"}:
        return "S1", "Prestation de services"
    if "services" in kinds and "goods" in kinds:
        return "M1", "Mixte (livraison de biens et prestation de services)"
    return "B1", "Livraison de biens"

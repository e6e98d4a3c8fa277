{
    "name": "Marketplace Connector: VAT and invoicing",
    "summary": "VAT regime per marketplace order (domestic, intra-EU B2B, OSS, export), VIES checks, invoices",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["marketplace_connector", "account", "base_vat"],
    "external_dependencies": {"python": ["zeep", "stdnum"]},
    "data": [],
    "installable": True,
}

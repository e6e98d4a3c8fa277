{
    "name": "Marketplace Connector: Octopia / Cdiscount",
    "summary": "Octopia Seller API v2 (REST) and legacy Cdiscount SOAP channels",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["marketplace_connector"],
    "external_dependencies": {"python": ["requests", "zeep"]},
    "data": [],
    "installable": True,
}

{
    "name": "Marketplace Connector",
    "summary": "Channel-agnostic core: channels, order import pipeline, ship/refund back, sync logs",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["sale_management", "sale_stock", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [],
    "installable": True,
    "application": True,
}

{
    "name": "Marketplace Connector - Shopify",
    "summary": "Import Shopify orders, send fulfillments and refunds back, receive signed webhooks",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["marketplace_connector"],
    "external_dependencies": {"python": ["marketplace_transport", "requests"]},
    "data": ["views/marketplace_channel_views.xml"],
    "demo": ["demo/shopify_demo.xml"],
    "installable": True,
}

{
    "name": "Marketplace Connector: PrestaShop",
    "summary": "Import PrestaShop orders through the Webservice, send tracking numbers and order states back",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["marketplace_connector"],
    "external_dependencies": {"python": ["marketplace_transport", "requests"]},
    "data": ["views/marketplace_channel_views.xml"],
    "demo": ["demo/prestashop_demo.xml"],
    "installable": True,
}

{
    "name": "Marketplace Connector: French e-invoicing and e-reporting",
    "summary": "Factur-X (EN 16931) B2B invoices through Odoo's send flow, the e-reporting extract, hand-off to an "
               "approved platform (PA)",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["marketplace_vat", "account_edi_ubl_cii"],
    "external_dependencies": {"python": ["marketplace_transport", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/marketplace_channel_views.xml",
        "views/res_company_views.xml",
        "views/einvoice_submission_views.xml",
        "wizard/ereporting_views.xml",
        "views/menus.xml",
    ],
    "installable": True,
}

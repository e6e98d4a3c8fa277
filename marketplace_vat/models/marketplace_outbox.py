from odoo import fields, models


class MarketplaceOutbox(models.Model):
    _inherit = "marketplace.outbox"

    operation = fields.Selection(selection_add=[("upload_invoice", "Upload invoice"),
                                                ("check_invoice_upload", "Check invoice upload")],
                                 ondelete={"upload_invoice": "cascade", "check_invoice_upload": "cascade"})

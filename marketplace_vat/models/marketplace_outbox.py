from odoo import fields, models


class MarketplaceOutbox(models.Model):
    _inherit = "marketplace.outbox"

    operation = fields.Selection(selection_add=[("upload_invoice", "Upload invoice")],
                                 ondelete={"upload_invoice": "cascade"})

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # indexed: every imported order looks its buyer up by e-mail, then by name and postcode
    email_normalized = fields.Char(index=True)
    zip = fields.Char(index=True)
    marketplace_binding_ids = fields.One2many("marketplace.partner.binding", "partner_id", string="Marketplace ids")
    marketplace_address_key = fields.Char(
        copy=False, index=True, help="Normalized address of an imported contact: an unchanged address is reused.")
    marketplace_pickup_id = fields.Char("Pickup point id", copy=False)
    marketplace_vat = fields.Char(
        "VAT number (as received)", copy=False,
        help="Buyer VAT number received from the marketplace, before any check.")

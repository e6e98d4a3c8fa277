from odoo import fields, models


class MarketplacePartnerBinding(models.Model):
    """Link between a marketplace customer id and an Odoo contact."""

    _name = "marketplace.partner.binding"
    _description = "Marketplace customer binding"
    _rec_name = "external_id"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, precompute=True)
    external_id = fields.Char("Marketplace customer id", required=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)

    _sql_constraints = [
        ("channel_external_unique", "UNIQUE(channel_id, external_id)",
         "A marketplace customer is bound to one contact per channel."),
    ]

from odoo import fields, models


class MarketplaceRefundReason(models.Model):
    """Refund reasons a channel accepts, loaded from the marketplace."""

    _name = "marketplace.refund.reason"
    _description = "Marketplace refund reason"
    _order = "channel_id, name"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    code = fields.Char(required=True)
    name = fields.Char(required=True)

    _sql_constraints = [("channel_code_unique", "UNIQUE(channel_id, code)", "Reason codes are unique per channel.")]

"""Legacy Cdiscount SOAP channel type, and its link with the Octopia REST channel (migration).

During the migration both channels stay active (seed 004): orders placed before it keep
being served (shipped, refunded) by the legacy channel, even when the REST API shows them too.
A REST channel names its legacy channel in ``legacy_channel_id``; both then map the same
marketplace order (REST ``reference`` = legacy ``OrderNumber``) to one sale order.
"""
from odoo import fields, models


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(
        selection_add=[("cdiscount_soap", "Cdiscount legacy (SOAP)")],
        ondelete={"cdiscount_soap": "cascade"})
    legacy_channel_id = fields.Many2one(
        "marketplace.channel", string="Legacy Cdiscount channel", ondelete="set null", index=True,
        domain=[("channel_type", "=", "cdiscount_soap")],
        help="Cdiscount legacy (SOAP) channel of the same seller account. The orders it has imported "
             "stay on it: this channel does not import them again and never ships or refunds them.")
    legacy_sts_url = fields.Char(
        "Token service URL",
        help="Cdiscount STS issuing the SOAP tokens. Empty: derived from the API base URL "
             "(https://wsvc.cdiscount.com -> https://sts.cdiscount.com/users/httpIssue.svc/).")
    legacy_order_states = fields.Char(
        "Order states to read",
        help="Comma-separated OrderState values asked by GetOrderList. Empty: the actionable and final "
             "states. GetOrderList always needs a States filter.")
    legacy_window_hours = fields.Integer(
        "Order window (hours)", default=24,
        help="GetOrderList has no paging: each call covers this many hours of modifications.")

    def _prepare_cdiscount_soap_options(self):
        """Options of the SOAP transport (``transport_options`` of the descriptor in ``connector.py``)."""
        self.ensure_one()
        return {
            "sts_url": self.legacy_sts_url or "",
            "states": self.legacy_order_states or "",
            "window_hours": self.legacy_window_hours or 24,
        }

    def _get_migrated_channels(self):
        """REST channels that name this legacy channel (archived ones included)."""
        self.ensure_one()
        return self.with_context(active_test=False).search([("legacy_channel_id", "=", self.id)])

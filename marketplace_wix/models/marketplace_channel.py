from odoo import fields, models

from marketplace_transport.wix import DEFAULT_REQUESTS_PER_MINUTE


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(selection_add=[("wix", "Wix")], ondelete={"wix": "cascade"})
    wix_requests_per_minute = fields.Integer(
        "Requests per minute", default=DEFAULT_REQUESTS_PER_MINUTE,
        help="Client-side pacing; Wix allows 200 requests per minute per app instance.")
    wix_external_refund = fields.Boolean(
        "Refunds made outside Wix",
        help="Only mark the Wix payments refunded (the money is returned outside Wix) instead of refunding "
             "them through the site's payment provider.")
    wix_notify_customer = fields.Boolean(
        "E-mail refunds to the buyer", default=True, help="Let Wix send its 'order refunded' e-mail.")

    _sql_constraints = [
        ("wix_requests_per_minute_range", "CHECK(wix_requests_per_minute IS NULL OR "
         "(wix_requests_per_minute >= 0 AND wix_requests_per_minute <= 200))",
         "Wix allows at most 200 requests per minute."),
    ]

    def _prepare_wix_options(self):
        """Options of the Wix transport (see :class:`WixTransport`); the site id is ``api_account``."""
        self.ensure_one()
        return {
            "requests_per_minute": self.wix_requests_per_minute or DEFAULT_REQUESTS_PER_MINUTE,
            "external_refund": self.wix_external_refund,
            "notify_customer": self.wix_notify_customer,
        }

from datetime import timedelta

from odoo import api, fields, models


class MarketplaceSyncLog(models.Model):
    """One API exchange (URL and errors without secrets)."""

    _name = "marketplace.sync.log"
    _description = "Marketplace API exchange"
    _order = "id desc"
    _rec_name = "operation"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    operation = fields.Char(required=True)
    method = fields.Char()
    url = fields.Char("URL")
    status_code = fields.Integer("HTTP status")
    duration_ms = fields.Integer("Duration (ms)")
    state = fields.Selection([("ok", "OK"), ("error", "Error")], required=True, index=True)
    error = fields.Text()

    @api.model
    def _cron_cleanup(self):
        """Delete exchanges older than each channel's retention."""
        for channel in self.env["marketplace.channel"].with_context(active_test=False).search([]):
            limit = fields.Datetime.now() - timedelta(days=max(channel.log_retention_days, 1))
            self.search([("channel_id", "=", channel.id), ("create_date", "<", limit)]).unlink()

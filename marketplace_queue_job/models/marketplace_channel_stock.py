"""Stock sync as a queue job: the cron queues one job per shop channel (never twice while one waits)."""
from odoo import models


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    def _sync_stock(self, full=False):
        if not self._takes_stock_levels() or not self._queue_job_dispatch_enabled():
            return super()._sync_stock(full=full)
        kind = "full" if full else "dirty"
        self.with_delay(
            channel=self._queue_job_channel_name(),
            identity_key=f"marketplace-stock-{kind}-{self.id}",
            description=self.env._("%(channel)s: send stock (%(kind)s)", channel=self.name, kind=kind),
        )._job_sync_stock(full)
        self._commit_progress()
        return True

    def _job_sync_stock(self, full=False):
        """Job: send the channel's dirty offers (every offer when ``full``)."""
        self.ensure_one()
        counts = self._job_env()._sync_stock(full=full) or {}
        return self.env._("%(done)s sent, %(error)s refused", done=counts.get("done", 0), error=counts.get("error", 0))

from odoo import models


class MarketplaceOutbox(models.Model):
    _inherit = "marketplace.outbox"

    def _delay_send(self):
        """Queue the job sending this item; nothing when one is already waiting."""
        self.ensure_one()
        channel = self.channel_id
        return self.with_delay(
            channel=channel._queue_job_channel_name(),
            identity_key=f"marketplace-outbox-{self.id}",
            description=self.env._("%(channel)s: %(call)s", channel=channel.name, call=self.display_name),
        )._job_send()

    def _job_send(self):
        """Job: send the item (queue_job commits the outcome; errors are kept on the item)."""
        self.ensure_one()
        if self.state != "todo":
            return self.env._("Nothing to send (state: %s)", self.state)
        self.with_context(marketplace_in_job=True, marketplace_no_commit=True)._send_one()
        return self.env._("Outbox state: %s", self.state)

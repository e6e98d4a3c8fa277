"""Marketplace channel: its connector descriptor (``connector.py``) and the capabilities it tells."""
from odoo import api, models

from ..connector import get_connector


class MarketplaceChannelConnector(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.connector"
    _description = "Marketplace channel: connector descriptor and capabilities"

    def _connector(self):
        """The :class:`~..connector.ConnectorDescriptor` of the channel's type."""
        self.ensure_one()
        return get_connector(self.channel_type)

    def _connector_capabilities(self):
        """The :class:`~..connector.Capabilities` of the channel's type."""
        return self._connector().capabilities

    @api.depends("channel_type")
    def _compute_capabilities(self):
        for channel in self:
            capabilities = channel._connector_capabilities()
            channel.can_accept = capabilities.accept_refuse
            channel.can_push_offers = capabilities.offer_push
            channel.can_push_stock = capabilities.stock_push
            channel.can_upload_invoice = capabilities.invoice_upload
            channel.can_refund_partial = capabilities.partial_refund
            channel.can_refund_amount = capabilities.amount_refund

    def _connector_transport_options(self):
        """Options the connector adds to ``TransportConfig.options`` (its ``transport_options`` hook)."""
        hook = self._connector().transport_options
        return dict(hook(self)) if hook else {}

"""Shopify channel type: its fields and the options passed to the transport (webhooks: ``connector.py``)."""
from odoo import fields, models

from marketplace_transport.shopify import API_VERSION, DEFAULT_VAT_ATTRIBUTES

from ..connector import SHOPIFY


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(selection_add=[(SHOPIFY, "Shopify")], ondelete={SHOPIFY: "cascade"})
    shopify_api_version = fields.Char(
        "Shopify API version", default=API_VERSION,
        help="Admin API version (YYYY-MM) used in every URL. Shopify supports each version for 12 months.")
    shopify_notify_customer = fields.Boolean(
        "Shopify e-mails the buyer", default=True, help="Fulfillments and refunds notify the customer.")
    shopify_restock_type = fields.Selection(
        [("no_restock", "No restock"), ("cancel", "Cancel (not shipped yet)"), ("return", "Return")],
        "Restock on refund", default="no_restock",
        help="Shopify stock handling of refunded lines; Odoo stays the stock master.")
    shopify_vat_attributes = fields.Char(
        "VAT note attributes", default=",".join(DEFAULT_VAT_ATTRIBUTES),
        help="Order note attribute names holding the buyer's VAT number (comma-separated, case-insensitive).")

    # -- transport ----------------------------------------------------------------------
    def _prepare_shopify_options(self):
        """Options of the Shopify transport (``transport_options`` of the descriptor in ``connector.py``)."""
        self.ensure_one()
        return {
            "api_version": self.shopify_api_version or API_VERSION,
            "notify_customer": self.shopify_notify_customer,
            "restock_type": self.shopify_restock_type or "no_restock",
            "vat_attributes": self.shopify_vat_attributes or ",".join(DEFAULT_VAT_ATTRIBUTES),
        }

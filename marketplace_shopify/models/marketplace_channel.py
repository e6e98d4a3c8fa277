"""Shopify channel type: its fields and the options passed to the transport (webhooks: ``connector.py``)."""
from odoo import fields, models

from marketplace_transport.shopify import (
    API_VERSION,
    CLIENT_CREDENTIALS,
    DEFAULT_VAT_ATTRIBUTES,
    GRAPHQL,
    REST,
    STATIC,
    newest_stable,
    version_status,
)

from ..connector import SHOPIFY

#: changing one of these makes the stored client-credentials token useless
TOKEN_SOURCES = ("base_url", "api_login", "api_secret", "shopify_auth_mode")


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(selection_add=[(SHOPIFY, "Shopify")], ondelete={SHOPIFY: "cascade"})
    shopify_auth_mode = fields.Selection(
        [(CLIENT_CREDENTIALS, "Dev Dashboard app (client id and secret)"),
         (STATIC, "Legacy custom app (Admin API access token)")],
        "Shopify app", default=STATIC,
        help="Dev Dashboard apps (every app created since 2026-01-01): client id in \"Client id / login\", "
             "client secret in \"Client secret / password / token\"; Odoo requests a token valid 24 hours and "
             "renews it. Legacy custom apps created in the shop admin: the shpat_ token as secret.")
    shopify_api = fields.Selection(
        [(GRAPHQL, "GraphQL Admin API"), (REST, "REST Admin API (legacy)")], "Shopify API", default=GRAPHQL,
        help="Orders, fulfillments and refunds go through the GraphQL Admin API; REST is legacy.")
    shopify_api_version = fields.Char(
        "Shopify API version", default=API_VERSION,
        help="Admin API version (YYYY-MM) used in every URL. Shopify supports each version for 12 months; "
             "Test connection warns three months before the end.")
    shopify_notify_customer = fields.Boolean(
        "Shopify e-mails the buyer", default=True, help="Fulfillments and refunds notify the customer.")
    shopify_restock_type = fields.Selection(
        [("no_restock", "No restock"), ("cancel", "Cancel (not shipped yet)"), ("return", "Return")],
        "Restock on refund", default="no_restock",
        help="Shopify stock handling of refunded lines; Odoo stays the stock master.")
    shopify_vat_attributes = fields.Char(
        "VAT note attributes", default=",".join(DEFAULT_VAT_ATTRIBUTES),
        help="Order note attribute names holding the buyer's VAT number (comma-separated, case-insensitive).")

    def write(self, vals):
        """A new client, secret, shop or mode drops the stored Shopify access token."""
        if any(name in vals for name in TOKEN_SOURCES) and "access_token" not in vals:
            shopify = self.filtered(lambda channel: channel.channel_type == SHOPIFY)
            shopify.sudo().write({"access_token": False, "access_token_expires_at": 0.0})
        return super().write(vals)

    # -- transport ----------------------------------------------------------------------
    def _prepare_shopify_options(self):
        """Options of the Shopify transport (``transport_options`` of the descriptor in ``connector.py``)."""
        self.ensure_one()
        return {
            "api": self.shopify_api or GRAPHQL,
            "auth_mode": self.shopify_auth_mode or STATIC,
            "api_version": self.shopify_api_version or API_VERSION,
            "notify_customer": self.shopify_notify_customer,
            "restock_type": self.shopify_restock_type or "no_restock",
            "vat_attributes": self.shopify_vat_attributes or ",".join(DEFAULT_VAT_ATTRIBUTES),
        }

    # -- test connection ----------------------------------------------------------------
    def action_test_connection(self):
        """Shopify: a connection that works still warns when its API version is about to end."""
        action = super().action_test_connection()
        warning = self.channel_type == SHOPIFY and self.connection_state == "ok" and self._shopify_version_warning()
        if not warning:
            return action
        self.connection_message = f"{self.connection_message}\n⚠ {warning}"
        return self._notify(self.env._("Connection succeeded, with a warning"), self.connection_message, "warning")

    def _shopify_version_warning(self):
        """Translated warning about the channel's API version, or ""."""
        today = fields.Date.to_date(self.env.context.get("marketplace_today")) or fields.Date.context_today(self)
        version = self.shopify_api_version or API_VERSION
        status, end = version_status(version, today)
        values = {"version": version, "end": end and end.isoformat(), "newest": newest_stable(today)}
        if status == "unknown":
            return self.env._("Admin API version %(version)s is not a stable Shopify version (YYYY-01, -04, -07 "
                              "or -10): use %(newest)s.", **values)
        if status == "ended":
            return self.env._("Admin API version %(version)s is no longer supported since %(end)s: Shopify "
                              "answers with its oldest supported version instead. Use %(newest)s.", **values)
        if status == "ending":
            return self.env._("Admin API version %(version)s is supported until %(end)s only: move the "
                              "channel to %(newest)s.", **values)
        return ""

"""Octopia Seller API v2 (REST) and legacy Cdiscount SOAP channel types.

The legacy type links to the REST one for the migration. During the migration both channels stay
active (seed 004): orders placed before it keep being served (shipped, refunded) by the legacy
channel, even when the REST API shows them too. A REST channel names its legacy channel in
``legacy_channel_id``; both then map the same marketplace order (REST ``reference`` = legacy
``OrderNumber``) to one sale order.
"""
from odoo import api, fields, models
from odoo.exceptions import UserError

from marketplace_transport import MarketplaceError
from marketplace_transport.octopia.rest import DEFAULT_SALES_CHANNEL, PRODUCTION_BASE_URL

from ..connector import CDISCOUNT_SOAP, OCTOPIA

# Lengow's Octopia rhythm (seed 004): orders every 15 min, offers every hour, daily 2-day pass
OCTOPIA_DEFAULTS = {"import_interval": 15, "offer_interval": 60, "lookback_days": 2}


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    channel_type = fields.Selection(
        selection_add=[(OCTOPIA, "Octopia (REST)"), (CDISCOUNT_SOAP, "Cdiscount legacy (SOAP)")],
        ondelete={OCTOPIA: "cascade", CDISCOUNT_SOAP: "cascade"})
    sales_channel_code = fields.Char(
        "Octopia sales channel", default=DEFAULT_SALES_CHANNEL,
        help="Sent as the SalesChannelId header on every call (CDISFR: Cdiscount France).")
    octopia_token_url = fields.Char(
        "Token URL", help="Keycloak token endpoint. Empty: auth.octopia-io.net for the production API, "
                          "else the same path on the API host (simulator).")
    octopia_offer_package_type = fields.Selection(
        [("Upsert", "Create or replace offers (Upsert)"), ("Update", "Update price and stock (Update)")],
        "Offer package type", default="Upsert",
        help="Upsert needs the GTIN, condition and delivery modes; Update only sends what changed.")
    octopia_delivery_modes = fields.Char(
        "Offer delivery modes", default="STD",
        help="Default deliveryModes of pushed offers: comma-separated CODE[:cost[:additional cost]], "
             "codes from GET /sellers/delivery-modes, e.g. 'STD:4.99,TRK:6.90'.")
    octopia_preparation_time = fields.Integer("Preparation time (days)", default=2)
    octopia_xml_offers = fields.Boolean(
        "Send XML-only attributes", default=True,
        help="Striked price, price alignment, packaging and discounts have no field in the JSON offer flow: "
             "offers whose such attributes changed go by XML offer package, which Octopia downloads from Odoo.")
    octopia_public_url = fields.Char(
        "Public Odoo URL", help="Address of this Odoo reachable from the Internet, from which Octopia downloads "
                                "the XML offer packages. Empty: the web.base.url system parameter.")
    octopia_offer_package_ids = fields.One2many(
        "marketplace.octopia.offer.package", "channel_id", string="XML offer packages")
    octopia_offer_package_count = fields.Integer(compute="_compute_octopia_offer_package_count")
    octopia_carrier_ids = fields.One2many("marketplace.octopia.carrier", "channel_id", string="Octopia carriers")
    octopia_carrier_count = fields.Integer(compute="_compute_octopia_carrier_count")

    def _compute_octopia_carrier_count(self):
        for channel in self:
            channel.octopia_carrier_count = len(channel.octopia_carrier_ids)

    def _compute_octopia_offer_package_count(self):
        counts = dict(self.env["marketplace.octopia.offer.package"]._read_group(
            [("channel_id", "in", self.ids)], ["channel_id"], ["__count"]))
        for channel in self:
            channel.octopia_offer_package_count = counts.get(channel, 0)

    @api.onchange("channel_type")
    def _onchange_channel_type_octopia(self):
        for channel in self.filtered(lambda c: c.channel_type == OCTOPIA):
            channel.update(OCTOPIA_DEFAULTS)
            if not channel.base_url:
                channel.base_url = PRODUCTION_BASE_URL

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("channel_type") == OCTOPIA:
                vals.setdefault("base_url", PRODUCTION_BASE_URL)
                for name, value in OCTOPIA_DEFAULTS.items():
                    vals.setdefault(name, value)
        return super().create(vals_list)

    # -- transport ----------------------------------------------------------------------
    def _prepare_octopia_options(self):
        """Options of the REST transport (``transport_options`` of the descriptor in ``connector.py``)."""
        self.ensure_one()
        return {
            "sales_channel": self.sales_channel_code or DEFAULT_SALES_CHANNEL,
            "token_url": self.octopia_token_url or "",
            "offer_package_type": self.octopia_offer_package_type or "Upsert",
            "delivery_modes": self._octopia_parse_delivery_modes(),
        }

    def _octopia_parse_delivery_modes(self):
        """'STD:4.99,TRK:6.90:1' -> [{"code": "STD", "cost": 4.99}, ...]."""
        self.ensure_one()
        modes = []
        for item in (self.octopia_delivery_modes or "").split(","):
            parts = [p.strip() for p in item.split(":")]
            if not parts[0]:
                continue
            mode = {"code": parts[0]}
            try:
                if len(parts) > 1 and parts[1]:
                    mode["cost"] = float(parts[1].replace(",", "."))
                if len(parts) > 2 and parts[2]:
                    mode["additionalCost"] = float(parts[2].replace(",", "."))
            except ValueError:
                raise UserError(self.env._("Invalid Octopia delivery mode %r: use CODE:cost:additional cost.",
                                           item)) from None
            modes.append(mode)
        return modes

    # -- carriers -----------------------------------------------------------------------
    def _map_carrier(self, picking):
        """Octopia wants a /carriers label: mapped Odoo carrier first, then the core's fallback."""
        if self.channel_type != OCTOPIA:
            return super()._map_carrier(picking)
        carrier = getattr(picking, "carrier_id", False)
        label = self.env["marketplace.octopia.carrier"]._find_label(self, carrier) if carrier else ""
        return label or picking.marketplace_carrier_name or super()._map_carrier(picking)

    def action_octopia_load_carriers(self):
        """Button: refresh the carrier list from GET /carriers (mappings are kept)."""
        count = 0
        for channel in self.filtered(lambda c: c.channel_type == OCTOPIA):
            try:
                count = self.env["marketplace.octopia.carrier"]._sync_channel(channel)
            except MarketplaceError as exc:
                raise UserError(channel._error_text(exc)) from exc
        return self._notify(self.env._("Carriers loaded"), self.env._("%s Octopia carriers.", count), "success")

    def action_octopia_open_carriers(self):
        self.ensure_one()
        return self._action_open("marketplace.octopia.carrier", [("channel_id", "=", self.id)],
                                 self.env._("Octopia carriers"))

    def action_octopia_open_offer_packages(self):
        self.ensure_one()
        return self._action_open("marketplace.octopia.offer.package", [("channel_id", "=", self.id)],
                                 self.env._("XML offer packages"))

    # -- legacy Cdiscount SOAP ------------------------------------------------------------
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

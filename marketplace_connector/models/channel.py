"""The marketplace channel: configuration, counters, the transport factory, the exchange log and
redaction. The other concerns of the same model live beside it:

- ``channel_import.py``: scheduled actions, the per-channel lock, the import run and its cursor;
- ``channel_import_page.py``: one page of orders, and one order alone (Retry, webhooks);
- ``channel_actions.py``: buttons, offer push, ship, refund, accept and refuse;
- ``channel_outbox.py``: calls that change the marketplace, queued and sent after commit;
- ``channel_webhook.py``: webhook verification and the import it triggers;
- ``channel_dashboard.py``: KPIs, guided set-up, type defaults and the daily digest;
- ``channel_connector.py``: the connector descriptor of the channel's type and its capabilities;
- ``channel_errors.py``: transport errors told to people by their code, in their language;
- ``channel_stock.py``, ``channel_stock_send.py``: stock (and price) sync to the shops;
- ``channel_catalog.py``: the shop's catalogue mapped to the channel's offers.
"""
import json

from odoo import fields, models

from marketplace_transport import TransportConfig
from marketplace_transport.base import TokenStore
from marketplace_transport.http import redact_text

from ..tools import ExchangeRecorder

MANAGER = "marketplace_connector.group_marketplace_manager"


class ChannelTokenStore(TokenStore):
    """Keeps the transport's access token on the channel between runs."""

    def __init__(self, channel):
        self.channel = channel.sudo()
        super().__init__(self.channel.access_token or None, self.channel.access_token_expires_at or 0.0)

    def set(self, token, expires_at):
        result = super().set(token, expires_at)
        self.channel.write({"access_token": token or False, "access_token_expires_at": expires_at or 0.0})
        return result


class MarketplaceChannel(models.Model):
    _name = "marketplace.channel"
    _description = "Marketplace Channel"
    # the concerns of the channel, one file each (see the module docstring)
    _inherit = ["mail.thread", "mail.activity.mixin", "marketplace.channel.import", "marketplace.channel.import.page",
                "marketplace.channel.actions", "marketplace.channel.webhook", "marketplace.channel.dashboard",
                "marketplace.channel.errors", "marketplace.channel.outbox", "marketplace.channel.connector",
                "marketplace.channel.stock", "marketplace.channel.stock.send", "marketplace.channel.catalog"]
    _order = "sequence, name"

    # -- identity ---------------------------------------------------------------------
    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    channel_type = fields.Selection(selection=[], string="Type", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user,
        help="Receives the activities raised by sync failures.")
    color = fields.Integer()

    # -- connection -------------------------------------------------------------------
    base_url = fields.Char(
        "API base URL", required=True, tracking=True,
        help="Overridable for sandboxes and for the bundled simulator.")
    api_account = fields.Char(
        "Account / seller id", tracking=True, help="Seller id, site id or shop name, as the marketplace names it.")
    api_login = fields.Char("Client id / login", groups=MANAGER, copy=False, exportable=False)
    api_secret = fields.Char("Client secret / password / token", groups=MANAGER, copy=False, exportable=False)
    webhook_secret = fields.Char(groups=MANAGER, copy=False, exportable=False)
    webhook_url = fields.Char(
        "Webhook URL", compute="_compute_webhook_url",
        help="Where the marketplace posts its order webhooks (empty: this type has none).")
    access_token = fields.Char(groups=MANAGER, copy=False, exportable=False, readonly=True)
    access_token_expires_at = fields.Float(groups=MANAGER, copy=False, exportable=False, readonly=True)
    timeout = fields.Integer("Timeout (s)", default=30)
    page_size = fields.Integer(default=100, help="Orders per listing page (capped by each marketplace).")
    connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("error", "Error")], default="unknown", readonly=True,
        copy=False)
    connection_message = fields.Text(readonly=True, copy=False)

    # -- sales defaults ---------------------------------------------------------------
    warehouse_id = fields.Many2one(
        "stock.warehouse", check_company=True,
        default=lambda self: self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1))
    team_id = fields.Many2one("crm.team", "Sales team", check_company=True)
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    currency_id = fields.Many2one("res.currency", related="company_id.currency_id")
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    shipping_product_id = fields.Many2one(
        "product.product", default=lambda self: self.env.ref(
            "marketplace_connector.product_marketplace_shipping", raise_if_not_found=False))
    discount_product_id = fields.Many2one(
        "product.product", default=lambda self: self.env.ref(
            "marketplace_connector.product_marketplace_discount", raise_if_not_found=False))
    fallback_product_id = fields.Many2one(
        "product.product", "Fallback product", default=lambda self: self.env.ref(
            "marketplace_connector.product_marketplace_unmatched", raise_if_not_found=False),
        help="Lines without SKU nor EAN (custom lines, gift cards, tips) import on this product, named and "
             "priced as charged, and the order gets an activity to check them.")
    charge_product_id = fields.Many2one(
        "product.product", "Charges product", default=lambda self: self.env.ref(
            "marketplace_connector.product_marketplace_charge", raise_if_not_found=False),
        help="Order-level fees and duties the buyer paid import as lines of this product, taxed as sent.")
    anonymous_partner_id = fields.Many2one(
        "res.partner", "Anonymous customer", default=lambda self: self.env.ref(
            "marketplace_connector.partner_marketplace_anonymous", raise_if_not_found=False),
        help="Customer of the orders without buyer nor address that ship nothing (cancelled, refunded, "
             "services only).")
    unknown_sku_policy = fields.Selection(
        [("fail", "Fail the order"), ("fallback", "Import on the fallback product")], "Unknown SKU",
        default="fail", required=True,
        help="What a line whose SKU or EAN matches no product does.")
    prices_include_tax = fields.Selection(
        [("marketplace", "As the marketplace says"), ("included", "Always tax included"),
         ("excluded", "Always tax excluded")], default="marketplace", required=True)

    # -- policies ---------------------------------------------------------------------
    auto_confirm = fields.Boolean("Confirm orders automatically", default=True)
    auto_accept = fields.Boolean(
        "Accept orders automatically", default=False,
        help="Orders waiting for acceptance are accepted when every product is in stock.")
    ship_on_validate = fields.Boolean(
        "Send shipments on delivery validation", default=True,
        help="Validating a delivery queues its carrier and tracking number for the marketplace.")
    log_retention_days = fields.Integer(default=30)
    follow_customers = fields.Boolean(
        "Buyers follow their orders", default=False,
        help="Off: imported buyers are not subscribed to their orders, so Odoo never e-mails them; "
             "marketplaces want buyers contacted through their own messaging.")

    # -- scheduling and cursor ------------------------------------------------------
    import_interval = fields.Integer("Order import every (min)", default=15)
    offer_interval = fields.Integer("Offer push every (min)", default=60)
    overlap_minutes = fields.Integer(
        "Overlap window (min)", default=10,
        help="Each run re-reads orders updated this long before the cursor: late writes are not missed.")
    lookback_days = fields.Integer(
        "Daily look-back (days)", default=2, help="Once a day, re-read the orders updated in the last N days.")
    import_cursor = fields.Datetime(
        "Orders imported up to", copy=False, tracking=True,
        help="Marketplace 'updated at' of the last order fully processed (UTC).")
    initial_import_days = fields.Integer("First import covers (days)", default=7)
    last_import_at = fields.Datetime(readonly=True, copy=False)
    last_import_success_at = fields.Datetime("Last successful sync", readonly=True, copy=False)
    last_lookback_at = fields.Datetime(readonly=True, copy=False)
    last_offer_push_at = fields.Datetime(readonly=True, copy=False)
    paused_until = fields.Datetime(
        copy=False, tracking=True, help="Set when the marketplace asks us to wait (quota, rate limit).")
    last_error = fields.Text(readonly=True, copy=False)

    # -- dashboard (computed in channel_dashboard.py) -------------------------------
    handling_days = fields.Integer(
        "Ship within (days)", default=2,
        help="Orders without a commitment date are late when still not shipped this many days after the order.")
    digest_enabled = fields.Boolean(
        "Daily digest e-mail", help="E-mail the responsible a daily summary of this channel's orders and errors.")
    setup_help = fields.Html(compute="_compute_setup_help", sanitize=False)
    kpi_orders_today = fields.Integer("Orders today", compute="_compute_kpis")
    kpi_to_ship = fields.Integer("To ship", compute="_compute_kpis")
    kpi_late = fields.Integer("Late", compute="_compute_kpis")
    kpi_revenue_week = fields.Monetary("Revenue this week", compute="_compute_kpis", currency_field="currency_id")
    kpi_error_rate = fields.Float("Error rate (24 h, %)", compute="_compute_kpis", digits=(16, 1))
    kpi_log_count_24h = fields.Integer("Calls (24 h)", compute="_compute_kpis")
    kpi_sync_age = fields.Char("Last sync age", compute="_compute_kpis")
    kpi_next_sync_at = fields.Datetime("Next scheduled sync", compute="_compute_kpis")
    kpi_health = fields.Selection(
        [("ok", "Healthy"), ("warning", "Needs attention"), ("danger", "Failing")], compute="_compute_kpis")

    # -- capabilities of the type (computed in channel_connector.py) ---------------
    can_accept = fields.Boolean(
        "Accepts or refuses orders", compute="_compute_capabilities",
        help="The marketplace lets the seller accept or refuse the orders waiting for acceptance.")
    can_push_offers = fields.Boolean("Takes offers", compute="_compute_capabilities")
    can_push_stock = fields.Boolean("Takes stock levels", compute="_compute_capabilities")
    can_upload_invoice = fields.Boolean("Takes invoice PDFs", compute="_compute_capabilities")
    can_refund_partial = fields.Boolean("Refunds some lines", compute="_compute_capabilities")
    can_refund_amount = fields.Boolean(
        "Refunds an amount", compute="_compute_capabilities",
        help="The marketplace takes a refund of an amount alone (a goodwill gesture), without lines.")

    # -- relations and counters -----------------------------------------------------
    order_ids = fields.One2many("sale.order", "marketplace_channel_id")
    offer_ids = fields.One2many("marketplace.offer", "channel_id")
    failure_ids = fields.One2many("marketplace.import.failure", "channel_id")
    order_count = fields.Integer(compute="_compute_counts")
    offer_count = fields.Integer(compute="_compute_counts")
    failure_count = fields.Integer(compute="_compute_counts")
    log_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("positive_intervals", "CHECK(import_interval > 0 AND offer_interval > 0)",
         "Sync intervals must be positive."),
        ("overlap_not_negative", "CHECK(overlap_minutes >= 0)", "The overlap window cannot be negative."),
    ]

    def _compute_counts(self):
        def grouped(model, domain):
            rows = self.env[model]._read_group(domain + [("channel_id", "in", self.ids)], ["channel_id"], ["__count"])
            return {channel.id: count for channel, count in rows}

        orders = {
            channel.id: count for channel, count in self.env["sale.order"]._read_group(
                [("marketplace_channel_id", "in", self.ids)], ["marketplace_channel_id"], ["__count"])}
        offers = grouped("marketplace.offer", [])
        failures = grouped("marketplace.import.failure", [("state", "=", "open")])
        logs = grouped("marketplace.sync.log", [])
        for channel in self:
            channel.order_count = orders.get(channel.id, 0)
            channel.offer_count = offers.get(channel.id, 0)
            channel.failure_count = failures.get(channel.id, 0)
            channel.log_count = logs.get(channel.id, 0)

    # -- transport ------------------------------------------------------------------
    def _prepare_transport_config(self):
        """Values for :class:`TransportConfig`; the connector descriptor adds its ``options``."""
        self.ensure_one()
        channel = self.sudo()
        return {
            "base_url": channel.base_url,
            "credentials": {
                "login": channel.api_login or "",
                "secret": channel.api_secret or "",
                "webhook_secret": channel.webhook_secret or "",
            },
            "options": {"account": channel.api_account or "", "page_size": channel.page_size or 100,
                        **self._connector_transport_options()},
            "timeout": channel.timeout or 30,
            "token_store": ChannelTokenStore(channel),
        }

    def _get_transport(self, operation_prefix=""):
        self.ensure_one()
        config = TransportConfig(**self._prepare_transport_config())
        transport_class = self._get_transport_class()
        return transport_class(config, recorder=self._make_recorder(config.secret_values()),
                               **self._transport_kwargs())

    def _get_transport_class(self):
        """The transport class named by the connector descriptor (``MarketplaceError`` when none)."""
        return self._connector().transport_class

    def _transport_kwargs(self):
        """Extra keyword arguments for the transport (tests pass a fast ``sleep``)."""
        sleep = self.env.context.get("marketplace_sleep")
        return {"sleep": sleep} if sleep else {}

    def _make_recorder(self, secrets):
        """The transport's recorder: one log row per exchange, held while a savepoint protects a
        page or an order (see :func:`~odoo.addons.marketplace_connector.tools.held_exchanges`)."""
        return ExchangeRecorder(lambda exchange: self._exchange_log_vals(exchange, secrets),
                                self.env["marketplace.sync.log"].sudo().create)

    def _log_exchange(self, exchange, secrets=()):
        self.env["marketplace.sync.log"].sudo().create(self._exchange_log_vals(exchange, secrets))

    def _exchange_log_vals(self, exchange, secrets=()):
        """Values of the log row of ``exchange``, redacted now (with the current access token)."""
        return {
            "channel_id": self.id,
            "operation": exchange.operation,
            "method": exchange.method,
            "url": self._redact(redact_text(exchange.url, secrets)),  # _redact: also the current access token
            "status_code": exchange.status or 0,
            "duration_ms": exchange.duration_ms,
            "state": "ok" if exchange.ok else "error",
            "error": self._redact(redact_text(exchange.error or "", secrets)) or False,
        }

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Credentials (non-exportable fields) are never exported, even by managers and through
        related paths (``marketplace_channel_id/api_secret``): their cells are emptied."""
        rows = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        hidden = [i for i, path in enumerate(fields)
                  if path and path[0] in self._fields and not self._fields[path[0]].exportable]
        for row in rows:
            for index in hidden:
                row[index] = ""
        return rows

    def _redact(self, text):
        self.ensure_one()
        channel = self.sudo()
        secrets = [channel.api_login, channel.api_secret, channel.webhook_secret, channel.access_token]
        return redact_text(text or "", [s for s in secrets if s])

    def _payload_json(self, payload):
        text = json.dumps(payload, indent=1, ensure_ascii=False, default=str)
        # lone surrogates ("\udcff" JSON escapes) are not UTF-8: PostgreSQL would refuse the failure record
        return self._redact(text.encode("utf-8", "replace").decode("utf-8"))

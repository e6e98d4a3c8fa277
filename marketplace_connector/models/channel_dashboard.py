"""Marketplace channel: dashboard KPIs, guided set-up, type defaults and the daily digest (UI layer).

KPIs are computed, not stored: a handful of grouped queries for all the displayed channels, no
per-record search.
"""
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from ..connector import DEFAULT_CONNECTOR, all_connectors, translated
from ..tools import to_naive_utc

ORDER_CLOSED_STATUSES = ("shipped", "delivered", "cancelled", "refused", "refunded")


class MarketplaceChannelDashboard(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.dashboard"
    _description = "Marketplace channel: KPIs, set-up help, digest"

    # -- KPI domains (shared by the computation and the dashboard's buttons) ----------
    def _kpi_local_start(self, now, days_back=0, week=False):
        """Naive UTC datetime of today's (or this week's Monday) midnight in the user's time zone."""
        local_now = fields.Datetime.context_timestamp(self, now)
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days_back)
        if week:
            start -= timedelta(days=start.weekday())
        return to_naive_utc(start)

    def _kpi_order_domain(self, kpi, now=None):
        """Domain of the marketplace orders behind a dashboard KPI (channel part excluded).

        :param kpi: ``today``, ``to_ship``, ``late`` or ``week``
        """
        now = now or fields.Datetime.now()
        if kpi == "today":
            return [("date_order", ">=", self._kpi_local_start(now)), ("state", "!=", "cancel")]
        if kpi == "week":
            return [("date_order", ">=", self._kpi_local_start(now, week=True)), ("state", "=", "sale")]
        to_ship = [("state", "=", "sale"), ("delivery_status", "in", ("pending", "started", "partial")),
                   "|", ("marketplace_order_status", "=", False),
                   ("marketplace_order_status", "not in", ORDER_CLOSED_STATUSES)]
        if kpi == "to_ship":
            return to_ship
        if kpi == "late":
            self.ensure_one()
            return to_ship + self._kpi_late_clause(self.handling_days, now)
        raise ValueError(kpi)

    @api.model
    def _kpi_late_clause(self, handling_days, now):
        """Past the commitment date, or, without one, past the order date plus the handling days."""
        return ["|", ("commitment_date", "<", now),
                "&", ("commitment_date", "=", False), ("date_order", "<", now - timedelta(days=handling_days or 0))]

    @api.depends("handling_days", "import_interval", "last_import_at", "last_import_success_at", "paused_until",
                 "active", "connection_state", "last_error")
    def _compute_kpis(self):
        now = fields.Datetime.now()
        ids = [channel_id for channel_id in self._origin.ids if channel_id]
        Order = self.env["sale.order"]

        def count_orders(domain):
            rows = Order._read_group(domain + [("marketplace_channel_id", "in", ids)],
                                     ["marketplace_channel_id"], ["__count"])
            return {channel.id: count for channel, count in rows}

        today = count_orders(self._kpi_order_domain("today", now))
        to_ship = count_orders(self._kpi_order_domain("to_ship", now))
        late = {}
        by_days = defaultdict(list)
        for channel in self:
            if channel._origin.id:
                by_days[channel.handling_days].append(channel._origin.id)
        for days, day_ids in by_days.items():
            rows = Order._read_group(
                self._kpi_order_domain("to_ship", now) + self._kpi_late_clause(days, now)
                + [("marketplace_channel_id", "in", day_ids)], ["marketplace_channel_id"], ["__count"])
            late.update({channel.id: count for channel, count in rows})
        revenue = {channel.id: amount for channel, amount in Order._read_group(
            self._kpi_order_domain("week", now) + [("marketplace_channel_id", "in", ids)],
            ["marketplace_channel_id"], ["amount_untaxed:sum"])}
        logs = defaultdict(lambda: {"ok": 0, "error": 0})
        for channel, state, count in self.env["marketplace.sync.log"]._read_group(
                [("channel_id", "in", ids), ("create_date", ">=", now - timedelta(hours=24))],
                ["channel_id", "state"], ["__count"]):
            logs[channel.id][state] = count
        for channel in self:
            key = channel._origin.id
            calls = logs[key]["ok"] + logs[key]["error"] if key else 0
            channel.kpi_orders_today = today.get(key, 0)
            channel.kpi_to_ship = to_ship.get(key, 0)
            channel.kpi_late = late.get(key, 0)
            channel.kpi_revenue_week = revenue.get(key, 0.0)
            channel.kpi_log_count_24h = calls
            channel.kpi_error_rate = 100.0 * logs[key]["error"] / calls if calls else 0.0
            channel.kpi_sync_age = channel._format_age(now - channel.last_import_success_at) \
                if channel.last_import_success_at else self.env._("never")
            channel.kpi_next_sync_at = channel._next_sync_at(now)
            channel.kpi_health = channel._kpi_health(now)

    def _next_sync_at(self, now):
        self.ensure_one()
        if not self.active:
            return False
        if self.paused_until and self.paused_until > now:
            return self.paused_until
        if not self.last_import_at:
            return now
        return max(self.last_import_at + timedelta(minutes=self.import_interval or 0), now)

    def _kpi_health(self, now):
        """``danger`` when the connection or the order import fails (no successful import for three
        intervals), ``warning`` on any other error, late orders, failed imports or frequent failed calls."""
        self.ensure_one()
        stale = self.last_import_success_at and \
            self.last_import_success_at < now - timedelta(minutes=3 * (self.import_interval or 15) + 5)
        if self.connection_state == "error" or stale:
            return "danger"
        if self.last_error or self.kpi_late or self.failure_count or self.kpi_error_rate >= 10.0:
            return "warning"
        return "ok"

    @api.model
    def _format_age(self, delta):
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return self.env._("just now")
        if minutes < 60:
            return self.env._("%s min ago", minutes)
        if minutes < 48 * 60:
            return self.env._("%s h ago", minutes // 60)
        return self.env._("%s days ago", minutes // (24 * 60))

    # -- dashboard buttons ------------------------------------------------------------
    def _open_kpi_orders(self, kpi, title):
        self.ensure_one()
        action = self.action_open_orders()
        action["domain"] = [("marketplace_channel_id", "=", self.id)] + self._kpi_order_domain(kpi)
        action["display_name"] = action["name"] = self.env._("%(channel)s: %(kpi)s", channel=self.name, kpi=title)
        action["context"] = {"create": False}
        return action

    def action_open_kpi_today(self):
        return self._open_kpi_orders("today", self.env._("orders today"))

    def action_open_kpi_to_ship(self):
        return self._open_kpi_orders("to_ship", self.env._("to ship"))

    def action_open_kpi_late(self):
        return self._open_kpi_orders("late", self.env._("late shipments"))

    def action_open_kpi_week(self):
        return self._open_kpi_orders("week", self.env._("orders this week"))

    def action_open_kpi_errors(self):
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=24)
        return self._action_open("marketplace.sync.log", [
            ("channel_id", "=", self.id), ("state", "=", "error"), ("create_date", ">=", since)],
            self.env._("%s: errors of the last 24 hours", self.name))

    # -- guided set-up ----------------------------------------------------------------
    @api.model
    def _get_setup_help(self):
        """Onboarding text per channel type (HTML), from the connector descriptors; ``default`` for the others."""
        helps = {"default": translated(self.env, DEFAULT_CONNECTOR.setup_help)}
        helps.update({connector.channel_type: translated(self.env, connector.setup_help)
                      for connector in all_connectors() if connector.setup_help})
        return helps

    @api.model
    def _get_type_defaults(self):
        """Field values suggested when a channel type is picked, from the connector descriptors."""
        return {connector.channel_type: dict(connector.defaults) for connector in all_connectors()
                if connector.defaults}

    @api.depends("channel_type")
    def _compute_setup_help(self):
        helps = self._get_setup_help()
        for channel in self:
            channel.setup_help = helps.get(channel.channel_type) or helps.get("default") or False

    @api.onchange("channel_type")
    def _onchange_channel_type_defaults(self):
        """A new channel takes its type's defaults; an existing one only fills its empty fields.

        The base URL is replaced only when empty or still another type's default URL.
        """
        all_defaults = self._get_type_defaults()
        default_urls = {values.get("base_url") for values in all_defaults.values()} - {None}
        for channel in self:
            values = dict(all_defaults.get(channel.channel_type) or {})
            if channel.base_url and channel.base_url not in default_urls:
                values.pop("base_url", None)
            if channel._origin.id:
                values = {name: value for name, value in values.items() if name == "base_url" or not channel[name]}
            channel.update(values)

    # -- daily digest -----------------------------------------------------------------
    @api.model
    def _cron_send_digest(self):
        """Queue the daily digest of every channel that asks for it and has a responsible with an e-mail."""
        template = self.env.ref("marketplace_connector.mail_template_marketplace_digest", raise_if_not_found=False)
        if not template:
            return
        channels = self.search([("digest_enabled", "=", True), ("user_id.email", "!=", False)])
        for channel in channels:
            template.send_mail(channel.id, email_layout_xmlid="mail.mail_notification_light")
        return channels

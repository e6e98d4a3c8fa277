"""Dashboard KPIs, their list actions, the set-up guide, type defaults and the daily digest."""
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import MarketplaceCase, make_order


@tagged("post_install", "-at_install", "marketplace")
class TestDashboard(MarketplaceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.channel.write({"handling_days": 2, "user_id": cls.env.user.id})
        if "invoice_policy" in cls.channel._fields:  # marketplace_vat: invoices are not what is tested here
            cls.channel.invoice_policy = "never"

    def _order(self, ref, age_days=0.0, **vals):
        sale, _changed = self.import_order(make_order(ref, lines=[("SKU-A", 1, 24.0)]))
        sale.write(dict({"date_order": self.now - timedelta(days=age_days)}, **vals))
        return sale

    def _validate_delivery(self, sale):
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        return picking

    def _orders(self, action):
        return self.env["sale.order"].search(action["domain"])

    def test_order_kpis_and_their_lists(self):
        fresh = self._order("FRESH")
        late = self._order("LATE", age_days=5)
        promised = self._order("PROMISED", age_days=5, commitment_date=self.now + timedelta(days=1))
        overdue = self._order("OVERDUE", commitment_date=self.now - timedelta(hours=1))
        shipped = self._order("SHIPPED", age_days=5)
        self._validate_delivery(shipped)
        self.assertEqual(fresh.state, "sale", "the channel confirms imported orders")
        channel = self.channel
        channel.invalidate_recordset()
        self.assertEqual(channel.kpi_to_ship, 4)
        self.assertEqual(channel.kpi_late, 2)
        self.assertEqual(self._orders(channel.action_open_kpi_late()), late | overdue)
        self.assertEqual(self._orders(channel.action_open_kpi_to_ship()), fresh | late | promised | overdue)
        self.assertIn(fresh, self._orders(channel.action_open_kpi_today()))
        self.assertEqual(channel.kpi_orders_today, len(self._orders(channel.action_open_kpi_today())))
        self.assertNotIn(late, self._orders(channel.action_open_kpi_today()))
        week = self._orders(channel.action_open_kpi_week())
        self.assertAlmostEqual(channel.kpi_revenue_week, sum(week.mapped("amount_untaxed")), places=2)
        self.assertIn(fresh, week)
        self.assertEqual(channel.kpi_health, "warning", "late orders need attention")

        channel.handling_days = 10  # the same orders are no longer late without a commitment date
        channel.invalidate_recordset()
        self.assertEqual(channel.kpi_late, 1)
        self.assertEqual(self._orders(channel.action_open_kpi_late()), overdue)

    def test_kpis_of_several_channels_in_few_queries(self):
        other = self.channel.copy({"name": "Other channel", "handling_days": 5})
        self._order("A-LATE", age_days=3)
        self.import_order(make_order("B-LATE", lines=[("SKU-B", 1, 10.0)]), channel=other)[0].write(
            {"date_order": self.now - timedelta(days=3)})
        channels = self.channel | other
        channels.invalidate_recordset()
        with self.assertQueryCount(__system__=12):
            channels.mapped("kpi_late")
        self.assertEqual(channels.mapped("kpi_late"), [1, 0], "each channel's own handling days")
        self.assertEqual(channels.mapped("kpi_to_ship"), [1, 1])

    def test_error_rate_sync_age_and_next_sync(self):
        Log = self.env["marketplace.sync.log"]
        for state in ("ok", "ok", "ok", "error"):
            Log.create({"channel_id": self.channel.id, "operation": "list_orders", "method": "GET",
                        "url": "http://127.0.0.1:9/api/orders", "status_code": 200 if state == "ok" else 500,
                        "state": state})
        self.channel.write({"last_import_success_at": self.now - timedelta(minutes=7),
                            "last_import_at": self.now - timedelta(minutes=7), "import_interval": 15})
        channel = self.channel
        self.assertEqual(channel.kpi_log_count_24h, 4)
        self.assertAlmostEqual(channel.kpi_error_rate, 25.0)
        self.assertEqual(channel.kpi_sync_age, "7 min ago")
        self.assertEqual(channel.kpi_next_sync_at, self.now + timedelta(minutes=8))
        errors = self.env["marketplace.sync.log"].search(channel.action_open_kpi_errors()["domain"])
        self.assertEqual(errors.mapped("state"), ["error"])
        self.assertEqual(channel.kpi_health, "warning", "one call in four failed")

        channel.write({"last_import_success_at": self.now - timedelta(hours=3)})
        self.assertEqual(channel.kpi_sync_age, "3 h ago")
        self.assertEqual(channel.kpi_health, "danger", "no successful sync for much longer than the interval")
        channel.paused_until = self.now + timedelta(minutes=30)
        self.assertEqual(channel.kpi_next_sync_at, channel.paused_until)

    def test_setup_help_and_type_defaults(self):
        Channel = self.env["marketplace.channel"]
        types = dict(Channel._fields["channel_type"]._description_selection(self.env))
        helps = Channel._get_setup_help()
        self.assertEqual(self.channel.setup_help, helps.get(self.channel.channel_type) or helps["default"])
        all_defaults = Channel._get_type_defaults()
        known = [t for t in all_defaults if t in types and all_defaults[t].get("base_url")]
        if not known:
            self.skipTest("no installed channel type has default values")
        channel_type = known[0]
        defaults = Channel._get_type_defaults()[channel_type]
        new = Channel.new({"name": "New", "channel_type": channel_type, "page_size": 7})
        new._onchange_channel_type_defaults()
        self.assertEqual(new.base_url, defaults["base_url"])
        self.assertEqual(new.page_size, defaults["page_size"], "a new channel takes its type's page size")
        custom = Channel.new({"name": "Custom", "channel_type": channel_type, "base_url": "http://127.0.0.1:8070/x"})
        custom._onchange_channel_type_defaults()
        self.assertEqual(custom.base_url, "http://127.0.0.1:8070/x", "a URL typed by the user is kept")

    def test_daily_digest(self):
        self.env.user.email = "seller@example.com"
        self._order("DIGEST-1", age_days=4)
        Mail = self.env["mail.mail"]
        before = Mail.search([])
        self.assertFalse(self.env["marketplace.channel"]._cron_send_digest(), "nobody asked for a digest")
        self.channel.digest_enabled = True
        sent = self.env["marketplace.channel"]._cron_send_digest()
        self.assertEqual(sent, self.channel)
        mail = Mail.search([]) - before
        self.assertEqual(len(mail), 1)
        self.assertIn(self.channel.name, mail.subject)
        self.assertIn(self.env.user.partner_id, mail.recipient_ids)
        self.assertIn("Late shipments", mail.body_html)
        self.assertIn(">1<", mail.body_html.replace(" ", ""), "the late order is counted")

"""Security: credentials stay with Marketplace Managers; companies do not see each other.

* api_login / api_secret / webhook_secret / access_token: readable and writable by managers only
  (field groups + ACL), never in sync logs, chatter, error messages, exports (as a user or as a
  manager, directly or through a related path) or stored payloads -- even when the marketplace
  echoes them back.
* Multi-company: a Marketplace User of company A reads none of company B's channels, orders,
  offers, logs or failed imports, and cannot run "Ship on marketplace" on B's orders.
"""
from marketplace_simulator import octopia as sim
from reliability_common import OctopiaSimulatorCase

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

SECRET_FIELDS = ("api_login", "api_secret", "webhook_secret", "access_token", "access_token_expires_at")


@tagged("post_install", "-at_install", "marketplace", "security")
class TestCredentialsAndCompanies(OctopiaSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context={k: v for k, v in cls.env.context.items() if k != "tracking_disable"})
        cls.channel = cls.channel.with_env(cls.env)
        cls.channel.webhook_secret = "whsec-0123456789abcdef"
        cls.company_a = cls.channel.company_id
        cls.company_b = cls.env["res.company"].create(
            {"name": "Company B (marketplace)", "currency_id": cls.company_a.currency_id.id})
        # all-leads salesmen: only the company rules can hide company B's orders from them
        groups = ("base.group_user,base.group_allow_export,sales_team.group_sale_salesman_all_leads,"
                  "marketplace_connector.group_marketplace_user")
        cls.user_a = new_test_user(cls.env, "mkt_user_a", groups=groups, company_id=cls.company_a.id,
                                   company_ids=[(6, 0, cls.company_a.ids)])
        cls.manager_a = new_test_user(
            cls.env, "mkt_manager_a", groups=groups + ",marketplace_connector.group_marketplace_manager",
            company_id=cls.company_a.id, company_ids=[(6, 0, cls.company_a.ids)])
        cls.channel_b = cls.env["marketplace.channel"].with_company(cls.company_b).create(
            cls._channel_vals(name="Octopia company B", company_id=cls.company_b.id))

    def secrets(self):
        channel = self.channel.sudo()
        return [s for s in (channel.api_secret, channel.webhook_secret, channel.access_token,
                            self.channel_b.sudo().api_secret) if s]

    def assert_no_secret(self, text, where):
        for secret in self.secrets():
            self.assertNotIn(secret, text or "", f"a credential leaked into {where}")

    # -- field groups and ACL --------------------------------------------------------------
    def test_credentials_manager_only(self):
        channel = self.channel.with_user(self.user_a)
        self.assertEqual(channel.name, self.channel.name, "users read the channel itself")
        visible = channel.fields_get()
        for name in SECRET_FIELDS:
            self.assertNotIn(name, visible, f"{name} is hidden from Marketplace Users")
            with self.assertRaises(AccessError):
                channel.read([name])
        with self.assertRaises(AccessError):
            channel.write({"api_secret": "stolen"})
        with self.assertRaises(AccessError):
            channel.write({"name": "renamed"})  # users have no write ACL on channels
        with self.assertRaises(AccessError):
            channel.search([("api_secret", "=", sim.DEFAULT_CLIENT_SECRET)])
        managed = self.channel.with_user(self.manager_a)
        self.assertEqual(managed.api_secret, sim.DEFAULT_CLIENT_SECRET)
        managed.write({"api_secret": "rotated-secret-000"})
        self.assertEqual(self.channel.sudo().api_secret, "rotated-secret-000")

    def test_exports_never_contain_credentials(self):
        fields = ["name", "api_login", "api_secret", "webhook_secret", "access_token"]
        self.channel._run_import()  # stores an access token too
        self.assertTrue(self.channel.sudo().access_token)
        with self.assertRaises(AccessError):
            self.channel.with_user(self.user_a).export_data(fields)
        rows = self.channel.with_user(self.user_a).export_data(["name", "base_url"])["datas"]
        self.assertEqual(rows[0][0], self.channel.name)
        rows = self.channel.with_user(self.manager_a).export_data(fields)["datas"]
        self.assertEqual(rows[0][0], self.channel.name)
        self.assert_no_secret(repr(rows), "a manager's channel export")
        self.assertNotIn(sim.DEFAULT_CLIENT_ID, repr(rows))
        self.add_orders(1)
        self.channel._run_import()
        sale = self.channel.order_ids[:1]
        self.assertTrue(sale)
        rows = sale.with_user(self.manager_a).export_data(
            ["name", "marketplace_channel_id/name", "marketplace_channel_id/api_secret"])["datas"]
        self.assertEqual(rows[0][1], self.channel.name)
        self.assert_no_secret(repr(rows), "an order export through marketplace_channel_id/api_secret")

    # -- logs, chatter, errors, payloads -------------------------------------------------
    def test_credentials_never_logged_nor_stored(self):
        secret, client_id = sim.DEFAULT_CLIENT_SECRET, sim.DEFAULT_CLIENT_ID
        ids = self.add_orders(6)
        echo = sim.get_state(self.app).orders[ids[0]]
        echo["payment"]["method"] = f"card {secret}"  # a marketplace echoing the credentials back
        echo["sellerComment"] = f"client {client_id} secret {secret}"
        failing = sim.get_state(self.app).orders[ids[1]]
        failing["lines"][0]["offer"].update(sellerProductId=f"SKU-{secret}", productGtin="")
        stats = self.channel._run_import()
        self.assertEqual(stats["failed"], 1)
        token = self.channel.sudo().access_token
        self.assertTrue(token)
        # an error answer quoting the secret and the token
        self.app.add_fault(r"GET /seller/v2/orders$", kind="status", status=500, count=-1,
                           body={"title": "Error", "status": 500,
                                 "detail": f"client {client_id}/{secret} token {token} failed"})
        self.channel._run_import()
        self.assertIn("500", self.channel.last_error)
        self.assert_no_secret(self.channel.last_error, "the channel's last error")
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        self.assertTrue(logs.filtered(lambda log: log.state == "error"))
        for log in logs:
            self.assert_no_secret(f"{log.url} {log.error}", "a sync log")
        for sale in self.channel.order_ids:
            self.assert_no_secret(sale.marketplace_payload, "a stored order payload")
        failure = self.channel.failure_ids
        self.assertEqual(len(failure), 1)
        self.assert_no_secret(f"{failure.reason} {failure.payload}", "a failed import")
        self.channel.with_user(self.manager_a).write({"api_secret": "rotated-secret-000"})
        messages = self.env["mail.message"].search([
            "|", "&", ("model", "=", "marketplace.channel"), ("res_id", "=", self.channel.id),
            "&", ("model", "=", "sale.order"), ("res_id", "in", self.channel.order_ids.ids)])
        self.assertTrue(messages, "the chatter is not empty (tracking on)")
        for message in messages:
            self.assert_no_secret(f"{message.body} {message.subject}", "the chatter")
            for value in message.tracking_value_ids:
                self.assert_no_secret(f"{value.old_value_char} {value.new_value_char}", "a tracking value")
                self.assertNotIn("rotated-secret-000", f"{value.old_value_char} {value.new_value_char}")
        activities = self.env["mail.activity"].search([("res_model", "=", "marketplace.channel")])
        for activity in activities:
            self.assert_no_secret(activity.note, "an activity")

    # -- multi-company ---------------------------------------------------------------------
    def test_company_a_user_sees_nothing_of_company_b(self):
        ids = self.add_orders(3)
        self.state.orders[ids[2]]["lines"][0]["offer"].update(sellerProductId="NOPE-B", productGtin="")
        self.channel_b.with_company(self.company_b)._run_import()
        sales_b = self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel_b.id)])
        self.assertEqual(len(sales_b), 2, f"{self.channel_b.last_error} {self.channel_b.failure_ids.mapped('reason')}")
        offer_b = self.env["marketplace.offer"].create(
            {"channel_id": self.channel_b.id, "product_id": self.products[0].id, "seller_sku": "B-OFFER"})
        records_b = {
            "marketplace.channel": self.channel_b,
            "sale.order": sales_b,
            "marketplace.offer": offer_b,
            "marketplace.sync.log": self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel_b.id)]),
            "marketplace.import.failure": self.channel_b.failure_ids,
        }
        for model, records in records_b.items():
            self.assertTrue(records, f"company B has {model} records")
            as_a = self.env[model].with_user(self.user_a)
            self.assertFalse(as_a.search([("id", "in", records.ids)]), f"{model} of company B is hidden")
            with self.assertRaises(AccessError, msg=model):
                records.with_user(self.user_a).read(["display_name"])
        self.assertIn(self.channel, self.env["marketplace.channel"].with_user(self.user_a).search([]),
                      "user A still sees company A's channel")
        self.channel._run_import()
        sales_a = self.env["sale.order"].with_user(self.user_a).search(
            [("marketplace_channel_id", "=", self.channel.id)])
        self.assertEqual(len(sales_a), 2, "user A reads company A's orders (all-leads salesman)")
        # "Ship on marketplace" on company B's orders
        action = self.env.ref("marketplace_connector.action_server_marketplace_ship")
        posts = self.app.count_requests(r"/shipments$", method="POST")
        with self.assertRaises(AccessError):
            action.with_user(self.user_a).with_context(
                active_model="sale.order", active_ids=sales_b.ids, active_id=sales_b[0].id).run()
        self.assertEqual(self.app.count_requests(r"/shipments$", method="POST"), posts)
        self.assertEqual(set(sales_b.mapped("ship_sync_state")), {"none"}, "nothing changed on B's orders")

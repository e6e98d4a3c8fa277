"""A Dev Dashboard app on the GraphQL Admin API, end to end through the cron and real HTTP:
client-credentials tokens, polling, fulfillments, refunds, order edits, version warning."""
import json
import time

from marketplace_simulator import shopify as sim

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import ShopifySimulatorCase
from .test_shopify_webhook import headers_for


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyGraphqlChannel(ShopifySimulatorCase):
    @classmethod
    def setUpClass(cls):
        super(ShopifySimulatorCase, cls).setUpClass()
        cls.setup_shopify(shopify_api="graphql", shopify_auth_mode="client_credentials",
                          api_login=sim.CLIENT_ID, api_secret=sim.CLIENT_SECRET)

    def token_requests(self):
        return self.app.count_requests(r"/admin/oauth/access_token$", "POST")

    def graphql_calls(self, root):
        return [call for call in self.state["graphql"] if call["root"] == root]

    def test_cron_imports_with_one_token_request_and_keeps_the_token(self):
        orders = [self.add_order(n, minutes_ago=90 - n) for n in (1, 2, 3)]
        self.run_cron()
        self.assertEqual(len(self.channel_sales()), 3)
        sale = self.sale_of(orders[0])
        self.assertEqual((sale.state, sale.client_order_ref), ("sale", "#1001"))
        self.assertAlmostEqual(sale.amount_total, float(orders[0]["total_price"]), places=2)
        self.assertEqual(len(self.graphql_calls("orders")), 2, "page size 2: two GraphQL pages")
        self.assertFalse(self.app.count_requests(r"/orders\.json$"), "no REST call")
        self.assertEqual(self.token_requests(), 1)
        channel = self.channel.sudo()
        self.assertTrue(channel.access_token.startswith("shpat_cc_"))
        self.assertAlmostEqual(channel.access_token_expires_at, time.time() + 86399, delta=120)
        self.assert_reimport_changes_nothing()
        self.assertEqual(self.token_requests(), 1, "the stored token serves the next runs")

    def test_token_renewed_before_expiry_and_after_a_401_once(self):
        self.add_order(4)
        self.run_cron()
        self.channel.sudo().access_token_expires_at = time.time() + 1800  # less than an hour left
        self.run_cron()
        self.assertEqual(self.token_requests(), 2, "renewed before it expires")
        sim.expire_tokens(self.app)  # expired mid-life (revoked, clock skew): Shopify answers 401
        order = self.add_order(5, minutes_ago=5)
        self.run_cron()
        self.assertEqual(self.token_requests(), 3)
        self.assertTrue(self.sale_of(order))
        self.assertFalse(self.channel.last_error)

    def test_new_secret_drops_the_stored_token_and_wrong_secret_fails_clearly(self):
        self.run_cron()
        self.assertTrue(self.channel.sudo().access_token)
        self.channel.api_secret = "wrong-secret"
        self.assertFalse(self.channel.sudo().access_token)
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "error")
        self.assertIn("client credentials", self.channel.connection_message)
        self.assertNotIn("wrong-secret", self.channel.connection_message)

    def test_rest_shaped_webhook_imports_through_the_graphql_order_query(self):
        order = self.add_order(8)
        body = json.dumps(order).encode()  # webhook bodies stay REST-shaped
        outcome = self.Channel.sudo()._handle_webhook("shopify", self.channel.id, body, headers_for(body))
        self.assertEqual(outcome, (200, "imported"))
        sale = self.sale_of(order)
        self.assertEqual(len(self.graphql_calls("order")), 1, "the order is re-read with GraphQL")
        self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)
        self.run_cron()
        self.assertEqual(self.channel_sales(), sale, "the cron finds the same order: no duplicate")
        self.assert_reimport_changes_nothing()

    def test_ship_and_refund_with_shipping_through_graphql(self):
        order = self.add_order(6, lines=[(0, 3)])
        self.run_cron()
        sale = self.sale_of(order)
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.write({"carrier_tracking_ref": "6A55", "marketplace_carrier_name": "Colissimo"})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.Channel._cron_send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        self.assertEqual(len(self.graphql_calls("fulfillmentCreate")), 1)
        fulfillment = self.state["fulfillments"][-1]
        self.assertEqual((fulfillment["tracking_company"], fulfillment["tracking_number"]), ("Colissimo", "6A55"))
        wizard = self.env["marketplace.refund.wizard"].browse(sale.action_marketplace_refund_wizard()["res_id"])
        wizard.write({"mode": "full", "reason_note": "lost parcel"})
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(len(self.graphql_calls("suggestedRefund")), 1)
        self.assertEqual(self.state["calculations"][-1]["refund"]["shipping"], {"full_refund": True})
        created = self.graphql_calls("refundCreate")[-1]["variables"]["input"]
        self.assertEqual(created["shipping"], {"amount": "4.90"}, "the shipping is refunded too")
        self.assertEqual(self.state["orders"][order["id"]]["financial_status"], "refunded")
        self.run_cron()
        self.assertEqual(sale.marketplace_order_status, "refunded")

    def test_edited_order_imports_its_current_quantities(self):
        order = self.add_order(7, lines=[(0, 3), (1, 1)], discount=0.0)
        order["line_items"][0]["current_quantity"] = 2  # the merchant removed one unit
        order["line_items"][1]["current_quantity"] = 0  # and the mug
        self.run_cron()
        lines = self.sale_of(order).order_line
        tee = lines.filtered(lambda sol: sol.product_id.default_code == sim.CATALOG[0][0])
        mug = lines.filtered(lambda sol: sol.product_id.default_code == sim.CATALOG[1][0])
        self.assertEqual(tee.product_uom_qty, 2)
        self.assertEqual(sum(mug.mapped("product_uom_qty")), 0)

    def test_connection_warns_three_months_before_the_version_ends(self):
        result = self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "ok", self.channel.connection_message)
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("client credentials", self.channel.connection_message)
        self.assertEqual(self.channel.shopify_api_version, sim.API_VERSION)
        self.channel.shopify_api_version = "2026-01"
        result = self.channel.with_context(marketplace_today="2026-12-05").action_test_connection()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("2027-01-01", self.channel.connection_message)
        self.assertTrue(self.graphql_calls("shop"))

    def test_new_channel_form_defaults_to_a_dev_dashboard_app_on_graphql(self):
        form = Form(self.env["marketplace.channel"])
        form.name = "New shop"
        form.channel_type = "shopify"
        self.assertEqual((form.shopify_auth_mode, form.shopify_api), ("client_credentials", "graphql"))
        self.assertEqual(form.shopify_api_version, sim.API_VERSION)

    def test_token_and_secret_readable_by_managers_only(self):
        self.run_cron()
        user = new_test_user(self.env, "shopify_mkt_user", groups="base.group_user,"
                             "marketplace_connector.group_marketplace_user")
        channel = self.channel.with_user(user)
        for name in ("api_login", "api_secret", "access_token", "access_token_expires_at"):
            self.assertNotIn(name, channel.fields_get())
            with self.assertRaises(AccessError):
                channel.read([name])
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        secrets = [sim.CLIENT_SECRET, self.channel.sudo().access_token]
        self.assertFalse([log for log in logs for secret in secrets if secret in (log.url or "") + (log.error or "")])

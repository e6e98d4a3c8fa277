"""Octopia REST channel, end to end: cron -> HTTP -> simulator -> pipeline -> sale orders."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import octopia as sim

from odoo.tests import tagged

from .octopia_common import OctopiaSimulatorCase

EXPECTED_STATE = {"InPreparation": "sale", "Accepted": "sale", "Shipped": "sale", "Delivered": "sale",
                  "WaitingAcceptance": "draft", "Processing": "draft", "Cancelled": "cancel", "Refused": "cancel",
                  "Rejected": "cancel"}


@tagged("post_install", "-at_install", "marketplace", "octopia")
class TestOctopiaImport(OctopiaSimulatorCase):
    def test_channel_defaults_and_transport_config(self):
        channel = self.Channel.create({"name": "Octopia prod", "channel_type": "octopia", "api_account": "98979"})
        self.assertEqual(channel.base_url, "https://api.octopia-io.net/seller/v2")
        self.assertEqual((channel.import_interval, channel.offer_interval, channel.lookback_days), (15, 60, 2))
        self.assertEqual(channel.sales_channel_code, "CDISFR")
        channel.octopia_delivery_modes = "STD:4.99, TRK:6.90:1"
        options = channel._prepare_transport_config()["options"]
        self.assertEqual(options["sales_channel"], "CDISFR")
        self.assertEqual(options["delivery_modes"], [{"code": "STD", "cost": 4.99},
                                                     {"code": "TRK", "cost": 6.9, "additionalCost": 1.0}])
        transport = channel._get_transport()
        self.assertEqual(transport.token_url,
                         "https://auth.octopia-io.net/auth/realms/maas/protocol/openid-connect/token")

    def test_test_connection_button(self):
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "ok", self.channel.connection_message)
        self.assertIn(f"Seller {sim.DEFAULT_SELLER_ID} reachable", self.channel.connection_message)
        self.channel.api_account = "12345"
        self.channel.action_test_connection()
        self.assertEqual(self.channel.connection_state, "error")
        self.assertIn("12345", self.channel.connection_message)

    def test_cron_imports_every_status_with_one_token(self):
        statuses = sorted(EXPECTED_STATE)
        orders = self.add_orders(len(statuses), seed=101, statuses=statuses)
        self.run_cron()
        sales = self.channel_orders()
        self.assertEqual(len(sales), len(statuses))
        self.assertFalse(self.channel.failure_ids, self.channel.failure_ids.mapped("reason"))
        for order in orders:
            sale = self.sale_of(order)
            self.assertEqual(sale.marketplace_status, order["status"])
            self.assertEqual(sale.state, EXPECTED_STATE[order["status"]], order["status"])
            self.assertEqual(sale.client_order_ref, order["reference"])
            self.assertAlmostEqual(sale.marketplace_total, order["totalPrice"]["sellingPrice"], places=2)
            product_lines = sale.order_line.filtered("marketplace_line_id")
            self.assertEqual(sorted(product_lines.mapped("marketplace_line_id")),
                             sorted(line["orderLineId"] for line in order["lines"]))
            for line in order["lines"]:
                sale_line = product_lines.filtered(lambda sol, i=line["orderLineId"]: sol.marketplace_line_id == i)
                self.assertEqual(sale_line.product_id, self.products[line["offer"]["sellerProductId"]])
                self.assertEqual(sale_line.marketplace_shippable, line["offer"]["supplyMode"] == "Seller")
            if sale.state != "cancel":
                self.assertAlmostEqual(sale.amount_total, order["totalPrice"]["sellingPrice"], places=2)
        waiting = sales.filtered(lambda s: s.marketplace_status == "WaitingAcceptance")
        self.assertIn("Accept or refuse on the marketplace", self.activity_summaries(waiting[0]))
        self.assertEqual(self.sim.token_requests, 1, "a run requests at most one token")
        newest = max(o["updatedAt"] for o in orders)
        self.assertEqual(self.channel.import_cursor.strftime("%Y-%m-%dT%H:%M:%S"), newest[:19])
        self.assertTrue(self.channel.last_import_success_at)
        operations = set(self.env["marketplace.sync.log"].search(
            [("channel_id", "=", self.channel.id)]).mapped("operation"))
        self.assertTrue({"get token", "list orders"} <= operations)

    def test_b2b_relay_and_reunion_orders(self):
        b2b, relay, reunion = sim.generate_orders(3, seed=102, statuses=["InPreparation"],
                                                  start=datetime.now(UTC) - timedelta(minutes=30))
        b2b["businessOrder"] = True
        b2b["billingAddress"].update(companyName="Torréfaction Martin SARL", companyVatNumber="FR44275322709",
                                     countryCode="FR", postalCode="69003", city="Lyon")
        for line in relay["lines"]:
            line["shippingAddress"].update(pickupId="MR-004512", pickupName="Relais Tabac Presse 4512")
        for address in [reunion["billingAddress"]] + [line["shippingAddress"] for line in reunion["lines"]]:
            address.update(countryCode="FR", postalCode="97410", city="Saint-Pierre")
        self.sim.add_orders([b2b, relay, reunion])
        self.run_cron()
        company = self.sale_of(b2b).partner_id
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Torréfaction Martin SARL")
        self.assertEqual(company.marketplace_vat, "FR44275322709")
        shipping = self.sale_of(relay).partner_shipping_id
        self.assertEqual(shipping.marketplace_pickup_id, "MR-004512")
        self.assertIn("Relais Tabac Presse 4512", shipping.street2 or "")
        self.assertEqual(self.sale_of(reunion).partner_shipping_id.zip, "97410")

    def test_reimport_is_idempotent(self):
        orders = self.add_orders(6, seed=103, statuses=["InPreparation", "Shipped"])
        self.run_cron()
        first = self.channel_orders()
        stamps = {s.id: s.marketplace_updated_at for s in first}
        partners = self.env["res.partner"].search_count([])
        listed = self.api_requests(r"^/seller/v2/orders$")
        self.run_cron()  # the overlap window re-delivers the same orders
        self.assertGreater(self.api_requests(r"^/seller/v2/orders$"), listed)
        self.assertEqual(self.channel_orders(), first)
        self.assertEqual({s.id: s.marketplace_updated_at for s in first}, stamps)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.sim.token_requests, 1, "the token is kept on the channel between runs")
        self.assertEqual(len(orders), len(first))

    def test_status_update_from_marketplace(self):
        order, accepted = self.add_orders(2, seed=104, statuses=["InPreparation", "Accepted"])
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.ship_sync_state, "none")
        self.sim.set_status(order["orderId"], "Shipped")
        self.sim.set_status(accepted["orderId"], "InPreparation")
        self.run_cron()
        self.assertEqual(sale.marketplace_status, "Shipped")
        self.assertEqual(sale.marketplace_order_status, "shipped")
        self.assertEqual(sale.ship_sync_state, "done", "shipped on the marketplace: nothing left to send")
        self.assertEqual(self.sale_of(accepted).marketplace_order_status, "to_ship")
        self.assertEqual(len(self.channel_orders()), 2)

    def test_cancellation_cancels_or_raises_activity_when_shipped(self):
        open_order, shipped_order = self.add_orders(2, seed=105, statuses=["InPreparation"])
        self.run_cron()
        shipped_sale = self.sale_of(shipped_order)
        self.channel.ship_on_validate = False
        self.deliver(shipped_sale, tracking="6A000111")
        self.sim.set_status(open_order["orderId"], "Cancelled")
        self.sim.set_status(shipped_order["orderId"], "Cancelled")
        self.run_cron()
        self.assertEqual(self.sale_of(open_order).state, "cancel")
        self.assertEqual(shipped_sale.state, "sale", "a shipped order is not cancelled")
        self.assertEqual(shipped_sale.marketplace_order_status, "cancelled")
        self.assertIn("Cancelled on the marketplace after shipping", self.activity_summaries(shipped_sale))

    def test_bad_orders_fail_alone_and_retry_succeeds(self):
        orders = self.add_orders(5, seed=106, statuses=["InPreparation"])
        bad_status, bad_product = orders[1], orders[3]
        bad_status["status"] = "Mystery"
        bad_product["lines"][0]["offer"].update(sellerProductId="NEW-SKU-1", productGtin="3760099999996")
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 3, "the good orders are imported")
        failures = self.channel.failure_ids
        self.assertEqual(sorted(failures.mapped("external_id")),
                         sorted([bad_status["orderId"], bad_product["orderId"]]))
        reasons = {f.external_id: f.reason for f in failures}
        self.assertIn("unknown Octopia status 'Mystery'", reasons[bad_status["orderId"]])
        self.assertIn("NEW-SKU-1", reasons[bad_product["orderId"]])
        self.assertTrue(self.channel.import_cursor, "failures do not block the cursor")
        # fix both causes, then Retry (re-reads the order from the API)
        self.sim.set_status(bad_status["orderId"], "InPreparation")
        self._make_product("NEW-SKU-1", "3760099999996", 12.0)
        failures.action_retry()
        self.assertEqual(set(failures.mapped("state")), {"done"})
        self.assertEqual(len(self.channel_orders()), 5)
        self.assertEqual(self.sale_of(bad_product).state, "sale")
        self.assertEqual(failures.filtered(lambda f: f.external_id == bad_status["orderId"]).sale_order_id,
                         self.sale_of(bad_status))

    def test_quota_pauses_the_channel(self):
        self.add_orders(3, seed=107, statuses=["InPreparation"])
        self.sim.quota = 0
        self.run_cron()
        self.assertFalse(self.channel_orders())
        self.assertIn("Out of call volume quota", self.channel.last_error)
        pause = (self.channel.paused_until - self.now()).total_seconds()
        self.assertAlmostEqual(pause, 695, delta=10)
        self.assertNotIn("Marketplace sync failed", self.activity_summaries(self.channel),
                         "a quota is not an authentication failure")
        calls = self.api_requests(r"^/seller/v2/")
        self.run_cron()  # still paused: the cron leaves the channel alone
        self.assertEqual(self.api_requests(r"^/seller/v2/"), calls)
        self.sim.quota = None
        self.channel.action_resume()
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 3)
        self.assertFalse(self.channel.last_error)

    def test_authentication_failure_raises_activity_without_secret(self):
        self.add_orders(2, seed=108)
        self.channel.api_secret = "not-the-right-secret"
        self.run_cron()
        self.assertFalse(self.channel_orders())
        self.assertIn("Invalid client", self.channel.last_error)
        self.assertNotIn("not-the-right-secret", self.channel.last_error)
        self.assertIn("Marketplace sync failed", self.activity_summaries(self.channel))
        self.assertFalse(self.channel.paused_until)

    def test_secrets_never_stored(self):
        orders = self.add_orders(3, seed=109, statuses=["InPreparation"])
        orders[0]["status"] = "Broken"
        self.run_cron()
        self.sim.expire_tokens()
        self.run_cron()  # 401 -> renewal: the new token is stored, never logged
        token = self.channel.sudo().access_token
        self.assertTrue(token)
        self.assertEqual(self.sim.token_requests, 2)
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)])
        self.assertIn(401, logs.mapped("status_code"))
        stored = " ".join(f"{log.url} {log.error or ''}" for log in logs)
        stored += " ".join(self.channel.failure_ids.mapped("payload"))
        stored += " ".join(self.channel_orders().mapped("marketplace_payload"))
        for secret in (sim.DEFAULT_CLIENT_SECRET, token):
            self.assertNotIn(secret, stored)

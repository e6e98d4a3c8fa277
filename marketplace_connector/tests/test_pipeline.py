from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from marketplace_transport import InvalidOrderError, OrderStatus

from .common import BASE_TIME, MarketplaceCase, make_address, make_order


@tagged("post_install", "-at_install", "marketplace")
class TestImportPipeline(MarketplaceCase):
    def test_new_order_becomes_confirmed_sale_order_matching_marketplace_total(self):
        order = make_order("ORD-1", lines=[("SKU-A", 2, 24.0), ("SKU-B", 1, 12.5)], shipping_amount=4.99,
                           total_amount=65.49)
        sale, changed = self.import_order(order)
        self.assertTrue(changed)
        self.assertEqual(sale.state, "sale", "a TO_SHIP order is confirmed by the auto-confirm policy")
        self.assertEqual(sale.marketplace_order_ref, "ORD-1")
        self.assertEqual(sale.partner_invoice_id, sale.partner_id, "a person's own address: no duplicate contact")
        self.assertEqual(sale.partner_shipping_id, sale.partner_id)
        self.assertFalse(sale.partner_id.child_ids)
        product_lines = sale.order_line.filtered("marketplace_line_id")
        self.assertEqual(product_lines.mapped("product_id"), self.product_a | self.product_b)
        self.assertEqual(sorted(product_lines.mapped("price_unit")), [12.5, 24.0])
        self.assertTrue(all(t.price_include for t in product_lines.tax_id), "marketplace prices include VAT")
        self.assertAlmostEqual(sale.amount_total, 65.49, places=2)
        self.assertFalse(sale.marketplace_total_mismatch)
        self.assertTrue(sale.picking_ids, "confirmation creates the delivery")

    def test_reimport_same_order_is_idempotent(self):
        order = make_order("ORD-2")
        sale, _changed = self.import_order(order)
        again, changed = self.import_order(make_order("ORD-2"))
        self.assertEqual(again, sale)
        self.assertFalse(changed, "an unchanged order is skipped")
        count = self.env["sale.order"].search_count([("marketplace_order_ref", "=", "ORD-2")])
        self.assertEqual(count, 1)

    def test_status_update_and_cancellation(self):
        sale, _changed = self.import_order(make_order("ORD-3", status=OrderStatus.WAITING_ACCEPTANCE))
        self.assertEqual(sale.state, "draft", "an order waiting for acceptance stays a quotation")
        self.assertTrue(sale.activity_ids, "the responsible is asked to accept or refuse")
        self.import_order(make_order("ORD-3", status=OrderStatus.TO_SHIP, minutes=5))
        self.assertEqual(sale.state, "sale")
        self.import_order(make_order("ORD-3", status=OrderStatus.CANCELLED, minutes=10))
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(sale.marketplace_order_status, "cancelled")

    def test_cancellation_after_shipping_raises_activity_instead(self):
        sale, _changed = self.import_order(make_order("ORD-4"))
        picking = sale.picking_ids
        picking.move_ids.quantity = 1
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.import_order(make_order("ORD-4", status=OrderStatus.CANCELLED, minutes=10))
        self.assertEqual(sale.state, "sale", "a shipped order is not cancelled")
        self.assertIn("after shipping", " ".join(sale.activity_ids.mapped("summary")))

    def test_shipped_on_marketplace_marks_ship_sync_done(self):
        sale, _changed = self.import_order(make_order("ORD-5", status=OrderStatus.SHIPPED))
        self.assertEqual(sale.ship_sync_state, "done")

    def test_partner_matching_order_binding_then_email_then_address(self):
        first, _c = self.import_order(make_order("ORD-10", customer_external_id="C-1"))
        # same customer id, other e-mail: the binding wins
        by_binding, _c = self.import_order(make_order(
            "ORD-11", customer_external_id="C-1", billing=make_address(email="other@example.com")))
        self.assertEqual(by_binding.partner_id, first.partner_id)
        # unknown customer id, same e-mail (other case)
        by_email, _c = self.import_order(make_order(
            "ORD-12", customer_external_id="C-2", billing=make_address(email="JEANNE.MARTIN@example.com")))
        self.assertEqual(by_email.partner_id, first.partner_id)
        # no customer id, no e-mail: name + zip + street
        by_address, _c = self.import_order(make_order(
            "ORD-13", customer_external_id="", billing=make_address(email=""), shipping=make_address(email="")))
        self.assertEqual(by_address.partner_id, first.partner_id)
        stranger, _c = self.import_order(make_order(
            "ORD-14", customer_external_id="", billing=make_address(name="Paul Durand", email=""),
            shipping=make_address(name="Paul Durand", email="")))
        self.assertNotEqual(stranger.partner_id, first.partner_id)

    def test_partner_found_by_normalized_email(self):
        """A contact typed in Odoo as "Name <address>" is the buyer with that address."""
        known = self.env["res.partner"].create({"name": "Jeanne M.", "email": '"Jeanne" <Jeanne.Martin@Example.com>'})
        sale, _c = self.import_order(make_order("ORD-15", customer_external_id="C-9"))
        self.assertEqual(sale.partner_id, known)
        other, _c = self.import_order(make_order(
            "ORD-16", customer_external_id="C-10",
            billing=make_address(name="Jean Martin", email="jean.martin@example.com"),
            shipping=make_address(name="Jean Martin", email="jean.martin@example.com")))
        self.assertNotEqual(other.partner_id, known)

    def test_partner_lookups_use_indexes(self):
        """The e-mail and postcode lookups of every imported order are indexed columns."""
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner'")
        indexes = " ".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("(email_normalized)", indexes)
        self.assertIn("(zip)", indexes)

    def test_unchanged_addresses_are_reused_changed_ones_added(self):
        first, _c = self.import_order(make_order("ORD-20"))
        second, _c = self.import_order(make_order("ORD-21"))
        self.assertEqual(second.partner_shipping_id, first.partner_shipping_id)
        moved, _c = self.import_order(make_order("ORD-22", shipping=make_address(street="1 avenue Foch")))
        self.assertNotEqual(moved.partner_shipping_id, first.partner_shipping_id)
        self.assertEqual(moved.partner_shipping_id.parent_id, first.partner_id)
        self.assertEqual(first.partner_shipping_id.street, "12 rue de la Paix", "old address kept for old orders")

    def test_other_addresses_become_child_contacts(self):
        sale, _c = self.import_order(make_order("ORD-25", shipping=make_address(name="Luc Martin",
                                                                                street="3 rue Neuve")))
        self.assertEqual(sale.partner_invoice_id, sale.partner_id)
        self.assertEqual(sale.partner_shipping_id.type, "delivery")
        self.assertEqual(sale.partner_shipping_id.parent_id, sale.partner_id)
        self.assertEqual(sale.partner_shipping_id.display_name, f"{sale.partner_id.name}, Luc Martin")
        billing = make_address(company_name="Acme SARL", name="Hans Meier", email="hans.meier@acme.example")
        b2b, _c = self.import_order(make_order("ORD-26", billing=billing, shipping=billing, is_business=True,
                                               customer_external_id="CUST-B2B"))
        self.assertTrue(b2b.partner_id.is_company)
        self.assertEqual(b2b.partner_invoice_id.type, "invoice", "the person who ordered for the company")
        self.assertEqual(b2b.partner_invoice_id.parent_id, b2b.partner_id)
        self.assertEqual(b2b.partner_shipping_id.type, "delivery")

    def test_analytic_distribution_models_apply_to_every_line(self):
        plain, _c = self.import_order(make_order("ORD-27", shipping_amount=4.99))
        self.assertFalse(any(plain.order_line.mapped("analytic_distribution")), "no model: no distribution")
        plan = self.env["account.analytic.plan"].create({"name": "Channels"})
        account = self.env["account.analytic.account"].create({"name": "Marketplace", "plan_id": plan.id})
        self.env["account.analytic.distribution.model"].create({
            "analytic_distribution": {str(account.id): 100}, "company_id": self.env.company.id})
        sale, _c = self.import_order(make_order("ORD-28", shipping_amount=4.99))
        self.assertEqual(len(sale.order_line), 2)
        for line in sale.order_line:
            self.assertEqual(line.analytic_distribution, {str(account.id): 100}, line.name)

    def test_relay_point_becomes_delivery_contact(self):
        order = make_order("ORD-23", shipping=make_address(pickup_id="RELAY-42", pickup_name="Tabac du Centre"))
        sale, _c = self.import_order(order)
        self.assertEqual(sale.partner_shipping_id.marketplace_pickup_id, "RELAY-42")
        self.assertIn("Tabac du Centre", sale.partner_shipping_id.street2)

    def test_b2b_buyer_is_company_with_vat(self):
        billing = make_address(company_name="Acme GmbH", name="Hans Meier", country_code="DE", zip="10115",
                               city="Berlin", vat="DE 123.456.789")
        sale, _c = self.import_order(make_order("ORD-24", billing=billing, is_business=True))
        self.assertTrue(sale.partner_id.is_company)
        self.assertEqual(sale.partner_id.name, "Acme GmbH")
        self.assertEqual(sale.partner_id.marketplace_vat, "DE123456789")

    def test_unknown_sku_is_an_actionable_error(self):
        with self.assertRaisesRegex(InvalidOrderError, "Unknown product: SKU NOPE"):
            self.import_order(make_order("ORD-30", lines=[("NOPE", 1, 5.0)]))

    def test_offer_binding_maps_marketplace_sku(self):
        self.env["marketplace.offer"].create(
            {"channel_id": self.channel.id, "product_id": self.product_b.id, "seller_sku": "MKP-B", "price": 12})
        sale, _c = self.import_order(make_order("ORD-31", lines=[("MKP-B", 1, 12.0)]))
        self.assertEqual(sale.order_line.filtered("marketplace_line_id").product_id, self.product_b)

    def test_line_discount_becomes_discount_line_keeping_total(self):
        order = make_order("ORD-32", lines=[("SKU-A", 2, 30.0)], total_amount=50.0)
        order.lines[0].discount_amount = 10.0
        sale, _c = self.import_order(order)
        discount = sale.order_line.filtered(lambda line: line.product_id == self.channel.discount_product_id)
        self.assertEqual(discount.price_unit, -10.0)
        self.assertAlmostEqual(sale.amount_total, 50.0, places=2)

    def test_total_mismatch_is_flagged(self):
        sale, _c = self.import_order(make_order("ORD-33", lines=[("SKU-A", 1, 24.0)], total_amount=24.5))
        self.assertTrue(sale.marketplace_total_mismatch)

    def test_channel_pricelist_discount_never_changes_marketplace_prices(self):
        """The marketplace's price is final: a percentage rule of the channel's pricelist, shown as a
        discount (Odoo's discount feature), must not be taken off it."""
        self.env.user.groups_id = [(4, self.env.ref("sale.group_discount_per_so_line").id)]
        self.channel.pricelist_id = self.env["product.pricelist"].create({
            "name": "Marketplace -10 %", "currency_id": self.env.company.currency_id.id, "item_ids": [(0, 0, {
                "applied_on": "3_global", "compute_price": "percentage", "percent_price": 10})]})
        sale, _c = self.import_order(make_order("ORD-35", lines=[("SKU-A", 2, 24.0)], total_amount=48.0))
        self.assertEqual(sale.pricelist_id, self.channel.pricelist_id)
        self.assertEqual(sale.order_line.mapped("discount"), [0.0])
        self.assertAlmostEqual(sale.amount_total, 48.0, places=2)
        self.assertFalse(sale.marketplace_total_mismatch)

    def test_order_in_foreign_currency_gets_pricelist_in_that_currency(self):
        self.env.ref("base.CHF").active = True
        sale, _c = self.import_order(make_order("ORD-34", currency="CHF"))
        self.assertEqual(sale.currency_id.name, "CHF")

    def test_cursor_never_moves_past_our_clock(self):
        now = BASE_TIME.replace(tzinfo=None)
        self.channel._advance_cursor(BASE_TIME + timedelta(hours=3), now)
        self.assertEqual(self.channel.import_cursor, now, "a marketplace clock ahead of ours must not skip orders")
        self.channel._advance_cursor(BASE_TIME - timedelta(hours=1), now)
        self.assertEqual(self.channel.import_cursor, now, "the cursor never goes back")

    def test_window_start_uses_overlap_and_daily_lookback(self):
        now = BASE_TIME.replace(tzinfo=None)
        self.channel.write({"import_cursor": now - timedelta(hours=1), "overlap_minutes": 10, "lookback_days": 2,
                            "last_lookback_at": now - timedelta(hours=2)})
        self.assertEqual(self.channel._import_window_start(now), now - timedelta(minutes=70))
        self.channel.last_lookback_at = now - timedelta(days=1, minutes=1)
        self.assertEqual(self.channel._import_window_start(now), now - timedelta(days=2))


@tagged("post_install", "-at_install", "marketplace")
class TestAccess(MarketplaceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.user = Users.create({
            "name": "Marketplace user", "login": "mkp_user", "email": "mkp_user@example.com",
            "groups_id": [(6, 0, [cls.env.ref("marketplace_connector.group_marketplace_user").id])]})
        cls.other_company = cls.env["res.company"].create(
            {"name": "Other Co", "currency_id": cls.env.ref("base.EUR").id})
        cls.other_user = Users.create({
            "name": "Other company user", "login": "mkp_other", "email": "mkp_other@example.com",
            "company_id": cls.other_company.id, "company_ids": [(6, 0, [cls.other_company.id])],
            "groups_id": [(6, 0, [cls.env.ref("marketplace_connector.group_marketplace_manager").id])]})

    def test_user_cannot_read_credentials(self):
        channel = self.channel.with_user(self.user)
        self.assertEqual(channel.name, "Test channel")
        with self.assertRaises(AccessError):
            channel.read(["api_secret"])
        with self.assertRaises(AccessError):
            channel.read(["api_login"])
        self.assertNotIn("api_secret", channel.fields_get())

    def test_credentials_are_not_exportable(self):
        exportable = self.env["marketplace.channel"].fields_get(attributes=["exportable"])
        for name in ("api_login", "api_secret", "webhook_secret", "access_token"):
            self.assertFalse(exportable[name]["exportable"], name)

    def test_other_company_sees_nothing_of_ours(self):
        sale, _c = self.import_order(make_order("ORD-40"))
        self.channel._log_exchange(type("E", (), {"operation": "list", "method": "GET", "url": "http://x/y",
                                                  "status": 200, "duration_ms": 3, "ok": True, "error": ""})())
        env = self.env(user=self.other_user)
        self.assertFalse(env["marketplace.channel"].search([("id", "=", self.channel.id)]))
        self.assertFalse(env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id)]))
        self.assertFalse(env["sale.order"].search([("id", "=", sale.id)]))
        with self.assertRaises(AccessError):
            sale.with_user(self.other_user).action_marketplace_ship()


@tagged("post_install", "-at_install", "marketplace")
class TestOfferPushSupport(MarketplaceCase):
    def test_channel_without_offer_api_is_not_in_error_after_offer_cron(self):
        Channel = self.env["marketplace.channel"]
        for channel_type, _label in Channel._fields["channel_type"]._description_selection(self.env):
            channel = Channel.create(self._channel_vals(channel_type))
            if channel._get_transport_class().supports_offer_push():
                continue
            channel._push_offers()
            self.assertFalse(channel.last_error, f"{channel_type}: no offer API is not an error")
            self.assertTrue(channel.last_offer_push_at)


@tagged("post_install", "-at_install", "marketplace")
class TestChannelRunLock(MarketplaceCase):
    def test_offer_push_skips_while_another_worker_runs_the_channel(self):
        """Imports and offer pushes of one channel never run at once: they would update the channel row
        concurrently (serialization failures under two cron threads)."""
        from odoo.sql_db import db_connect

        from ..tools import LOCK_NAMESPACE

        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, self.channel.id))
            self.assertIs(self.channel._push_offers(), False)
            self.assertFalse(self.channel.last_offer_push_at, "nothing written while another worker runs")
            self.assertIs(self.channel._run_import(), False)
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            other.close()
        self.assertIsNot(self.channel._push_offers(), False)
        self.assertTrue(self.channel.last_offer_push_at)


@tagged("post_install", "-at_install", "marketplace")
class TestDegradationWarnings(MarketplaceCase):
    def test_dropped_email_and_cut_name_are_reported_on_the_order(self):
        long_name = "Marie-" + "x" * 10000
        order = make_order("ORD-50", billing=make_address(name=long_name, email="not an e-mail <script>"),
                           shipping=make_address(name=long_name, email=""))
        self.assertEqual(len(order.warnings), 3, order.warnings)
        sale, _c = self.import_order(order)
        self.assertEqual(len(sale.partner_id.name), 256)
        self.assertFalse(sale.partner_id.email)
        bodies = " ".join(sale.message_ids.mapped("body"))
        self.assertIn("billing e-mail", bodies)
        self.assertIn("cut to 256 characters", bodies)
        self.assertNotIn("<script>", bodies, "the received value is escaped")

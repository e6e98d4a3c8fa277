"""The new orders of a page are created in one batch; a bad order still fails alone.

PostgreSQL triggers make the failures real: a statement-level trigger counts the INSERT statements
on sale_order (one per batch), a row trigger rejects one order.
"""
import copy

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import count_insert_statements, count_statements
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase

REJECT_ORDER = """
CREATE FUNCTION mkp_test_reject() RETURNS trigger AS $$
BEGIN
    IF NEW.marketplace_order_ref = %s AND (TG_OP = 'INSERT' OR NEW.state = 'cancel') THEN
        RAISE EXCEPTION 'rejected by the test trigger' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


@tagged("post_install", "-at_install", "marketplace")
class TestBatchImport(OctopiaSimulatorCase):
    def setUp(self):
        super().setUp()
        self.insert_statements = count_insert_statements(self.env.cr, "sale_order")

    def reject(self, order, when):
        self.env.cr.execute(REJECT_ORDER, (order["orderId"],))
        self.env.cr.execute(f"CREATE TRIGGER mkp_test_reject BEFORE {when} ON sale_order "
                            "FOR EACH ROW EXECUTE FUNCTION mkp_test_reject()")

    def failures(self):
        return self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)])

    def test_new_orders_of_a_page_are_created_in_one_statement(self):
        orders = self.add_orders(6, seed=31, statuses=["InPreparation"])
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 6)
        self.assertEqual(self.insert_statements(), 1, "one INSERT for the whole page")
        self.assertEqual(set(self.channel_orders().mapped("state")), {"sale"})
        self.assertFalse(self.failures())
        self.assertEqual(self.sale_of(orders[2]).marketplace_order_ref, orders[2]["orderId"])

    def test_order_rejected_by_the_database_fails_alone(self):
        orders = self.add_orders(5, seed=32, statuses=["InPreparation"])
        self.reject(orders[2], "INSERT")
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 4, "the other orders are imported")
        self.assertFalse(self.sale_of(orders[2]))
        self.assertEqual(self.failures().mapped("external_id"), [orders[2]["orderId"]])
        self.assertIn("rejected by the test trigger", self.failures().reason)
        self.assertEqual(self.insert_statements(), 4, "the batch failed: one INSERT per good order")
        self.env.cr.execute("DROP TRIGGER mkp_test_reject ON sale_order")
        self.failures().action_retry()
        self.assertEqual(len(self.channel_orders()), 5, "Retry imports it, once")
        self.assertEqual(self.failures().state, "done")

    def test_order_failing_after_creation_is_removed_and_fails_alone(self):
        orders = self.add_orders(4, seed=33, statuses=["InPreparation", "Cancelled"])
        cancelled = next(o for o in orders if o["status"] == "Cancelled")
        self.reject(cancelled, "UPDATE")
        self.run_cron()
        self.assertFalse(self.sale_of(cancelled), "the half-imported order is removed")
        self.assertEqual(len(self.channel_orders()), 3)
        self.assertEqual(self.failures().mapped("external_id"), [cancelled["orderId"]])
        self.assertEqual(self.insert_statements(), 1, "the batch itself succeeded")
        self.env.cr.execute("DROP TRIGGER mkp_test_reject ON sale_order")
        self.failures().action_retry()
        self.assertEqual(self.sale_of(cancelled).state, "cancel")
        self.assertEqual(len(self.channel_orders()), 4)

    def test_same_order_twice_in_a_page_makes_one_sale_order(self):
        orders = self.add_orders(2, seed=34, statuses=["WaitingAcceptance"])
        transport = self.channel._get_transport()
        later = copy.deepcopy(orders[0])
        later.update(status="InPreparation", updatedAt=orders[1]["updatedAt"])
        stats = {}
        self.channel._import_order_page(transport, [orders[0], orders[1], later], stats)
        sale = self.sale_of(orders[0])
        self.assertEqual(len(sale), 1, "the second version updates the order created by the batch")
        self.assertEqual(sale.marketplace_status, "InPreparation")
        self.assertEqual(sale.state, "sale")
        self.assertEqual(stats.get("imported"), 3)
        self.assertEqual(len(self.channel_orders()), 2)

    def test_page_after_a_page_without_confirmation_is_confirmed(self):
        # Odoo reuses an environment whose context compares equal: the per-page lists in the
        # context must not be mistaken for the (empty) lists of the previous page.
        self.channel.write({"page_size": 3, "auto_accept": False})
        orders = self.add_orders(6, seed=35, statuses=["WaitingAcceptance"] * 3 + ["InPreparation"] * 3)
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 6, "both pages imported")
        for order in orders[:3]:
            self.assertEqual(self.sale_of(order).state, "draft", "waiting for acceptance: a quotation")
        for order in orders[3:]:
            self.assertEqual(self.sale_of(order).state, "sale", "the second page's orders are confirmed")
        self.assertEqual(self.insert_statements(), 2, "one INSERT per page")

    def test_new_orders_are_numbered_by_the_sale_order_sequence(self):
        Sequence = self.env["ir.sequence"]
        sequence = Sequence.search([("code", "=", "sale.order"), ("company_id", "in", [self.env.company.id, False])],
                                   order="company_id", limit=1)
        first = sequence.number_next_actual
        orders = self.add_orders(3, seed=36, statuses=["InPreparation"])
        self.run_cron()
        self.assertEqual(sorted(self.sale_of(order).name for order in orders),
                         [sequence.get_next_char(first + step) for step in range(3)])
        self.assertEqual(Sequence.next_by_code("sale.order"), sequence.get_next_char(first + 3),
                         "the sequence moved on as when Odoo numbers each order")

    def test_notes_and_bindings_of_a_batch(self):
        """Each new order gets its VAT note once; a returning customer of the same page gets one
        contact and one binding; an order removed after a failure leaves no note behind."""
        orders = self.add_orders(4, seed=37, statuses=["InPreparation", "Cancelled"])
        repeat = copy.deepcopy(orders[0])
        repeat.update(orderId=orders[0]["orderId"] + "-2", reference=orders[0]["reference"] + "-2")
        self.sim.add_orders([repeat])
        cancelled = next(o for o in orders if o["status"] == "Cancelled")
        self.reject(cancelled, "UPDATE")
        self.run_cron()
        self.assertFalse(self.sale_of(cancelled))
        sales = self.channel_orders()
        self.assertEqual(len(sales), 4)
        for sale in sales:
            notes = sale.message_ids.filtered(lambda m: "VAT regime" in str(m.body))
            self.assertEqual(len(notes), 1, sale.name)
        self.assertEqual(self.sale_of(repeat).partner_id, self.sale_of(orders[0]).partner_id)
        bindings = self.env["marketplace.partner.binding"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(len(bindings.mapped("external_id")), len(set(bindings.mapped("external_id"))))
        self.assertIn(self.sale_of(orders[0]).partner_id, bindings.partner_id)
        self.env.cr.execute("SELECT count(*) FROM mail_message WHERE model = 'sale.order' AND res_id NOT IN "
                            "(SELECT id FROM sale_order)")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "no note of a removed order")

    def test_new_buyers_of_a_page_are_created_together(self):
        """The page's new buyers are created in one INSERT, each found once, and the invoice and
        delivery contacts they lack in another: a returning buyer of the page is the same contact
        with one binding and no duplicate address, as when orders are imported one by one."""
        buyer_inserts = count_statements(self.env.cr, "res_partner", "INSERT", rows="now.parent_id IS NULL")
        contact_inserts = count_statements(self.env.cr, "res_partner", "INSERT", rows="now.parent_id IS NOT NULL")
        orders = self.add_orders(12, seed=38, statuses=["InPreparation"])
        references = [order["customer"]["reference"] for order in orders]
        self.assertLess(len(set(references)), len(references), "the page has returning buyers")
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 12)
        self.assertEqual(buyer_inserts(), 1, "one INSERT for the page's new buyers")
        contacts = self.channel_orders().partner_id.child_ids
        self.assertTrue(contacts, "the page has buyers with invoice or delivery contacts")
        self.assertEqual(contact_inserts(), 1, "one INSERT for the contacts they lack")
        self.assertEqual(len(contacts), len({(c.parent_id, c.type, c.marketplace_address_key) for c in contacts}))
        for sale in self.channel_orders():
            self.assertIn(sale.partner_shipping_id, sale.partner_id | sale.partner_id.child_ids)
            self.assertIn(sale.partner_invoice_id, sale.partner_id | sale.partner_id.child_ids)
        buyer_of = {}
        for order in orders:
            buyer = self.sale_of(order).partner_id
            self.assertEqual(buyer_of.setdefault(order["customer"]["reference"], buyer), buyer)
            self.assertEqual(buyer.email, order["billingAddress"].get("email") or buyer.email)
        self.assertEqual(len(set(buyer_of.values())), len(buyer_of), "one contact per buyer")
        bindings = self.env["marketplace.partner.binding"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual(sorted(bindings.mapped("external_id")), sorted(buyer_of))
        for binding in bindings:
            self.assertEqual(binding.partner_id, buyer_of[binding.external_id])

    def test_buyer_rejected_by_the_database_fails_alone(self):
        orders = self.add_orders(5, seed=39, statuses=["InPreparation"])
        rejected = self.single_consumer_order(orders)
        self.env.cr.execute("""
            CREATE FUNCTION mkp_test_reject_buyer() RETURNS trigger AS $$
            BEGIN
                IF NEW.parent_id IS NULL AND NEW.marketplace_address_key IS NOT NULL AND NEW.name = %s THEN
                    RAISE EXCEPTION 'buyer rejected by the test trigger' USING ERRCODE = '23514';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER mkp_test_reject_buyer BEFORE INSERT ON res_partner
            FOR EACH ROW EXECUTE FUNCTION mkp_test_reject_buyer();
        """, (self.buyer_name(rejected),))
        self.run_cron()
        self.assertFalse(self.sale_of(rejected))
        self.assertEqual(len(self.channel_orders()), 4, "the other buyers and orders are imported")
        self.assertEqual(self.failures().mapped("external_id"), [rejected["orderId"]])
        self.assertIn("buyer rejected by the test trigger", self.failures().reason)

    def test_order_with_an_unknown_product_creates_no_buyer(self):
        orders = self.add_orders(3, seed=40, statuses=["InPreparation"])
        unknown = self.single_consumer_order(orders)
        unknown["lines"][0]["offer"].update(sellerProductId="NO-SUCH-SKU", productGtin="0000000000000")
        self.sim.add_orders([unknown])
        self.run_cron()
        self.assertFalse(self.sale_of(unknown))
        self.assertIn("Unknown product", self.failures().reason)
        self.assertFalse(self.env["res.partner"].search([("name", "=", self.buyer_name(unknown))]),
                         "no buyer left behind by the failed order")
        self.assertEqual(len(self.channel_orders()), 2)

    @staticmethod
    def single_consumer_order(orders):
        """An order of a consumer (no company) who has no other order in ``orders``."""
        return next(order for order in orders if not order["businessOrder"] and sum(
            other["customer"]["reference"] == order["customer"]["reference"] for other in orders) == 1)

    @staticmethod
    def buyer_name(order):
        billing = order["billingAddress"]
        return f"{billing['firstName']} {billing['lastName']}"

"""A batch confirmation writes what Odoo's ``action_confirm`` writes, with less SQL.

Orders confirmed by Odoo alone are the reference: followers, their subtypes, the deliveries'
origin notes and the reordering they trigger must be the same for orders confirmed in a batch.
The same tests run with the system parameter ``marketplace_connector.batch_confirmation`` off
(Odoo's confirmation); the counts of SQL statements the batch saves apply only when it is on.
"""
from odoo.tests import tagged

from ..batch import BATCH_CONFIRMATION_PARAM, ORDER_BATCH_KEY, OrderBatch
from .common import MarketplaceCase, count_insert_statements, count_statements

IMPORT_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                  "mail_notrack": True}


class SalesMixin:
    """Sales like the importer's, and what a confirmation gives them."""

    def make_sales(self, count, product=None):
        Partner, Sale = self.env["res.partner"], self.env["sale.order"].with_context(**IMPORT_CONTEXT)
        return Sale.create([{
            "partner_id": Partner.create({"name": f"Customer {index}", "email": f"c{index}@example.com"}).id,
            "order_line": [(0, 0, {"product_id": (product or self.product_a).id, "product_uom_qty": 1})],
        } for index in range(count)])

    @property
    def customers(self):
        return self.env.ref("stock.stock_location_customers")

    def confirm_in_batch(self, sales):
        self.importer.with_context(**IMPORT_CONTEXT)._action_confirm(sales)

    @staticmethod
    def subscriptions(records):
        return {(follower.partner_id.name, frozenset(follower.subtype_ids.ids))
                for follower in records.message_follower_ids}

    @staticmethod
    def notes(pickings):
        return [(message.author_id, message.subtype_id, message.message_type,
                 str(message.body).replace(picking.sale_id.name, "SO").replace(f'"{picking.sale_id.id}"', '"ID"'))
                for picking in pickings for message in picking.message_ids]


class ConfirmationResults(SalesMixin):
    """The business results of a confirmation by the importer: those of Odoo, either setting."""

    allow_inherited_tests_method = True  # odoo-bin runs the test methods of this mixin in each subclass
    batch_confirmation = "1"  # the system parameter during the class

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(BATCH_CONFIRMATION_PARAM, cls.batch_confirmation)

    def assert_statements(self, count, batched, message):
        """``count`` SQL statements: ``batched`` when the batch is on, more (Odoo's) when it is off."""
        if self.batch_confirmation == "1":
            self.assertEqual(count, batched, message)
        else:
            self.assertGreater(count, batched, "off: Odoo's statements, " + message)

    def test_followers_and_delivery_notes_are_those_of_odoo(self):
        reference, batch = self.make_sales(1), self.make_sales(2)
        reference.action_confirm()
        follower_inserts = count_insert_statements(self.env.cr, "mail_followers")
        self.confirm_in_batch(batch)
        self.assertEqual(set(batch.mapped("state")), {"sale"})
        self.assert_statements(follower_inserts(), 2, "one INSERT for the orders, one for the deliveries")
        reference_subtypes = {subtypes for _name, subtypes in self.subscriptions(reference)}
        for sale in batch:
            self.assertEqual(self.subscriptions(sale), {(sale.partner_id.name, s) for s in reference_subtypes})
            picking = sale.picking_ids
            self.assertEqual(len(picking), 1)
            self.assertEqual({name for name, _s in self.subscriptions(picking)}, {sale.partner_id.name})
            self.assertEqual({s for _n, s in self.subscriptions(picking)},
                             {s for _n, s in self.subscriptions(reference.picking_ids)})
            self.assertEqual(self.notes(picking), self.notes(reference.picking_ids))
            self.assertIn(sale.name, picking.message_ids.body)

    def test_deliveries_are_those_of_odoo_created_together(self):
        reference, batch = self.make_sales(1), self.make_sales(3)
        batch[1].order_line.product_uom_qty = 2
        reference.action_confirm()
        picking_inserts = count_insert_statements(self.env.cr, "stock_picking")
        self.confirm_in_batch(batch)
        self.assert_statements(picking_inserts(), 1, "the deliveries of the batch in one INSERT")

        def delivery(sale):
            picking = sale.picking_ids
            return (len(picking), picking.origin == sale.name, picking.partner_id == sale.partner_shipping_id,
                    picking.group_id == sale.procurement_group_id, picking.company_id, picking.picking_type_id,
                    picking.location_id, picking.location_dest_id, picking.move_type, picking.user_id,
                    picking.name.rstrip("0123456789"), picking.state,
                    tuple((move.state, move.product_id, move.sale_line_id.order_id == sale)
                          for move in picking.move_ids))
        self.assertEqual({delivery(sale) for sale in batch}, {delivery(reference)})
        self.assertEqual(batch[1].picking_ids.move_ids.product_uom_qty, 2)
        self.assertEqual(len(set(batch.picking_ids.mapped("name"))), 3)

    def test_delivery_of_a_group_with_a_picking_is_searched_as_by_odoo(self):
        """A group that has a picking (the second confirmation of a batch) gets no new one."""
        sale = self.make_sales(1)
        self.confirm_in_batch(sale)
        picking = sale.picking_ids
        sale.order_line.product_uom_qty = 3
        self.assertEqual(sale.picking_ids, picking, "the added quantity goes to the same delivery")
        self.assertEqual(picking.move_ids.product_uom_qty, 3)

    def test_procurement_groups_are_those_of_odoo(self):
        service = self.env["product.product"].create({"name": "Gift wrapping", "type": "service"})
        reference = self.make_sales(1)
        reference.action_confirm()
        goods, services = self.make_sales(2), self.make_sales(1, service)
        self.confirm_in_batch(goods | services)

        def group_values(sale):
            group = sale.procurement_group_id
            return (group.name == sale.name, group.sale_id == sale, group.partner_id == sale.partner_shipping_id,
                    group.move_type, sale.picking_ids.group_id == group)
        self.assertEqual({group_values(sale) for sale in goods}, {group_values(reference)})
        self.assertEqual(group_values(reference), (True, True, True, "direct", True))
        self.assertFalse(services.procurement_group_id, "no group for an order without goods")
        self.assertEqual(services.state, "sale")

    def test_existing_follower_is_kept_once(self):
        sale = self.make_sales(1)
        sale.message_subscribe(sale.partner_id.ids)
        before = sale.message_follower_ids.filtered(lambda f: f.partner_id == sale.partner_id)
        self.confirm_in_batch(sale)
        after = sale.message_follower_ids.filtered(lambda f: f.partner_id == sale.partner_id)
        self.assertEqual(after, before)

    def test_reordering_rule_is_triggered_as_by_odoo(self):
        """Products with an automatic reordering rule, resupplied from a second warehouse: the
        batch triggers the replenishment Odoo triggers; a product without a rule triggers none."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        supplier = self.env["stock.warehouse"].create({"name": "Supplier WH", "code": "SUPWH"})
        warehouse.resupply_wh_ids = [(4, supplier.id)]
        route = warehouse.resupply_route_ids.filtered(lambda r: r.supplied_wh_id == warehouse)

        def replenished_product(name):
            product = self.env["product.product"].create({
                "name": name, "is_storable": True, "route_ids": [(6, 0, route.ids)]})
            self.env["stock.warehouse.orderpoint"].create({
                "product_id": product.id, "location_id": warehouse.lot_stock_id.id, "trigger": "auto",
                "product_min_qty": 5, "product_max_qty": 10})
            return product

        def replenishment(product):
            return self.env["stock.move"].search([("product_id", "=", product.id),
                                                  ("location_dest_id", "!=", self.customers.id)])

        by_odoo, by_batch = replenished_product("By Odoo"), replenished_product("By batch")
        self.make_sales(1, by_odoo).action_confirm()
        batch = self.make_sales(1, by_batch) | self.make_sales(1)
        self.confirm_in_batch(batch)
        self.assertTrue(replenishment(by_odoo), "Odoo replenishes")
        self.assertEqual(
            [(m.location_id, m.location_dest_id, m.product_uom_qty) for m in replenishment(by_batch)],
            [(m.location_id, m.location_dest_id, m.product_uom_qty) for m in replenishment(by_odoo)])
        self.assertFalse(replenishment(self.product_a), "no replenishment of a product without rule")

    def test_stock_rules_are_those_odoo_finds(self):
        """The rule lookup memoized for the batch gives each product its own rule: one product
        ships from a shelf by a route of its own, the other by the warehouse's route."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        shelf = self.env["stock.location"].create({"name": "Shelf B", "location_id": warehouse.lot_stock_id.id})
        self.product_b.route_ids = [(6, 0, self.env["stock.route"].create({
            "name": "From shelf B", "product_selectable": True, "rule_ids": [(0, 0, {
                "name": "Shelf B to customers", "action": "pull", "procure_method": "make_to_stock",
                "picking_type_id": warehouse.out_type_id.id, "location_src_id": shelf.id,
                "location_dest_id": self.customers.id})]}).ids)]
        reference = self.make_sales(1) | self.make_sales(1, self.product_b)
        reference.action_confirm()
        batch = self.make_sales(2) | self.make_sales(2, self.product_b)
        self.confirm_in_batch(batch)

        def rules(sales):
            return {(move.product_id, move.rule_id, move.location_id) for move in sales.picking_ids.move_ids}
        self.assertIn((self.product_b, self.product_b.route_ids.rule_ids, shelf), rules(reference))
        self.assertEqual(len(rules(reference)), 2)
        self.assertEqual(rules(batch), rules(reference))

    def test_reservation_never_exceeds_the_stock(self):
        """The quants found once for the batch still reserve what is left after each order."""
        scarce = self._make_product("SKU-SCARCE", "3700000000031", 5.0, qty=3)
        batch = self.make_sales(5, scarce)
        self.confirm_in_batch(batch)
        moves = batch.picking_ids.move_ids
        self.assertEqual(sum(moves.mapped("quantity")), 3)
        self.assertEqual(sorted(batch.picking_ids.mapped("state")), ["assigned"] * 3 + ["confirmed"] * 2)
        quant = self.env["stock.quant"].search([("product_id", "=", scarce.id), ("quantity", ">", 0)])
        self.assertEqual(quant.reserved_quantity, 3)

    def test_reserved_states_are_those_of_odoo_written_together(self):
        """Available, partially available, unavailable and not stocked: the states Odoo gives,
        written once for the batch (Odoo writes them move by move as it reserves)."""
        def stocked(code):
            return self._make_product(code, False, 5.0, qty=3)
        consumable = self.env["product.product"].create({"name": "Flyer", "type": "consu"})

        def sales(products):
            sales = self.make_sales(1, products[0]) | self.make_sales(1, products[1]) \
                | self.make_sales(1, products[2]) | self.make_sales(1, consumable)
            sales[1].order_line.product_uom_qty = 5  # 3 in stock: partially available
            return sales

        def out_of_stock(name):
            return self.env["product.product"].create({"name": name, "is_storable": True})
        by_odoo = sales([stocked("SKU-ODOO-1"), stocked("SKU-ODOO-2"), out_of_stock("Out of stock")])
        by_odoo.action_confirm()
        by_batch = sales([stocked("SKU-BATCH-1"), stocked("SKU-BATCH-2"), out_of_stock("Also out")])
        reservations = count_statements(self.env.cr, "stock_move", "UPDATE", rows=(
            "was.state IS DISTINCT FROM now.state AND now.state IN ('assigned', 'partially_available')"))
        self.confirm_in_batch(by_batch)

        def states(sales):
            return [(sale.picking_ids.move_ids.state, sale.picking_ids.move_ids.quantity, sale.picking_ids.state)
                    for sale in sales]
        self.assertEqual(states(by_batch), states(by_odoo))
        self.assertEqual([state for state, _qty, _picking in states(by_batch)],
                         ["assigned", "partially_available", "confirmed", "assigned"])
        self.assert_statements(reservations(), 1, "the reserved states written in one UPDATE (Odoo: one per move)")



@tagged("post_install", "-at_install", "marketplace")
class TestBatchConfirmation(ConfirmationResults, MarketplaceCase):
    """The system parameter on (the default): what the batch defers and memoizes."""

    def in_batch(self, records, batch):
        return records.with_context(**{ORDER_BATCH_KEY: batch})

    def test_batch_in_the_context_memoizes_and_defers(self):
        sales = self.make_sales(2)
        batch = OrderBatch()
        sales.with_context(**IMPORT_CONTEXT, **{ORDER_BATCH_KEY: batch}).action_confirm()
        self.assertIs(batch.enabled, True)
        self.assertTrue(batch.memo, "stock lookups memoized")
        self.assertFalse(any(sale.partner_id in sale.message_partner_ids for sale in sales), "until the flush")
        batch.flush(self.env)
        sales.invalidate_recordset(["message_partner_ids"])
        self.assertTrue(all(sale.partner_id in sale.message_partner_ids for sale in sales))

    def test_archived_partner_is_not_subscribed(self):
        sale, other = self.make_sales(2)
        follower = self.env["res.partner"].create({"name": "Archived follower"})
        follower.action_archive()
        batch = OrderBatch()
        self.in_batch(sale, batch).message_subscribe([follower.id, other.partner_id.id])
        self.assertNotIn(other.partner_id, sale.message_partner_ids, "deferred until the flush")
        batch.flush(self.env)
        sale.invalidate_recordset(["message_partner_ids"])
        self.assertIn(other.partner_id, sale.message_partner_ids)
        self.assertNotIn(follower, sale.message_partner_ids)

    def test_only_notes_without_recipients_are_deferred(self):
        sale = self.make_sales(1)
        batch = OrderBatch()
        deferring = self.in_batch(sale, batch)
        values = {"self": sale, "origin": sale}
        comment = deferring.message_post_with_source(
            "mail.message_origin_link", render_values=values, subtype_xmlid="mail.mt_comment")
        self.assertEqual(comment.subtype_id, self.env.ref("mail.mt_comment"), "posted at once")
        self.assertFalse(deferring.message_post_with_source(
            "mail.message_origin_link", render_values=values, subtype_xmlid="mail.mt_note"))
        self.assertNotIn(self.env.ref("mail.mt_note"), sale.message_ids.subtype_id)
        batch.flush(self.env)
        sale.invalidate_recordset(["message_ids"])
        note = sale.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_note"))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.env.user.partner_id)

    def test_first_picking_of_a_fresh_group_is_not_searched_the_next_one_is(self):
        """Inside its batch only: a move outside the batch searches the group's pickings as Odoo."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        places = {"location_id": warehouse.lot_stock_id.id, "location_dest_id": self.customers.id,
                  "picking_type_id": warehouse.out_type_id.id}
        group, other = self.env["procurement.group"].create([{"name": "Fresh"}, {"name": "Also fresh"}])
        batch = OrderBatch()
        batch.fresh_group_ids = {group.id, other.id}

        def move(group, batch=batch, **values):
            return self.in_batch(self.env["stock.move"], batch).create(dict(
                places, name="Move", product_id=self.product_a.id, product_uom_qty=1, group_id=group.id, **values))
        first, second = move(group), move(other)
        self.assertFalse(first._search_picking_for_assignation())
        picking = self.env["stock.picking"].create(places)
        move(group, batch=None, picking_id=picking.id)
        self.assertEqual(first.with_env(self.env)._search_picking_for_assignation(), picking, "Odoo's search")
        move(group, picking_id=picking.id)
        self.assertEqual(first._search_picking_for_assignation(), picking, "a move of the group is in it: found")
        self.assertEqual(batch.fresh_group_ids, {other.id})
        second.picking_id = self.env["stock.picking"].create(places)
        self.assertFalse(batch.fresh_group_ids, "a move put in a picking")


@tagged("post_install", "-at_install", "marketplace")
class TestBatchConfirmationOff(ConfirmationResults, MarketplaceCase):
    """The system parameter off: the importer confirms with Odoo's code alone."""

    batch_confirmation = "0"

    def test_batch_in_the_context_is_not_used(self):
        sales = self.make_sales(2)
        batch = OrderBatch()
        sales.with_context(**IMPORT_CONTEXT, **{ORDER_BATCH_KEY: batch}).action_confirm()
        self.assertEqual(set(sales.mapped("state")), {"sale"})
        self.assertIs(batch.enabled, False)
        self.assertEqual((batch.memo, batch.fresh_group_ids, dict(batch.subscriptions), dict(batch.notes)),
                         ({}, set(), {}, {}), "nothing memoized nor deferred")
        self.assertTrue(all(sale.partner_id in sale.message_partner_ids for sale in sales), "subscribed at once")


@tagged("post_install", "-at_install", "marketplace")
class TestOverridesOutsideImports(SalesMixin, MarketplaceCase):
    """Stock and chatter outside an import batch are Odoo's, and the two settings give the same orders."""

    def hand_picking(self, code):
        """A delivery of two products in stock, made by hand."""
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        places = {"location_id": warehouse.lot_stock_id.id, "location_dest_id": self.customers.id}
        products = self._make_product(f"{code}-1", False, 1.0, qty=5) | self._make_product(f"{code}-2", False, 1.0)
        return self.env["stock.picking"].create(dict(places, picking_type_id=warehouse.out_type_id.id, move_ids=[
            (0, 0, dict(places, name=product.name, product_id=product.id, product_uom_qty=2))
            for product in products]))

    def test_picking_made_by_hand_is_confirmed_and_validated_by_odoo(self):
        """Odoo looks for a reordering rule move by move (the batch: once for its products)."""
        def orderpoint_searches(picking):
            with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
                picking.action_confirm()
            return sum('FROM "stock_warehouse_orderpoint"' in line for line in logs.output)
        by_hand, in_batch = self.hand_picking("SKU-HAND"), self.hand_picking("SKU-BATCH")
        self.assertEqual(orderpoint_searches(by_hand), 2, "Odoo's code: one search per move")
        self.assertEqual(orderpoint_searches(in_batch.with_context(**{ORDER_BATCH_KEY: OrderBatch()})), 1)
        self.assertEqual(by_hand.state, "assigned")
        by_hand.button_validate()
        self.assertEqual((by_hand.state, set(by_hand.move_ids.mapped("state"))), ("done", {"done"}))
        self.assertEqual(by_hand.move_ids[0].product_id.qty_available, 3)

    def test_orders_confirmed_outside_an_import_are_odoos(self):
        sales = self.make_sales(2)
        picking_inserts = count_insert_statements(self.env.cr, "stock_picking")
        sales.with_context(**IMPORT_CONTEXT).action_confirm()
        self.env.flush_all()
        self.assertEqual(picking_inserts(), 2, "one delivery created at a time (the batch: together)")
        self.assertEqual(set(sales.picking_ids.mapped("state")), {"assigned"})

    def test_results_are_identical_with_the_parameter_on_and_off(self):
        service = self.env["product.product"].create({"name": "Gift wrapping", "type": "service"})
        watcher = self.env["res.partner"].create({"name": "Watcher"})

        def confirm(setting):
            self.env["ir.config_parameter"].set_param(BATCH_CONFIRMATION_PARAM, setting)
            scarce = self._make_product(f"SKU-SCARCE-{setting}", False, 5.0, qty=3)
            sales = self.make_sales(2, scarce) | self.make_sales(1) | self.make_sales(1, service)
            sales[0].order_line.product_uom_qty = 2  # then 1 of the 1 left: both reserved, the stock empty
            sales[1].order_line.product_uom_qty = 2  # partially available
            sales[0].message_subscribe(watcher.ids)
            self.confirm_in_batch(sales)
            return self.results(sales, scarce)
        self.assertEqual(confirm("1"), confirm("0"))

    @staticmethod
    def results(sales, scarce):
        """What a confirmation writes, with the names and ids of the run left out."""
        def product(move):
            return "scarce" if move.product_id == scarce else move.product_id.display_name

        def messages(record, sale):
            return [(message.author_id, message.subtype_id, message.message_type,
                     str(message.body).replace(sale.name, "SO").replace(f'"{sale.id}"', '"ID"'))
                    for message in record.message_ids]

        def followers(record):
            return sorted((follower.partner_id.name, tuple(follower.subtype_ids.ids))
                          for follower in record.message_follower_ids)

        def picking(picking, sale):
            return (picking.state, picking.name.rstrip("0123456789"), picking.origin == sale.name,
                    picking.partner_id == sale.partner_shipping_id, picking.group_id == sale.procurement_group_id,
                    picking.move_type, messages(picking, sale), followers(picking),
                    [(product(move), move.state, move.product_uom_qty, move.quantity, move.procure_method,
                      move.rule_id, move.location_id, move.location_dest_id, move.picking_type_id)
                     for move in picking.move_ids])
        quants = sales.env["stock.quant"].search([("product_id", "=", scarce.id), ("quantity", ">", 0)])
        return [(sale.state, sale.delivery_status, bool(sale.procurement_group_id),
                 sale.procurement_group_id.name == sale.name or not sale.procurement_group_id,
                 messages(sale, sale), followers(sale), [picking(p, sale) for p in sale.picking_ids])
                for sale in sales] + [sum(quants.mapped("reserved_quantity"))]

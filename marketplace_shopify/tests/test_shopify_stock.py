"""Shopify stock sync end to end: catalogue mapping, GraphQL quantities per location, the race, errors."""
from marketplace_simulator import shopify as sim

from odoo.tests import tagged

from .common import ShopifySimulatorCase

MUG = "SHOP-MUG-001"
TEE = "SHOP-TEE-BLK-M"


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyStock(ShopifySimulatorCase):
    def setUp(self):
        super().setUp()
        for number, (sku, _title, price, _shipping) in enumerate(sim.CATALOG, start=1):
            sim.add_variant(self.app, number, sku, 5, price=price)
        sim.add_variant(self.app, 99, "SHOP-UNKNOWN", 3, barcode="0000000000099")
        self.inv = sim.inventory(self.app)
        self.channel._refresh_catalog()

    def sync(self):
        self.Channel._cron_sync_stock()
        self.channel.invalidate_recordset()

    def offer(self, sku):
        return self.channel.offer_ids.filtered(lambda o: o.seller_sku == sku)

    def test_catalogue_maps_by_sku_lists_unmatched_and_maps_location(self):
        self.assertEqual(len(self.channel.offer_ids), 5)
        self.assertEqual(self.offer(MUG).inventory_ref, "gid://shopify/InventoryItem/2")
        self.assertEqual(self.offer(MUG).shop_quantities, {sim.LOCATION: 5})
        self.assertEqual(self.channel.catalog_item_ids.mapped("sku"), ["SHOP-UNKNOWN"])
        self.assertEqual(self.channel.stock_location_ids.remote_location_id, sim.LOCATION)
        item = self.channel.catalog_item_ids
        item.product_id = self.env["product.product"].create({"name": "Unknown", "is_storable": True})
        item.action_map()
        self.assertTrue(self.offer("SHOP-UNKNOWN"))
        self.assertFalse(self.channel.catalog_item_ids)

    def test_sync_sends_free_quantity_minus_buffer_with_compare(self):
        self.channel.stock_buffer = 3
        self.sync()
        self.assertEqual(self.inv.quantity(MUG), 97)
        self.assertEqual(self.inv.quantity("SHOP-EBOOK-01"), 0, "a consumable has no free quantity")
        self.assertEqual(self.offer(MUG).state, "done")
        self.assertFalse(self.offer(MUG).stock_dirty)
        sent = len(self.inv.updates)
        self.sync()
        self.assertEqual(len(self.inv.updates), sent, "nothing dirty, nothing sent")

    def test_sale_between_computation_and_push_is_not_resurrected(self):
        self.sync()
        mug = self.env["product.product"].search([("default_code", "=", MUG)])
        self.env["stock.quant"]._update_available_quantity(mug, self.warehouse.lot_stock_id, 10)

        def shop_sells():  # the shop sells one mug after we read its quantity, before our write lands
            self.inv.sell(MUG, 1)
            self.add_order(1, minutes_ago=1, lines=[(1, 1)])

        self.inv.before_write.append(shop_sells)
        self.sync()
        self.assertEqual(self.inv.quantity(MUG), 109, "110 in Odoo, 1 sold by the shop: never 110")
        self.assertEqual(self.inv.updates_of(MUG), [100, 109])
        self.assertEqual(mug.with_context(warehouse_id=self.warehouse.id).free_qty, 109)

    def test_refused_item_fails_alone_and_reconciliation_repairs_hand_edit(self):
        self.inv.refuse[TEE] = "Bundles cannot be adjusted"
        self.sync()
        self.assertEqual(self.offer(TEE).state, "error")
        self.assertIn("Bundles", self.offer(TEE).error)
        self.assertEqual(self.inv.quantity(MUG), 100)
        self.assertEqual(self.channel.stock_error_count, 1)
        card = self.env.ref("marketplace_connector.marketplace_channel_view_kanban_dashboard")
        arch = self.Channel.get_views([(card.id, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn('name="stock_error_count"', arch, "the dashboard card shows the offers in error")
        self.assertIn('name="last_stock_sync_at"', arch, "and the last stock sync")
        self.assertEqual(self.channel.action_open_stock_errors()["domain"][1], ("state", "=", "error"))
        log = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id), ("state", "=", "error")])
        self.assertIn(TEE, log[0].operation)
        self.inv.edit(MUG, 7)
        self.offer(MUG).action_send_stock_now()
        self.assertEqual(self.inv.quantity(MUG), 100, "sending one offer by hand reads and corrects it too")
        self.inv.edit(MUG, 7)
        self.channel._sync_stock(full=True)
        self.assertEqual(self.inv.quantity(MUG), 100)
        self.assertIn("1 corrected", self.channel.last_stock_summary)

    def test_stock_change_marks_offers_at_commit_and_wakes_the_cron(self):
        self.sync()
        mug = self.env["product.product"].search([("default_code", "=", MUG)])
        self.env["stock.quant"]._update_available_quantity(mug, self.warehouse.lot_stock_id, -4)
        self.assertFalse(self.offer(MUG).stock_dirty, "marked once, at commit")
        cron = self.env.ref("marketplace_connector.ir_cron_marketplace_sync_stock")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.env.cr.precommit.run()  # what the commit runs
        self.assertTrue(self.offer(MUG).stock_dirty)
        self.assertFalse(self.offer(TEE).stock_dirty)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.sync()
        self.assertEqual(self.inv.quantity(MUG), 96)

    def test_quantities_per_mapped_location(self):
        second = self.env["stock.warehouse"].create({"name": "Lyon", "code": "LYO"})
        mug = self.env["product.product"].search([("default_code", "=", MUG)])
        self.env["stock.quant"]._update_available_quantity(mug, second.lot_stock_id, 8)
        lyon = "gid://shopify/Location/2"
        self.inv.by_sku[MUG].levels[lyon] = 0
        self.env["marketplace.stock.location"].create(
            {"channel_id": self.channel.id, "warehouse_id": second.id, "remote_location_id": lyon})
        self.channel.stock_buffer = 1
        self.sync()
        self.assertEqual(self.inv.by_sku[MUG].levels, {sim.LOCATION: 99, lyon: 7}, "each location, buffer each")
        self.assertEqual(self.offer(MUG).shop_quantity, 106)

    def test_prices_of_the_pricelist_through_bulk_update(self):
        pricelist = self.env["product.pricelist"].create({
            "name": "Shopify", "currency_id": self.env.company.currency_id.id,
            "item_ids": [(0, 0, {"compute_price": "percentage", "percent_price": 10.0})]})
        self.channel.write({"stock_push_price": True, "pricelist_id": pricelist.id})
        self.sync()
        self.assertEqual(self.inv.by_sku[MUG].price, 11.25, "12.50 minus 10 %")
        self.assertEqual(self.offer(MUG).last_pushed_price, 11.25)
        self.assertEqual(len(self.inv.price_updates), 5, "one bulk update per product, each variant once")

    def test_throttled_run_pauses_and_resumes(self):
        self.app.state[sim.NAME]["cost_bucket"] = sim.CostBucket(maximum=15, restore_rate=0.001)
        self.sync()
        self.assertTrue(self.channel.paused_until)
        self.assertTrue(self.offer(MUG).stock_dirty)
        self.app.state[sim.NAME]["cost_bucket"] = sim.CostBucket()  # refilled
        self.channel.paused_until = False
        self.sync()
        self.assertEqual(self.inv.quantity(MUG), 100)
        self.assertFalse(self.channel.offer_ids.filtered("stock_dirty"))

    def test_batch_refused_by_idempotency_answers_fails_alone_and_is_sent_next_run(self):
        """Shopify keeps answering IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: the batch's offers are in error, the run
        goes on (no pause, no run error); the next run sends them, each quantity once."""
        sim.fail_idempotency(self.app, "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", times=4)  # first try + 3 retries
        self.sync()
        self.assertEqual(self.offer(MUG).state, "error")
        self.assertIn("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", self.offer(MUG).error)
        self.assertIn("after 4 attempt(s)", self.offer(MUG).error)
        self.assertTrue(self.offer(MUG).stock_dirty, "kept to send: the shop refused the call, not the item")
        self.assertFalse(self.channel.paused_until or self.channel.last_error, "the batch fails, not the run")
        self.assertEqual(self.inv.updates, [], "nothing written by the failed attempts")
        self.sync()
        self.assertEqual((self.offer(MUG).state, self.inv.updates_of(MUG)), ("done", [100]))
        self.assertFalse(self.channel.offer_ids.filtered("stock_dirty"))

"""One stock, every shop: an Octopia order, an Odoo delivery and an inventory adjustment reach the four shop
simulators (Shopify, WooCommerce, PrestaShop, Wix) through the stock cron, over real HTTP."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import octopia as octopia_sim
from stock_shops import shops

from odoo.tests import common, tagged

from odoo.addons.marketplace_connector.tests.common import no_sleep, serve_simulator


@tagged("post_install", "-at_install", "marketplace")
class TestStockAllShops(common.TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, marketplace_sleep=no_sleep, tracking_disable=True,
                                       marketplace_no_commit=True))
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.octopia_app, cls.octopia, octopia_server = serve_simulator(cls.addClassCleanup, octopia_sim)
        cls.octopia_channel = cls.env["marketplace.channel"].create({
            "name": "Octopia", "channel_type": "octopia", "base_url": octopia_server.url + octopia_sim.API_PREFIX,
            "api_login": octopia_sim.DEFAULT_CLIENT_ID, "api_secret": octopia_sim.DEFAULT_CLIENT_SECRET,
            "api_account": octopia_sim.DEFAULT_SELLER_ID, "auto_accept": True, "auto_confirm": True})
        cls.products = cls.env["product.product"]
        for item in octopia_sim.CATALOG:
            product = cls.env["product.product"].create({
                "name": item["name"], "default_code": item["sku"], "barcode": item["ean"],
                "list_price": item["price"], "is_storable": True, "invoice_policy": "order"})
            cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, 50)
            cls.products |= product
        cls.shops = shops()
        for shop in cls.shops:
            shop.app, _registered, shop.server = serve_simulator(cls.addClassCleanup, shop.module, **shop.options)
            shop.channel = cls.env["marketplace.channel"].create(dict(shop.channel_vals(shop.server.url),
                                                                      name=shop.name))

    def setUp(self):
        super().setUp()
        self.octopia.reset()
        for shop in self.shops:
            shop.reset()
            for number, item in enumerate(octopia_sim.CATALOG, start=1):
                shop.add_variant(shop.app, number, item["sku"], 7)
            shop.channel._refresh_catalog()
        self.sync()

    def sync(self):
        self.env["marketplace.channel"]._cron_sync_stock()

    def free(self, product):
        return int(product.with_context(warehouse_id=self.warehouse.id).free_qty)

    def assert_shops(self, product, quantity):
        for shop in self.shops:
            self.assertEqual(shop.quantity(product.default_code), quantity, shop.name)

    def test_initial_sync_sets_every_shop(self):
        for product in self.products:
            self.assert_shops(product, 50)
        for shop in self.shops:
            self.assertFalse(shop.channel.offer_ids.filtered("stock_dirty"), shop.name)

    def test_octopia_order_lowers_every_shop_within_one_sync(self):
        start = datetime.now(UTC) - timedelta(minutes=30)
        orders = octopia_sim.generate_orders(1, seed=4, start=start, statuses=["InPreparation"])
        for line in orders[0]["lines"]:
            line["offer"]["supplyMode"] = "Seller"  # shipped by us, from our stock
        self.octopia.add_orders(orders)
        self.octopia_channel._run_import()
        sale = self.env["sale.order"].search([("marketplace_channel_id", "=", self.octopia_channel.id)])
        self.assertEqual(sale.state, "sale")
        self.sync()
        for line in sale.order_line.filtered(lambda sol: sol.product_id.is_storable):
            self.assertEqual(self.free(line.product_id), 50 - int(line.product_uom_qty))
            self.assert_shops(line.product_id, 50 - int(line.product_uom_qty))

    def test_validated_delivery_and_inventory_adjustment_propagate(self):
        product, other = self.products[0], self.products[1]
        sale = self.env["sale.order"].create({
            "partner_id": self.env["res.partner"].create({"name": "Shop walk-in"}).id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 4})]})
        sale.action_confirm()
        picking = sale.picking_ids
        picking.move_ids.quantity = 4
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        quant = self.env["stock.quant"].search([("product_id", "=", other.id),
                                                ("location_id", "=", self.warehouse.lot_stock_id.id)])
        quant.inventory_quantity = 31
        quant.action_apply_inventory()
        self.sync()
        self.assert_shops(product, 46)
        self.assert_shops(other, 31)
        self.assert_shops(self.products[2], 50)
        for shop in self.shops:
            self.assertEqual(len(shop.inventory().updates_of(other.default_code)), 2, shop.name)

    def test_prices_reach_every_shop_tax_excluded_where_the_shop_takes_it(self):
        product = self.products[0]
        product.write({"list_price": 24.0, "taxes_id": self.env["account.tax"].create({
            "name": "TVA 20 % TTC (test)", "amount": 20.0, "type_tax_use": "sale",
            "price_include_override": "tax_included"}).ids})
        pricelist = self.env["product.pricelist"].create({"name": "Shops",
                                                          "currency_id": self.env.company.currency_id.id})
        for shop in self.shops:
            shop.channel.write({"stock_push_price": True, "pricelist_id": pricelist.id})
        self.env["marketplace.channel"]._cron_reconcile_stock()  # quantities unchanged: the reconciliation
        for shop in self.shops:
            price = shop.inventory().by_sku[product.default_code].price
            self.assertEqual(price, 20.0 if shop.name == "prestashop" else 24.0, f"{shop.name}: 24.00 with 20 % in it")
            self.assertEqual(len(shop.inventory().price_updates), len(self.products), shop.name)
            self.assertEqual(shop.quantity(product.default_code), 50, f"{shop.name}: quantities kept")
        self.env["marketplace.channel"]._cron_reconcile_stock()
        for shop in self.shops:
            self.assertEqual(len(shop.inventory().price_updates), len(self.products), f"{shop.name}: sent once")

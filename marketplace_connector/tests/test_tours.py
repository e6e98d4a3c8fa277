"""Browser tests: Odoo tours run in a real headless Chromium against the marketplace simulator.

Run with ``scripts/test.sh marketplace_connector/tests/test_tours.py``. Odoo's HttpCase needs an
HTTP server and a Chrome/Chromium on PATH (``scripts/ensure-package.sh`` installs Debian's, see
scripts/test.sh). pytest-odoo starts no usable HTTP server on Odoo 18 (its ``--odoo-http`` fails),
so :func:`ensure_http_server` spawns Odoo's own threaded HTTP server on a free port of 127.0.0.1,
once per test process.
"""
import json

from marketplace_simulator import octopia as octopia_sim

import odoo
from odoo.tests.common import HttpCase, new_test_user, tagged

from .common import make_address, make_order, serve_simulator


def ensure_http_server():
    """Start Odoo's HTTP server in this process when nothing did (pytest); returns its port."""
    server = odoo.service.server.server
    if server is None:
        server = odoo.service.server.server = odoo.service.server.ThreadedServer(odoo.http.root)
    if getattr(server, "httpd", None) is None:
        server.interface, server.port = "127.0.0.1", 0  # a free port: parallel runs never collide
        server.http_spawn()
    return server.httpd.server_port


@tagged("post_install", "-at_install", "marketplace", "marketplace_tour")
class MarketplaceTourCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        ensure_http_server()
        super().setUpClass()
        types = dict(cls.env["marketplace.channel"]._fields["channel_type"]._description_selection(cls.env))
        if "octopia" not in types:
            raise cls.skipTest(cls, "marketplace_octopia is not installed: the tours drive an Octopia channel")
        cls.sim_app, cls.sim, cls.sim_server = serve_simulator(cls.addClassCleanup, octopia_sim)
        cls.simulator_url = cls.sim_server.url + octopia_sim.API_PREFIX

    def setUp(self):
        super().setUp()
        self.sim.reset()

    def run_tour(self, url, tour, login, **params):
        """``start_tour`` with ``params`` handed to the tour through sessionStorage."""
        options = {"stepDelay": 0, "keepWatchBrowser": False, "debug": False, "startUrl": url,
                   "delayToCheckUndeterminisms": 0}
        code = "".join(f"sessionStorage.setItem({json.dumps('marketplace_tour_' + key)}, {json.dumps(str(value))});"
                       for key, value in params.items())
        code += f"odoo.startTour({json.dumps(tour)}, {json.dumps(options)});"
        self.start_tour(url, tour, login=login, code=code, timeout=60)

    def make_channel(self, **values):
        return self.env["marketplace.channel"].create(dict({
            "name": "Octopia simulator", "channel_type": "octopia", "base_url": self.simulator_url,
            "api_login": octopia_sim.DEFAULT_CLIENT_ID, "api_secret": octopia_sim.DEFAULT_CLIENT_SECRET,
            "api_account": octopia_sim.DEFAULT_SELLER_ID}, **values))

    def make_catalog(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        for item in octopia_sim.CATALOG:
            product = self.env["product.product"].create({
                "name": item["name"], "default_code": item["sku"], "barcode": item["ean"],
                "list_price": item["price"], "is_storable": True, "invoice_policy": "order"})
            self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 50)


class TestMarketplaceTours(MarketplaceTourCase):
    def test_admin_sets_up_a_channel(self):
        self.run_tour("/odoo/action-marketplace_connector.action_marketplace_channels/new",
                      "marketplace_channel_setup_tour", "admin", simulator_url=self.simulator_url,
                      seller_id=octopia_sim.DEFAULT_SELLER_ID, client_id=octopia_sim.DEFAULT_CLIENT_ID,
                      client_secret=octopia_sim.DEFAULT_CLIENT_SECRET)
        channel = self.env["marketplace.channel"].search([("name", "=", "Tour Octopia")])
        self.assertEqual(channel.channel_type, "octopia")
        self.assertEqual(channel.base_url, self.simulator_url)
        self.assertEqual(channel.connection_state, "ok")
        self.assertIn("✓", channel.connection_message)
        self.assertGreaterEqual(self.sim.token_requests, 1, "the test went through the simulator's token endpoint")

    def test_user_ships_an_imported_order(self):
        self.make_catalog()
        channel = self.make_channel()
        if "invoice_policy" in channel._fields:  # marketplace_vat: invoices are another tour's business
            channel.invoice_policy = "never"
        orders = octopia_sim.generate_orders(4, seed=7, statuses=["InPreparation"])
        for order in orders:  # every line shipped by the seller, to a home address
            for line in order["lines"]:
                line["supplyMode"] = "Seller"
        self.sim.add_orders(orders)
        stats = channel.with_context(marketplace_sleep=lambda seconds: None)._import_orders(force=True)
        self.assertEqual(stats["imported"], 4, stats)
        sale = channel.order_ids.filtered(lambda s: s.picking_ids)[:1]
        self.assertEqual(sale.state, "sale")
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.write({"marketplace_carrier_name": "Colissimo", "carrier_tracking_ref": "6A12345678901"})
        user = new_test_user(self.env, login="mkt_shipper", groups=",".join([
            "marketplace_connector.group_marketplace_user", "stock.group_stock_user",
            "sales_team.group_sale_salesman_all_leads"]))
        self.assertTrue(user)

        self.assertEqual(channel.kpi_to_ship, 4)
        self.run_tour("/odoo/action-marketplace_connector.action_marketplace_dashboard",
                      "marketplace_ship_tour", "mkt_shipper", order_name=sale.name, to_ship=4)
        self.assertEqual(picking.state, "done")
        self.assertEqual(sale.ship_sync_state, "done")
        shipped = [order_id for order_id, _parcel in self.sim.shipments]
        self.assertEqual(shipped, [sale.marketplace_order_ref], "one shipment reached the simulator")

    def test_accountant_sees_the_reverse_charge_mention(self):
        if "marketplace_legal_mention" not in self.env["account.move"]._fields:
            self.skipTest("marketplace_vat (legal mentions on invoices) is not installed")
        arch = self.env["account.move"].get_views([(False, "form")])["views"]["form"]["arch"]
        if "marketplace_legal_mention" not in arch:
            self.skipTest("marketplace_vat does not show marketplace_legal_mention on the invoice form yet")
        from marketplace_simulator import vies as vies_sim

        _app, _state, vies_server = serve_simulator(self.addCleanup, vies_sim)
        self.env.company.write({"vat": "FR40303265045",
                                "marketplace_vies_wsdl_url": f"{vies_server.url}/checkVatService.wsdl",
                                "marketplace_vies_timeout": 5})
        self.make_catalog()
        channel = self.make_channel(invoice_policy="confirm")
        buyer = make_address(name="Max Mustermann", company_name="Muster GmbH", street="Unter den Linden 1",
                             zip="10117", city="Berlin", country_code="DE", email="einkauf@muster.example",
                             vat="DE136695976")
        sku, price = octopia_sim.CATALOG[0]["sku"], octopia_sim.CATALOG[0]["price"]
        sale, _changed = self.env["marketplace.order.importer"]._import_order(channel, make_order(
            "B2B-DE-1", lines=[(sku, 1, price)], billing=buyer, shipping=buyer, is_business=True,
            customer_external_id="CUST-DE", total_amount=price))
        invoice = sale.invoice_ids[:1]
        if not invoice or invoice.marketplace_vat_regime != "intra_eu_b2b":
            self.skipTest("marketplace_vat did not generate an intra-EU B2B invoice for a valid DE buyer "
                          f"(invoice: {invoice.marketplace_vat_regime if invoice else 'none'})")
        self.assertIn("Autoliquidation", invoice.marketplace_legal_mention)
        user = new_test_user(self.env, login="mkt_accountant", groups=",".join([
            "account.group_account_invoice", "marketplace_connector.group_marketplace_user"]))
        self.assertTrue(user)
        self.run_tour(f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
                      "marketplace_reverse_charge_tour", "mkt_accountant")

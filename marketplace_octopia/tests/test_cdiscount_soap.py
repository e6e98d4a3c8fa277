"""Legacy Cdiscount SOAP channel end to end: cron import, re-import, accept, ship, refund, migration.

Real HTTP and real zeep against the SOAP simulator (and the Octopia REST simulator for the
migration case) served on 127.0.0.1.
"""
from datetime import UTC, datetime

from marketplace_simulator import cdiscount_soap as sim

from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from odoo.addons.marketplace_connector.tests.common import serve_simulator

LOGIN, PASSWORD = "seller-api", "legacy-Pa55word"
#: the products of the recorded orders (tests/fixtures/cdiscount/GetOrderList.response.xml)
RECORDED_PRODUCTS = [("PRES1", "", "Copeaux de chêne 20g", 1.0), ("PRES2", "0013051733322", "Lot de 30 pailles", 1.0)]


class CdiscountSoapCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app, cls.soap, cls.server = serve_simulator(cls.addClassCleanup, sim)
        cls.soap.credentials = {LOGIN: PASSWORD}
        cls.products = {}
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for sku, ean, name, price in sim.PRODUCTS + RECORDED_PRODUCTS:
            product = cls.env["product.product"].create({
                "name": name, "default_code": sku, "barcode": ean or False, "list_price": float(price),
                "is_storable": True, "invoice_policy": "order"})
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
            cls.products[sku] = product
        cls.legacy = cls.env["marketplace.channel"].create({
            "name": "Cdiscount legacy", "channel_type": "cdiscount_soap", "base_url": cls.server.url,
            "api_login": LOGIN, "api_secret": PASSWORD, "sequence": 20})

    def setUp(self):
        super().setUp()
        self.soap.orders.clear()
        self.soap.calls.clear()

    def run_cron(self):
        """The scheduled import, as the ir.cron runs it (every channel due now)."""
        self.env["marketplace.channel"].search([]).write({"last_import_at": False})
        self.env["marketplace.channel"]._cron_import_orders()

    def add_recorded_orders(self):
        """The recorded orders, updated now; the recording's placeholder country made a real one."""
        orders = sim.recorded_orders()
        for order in orders:
            sim.touch(order)
            for key in ("BillingAddress", "ShippingAddress"):
                if order[key]["Country"] == "COUNTRY":
                    order[key]["Country"] = "FR"
        return {order["OrderNumber"]: order for order in self.soap.add_orders(orders)}

    def sale_of(self, order_number):
        return self.env["sale.order"].search([("client_order_ref", "=", order_number)])

    def ship(self, sale, tracking, carrier="Colissimo"):
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.write({"carrier_tracking_ref": tracking, "marketplace_carrier_name": carrier})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()
        self.assertEqual(sale.ship_sync_state, "todo")
        self.env["marketplace.channel"]._cron_send_shipments()

    def refund(self, sale, reason, lines=None):
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": sale.id})
        wizard.reason_id = wizard.reason_id.search([("channel_id", "=", sale.marketplace_channel_id.id),
                                                    ("code", "=", reason)])
        if lines:
            wizard.mode = "partial"
            for wizard_line in wizard.line_ids:
                if wizard_line.sale_line_id.marketplace_line_id in lines:
                    wizard_line.quantity = wizard_line.ordered_qty
        wizard.action_confirm()


@tagged("post_install", "-at_install", "marketplace", "cdiscount_soap")
class TestCdiscountSoap(CdiscountSoapCase):
    def test_import_reimport_accept_ship_refund(self):
        orders = self.soap.add_orders(sim.generate_orders(3, seed=21, states=(
            "WaitingForSellerAcceptation", "WaitingForShipmentAcceptation", "Shipped")))
        self.run_cron()
        sales = self.env["sale.order"].search([("marketplace_channel_id", "=", self.legacy.id)])
        self.assertEqual(len(sales), 3, self.legacy.last_error or self.legacy.failure_ids.mapped("reason"))
        self.assertFalse(self.legacy.last_error)
        calls = self.soap.operations("GetOrderList")
        self.assertTrue(calls)
        for _name, call in calls:
            self.assertTrue(list(call.iter(f"{{{sim.ORD}}}OrderStateEnum")), "GetOrderList always sends States")

        waiting, to_ship, shipped = (self.sale_of(o["OrderNumber"]) for o in orders[:3])
        self.assertEqual(waiting.state, "draft")
        self.assertEqual(waiting.marketplace_order_status, "waiting_acceptance")
        self.assertEqual(to_ship.state, "sale")
        self.assertEqual(to_ship.marketplace_order_ref, orders[1]["OrderNumber"])
        self.assertEqual(to_ship.marketplace_status, "WaitingForShipmentAcceptation")
        self.assertEqual(sorted(to_ship.order_line.filtered("marketplace_line_id").mapped("marketplace_line_id")),
                         sorted(line["SellerProductId"] for line in orders[1]["OrderLineList"]))
        self.assertAlmostEqual(to_ship.amount_total, float(orders[1]["ValidatedTotalAmount"]), places=2)
        self.assertEqual(shipped.ship_sync_state, "done")
        self.assertTrue(self.env["marketplace.sync.log"].search_count([
            ("channel_id", "=", self.legacy.id), ("operation", "=", "GetOrderList"), ("state", "=", "ok")]))
        logs = self.env["marketplace.sync.log"].search([("channel_id", "=", self.legacy.id)])
        self.assertFalse([log for log in logs if PASSWORD in (log.url or "") + (log.error or "")])

        # re-import: same orders, nothing created or changed
        payload = to_ship.marketplace_payload
        calls_before = len(self.soap.operations("GetOrderList"))
        self.run_cron()
        self.assertGreater(len(self.soap.operations("GetOrderList")), calls_before, "the cron ran again")
        self.assertEqual(self.env["sale.order"].search_count([("marketplace_channel_id", "=", self.legacy.id)]), 3)
        self.assertEqual(to_ship.marketplace_payload, payload)

        # accept on the marketplace: ValidateOrderList with every line
        waiting.action_marketplace_accept()
        self.assertEqual(orders[0]["OrderState"], "AcceptedBySeller")
        self.assertEqual(waiting.state, "sale")

        # ship: the validated delivery's carrier and tracking go through ValidateOrderList
        self.ship(to_ship, "6A20261123001")
        self.assertEqual(to_ship.ship_sync_state, "done", to_ship.ship_sync_error)
        self.assertEqual(orders[1]["OrderState"], "Shipped")
        self.assertEqual(self.soap.shipments[orders[1]["OrderNumber"]]["TrackingNumber"], "6A20261123001")
        self.assertEqual(orders[1]["ParcelList"][0]["ExternalCarrierName"], "Colissimo")

        # refund the whole shipped order, then re-import sees it refunded
        self.refund(shipped, "ClientRetraction")
        self.assertEqual(shipped.refund_sync_state, "done", shipped.refund_sync_error)
        self.assertEqual({line["AcceptationState"] for line in orders[2]["OrderLineList"]}, {"RefundedAfterShipping"})
        self.run_cron()
        self.assertEqual(shipped.marketplace_order_status, "refunded")

    def test_refund_by_line_and_missing_tracking(self):
        orders = self.soap.add_orders(sim.generate_orders(
            2, seed=1, states=("Shipped", "WaitingForShipmentAcceptation")))
        self.run_cron()
        shipped = next(o for o in orders if o["OrderState"] == "Shipped" and len(o["OrderLineList"]) > 1)
        sale = self.sale_of(shipped["OrderNumber"])
        first = shipped["OrderLineList"][0]
        self.refund(sale, "ProductStockUnavailable", lines=[first["SellerProductId"]])
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(first["AcceptationState"], "RefundedAfterShipping")
        self.assertEqual({line["AcceptationState"] for line in shipped["OrderLineList"][1:]}, {"ShippedBySeller"})

        to_ship = next(o for o in orders if o["OrderState"] == "WaitingForShipmentAcceptation")
        sale = self.sale_of(to_ship["OrderNumber"])
        calls = len(self.soap.calls)
        self.ship(sale, "")
        self.assertEqual(sale.ship_sync_state, "error")
        self.assertIn("tracking number", sale.ship_sync_error)
        self.assertEqual(len(self.soap.calls), calls, "nothing is sent without a tracking number")
        self.assertEqual(to_ship["OrderState"], "WaitingForShipmentAcceptation")

    def test_expired_token_is_renewed_during_the_cron(self):
        self.soap.add_orders(sim.generate_orders(1, seed=8))
        self.run_cron()
        token = self.legacy.sudo().access_token
        self.assertTrue(token)
        self.soap.expire_tokens()
        # a new order, updated after the first run's cursor
        self.soap.add_orders(sim.generate_orders(1, seed=9, start=datetime.now(UTC).replace(microsecond=0)))
        self.run_cron()
        self.assertFalse(self.legacy.last_error)
        self.assertNotEqual(self.legacy.sudo().access_token, token)
        self.assertEqual(self.env["sale.order"].search_count([("marketplace_channel_id", "=", self.legacy.id)]), 2)


@tagged("post_install", "-at_install", "marketplace", "cdiscount_soap")
class TestCdiscountSoapRecorded(CdiscountSoapCase):
    """Real shapes end to end: recorded orders, buyers masked, lines at quantity 0, refused refunds."""

    def test_recorded_orders_import_through_the_cron(self):
        self.add_recorded_orders()
        self.run_cron()
        self.assertFalse(self.legacy.failure_ids, self.legacy.failure_ids.mapped("reason"))
        cancelled, refused = self.sale_of("1904291413BT4WY"), self.sale_of("1904291407BT5ZB")
        shipped, refused_shipment = self.sale_of("1904241640CLE8Z"), self.sale_of("1904240959CN8HI")
        self.assertEqual((cancelled.state, cancelled.marketplace_order_status), ("cancel", "cancelled"))
        self.assertEqual(cancelled.partner_id.name, "FIRSTNAME LASTNAME")
        self.assertEqual(cancelled.partner_shipping_id.country_id.code, "FR")
        self.assertEqual((refused.state, refused.marketplace_order_status), ("cancel", "refused"))
        self.assertEqual((shipped.state, shipped.ship_sync_state), ("sale", "done"))
        self.assertEqual(refused_shipment.state, "cancel")
        self.assertEqual(refused_shipment.order_line.filtered("marketplace_line_id").mapped("product_uom_qty"), [0])

    def test_imported_order_takes_its_new_status_without_buyer_or_quantity(self):
        waiting, to_ship = self.soap.add_orders(sim.generate_orders(2, seed=51, states=(
            "WaitingForSellerAcceptation", "WaitingForShipmentAcceptation")))
        self.run_cron()
        self.assertEqual(self.sale_of(waiting["OrderNumber"]).state, "draft")
        self.assertEqual(self.sale_of(to_ship["OrderNumber"]).state, "sale")
        self.soap.cancel_before_payment(waiting["OrderNumber"])  # no name, no country any more
        self.soap.refuse_shipment(to_ship["OrderNumber"])  # lines at quantity 0
        self.run_cron()
        self.assertFalse(self.legacy.failure_ids, self.legacy.failure_ids.mapped("reason"))
        for order, status in ((waiting, "CancelledByCustomer"), (to_ship, "ShipmentRefusedBySeller")):
            sale = self.sale_of(order["OrderNumber"])
            self.assertEqual((sale.state, sale.marketplace_status), ("cancel", status))
            self.assertEqual(sale.marketplace_order_status, "cancelled")

    def test_refund_line_refused_by_cdiscount_is_told_on_the_order(self):
        orders = self.soap.add_orders(sim.generate_orders(4, seed=1, states=("Shipped",)))
        self.run_cron()
        order = next(o for o in orders if len(o["OrderLineList"]) > 1)
        sale = self.sale_of(order["OrderNumber"])
        first, second = (line["SellerProductId"] for line in order["OrderLineList"][:2])
        self.refund(sale, "ClientClaim", lines=[first])
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.refund(sale, "ClientClaim", lines=[first, second])
        self.assertEqual(sale.refund_sync_state, "error")
        self.assertIn(f"line {first} refused: Order line {first} is already refunded.", sale.refund_sync_error)
        self.assertIn(f"refunded: {second}", sale.refund_sync_error)
        self.assertTrue([body for body in sale.message_ids.mapped("body") if "already refunded" in body])
        # the service's own refusal, recorded, replayed for the next CreateRefundVoucher
        other = self.sale_of(next(o for o in orders if o is not order)["OrderNumber"])
        self.soap.replay("CreateRefundVoucher", sim.fixture("CreateRefundVoucher.invalid.response.xml"))
        self.refund(other, "ClientRetraction")
        self.assertEqual(other.refund_sync_state, "error")
        self.assertIn("Demande de remboursement invalide", other.refund_sync_error)
        bodies = other.message_ids.mapped("body")
        self.assertTrue([body for body in bodies if "Demande de remboursement invalide" in body])


@tagged("post_install", "-at_install", "marketplace", "cdiscount_soap")
class TestCdiscountMigration(CdiscountSoapCase):
    """Seed 004: both channels active; orders placed before the migration stay on the legacy one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        types = dict(cls.env["marketplace.channel"]._fields["channel_type"]._description_selection(cls.env))
        if "octopia" not in types:
            cls.skipTest(cls, "the Octopia REST channel type is not installed")
        from marketplace_simulator import octopia

        cls.octopia = octopia
        cls.rest_state = octopia.register(cls.app)
        cls.rest = cls.env["marketplace.channel"].create({
            "name": "Cdiscount Octopia", "channel_type": "octopia",
            "base_url": cls.server.url + octopia.API_PREFIX, "api_login": octopia.DEFAULT_CLIENT_ID,
            "api_secret": octopia.DEFAULT_CLIENT_SECRET, "api_account": octopia.DEFAULT_SELLER_ID,
            "legacy_channel_id": cls.legacy.id, "sequence": 10})

    def setUp(self):
        super().setUp()
        self.rest_state.orders.clear()
        self.rest_state._sorted = None

    def test_same_order_on_both_channels_is_one_sale_order_served_by_legacy(self):
        legacy_order, = self.soap.add_orders(sim.generate_orders(1, seed=31, states=("WaitingForShipmentAcceptation",)))
        rest_order = sim.share_with_rest(self.app, legacy_order, seed=31)
        new_rest_only = self.octopia.generate_orders(1, seed=32, statuses=["InPreparation"])[0]
        new_rest_only.update(businessOrder=False)  # a consumer: no VAT number to check
        new_rest_only["billingAddress"].update(companyName="", companyVatNumber="")
        for line in new_rest_only["lines"]:  # sells our products
            sku, ean, _name, _price = sim.PRODUCTS[0]
            line["offer"].update(sellerProductId=sku, productGtin=ean, supplyMode="Seller")
            line["shippingAddress"]["companyName"] = ""
        self.rest_state.add_orders([new_rest_only])

        # the REST channel runs first (sequence 10): the legacy channel then takes its order back
        self.run_cron()
        self.assertFalse(self.rest.last_error)
        self.assertFalse(self.legacy.last_error)
        sales = self.sale_of(legacy_order["OrderNumber"])
        self.assertEqual(len(sales), 1, "one sale order for the order seen by both channels")
        self.assertEqual(sales.marketplace_channel_id, self.legacy)
        self.assertEqual(sales.marketplace_order_ref, legacy_order["OrderNumber"])
        self.assertEqual(sorted(sales.order_line.filtered("marketplace_line_id").mapped("marketplace_line_id")),
                         sorted(line["SellerProductId"] for line in legacy_order["OrderLineList"]))
        self.assertEqual(self.sale_of(new_rest_only["reference"]).marketplace_channel_id, self.rest,
                         "orders placed after the migration belong to the REST channel")

        # both channels again: still one sale order, still on the legacy channel
        self.run_cron()
        self.assertEqual(len(self.sale_of(legacy_order["OrderNumber"])), 1)
        self.assertEqual(sales.marketplace_channel_id, self.legacy)

        # served by the legacy channel: the shipment goes through SOAP, not REST
        self.ship(sales, "6A20261123099")
        self.assertEqual(sales.ship_sync_state, "done", sales.ship_sync_error)
        self.assertEqual(legacy_order["OrderState"], "Shipped")
        self.assertFalse([s for s in self.rest_state.shipments if s[0] == rest_order["orderId"]])
        self.refund(sales, "ClientClaim")
        self.assertEqual(sales.refund_sync_state, "done", sales.refund_sync_error)
        self.assertFalse(self.rest_state.cancellation_requests)

    def test_legacy_first_then_rest_skips_it(self):
        legacy_order, = self.soap.add_orders(sim.generate_orders(1, seed=41, states=("WaitingForShipmentAcceptation",)))
        sim.share_with_rest(self.app, legacy_order, seed=41)
        self.legacy._run_import(force=True)
        sale = self.sale_of(legacy_order["OrderNumber"])
        self.assertEqual(sale.marketplace_channel_id, self.legacy)
        payload = sale.marketplace_payload
        stats = self.rest._run_import(force=True)
        self.assertEqual(stats["skipped"], 1, stats)
        self.assertEqual(len(self.sale_of(legacy_order["OrderNumber"])), 1)
        self.assertEqual(sale.marketplace_payload, payload, "the REST channel leaves the legacy order alone")
        # once the legacy channel is archived (SOAP retired), the REST channel keeps it up to date
        self.legacy.active = False
        self.rest_state.set_status(next(iter(self.rest_state.orders)), "Shipped")
        self.rest.write({"import_cursor": False})
        self.rest._run_import(force=True)
        self.assertEqual(sale.marketplace_order_status, "shipped")
        self.assertEqual(sale.marketplace_channel_id, self.legacy)

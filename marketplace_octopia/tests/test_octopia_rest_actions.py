"""Octopia REST channel, end to end: ship, refund, accept/refuse, carriers and offers."""
from marketplace_simulator import octopia as sim

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "octopia")
class TestOctopiaActions(OctopiaSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        service = cls.env["product.product"].create({"name": "Colissimo delivery", "type": "service"})
        cls.colissimo = cls.env["delivery.carrier"].create({"name": "Colissimo Expert", "product_id": service.id})
        cls.pigeon = cls.env["delivery.carrier"].create({"name": "Pigeon voyageur", "product_id": service.id})

    def _import_one(self, status="InPreparation", seed=201, fulfillment_line=False):
        (order,) = self.add_orders(1, seed=seed, statuses=[status])
        if fulfillment_line:
            extra = dict(order["lines"][0], orderLineId="FUL-1",
                         offer=dict(order["lines"][0]["offer"], supplyMode="Fulfillment"))
            order["lines"].append(extra)
            order["totalPrice"]["sellingPrice"] = round(
                order["totalPrice"]["sellingPrice"] + extra["totalPrice"]["sellingPrice"], 2)
        self.run_cron()
        sale = self.sale_of(order)
        self.assertTrue(sale, self.channel.failure_ids.mapped("reason"))
        return order, sale

    def _map_colissimo(self):
        self.channel.action_octopia_load_carriers()
        label = self.channel.octopia_carrier_ids.filtered(lambda c: c.label == "Colissimo")
        label.delivery_carrier_ids = self.colissimo
        return label

    def _send_shipments(self):
        self.Channel._cron_send_shipments()

    # -- carriers ----------------------------------------------------------------------------
    def test_load_carriers_keeps_mapping(self):
        label = self._map_colissimo()
        carriers = self.channel.octopia_carrier_ids
        self.assertEqual(len(carriers), len(sim.CARRIERS))
        self.assertEqual(sorted(carriers.filtered(lambda c: c.code == "pcc").mapped("label")),
                         ["Chronofresh", "Chronopost", "Colissimo", "La Poste"], "codes are not unique")
        self.sim.carriers = [c for c in self.sim.carriers if c["label"] != "Geodis"]
        self.channel.action_octopia_load_carriers()
        self.assertEqual(len(self.channel.octopia_carrier_ids), len(sim.CARRIERS) - 1, "unknown labels archived")
        self.assertEqual(label.delivery_carrier_ids, self.colissimo)
        other = self.channel.octopia_carrier_ids.filtered(lambda c: c.label == "Chronopost")
        with self.assertRaises(ValidationError):
            other.delivery_carrier_ids = self.colissimo

    # -- ship --------------------------------------------------------------------------------
    def test_ship_success_sends_one_parcel(self):
        self._map_colissimo()
        order, sale = self._import_one(fulfillment_line=True)
        self.deliver(sale, carrier=self.colissimo, tracking="6A 1234 5678 9")
        self.assertEqual(sale.ship_sync_state, "todo", "validation queues the shipment")
        self._send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        ((order_id, parcel),) = self.sim.shipments
        self.assertEqual(order_id, order["orderId"])
        self.assertEqual(parcel["carrierName"], "Colissimo")
        self.assertEqual(parcel["parcelNumber"], "6A123456789")
        seller_lines = [line["orderLineId"] for line in order["lines"] if line["offer"]["supplyMode"] == "Seller"]
        self.assertEqual(sorted(parcel["orderLineIds"]), sorted(seller_lines))
        self.assertNotIn("FUL-1", parcel["orderLineIds"])
        self.run_cron()
        self.assertEqual(sale.marketplace_status, "Shipped")

    def test_ship_without_tracking_fails_without_call(self):
        self._map_colissimo()
        _order, sale = self._import_one(seed=202)
        self.deliver(sale, carrier=self.colissimo)
        self._send_shipments()
        self.assertEqual(sale.ship_sync_state, "error")
        self.assertIn("tracking number missing", sale.ship_sync_error)
        self.assertEqual(self.api_requests(r"/shipments$", "POST"), 0)
        self.assertIn("Shipment failed on the marketplace", self.activity_summaries(sale))

    def test_ship_marketplace_errors_are_shown(self):
        self._map_colissimo()
        _order, sale = self._import_one(seed=203)
        self.deliver(sale, carrier=self.colissimo, tracking="6A&123")
        self._send_shipments()
        self.assertEqual(sale.ship_sync_state, "error")
        self.assertIn("parcelNumber", sale.ship_sync_error)
        self.assertIn("without spaces, &", sale.ship_sync_error)
        self.assertEqual(self.api_requests(r"/shipments$", "POST"), 1)
        _order, unmapped = self._import_one(seed=204)
        self.deliver(unmapped, carrier=self.pigeon, tracking="6A124")
        self._send_shipments()
        self.assertEqual(unmapped.ship_sync_state, "error")
        self.assertIn("not in the Octopia carrier list", unmapped.ship_sync_error)
        # fixed by hand: the carrier label typed on the delivery, then the server action again
        unmapped.picking_ids.write({"carrier_id": False, "marketplace_carrier_name": "La Poste"})
        unmapped.action_marketplace_ship()
        self.assertEqual(unmapped.ship_sync_state, "done", unmapped.ship_sync_error)
        self.assertEqual(self.sim.shipments[-1][1]["carrierName"], "La Poste")

    def test_ship_retry_after_timeout_sends_once(self):
        self._map_colissimo()
        _order, sale = self._import_one(seed=205)
        self.deliver(sale, carrier=self.colissimo, tracking="6A777")
        self.app.add_fault(r"POST /seller/v2/orders/.*/shipments", kind="reset")
        self._send_shipments()
        self.assertEqual(sale.ship_sync_state, "done", sale.ship_sync_error)
        self.assertEqual(len(self.sim.shipments), 1)
        self.assertEqual(self.api_requests(r"/shipments$", "POST"), 2)

    # -- refund ------------------------------------------------------------------------------
    def _refund_wizard(self, sale, reason_code="ProductStockUnavailable", **values):
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": sale.id})
        reason = self.env["marketplace.refund.reason"].search(
            [("channel_id", "=", self.channel.id), ("code", "=", reason_code)])
        wizard.write(dict({"reason_id": reason.id}, **values))
        return wizard

    def test_refund_full_order(self):
        order, sale = self._import_one(seed=206)
        wizard = self._refund_wizard(sale, refund_shipping=True)
        self.assertTrue(wizard.partial_allowed, "whole lines: test_octopia_rest_refunds")
        self.assertIn("whole order", wizard.limits)
        self.assertEqual(len(self.env["marketplace.refund.reason"].search([("channel_id", "=", self.channel.id)])),
                         len(sim.CANCELLATION_REASONS))
        wizard.action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        (request,) = self.sim.cancellation_requests
        self.assertEqual((request["orderId"], request["reason"], request["shippingCostRefund"]),
                         (order["orderId"], "ProductStockUnavailable", True))
        self.run_cron()
        self.assertEqual(sale.state, "cancel", "Octopia cancelled the order: so does Odoo")

    def test_refund_before_acceptance_refuses(self):
        order, sale = self._import_one(status="WaitingAcceptance", seed=207)
        self._refund_wizard(sale, reason_code="VendorRejection").action_confirm()
        self.assertEqual(sale.refund_sync_state, "done", sale.refund_sync_error)
        self.assertEqual(self.sim.approvals, [(order["orderId"], "Refused")])
        self.assertFalse(self.sim.cancellation_requests)

    def test_refund_errors(self):
        _order, sale = self._import_one(seed=208)
        wizard = self._refund_wizard(sale, mode="partial")
        with self.assertRaisesRegex(UserError, "at least one line"):
            wizard.action_confirm()
        self.app.add_fault(r"POST /seller/v2/order-cancellation-requests", status=400, body={
            "title": "Validation Failed", "status": 400, "detail": "The order cannot be cancelled.",
            "errors": {"orderId": ["A claim is open on this order."]}})
        self._refund_wizard(sale).action_confirm()
        self.assertEqual(sale.refund_sync_state, "error")
        self.assertIn("A claim is open on this order.", sale.refund_sync_error)
        self.assertIn("Refund failed on the marketplace", self.activity_summaries(sale))
        self.assertFalse(self.sim.cancellation_requests)

    # -- accept / refuse -----------------------------------------------------------------------
    def test_auto_accept_when_stock_allows(self):
        self.channel.auto_accept = True
        empty = self._make_product("NOSTOCK-1", "3760012399990", 5.0, qty=0)
        in_stock, no_stock = self.add_orders(2, seed=209, statuses=["WaitingAcceptance"])
        no_stock["lines"] = no_stock["lines"][:1]
        no_stock["lines"][0]["offer"].update(sellerProductId=empty.default_code, productGtin=empty.barcode)
        self.run_cron()
        self.assertEqual(self.sim.approvals, [(in_stock["orderId"], "Accepted")])
        accepted = self.sale_of(in_stock)
        self.assertEqual(accepted.state, "sale")
        self.assertEqual(accepted.marketplace_order_status, "accepted")
        waiting = self.sale_of(no_stock)
        self.assertEqual(waiting.state, "draft")
        self.assertIn("Accept or refuse on the marketplace", self.activity_summaries(waiting))

    def test_accept_and_refuse_server_actions(self):
        first, second = self.add_orders(2, seed=210, statuses=["WaitingAcceptance"])
        self.run_cron()
        accept = self.env.ref("marketplace_octopia.action_server_octopia_accept")
        refuse = self.env.ref("marketplace_octopia.action_server_octopia_refuse")
        accept.with_context(active_model="sale.order", active_ids=self.sale_of(first).ids).run()
        self.assertEqual(self.sim.orders[first["orderId"]]["status"], "Accepted")
        self.assertEqual(self.sale_of(first).state, "sale")
        with self.assertRaisesRegex(UserError, "waiting for acceptance"):
            refuse.with_context(active_model="sale.order", active_ids=self.sale_of(first).ids).run()
        refuse.with_context(active_model="sale.order", active_ids=self.sale_of(second).ids).run()
        self.assertEqual(self.sim.orders[second["orderId"]]["status"], "Refused")
        self.assertEqual(self.sale_of(second).state, "cancel")
        self.sale_of(first).marketplace_order_status = "waiting_acceptance"  # stale in Odoo: Octopia says no
        with self.assertRaisesRegex(UserError, "only WaitingAcceptance orders"):
            accept.with_context(active_model="sale.order", active_ids=self.sale_of(first).ids).run()

    # -- offers ------------------------------------------------------------------------------
    def test_push_offers_through_offer_model(self):
        self.channel.octopia_xml_offers = False  # JSON flow only; test_octopia_xml_offers covers the XML packages
        Offer = self.env["marketplace.offer"]
        good = Offer.create({"channel_id": self.channel.id, "product_id": self.products["MUG-CERAM-BLEU"].id,
                             "seller_sku": "MUG-CERAM-BLEU", "ean": sim.CATALOG[2]["ean"], "price": 9.99,
                             "octopia_striked_price": 12.99, "octopia_price_must_be_aligned": "Align"})
        express = Offer.create({"channel_id": self.channel.id, "product_id": self.products["THERMOS-500"].id,
                                "seller_sku": "THERMOS-500", "ean": sim.CATALOG[8]["ean"], "price": 22.0,
                                "octopia_delivery_mode": "TRK", "octopia_shipping_charges": 6.9})
        bad = Offer.create({"channel_id": self.channel.id, "product_id": self.products["SUCRE-CANNE-1KG"].id,
                            "seller_sku": "SUCRE-CANNE-1KG", "ean": "3760012345109", "price": 3.95})
        self.channel.last_offer_push_at = False
        self.Channel._cron_push_offers()
        self.assertEqual((good.state, express.state), ("done", "done"), (good.error, express.error))
        self.assertEqual(good.last_pushed_quantity, 100)
        self.assertEqual(bad.state, "error")
        self.assertIn("InvalidGtin", bad.error)
        (package,) = self.sim.packages.values()
        requests = {r["sellerExternalReference"]: r for r in package["requests"]}
        self.assertEqual(requests["MUG-CERAM-BLEU"]["deliveryModes"], [{"code": "STD"}])
        self.assertEqual(requests["THERMOS-500"]["deliveryModes"], [{"code": "TRK", "cost": 6.9}])
        self.assertEqual(requests["MUG-CERAM-BLEU"]["condition"], "New")
        self.assertEqual(requests["MUG-CERAM-BLEU"]["preparationTime"], 2)
        self.assertEqual(good._prepare_offer_update().extra["striked_price"], 12.99, "kept for the XML package")
        self.assertEqual(self.sim.offers["MUG-CERAM-BLEU"]["quantity"], 100)

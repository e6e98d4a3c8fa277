"""Ship and refund pushes that time out after Octopia applied them: retrying is safe.

End to end: the order is imported from the simulator, its delivery validated, and the "Ship on
marketplace" server action / the refund wizard send it. The simulator applies the call, then
answers after the client's timeout; the transport re-reads the order before resending, so the
simulator records the shipment (the cancellation request) exactly once, even when the user
clicks again.
"""
import time

import requests
from reliability_common import OctopiaSimulatorCase, local_only_send, record_figures

from odoo.tests import tagged

SHIPMENTS = r"POST /seller/v2/orders/[^/]+/shipments$"
CANCELLATIONS = r"POST /seller/v2/order-cancellation-requests$"


def short_real_sleep(seconds):
    """Back-off that really waits a little: the simulator finishes applying the timed-out call."""
    time.sleep(min(seconds, 0.6))


@tagged("post_install", "-at_install", "marketplace", "reliability")
class TestPushRetries(OctopiaSimulatorCase):
    @classmethod
    def _channel_vals(cls, **values):
        return super()._channel_vals(auto_confirm=True, timeout=1, **values)

    def setUp(self):
        super().setUp()
        self.patch(requests.Session, "send", local_only_send())
        ids = self.add_orders(1, seed=3, statuses=["InPreparation"])
        for line in self.state.orders[ids[0]]["lines"]:
            line["offer"]["supplyMode"] = "Seller"
            line["status"] = "InPreparation"
        self.order_id = ids[0]
        self.channel.with_context(marketplace_sleep=short_real_sleep)._run_import()
        self.sale = self.env["sale.order"].search([("marketplace_order_ref", "=", self.order_id)])
        self.assertEqual(self.sale.state, "sale")

    def _validate_delivery(self):
        picking = self.sale.picking_ids
        picking.write({"marketplace_carrier_name": "Colissimo", "carrier_tracking_ref": "6A01234567890"})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.sale.ship_sync_state, "todo")

    def _ship_action(self):
        action = self.env.ref("marketplace_connector.action_server_marketplace_ship")
        action.with_context(active_model="sale.order", active_ids=self.sale.ids, active_id=self.sale.id,
                            marketplace_sleep=short_real_sleep).run()

    def test_ship_timeout_after_applied_is_recorded_once(self):
        self._validate_delivery()
        self.app.add_fault(SHIPMENTS, kind="timeout", delay=1.3, count=1)  # applied, answered after 1.3 s
        self._ship_action()
        self.assertEqual(self.sale.ship_sync_state, "done", self.sale.ship_sync_error)
        self._ship_action()  # the user clicks again
        posts = self.app.count_requests(r"/shipments$", method="POST")
        self.assertEqual(posts, 1, "never sent twice: the order is re-read after the timeout")
        self.assertEqual(len(self.state.shipments), 1, "the shipment is recorded once")
        self.assertEqual(self.state.orders[self.order_id]["status"], "Shipped")
        record_figures("ship push timed out after being applied", orders=1, imported=1, duplicates=len(
            self.state.shipments) - 1, missing=0, runs=2, note=f"{posts} POST /shipments, 2 clicks")

    def test_ship_lost_before_applied_is_resent_once(self):
        self._validate_delivery()
        self.app.add_fault(SHIPMENTS, kind="status", status=503, count=1)  # refused before applying
        self._ship_action()
        self.assertEqual(self.sale.ship_sync_state, "done", self.sale.ship_sync_error)
        self.assertEqual(self.app.count_requests(r"/shipments$", method="POST"), 2, "resent after the 503")
        self.assertEqual(len(self.state.shipments), 1)

    def test_refund_timeout_after_applied_is_requested_once(self):
        wizard = self.env["marketplace.refund.wizard"].with_context(marketplace_sleep=short_real_sleep).create(
            {"order_id": self.sale.id})
        reason = self.env["marketplace.refund.reason"].search(
            [("channel_id", "=", self.channel.id), ("code", "=", "ClientCancellation")])
        self.assertTrue(reason, "reasons loaded from GET /cancellation-reasons")
        wizard.write({"reason_id": reason.id, "refund_shipping": True})
        self.app.add_fault(CANCELLATIONS, kind="timeout", delay=1.3, count=1)
        wizard.action_confirm()
        self.assertEqual(self.sale.refund_sync_state, "done", self.sale.refund_sync_error)
        again = self.env["marketplace.refund.wizard"].with_context(marketplace_sleep=short_real_sleep).create(
            {"order_id": self.sale.id})
        again.write({"reason_id": reason.id})
        again.action_confirm()  # a second click: Octopia already has the request
        self.assertEqual(self.app.count_requests(r"/order-cancellation-requests$", method="POST"), 1)
        self.assertEqual(len(self.state.cancellation_requests), 1, "one cancellation request")
        record_figures("refund push timed out after being applied", orders=1, imported=1,
                       duplicates=len(self.state.cancellation_requests) - 1, missing=0, runs=2)

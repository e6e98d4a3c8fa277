"""Legacy Cdiscount SOAP behaviours of issue 16 end to end (cron, real zeep, SOAP simulator): the
buyer's cancellation request on a line, the service's recorded refusal of a shipment validation,
and Paris-time dates."""
from datetime import datetime

from marketplace_simulator import cdiscount_soap as sim

from odoo.tests import tagged

from .test_cdiscount_soap import CdiscountSoapCase


@tagged("post_install", "-at_install", "marketplace", "cdiscount_soap")
class TestCdiscountSoapLifecycle(CdiscountSoapCase):
    def test_cancellation_request_pending_flags_the_line_with_an_activity(self):
        (order,) = self.soap.add_orders(sim.generate_orders(1, seed=61, states=("WaitingForShipmentAcceptation",)))
        self.run_cron()
        sale = self.sale_of(order["OrderNumber"])
        self.assertFalse(sale.order_line.filtered("octopia_cancel_requested"))
        asked = order["OrderLineList"][0]
        asked["AcceptationState"] = "CancellationRequestPending"
        sim.touch(order)
        self.run_cron()
        flagged = sale.order_line.filtered("octopia_cancel_requested")
        self.assertEqual(flagged.mapped("marketplace_line_id"), [asked["SellerProductId"]])
        self.assertTrue(sale.octopia_cancel_requested)
        self.assertEqual(sale.activity_ids.mapped("summary").count("Buyer cancellation request"), 1)
        self.run_cron()  # seen again: no second activity
        self.assertEqual(sale.activity_ids.mapped("summary").count("Buyer cancellation request"), 1)

    def test_recorded_validation_refusal_is_told_on_the_order(self):
        (order,) = self.soap.add_orders(sim.generate_orders(1, seed=62, states=("WaitingForShipmentAcceptation",)))
        self.run_cron()
        sale = self.sale_of(order["OrderNumber"])
        self.soap.replay("ValidateOrderList", sim.fixture("ValidateOrderList.refused.response.xml"))
        self.ship(sale, "6A20261205001")
        self.assertEqual(sale.ship_sync_state, "error")
        self.assertIn("OrderStateIncoherent", sale.ship_sync_error)
        self.assertIn("est impossible à ce stade de la commande", sale.ship_sync_error)

    def test_service_dates_are_read_as_paris_time(self):
        self.add_recorded_orders()
        self.run_cron()
        # CreationDate 2019-04-29T14:13:07.12, Paris summer time (a cancelled order keeps its date_order;
        # confirming an order sets it to now, as Odoo does)
        cancelled = self.sale_of("1904291413BT4WY")
        self.assertEqual(cancelled.state, "cancel")
        self.assertEqual(cancelled.date_order, datetime(2019, 4, 29, 12, 13, 7))

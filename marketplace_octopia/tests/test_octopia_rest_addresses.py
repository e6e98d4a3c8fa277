"""Octopia orders shown without any address before InPreparation, end to end (cron -> HTTP ->
simulator -> pipeline): imported with a placeholder buyer, accepted or refused from Odoo, then
completed by the poll that brings the addresses."""
from odoo.tests import tagged

from .octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "octopia")
class TestOctopiaPendingAddresses(OctopiaSimulatorCase):
    def setUp(self):
        super().setUp()
        self.sim.mask_billing = True  # the legacy rule: no address at all until acceptance

    def test_accept_then_addresses_complete_order_and_delivery(self):
        order, refused = self.add_orders(2, seed=301, statuses=["WaitingAcceptance"])
        self.run_cron()
        self.assertFalse(self.channel.failure_ids, self.channel.failure_ids.mapped("reason"))
        sale, refused_sale = self.sale_of(order), self.sale_of(refused)
        self.assertTrue(sale.octopia_address_pending)
        self.assertEqual(sale.partner_id.name, f"Octopia customer {order['customer']['reference']}")
        self.assertEqual(sale.partner_id.country_id.code, "FR")
        sale.action_octopia_accept()
        refused_sale.action_octopia_refuse()
        self.assertEqual([status for _id, status in self.sim.approvals if _id == order["orderId"]], ["Accepted"])
        self.assertEqual(refused_sale.state, "cancel")
        self.sim.set_status(order["orderId"], "InPreparation")
        self.run_cron()
        billing = order["billingAddress"]
        shipping = order["lines"][0]["shippingAddress"]
        self.assertEqual(sale.state, "sale")
        self.assertFalse(sale.octopia_address_pending)
        person = f"{billing['firstName']} {billing['lastName']}"
        buyer_name = billing["companyName"] if order["businessOrder"] else person
        self.assertEqual(sale.partner_id.name, buyer_name)
        self.assertEqual(sale.partner_invoice_id.street, billing["addressLine1"])
        self.assertEqual(sale.partner_shipping_id.street, shipping["addressLine1"])
        self.assertEqual(sale.partner_shipping_id.zip, shipping["postalCode"])
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertTrue(picking)
        self.assertEqual(picking.partner_id, sale.partner_shipping_id)
        self.assertEqual(len(self.channel_orders()), 2)

    def test_addresses_received_after_the_delivery_exists_move_the_delivery(self):
        self.sim.accept_status = "Accepted"
        (order,) = self.add_orders(1, seed=302, statuses=["Accepted"])
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale")
        self.assertTrue(sale.octopia_address_pending)
        position = sale.fiscal_position_id
        picking = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.sim.set_status(order["orderId"], "InPreparation")
        self.run_cron()
        shipping = order["lines"][0]["shippingAddress"]
        self.assertEqual(picking.partner_id.street, shipping["addressLine1"])
        self.assertEqual(sale.fiscal_position_id, position, "the regime chosen at import is kept")
        self.assertIn("Buyer addresses received from Octopia", " ".join(sale.message_ids.mapped("body")))

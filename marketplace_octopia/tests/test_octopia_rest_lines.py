"""Octopia line semantics end to end (cron -> HTTP -> simulator -> pipeline): lines fulfilled by
the marketplace and buyers' cancellation requests."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import octopia as sim

from odoo.tests import tagged

from .octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "octopia")
class TestOctopiaLines(OctopiaSimulatorCase):
    def _order(self, seed, supply_modes):
        order = sim.generate_orders(1, seed=seed, statuses=["InPreparation"],
                                    start=datetime.now(UTC) - timedelta(minutes=30))[0]
        while len(order["lines"]) < len(supply_modes):
            extra = dict(order["lines"][0], orderLineId=f"X-{len(order['lines'])}",
                         offer=dict(order["lines"][0]["offer"]))
            order["lines"].append(extra)
        order["lines"] = order["lines"][:len(supply_modes)]
        skus = [item["sku"] for item in sim.CATALOG]
        for line, mode, sku in zip(order["lines"], supply_modes, skus, strict=False):
            line["offer"].update(supplyMode=mode, sellerProductId=sku,
                                 productGtin=next(i["ean"] for i in sim.CATALOG if i["sku"] == sku))
            line["status"] = "InPreparation"
        order["totalPrice"]["sellingPrice"] = round(sum(line["totalPrice"]["sellingPrice"]
                                                        for line in order["lines"]), 2)
        self.sim.add_orders([order])
        return order

    def test_fulfilled_line_stays_on_order_and_invoice_but_not_in_delivery(self):
        order = self._order(201, ["Seller", "Fulfillment"])
        seller_sku, octopia_sku = (line["offer"]["sellerProductId"] for line in order["lines"])
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale")
        octopia_line = sale.order_line.filtered(lambda sol: sol.product_id == self.products[octopia_sku])
        self.assertFalse(octopia_line.marketplace_shippable)
        self.assertFalse(octopia_line.move_ids, "no stock move for a line Octopia ships")
        moved = sale.picking_ids.move_ids.product_id
        self.assertEqual(moved, self.products[seller_sku])
        quants = self.env["stock.quant"].search([("product_id", "=", self.products[octopia_sku].id)])
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 0.0)
        invoice = sale._create_invoices()
        self.assertIn(self.products[octopia_sku], invoice.invoice_line_ids.product_id)
        self.assertAlmostEqual(invoice.amount_total, order["totalPrice"]["sellingPrice"], places=2)
        self.assertEqual(octopia_line.qty_delivered_method, "manual")

    def test_order_fulfilled_by_octopia_has_no_delivery(self):
        order = self._order(202, ["Fulfillment", "Xdock"])
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(len(sale.order_line.filtered("marketplace_line_id")), 2)
        self.assertFalse(sale.picking_ids)
        self.assertFalse(self.channel.failure_ids, self.channel.failure_ids.mapped("reason"))

    def test_cancel_request_flags_line_and_order_with_one_activity(self):
        order = self._order(203, ["Seller", "Seller"])
        self.run_cron()
        sale = self.sale_of(order)
        self.assertFalse(sale.octopia_cancel_requested)
        asked = order["lines"][1]["orderLineId"]
        self.sim.set_status(order["orderId"], "InPreparation", "CancelRequest", lines=[asked])
        self.run_cron()
        flagged = sale.order_line.filtered("octopia_cancel_requested")
        self.assertEqual(flagged.mapped("marketplace_line_id"), [asked])
        self.assertTrue(sale.octopia_cancel_requested)
        activity = sale.activity_ids.filtered(lambda a: a.summary == "Buyer cancellation request")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.channel.user_id or self.env.user)
        self.assertIn("Octopia seller back office", str(activity.note))
        self.assertIn(flagged.product_id.display_name, str(activity.note))
        self.sim.touch(self.sim.orders[order["orderId"]])
        self.run_cron()
        self.assertEqual(len(sale.activity_ids.filtered(lambda a: a.summary == "Buyer cancellation request")), 1)
        self.sim.set_status(order["orderId"], "InPreparation", "InPreparation", lines=[asked])
        self.run_cron()
        self.assertFalse(sale.octopia_cancel_requested, "the buyer withdrew the request")
        self.assertEqual(sale.state, "sale")

    def test_business_order_of_a_known_private_buyer_invoices_the_company(self):
        private = self._order(204, ["Seller"])
        self.run_cron()
        person = self.sale_of(private).partner_id
        self.assertFalse(person.is_company)
        b2b = self._order(205, ["Seller"])
        b2b["customer"] = dict(private["customer"])
        b2b["businessOrder"] = True
        b2b["billingAddress"].update(companyName="Atelier Durand SAS", companyVatNumber="FR44275322709",
                                     countryCode="FR")
        self.run_cron()
        sale = self.sale_of(b2b)
        company = sale.partner_invoice_id.commercial_partner_id
        self.assertTrue(company.is_company)
        self.assertEqual((company.name, company.marketplace_vat), ("Atelier Durand SAS", "FR44275322709"))
        binding = self.env["marketplace.partner.binding"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", private["customer"]["reference"])])
        self.assertEqual(binding.partner_id, person, "the binding still names the person")
        if "marketplace_is_business" in sale._fields:
            self.assertTrue(sale.marketplace_is_business)
            self.assertEqual(sale.marketplace_buyer_vat, "FR44275322709")
        invoice = sale._create_invoices()
        self.assertEqual(invoice.partner_id.commercial_partner_id, company)
        self.sim.set_status(b2b["orderId"], "Shipped")
        self.run_cron()
        self.assertEqual(sale.partner_invoice_id.commercial_partner_id, company)

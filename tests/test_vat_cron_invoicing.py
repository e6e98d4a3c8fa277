"""Invoicing on confirmation also works for orders imported by the cron (confirmations are batched
per page, after the per-order hooks)."""
from odoo.tests import tagged

from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace")
class TestInvoiceOnConfirmationThroughCron(OctopiaSimulatorCase):
    @classmethod
    def _channel_vals(cls):
        return dict(super()._channel_vals(), invoice_policy="confirm")

    def test_cron_imported_domestic_orders_get_posted_invoices(self):
        orders = self.add_orders(3, seed=41, statuses=["InPreparation"])
        for order in orders:  # domestic consumers: no VIES call, nothing held
            order["businessOrder"] = False
            order["billingAddress"].update(countryCode="FR", postalCode="75011", companyVatNumber="", companyName="")
            for line in order["lines"]:
                line["shippingAddress"].update(countryCode="FR", postalCode="75011")
                for tax in line["sellingPrice"]["taxes"]:  # French VAT, as charged to a French consumer
                    tax["rate"] = 20.0
        self.run_cron()
        sales = self.channel_orders()
        self.assertEqual(len(sales), 3)
        self.assertEqual(set(sales.mapped("state")), {"sale"})
        for sale in sales:
            invoices = sale.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
            self.assertEqual(len(invoices), 1, f"{sale.name}: one invoice on confirmation")
            self.assertEqual(invoices.state, "posted", sale.marketplace_invoice_message or "")
            self.assertAlmostEqual(invoices.amount_total, sale.marketplace_total, places=2)

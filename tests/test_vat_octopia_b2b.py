"""Octopia business orders reach the VAT regime through the cron and real HTTP (issue 16): a German
company buying with a valid VAT number is an exempt intra-EU supply, also when its customer
reference was bound to a person by an earlier private order."""
from marketplace_simulator import vies as vies_sim

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase
from odoo.addons.marketplace_vat.tests.common import make_french_seller

DE = {"countryCode": "DE", "postalCode": "10117", "city": "Berlin", "addressLine1": "Unter den Linden 1"}


@tagged("post_install", "-at_install", "marketplace")
class TestOctopiaBusinessRegime(OctopiaSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vies_app, cls.vies, cls.vies_server = serve_simulator(cls.addClassCleanup, vies_sim)
        cls.company, cls.env = make_french_seller(cls.env, f"{cls.vies_server.url}/checkVatService.wsdl")
        cls.channel = cls.env["marketplace.channel"].browse(cls.channel.id)
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.channel.write({"company_id": cls.company.id, "warehouse_id": warehouse.id, "invoice_policy": "never"})
        cls.Channel = cls.env["marketplace.channel"]

    def _german(self, order, business):
        order["businessOrder"] = business
        order["billingAddress"].update(DE, companyName="Muster GmbH" if business else "",
                                       companyVatNumber="DE136695976" if business else "")
        for line in order["lines"]:
            line["shippingAddress"].update(DE)
        return order

    def test_business_order_of_a_known_person_is_an_intra_eu_supply(self):
        private, business = self.add_orders(2, seed=401, statuses=["InPreparation"])
        self._german(private, business=False)
        self._german(business, business=True)
        business["customer"] = dict(private["customer"])
        self.run_cron()
        self.assertFalse(self.channel.failure_ids, self.channel.failure_ids.mapped("reason"))
        person_sale, sale = self.sale_of(private), self.sale_of(business)
        self.assertFalse(person_sale.partner_id.is_company)
        self.assertNotEqual(person_sale.marketplace_vat_regime, "intra_eu_b2b")
        self.assertTrue(sale.marketplace_is_business)
        self.assertEqual(sale.marketplace_buyer_vat, "DE136695976")
        self.assertEqual(sale.marketplace_vat_regime, "intra_eu_b2b")
        self.assertEqual(sale.fiscal_position_id.marketplace_vat_regime, "intra_eu_b2b")
        self.assertEqual(sale.marketplace_vat_check_state, "valid")
        self.assertEqual(sale.amount_tax, 0.0)
        company = sale.partner_invoice_id.commercial_partner_id
        self.assertEqual((company.is_company, company.name, company.vat), (True, "Muster GmbH", "DE136695976"))
        self.assertEqual(self.vies.checks[-1][1:3], ("DE", "136695976"))

"""The PDF uploaded to the marketplace is the issued Factur-X (Octopia, on its simulator)."""
from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

from .common import FR_BUSINESS, EinvoiceCase


@tagged("post_install", "-at_install", "marketplace")
class TestFacturxUpload(EinvoiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        types = [value for value, _label in
                 cls.env["marketplace.channel"]._fields["channel_type"]._description_selection(cls.env)]
        if "octopia" not in types:
            cls.skipTest(cls, "marketplace_octopia is not installed")
        from marketplace_simulator import octopia as octopia_sim

        cls.octopia_sim = octopia_sim
        cls.octopia_app, cls.octopia, cls.octopia_server = serve_simulator(cls.addClassCleanup, octopia_sim)
        cls.env = cls.env(context=dict(cls.env.context, marketplace_no_commit=True,
                                       marketplace_sleep=lambda _seconds: None))
        cls.channel = cls.env["marketplace.channel"].create({
            "name": "Cdiscount (simulator)", "channel_type": "octopia", "company_id": cls.company.id,
            "base_url": cls.octopia_server.url + octopia_sim.API_PREFIX, "api_login": octopia_sim.DEFAULT_CLIENT_ID,
            "api_secret": octopia_sim.DEFAULT_CLIENT_SECRET, "api_account": octopia_sim.DEFAULT_SELLER_ID,
            "invoice_policy": "confirm"})
        cls.importer = cls.env["marketplace.order.importer"]

    def test_octopia_gets_the_issued_facturx(self):
        remote = self.octopia_sim.generate_orders(1, seed=21)[0]
        self.octopia.add_orders([remote])
        sale = self.import_rendered(remote["orderId"], ship=FR_BUSINESS, is_business=True, total_amount=24.0)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.marketplace_upload_state, "todo")
        self.channel._outbox_send()  # the upload, then Octopia's asynchronous import status
        self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id)]).next_attempt_at = False
        self.channel._outbox_send()
        self.assertEqual(invoice.marketplace_upload_state, "done")
        [(order_id, _filename, data)] = self.octopia.invoices
        self.assertEqual(order_id, remote["orderId"])
        self.assertEqual(data, invoice.invoice_pdf_report_id.raw, "the same document as the issued one")
        self.assert_facturx(data)

"""The PDF uploaded to the marketplace is the issued Factur-X (Octopia, on its simulator)."""
from odoo.tests import tagged

from .common import FR_BUSINESS, EinvoiceCase


@tagged("post_install", "-at_install", "marketplace")
class TestFacturxUpload(EinvoiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._serve_octopia_channel()

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

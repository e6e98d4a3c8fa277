"""Invoice PDF upload through a transport that has ``upload_invoice`` (Octopia, on its simulator)."""
import base64

from odoo.tests import tagged

from .common import VatCase

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


@tagged("post_install", "-at_install", "marketplace")
class TestVatUpload(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._serve_octopia_channel()

    def test_posted_invoice_is_uploaded_to_the_marketplace(self):
        remote = self.octopia_sim.generate_orders(1, seed=7)[0]
        self.octopia.add_orders([remote])
        sale = self.import_order(remote["orderId"], lines=[("SKU-A", 1, 24.0)], total_amount=24.0)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted")
        # Odoo renders HTML, not PDF, in test mode: nothing is sent rather than a non-PDF document.
        self.assertEqual(invoice.marketplace_upload_state, "error")
        self.assertIn("PDF", invoice.marketplace_upload_message)
        self.assertEqual(self.octopia.invoices, [])

        attachment = self.env["ir.attachment"].create({
            "name": "invoice.pdf", "datas": base64.b64encode(MINIMAL_PDF), "mimetype": "application/pdf",
            "res_model": "account.move", "res_id": invoice.id})
        invoice.invoice_pdf_report_id = attachment
        invoice.action_marketplace_upload()
        self.assertEqual(invoice.marketplace_upload_state, "done")
        self.assertEqual(len(self.octopia.invoices), 1)
        order_id, filename, data = self.octopia.invoices[0]
        self.assertEqual(order_id, remote["orderId"])
        self.assertTrue(filename.endswith(".pdf"))
        self.assertEqual(data, MINIMAL_PDF)

    def test_upload_error_is_recorded_not_raised(self):
        sale = self.import_order("UNKNOWN-ORDER", lines=[("SKU-A", 1, 24.0)], total_amount=24.0)
        invoice = sale.invoice_ids
        invoice.invoice_pdf_report_id = self.env["ir.attachment"].create({
            "name": "invoice.pdf", "datas": base64.b64encode(MINIMAL_PDF), "res_model": "account.move",
            "res_id": invoice.id})
        invoice.action_marketplace_upload()
        self.assertEqual(invoice.marketplace_upload_state, "error", "the marketplace answers 404")
        self.assertIn("upload", " ".join(invoice.message_ids.mapped("body")).lower())

    def test_posting_queues_the_upload_sent_once_after_commit(self):
        self.octopia.reset()
        remote = self.octopia_sim.generate_orders(1, seed=8)[0]
        self.octopia.add_orders([remote])
        sale = self.import_order(remote["orderId"], lines=[("SKU-A", 1, 24.0)], total_amount=24.0)
        invoice = sale.invoice_ids
        invoice.invoice_pdf_report_id = self.env["ir.attachment"].create({
            "name": "invoice.pdf", "datas": base64.b64encode(MINIMAL_PDF), "res_model": "account.move",
            "res_id": invoice.id})
        invoice._marketplace_upload()  # what posting does
        invoice._marketplace_upload()  # posted again before the commit: still one call
        item = self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id)])
        self.assertEqual((len(item), item.operation, item.state), (1, "upload_invoice", "todo"))
        self.assertEqual(invoice.marketplace_upload_state, "todo")
        self.assertEqual(self.octopia.invoices, [], "nothing is sent before the commit")
        self.channel._outbox_send()
        self.channel._outbox_send()
        self.assertEqual(item.state, "done")
        self.assertEqual(invoice.marketplace_upload_state, "done")
        self.assertEqual([(order_id, data) for order_id, _name, data in self.octopia.invoices],
                         [(remote["orderId"], MINIMAL_PDF)])
        logs = self.env["marketplace.sync.log"].search(
            [("channel_id", "=", self.channel.id), ("operation", "=", f"upload invoice {remote['orderId']}")])
        self.assertEqual(len(logs), 1)

    def _uploaded_invoice(self, seed):
        self.octopia.reset()
        self.addCleanup(self.octopia.reset)  # the simulator is shared by the class
        remote = self.octopia_sim.generate_orders(1, seed=seed)[0]
        self.octopia.add_orders([remote])
        sale = self.import_order(remote["orderId"], lines=[("SKU-A", 1, 24.0)], total_amount=24.0)
        invoice = sale.invoice_ids
        invoice.invoice_pdf_report_id = self.env["ir.attachment"].create({
            "name": "invoice.pdf", "datas": base64.b64encode(MINIMAL_PDF), "res_model": "account.move",
            "res_id": invoice.id})
        self.octopia.invoice_import_steps = 1  # the first status read answers Running
        invoice.action_marketplace_upload()
        self.assertEqual(invoice.marketplace_upload_state, "processing", "asynchronous at the marketplace")
        check = self.env["marketplace.outbox"].search([("channel_id", "=", self.channel.id),
                                                       ("operation", "=", "check_invoice_upload")])
        self.assertEqual((len(check), check.state, check.attempts), (1, "todo", 1))
        check.next_attempt_at = False  # due now rather than after the outbox's back-off
        return invoice, check

    def test_asynchronous_upload_is_read_until_success(self):
        invoice, check = self._uploaded_invoice(seed=9)
        self.channel._outbox_send()
        self.assertEqual(check.state, "done")
        self.assertEqual(invoice.marketplace_upload_state, "done")
        self.assertEqual(len(self.octopia.invoices), 1, "the PDF is sent once")

    def test_asynchronous_upload_refused_is_an_activity(self):
        invoice, check = self._uploaded_invoice(seed=10)
        self.octopia.invoice_import_error = "The invoice total differs from the order total."
        self.channel._outbox_send()
        self.assertEqual(check.state, "error")
        self.assertEqual(invoice.marketplace_upload_state, "error")
        self.assertIn("The invoice total differs from the order total.", invoice.marketplace_upload_message)
        activity = invoice.activity_ids.filtered(lambda a: a.summary == "Invoice refused by the marketplace")
        self.assertEqual(len(activity), 1)

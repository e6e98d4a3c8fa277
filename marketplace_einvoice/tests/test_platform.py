"""Hand-off to an approved platform: a test double over real HTTP on 127.0.0.1 (``einvoice_platform``
simulator), the issued Factur-X deposited at posting, statuses read back, the e-reporting file sent."""
from marketplace_simulator import einvoice_platform as pa_sim

from odoo import fields
from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import serve_simulator

from .common import FR_BUSINESS, EinvoiceCase


@tagged("post_install", "-at_install", "marketplace")
class TestPlatform(EinvoiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pa_app, cls.pa, cls.pa_server = serve_simulator(cls.addClassCleanup, pa_sim)
        cls.company.write({"marketplace_pa_url": f"{cls.pa_server.url}{pa_sim.PREFIX}",
                           "marketplace_pa_token": cls.pa.token, "marketplace_pa_timeout": 5})

    def setUp(self):
        super().setUp()
        self.pa.documents.clear()  # the double is shared by the class; invoice numbers repeat after rollbacks

    def test_issued_facturx_is_deposited_then_accepted_then_paid(self):
        sale = self.import_rendered("PA-1", ship=FR_BUSINESS, is_business=True, total_amount=24.0)
        invoice = sale.invoice_ids
        submission = invoice.marketplace_einvoice_ids
        self.assertEqual((len(submission), submission.kind, submission.state), (1, "invoice", "deposited"))
        [document] = self.pa.by_reference(invoice.name)
        self.assertEqual(document["content"], invoice.invoice_pdf_report_id.raw, "the platform gets the Factur-X")
        self.assert_facturx(document["content"])
        self.assertEqual(submission.platform_ref, document["id"])

        self.pa.move(document["id"], "accepted")
        self.env["marketplace.einvoice.submission"]._cron_refresh()
        self.assertEqual(submission.state, "accepted")
        self.assertIn("Accepted", " ".join(invoice.message_ids.mapped("body")))
        self.pa.move(document["id"], "paid")
        submission.action_refresh()
        self.assertEqual(submission.state, "paid")
        self.pa.move(document["id"], "refused")
        self.env["marketplace.einvoice.submission"]._cron_refresh()
        self.assertEqual(submission.state, "paid", "a final status is not read again")

    def test_rejected_by_the_platform_and_refused_by_the_buyer(self):
        invoice = self.import_rendered("PA-2", ship=FR_BUSINESS, is_business=True, total_amount=24.0).invoice_ids
        submission = invoice.marketplace_einvoice_ids
        [document] = self.pa.by_reference(invoice.name)
        self.pa.move(document["id"], "refused", "Commande inconnue")
        submission.action_refresh()
        self.assertEqual((submission.state, submission.message), ("refused", "Commande inconnue"))
        other = self.env["marketplace.einvoice.submission"].create({
            "company_id": self.company.id, "kind": "invoice", "name": "NOT-A-PDF",
            "attachment_id": self.env["ir.attachment"].create({"name": "x.pdf", "raw": b"<html/>"}).id})
        other._send()
        self.assertEqual((other.state, other.message), ("rejected", "not a PDF invoice"))

    def test_platform_down_keeps_the_document_to_send_again(self):
        invoice = self.import_order("PA-3", ship=FR_BUSINESS, is_business=True, total_amount=24.0).invoice_ids
        attachment = self.env["ir.attachment"].create({"name": "f.pdf", "raw": b"%PDF-1.4 test"})
        fault = self.pa_app.add_fault(r"/pa/documents", status=503, count=1)
        submission = self.env["marketplace.einvoice.submission"].create({
            "company_id": self.company.id, "kind": "invoice", "name": invoice.name, "move_id": invoice.id,
            "attachment_id": attachment.id})
        submission._send()
        self.assertEqual(fault.hits, 1)
        self.assertEqual(submission.state, "error")
        self.assertIn("503", submission.message)
        self.env["marketplace.einvoice.submission"]._cron_refresh()
        self.assertEqual(submission.state, "deposited", "sent again by the scheduled action")

    def test_ereporting_file_is_sent_from_the_report(self):
        self.import_order("PA-4", total_amount=24.0)
        today = fields.Date.context_today(self.env["account.move"])
        report = self.env["marketplace.ereporting"].create({"date_from": today, "date_to": today})
        report.action_compute()
        action = report.action_send_to_platform()
        submission = self.env["marketplace.einvoice.submission"].browse(action["res_id"])
        self.assertEqual((submission.kind, submission.state), ("ereporting", "deposited"))
        [document] = [doc for doc in self.pa.documents.values() if doc["kind"] == "ereporting"]
        self.assertTrue(document["content"].startswith(b"date;category;vat_rate"))
        self.assertIn(b"b2c_fr;20.00;20.00;4.00;1", document["content"])

    def test_wrong_token_is_an_error_on_the_submission(self):
        self.company.marketplace_pa_token = "wrong"
        attachment = self.env["ir.attachment"].create({"name": "f.pdf", "raw": b"%PDF-1.4 test"})
        submission = self.env["marketplace.einvoice.submission"].create({
            "company_id": self.company.id, "kind": "invoice", "name": "X", "attachment_id": attachment.id})
        submission._send()
        self.assertEqual(submission.state, "error")
        self.assertIn("401", submission.message)

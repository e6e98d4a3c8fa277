from odoo import fields, models

from marketplace_transport import MarketplaceError, TemporaryError


class MarketplaceChannel(models.Model):
    _inherit = "marketplace.channel"

    deemed_supplier = fields.Boolean(
        "Platform is deemed supplier",
        help="This platform declares itself deemed supplier (Art. 14a(1) Directive 2006/112/EC) for imported "
             "consignments of at most EUR 150 sold to EU consumers: such orders carry no output VAT.")
    invoice_policy = fields.Selection(
        [("confirm", "On confirmation"), ("delivery", "On delivery"), ("never", "Never (manual)")],
        "Invoice marketplace orders", default="never", required=True,
        help="When the customer invoice is created and posted. Invoices wait while the VIES check is pending.")
    register_payment = fields.Boolean(
        "Register payment when paid", help="When the marketplace says the order is paid, reconcile the invoice "
                                           "with a payment in the journal below.")
    payment_journal_id = fields.Many2one(
        "account.journal", "Payment journal", check_company=True, domain="[('type', 'in', ('bank', 'cash'))]")
    totals_mismatch_policy = fields.Selection(
        [("adjust", "Add an adjustment line"), ("hold", "Hold the invoice for an accountant")],
        "When totals differ", default="hold", required=True,
        help="The invoice total must equal the marketplace total (0.01 tolerance). Adjust: an explicit, untaxed "
             "'Marketplace adjustment' line makes up the difference. Hold: the invoice stays draft with an activity.")
    adjustment_product_id = fields.Many2one(
        "product.product", "Adjustment product",
        default=lambda self: self.env.ref("marketplace_vat.product_marketplace_adjustment", raise_if_not_found=False))

    # -- import and outbox hooks ------------------------------------------------------------
    def _before_page(self, transport, page, run):
        """The VIES checks of the page's buyers, asked before its savepoints."""
        result = super()._before_page(transport, page, run)
        importer = self.env["marketplace.order.importer"]
        for item in page.items:
            order = item.normalize(transport)
            if order is not None:
                importer._precheck_buyer_vat(self, order, run)
        return result

    def _outbox_do_upload_invoice(self, item, transport):
        """Send the invoice PDF kept beside the item (rendered when the invoice was posted)."""
        payload = item._payload_values()
        answer = transport.upload_invoice(payload["order"], item._attachment_raw(), payload["filename"])
        if isinstance(answer, dict) and answer.get("import_id"):  # processed asynchronously
            item.sudo().payload = self._payload_json(dict(payload, import_id=answer["import_id"]))

    def _outbox_after_upload_invoice(self, item):
        payload = item._payload_values()
        if payload.get("import_id"):
            item._record()._marketplace_upload_processing(payload)
        else:
            item._record()._marketplace_upload_done(payload["filename"])

    def _outbox_do_check_invoice_upload(self, item, transport):
        """Read an asynchronous upload's status: still processing is retried later by the outbox."""
        payload = item._payload_values()
        state, message = transport.invoice_upload_status(payload["import_id"])
        if state == "pending":
            raise TemporaryError(self.env._("The marketplace is still processing invoice %s.", payload["filename"]))
        if state == "failed":
            raise MarketplaceError(message)

    def _outbox_after_check_invoice_upload(self, item):
        item._record()._marketplace_upload_done(item._payload_values()["filename"])

    def _outbox_failed_check_invoice_upload(self, item, message):
        invoice = item._record()
        if not invoice:
            return self._outbox_tell(item, message)
        return invoice._marketplace_upload_refused(message)

    def _outbox_failed_upload_invoice(self, item, message):
        invoice = item._record()
        if not invoice:
            return self._outbox_tell(item, message)
        return invoice._marketplace_upload_failed(message)

"""VAT regime, VIES state and invoicing policy of marketplace orders."""
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round

from .account_fiscal_position import VAT_REGIMES

VAT_CHECK_STATES = [
    ("none", "No VAT number"),
    ("not_needed", "Not needed"),
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("invalid_input", "Malformed"),
    ("pending", "VAT check pending"),
]
VIES_ATTEMPTS_BEFORE_ACTIVITY = 12  # about 6 hours of 30-minute cron runs
INVOICE_HOLDS = [("vat_pending", "VAT check pending"), ("total_mismatch", "Totals differ"),
                 ("vat_mismatch", "VAT differs"), ("error", "Invoicing error"),
                 ("oss_tax", "OSS rate unknown")]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "marketplace.vat.sale.regime"]

    marketplace_vat_regime = fields.Selection(VAT_REGIMES, "VAT regime", copy=False, readonly=True, tracking=True,
                                              index=True)
    marketplace_vat_reason = fields.Char("VAT regime reason", copy=False, readonly=True)
    marketplace_vat_check_state = fields.Selection(
        VAT_CHECK_STATES, "VAT check", copy=False, readonly=True, tracking=True, index=True)
    marketplace_vat_check_id = fields.Many2one("marketplace.vat.check", "VIES check", copy=False, readonly=True)
    marketplace_vies_consultation = fields.Char(
        "VIES consultation number", related="marketplace_vat_check_id.consultation_number")
    marketplace_buyer_vat = fields.Char("Buyer VAT number", copy=False, readonly=True)
    marketplace_is_business = fields.Boolean("Business buyer", copy=False, readonly=True)
    marketplace_prices_include_tax = fields.Boolean(copy=False, readonly=True)
    marketplace_consignment_value = fields.Float(copy=False, readonly=True)
    marketplace_invoice_hold = fields.Selection(INVOICE_HOLDS, "Invoice held", copy=False, readonly=True,
                                                tracking=True)
    marketplace_invoice_message = fields.Text(copy=False, readonly=True)

    # -- VAT ------------------------------------------------------------------------------
    def _marketplace_post_vat_note(self):
        """Log the VAT regime and check of each order in its chatter (one batch, no notification)."""
        bodies = {}
        for sale in self:
            check = sale.marketplace_vat_check_id
            state = sale.marketplace_vat_check_state
            if state in ("invalid", "invalid_input"):
                body = self.env._("VAT number %(vat)s is not valid (%(why)s): the order is taxed as a consumer (B2C).",
                                  vat=sale.marketplace_buyer_vat, why=check.message or check.error_code or state)
            elif state == "pending":
                body = self.env._(
                    "VAT check pending: VIES could not answer (%(code)s). The order is taxed as a consumer "
                    "meanwhile; its invoice is held until the check completes.", code=check.error_code or "-")
            elif state == "valid":
                body = check._summary()
            else:
                body = False
            regime = dict(self._fields["marketplace_vat_regime"]._description_selection(self.env)).get(
                sale.marketplace_vat_regime, "-")
            text = Markup("<b>%s</b>: %s") % (self.env._("VAT regime"), regime)
            if sale.marketplace_vat_reason:
                text += Markup("<br/>") + escape(sale.marketplace_vat_reason)
            if body:
                text += Markup("<br/>") + escape(body)
            bodies[sale.id] = text
        if bodies:
            self._message_log_batch(bodies=bodies)

    def _marketplace_ship_address(self):
        self.ensure_one()
        return self.partner_shipping_id or self.partner_id

    @api.model
    def _cron_marketplace_vat_recheck(self, limit=200):
        """Re-ask VIES for orders whose check is pending; release them once VIES answers."""
        orders = self.search([("marketplace_vat_check_state", "=", "pending"), ("state", "!=", "cancel")],
                             limit=limit, order="id")
        checked = {}
        for sale in orders:
            vat = sale.marketplace_vat_check_id.vat or sale.marketplace_buyer_vat
            key = (vat, sale.company_id.id)
            if key not in checked:
                checked[key] = self.env["marketplace.vat.check"].sudo()._get_check(vat, sale.company_id, force=True)
            sale._marketplace_release_vat_check(checked[key])
        return orders

    def _marketplace_release_vat_check(self, check):
        """Apply a new VIES answer to a pending order (no-op while VIES is still unavailable)."""
        self.ensure_one()
        if check.state == "unavailable":
            if check.attempts >= VIES_ATTEMPTS_BEFORE_ACTIVITY:
                self.marketplace_channel_id._schedule_error_activity(
                    self.env._("VIES still unavailable"),
                    self.env._(
                        "VAT number %(vat)s could not be checked after %(n)s attempts (%(code)s); the invoice is held. "
                        "Check it on the VIES website if needed.", vat=check.vat, n=check.attempts,
                        code=check.error_code or "-"), record=self)
            return False
        from .marketplace_order_importer import CHECK_STATE_BY_VIES

        self.partner_id.commercial_partner_id._marketplace_apply_vat_check(check)
        self.write({"marketplace_vat_check_id": check.id,
                    "marketplace_vat_check_state": CHECK_STATE_BY_VIES[check.state]})
        self._marketplace_apply_regime(self._marketplace_redecide())
        self._marketplace_post_vat_note()
        if self.marketplace_invoice_hold == "vat_pending":
            self.marketplace_invoice_hold = False
        self._marketplace_invoice_if_due()
        return True

    # -- invoicing ------------------------------------------------------------------------
    def action_confirm(self):
        result = super().action_confirm()
        self.filtered("marketplace_channel_id")._marketplace_invoice_if_due()
        return result

    def _marketplace_is_delivered(self):
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: not line.display_type and line.product_id.type == "consu" and line.marketplace_shippable)
        if not lines:
            return self.marketplace_order_status == "delivered"
        return all(float_compare(line.qty_delivered, line.product_uom_qty,
                                 precision_rounding=line.product_uom.rounding) >= 0 for line in lines)

    def _marketplace_invoice_if_due(self):
        """Create, check and post the invoice when the channel's policy says it is time.

        Never raises: an invoicing problem is recorded on the order (hold + activity), so that it
        cannot make an order import fail.
        """
        for sale in self.filtered(lambda s: s.marketplace_channel_id and s.state == "sale"):
            channel = sale.marketplace_channel_id
            if channel.invoice_policy == "never":
                continue
            if sale.marketplace_vat_check_state == "pending":
                sale.marketplace_invoice_hold = "vat_pending"
                continue
            if sale._marketplace_hold_oss_tax():
                continue  # an OSS line without destination rate: never invoiced with a wrong tax
            if channel.invoice_policy == "delivery" and not sale._marketplace_is_delivered():
                continue
            drafts = sale.invoice_ids.filtered(lambda m: m.state == "draft" and m.move_type == "out_invoice")
            if sale.marketplace_invoice_hold in ("total_mismatch", "vat_mismatch") and drafts:
                continue  # waiting for an accountant
            if sale.invoice_status != "to invoice" and not drafts:
                continue
            try:
                with self.env.cr.savepoint():
                    invoice = drafts[:1] or sale._create_invoices(final=True)
                    sale._marketplace_finalize_invoice(invoice)
            except (UserError, ValidationError) as exc:
                message = str(exc.args[0] if exc.args else exc)
                sale.write({"marketplace_invoice_hold": "error", "marketplace_invoice_message": message})
                channel._schedule_error_activity(self.env._("Marketplace invoice not created"), message, record=sale)

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        if self.marketplace_channel_id:
            vals.update({
                "marketplace_channel_id": self.marketplace_channel_id.id,
                "marketplace_vat_regime": self.marketplace_vat_regime,
                "marketplace_vat_check_state": self.marketplace_vat_check_state,
                "marketplace_buyer_vat": self._marketplace_invoice_buyer_vat(),
                "marketplace_vies_consultation": self.marketplace_vies_consultation,
                "marketplace_total": self.marketplace_total,
            })
        return vals

    def _marketplace_invoice_buyer_vat(self):
        """The VIES-normalised number when it was checked valid, else the number as received."""
        self.ensure_one()
        if self.marketplace_vat_check_state == "valid":
            return self.marketplace_vat_check_id.vat
        return self.marketplace_buyer_vat

    def _marketplace_invoice_total_gap(self, invoice):
        """Marketplace total minus ours, on the order's tax basis (0.0 when they agree)."""
        self.ensure_one()
        ours = invoice.amount_total if self.marketplace_prices_include_tax else invoice.amount_untaxed
        rounding = invoice.currency_id.rounding or 0.01
        gap = float_round(self.marketplace_total - ours, precision_rounding=rounding)
        return 0.0 if float_compare(gap, 0.0, precision_rounding=max(rounding, 0.01)) == 0 else gap

    def _marketplace_finalize_invoice(self, invoice):
        """VAT and totals check (adjust or hold, ``sale_order_reconcile.py``), post, register the amount
        paid, upload to the marketplace."""
        self.ensure_one()
        channel = self.marketplace_channel_id
        hold, message = self._marketplace_reconcile_invoice(invoice)
        if hold:
            return self._marketplace_hold_invoice(invoice, hold, message)
        invoice.action_post()
        self.write({"marketplace_invoice_hold": False, "marketplace_invoice_message": False})
        if channel.register_payment and self.marketplace_paid and channel.payment_journal_id:
            self._marketplace_pay_invoice(invoice, channel.payment_journal_id)
        invoice._marketplace_upload()
        return invoice

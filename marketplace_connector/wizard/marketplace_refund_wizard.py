from odoo import api, fields, models
from odoo.exceptions import UserError

from marketplace_transport import MarketplaceError, RefundLine, RefundRequest


class MarketplaceRefundWizard(models.TransientModel):
    _name = "marketplace.refund.wizard"
    _description = "Refund a marketplace order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    channel_id = fields.Many2one(related="order_id.marketplace_channel_id")
    currency_id = fields.Many2one(related="order_id.currency_id")
    reason_id = fields.Many2one(
        "marketplace.refund.reason", domain="[('channel_id', '=', channel_id)]",
        help="Reasons the marketplace accepts.")
    reason_note = fields.Char("Reason details", help="Free text, when the marketplace has no list of reasons.")
    refund_shipping = fields.Boolean("Refund shipping fees", default=True)
    mode = fields.Selection([("full", "Whole order"), ("partial", "Some lines"),
                             ("amount", "An amount (goodwill gesture)")], default="full", required=True)
    amount = fields.Monetary("Amount to refund", help="Refunded without returning or cancelling any line.")
    partial_allowed = fields.Boolean(compute="_compute_capabilities")
    amount_allowed = fields.Boolean(compute="_compute_capabilities")
    limits = fields.Text(compute="_compute_capabilities")
    line_ids = fields.One2many("marketplace.refund.wizard.line", "wizard_id")

    @api.depends("channel_id")
    def _compute_capabilities(self):
        for wizard in self:
            wizard.partial_allowed = wizard.channel_id.can_refund_partial
            wizard.amount_allowed = wizard.channel_id.can_refund_amount
            wizard.limits = wizard.channel_id and wizard.channel_id._connector_capabilities().refund_limits

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard.line_ids = [(0, 0, {"sale_line_id": line.id, "quantity": 0})
                               for line in wizard.order_id.order_line.filtered("marketplace_line_id")]
            wizard.channel_id._load_refund_reasons()
        return wizards

    def _mode_refused(self):
        """Why the channel cannot take the chosen mode ("" when it can)."""
        allowed = {"full": True, "partial": self.partial_allowed, "amount": self.amount_allowed}[self.mode]
        return "" if allowed else (self.limits or self.env._("This marketplace only accepts refunds of the "
                                                             "whole order."))

    def _refund_lines(self):
        lines = [RefundLine(line.sale_line_id.marketplace_line_id, line.quantity,
                            round(line.quantity * line.sale_line_id.price_unit, 2))
                 for line in self.line_ids if line.quantity > 0]
        if not lines:
            raise UserError(self.env._("Set the quantity to refund on at least one line."))
        return lines

    def _prepare_refund_request(self):
        self.ensure_one()
        reason = self.reason_id.code or self.reason_note
        if not reason:
            raise UserError(self.env._("Choose the refund reason."))
        if self._mode_refused():
            raise UserError(self._mode_refused())
        lines = self._refund_lines() if self.mode == "partial" else []
        if self.mode == "amount" and self.amount <= 0:
            raise UserError(self.env._("Set the amount to refund."))
        amount = self.amount if self.mode == "amount" else sum(line.amount for line in lines)
        return RefundRequest(
            order_external_id=self.order_id.marketplace_order_ref, reason=reason,
            refund_shipping=self.refund_shipping, lines=lines, currency=self.order_id.currency_id.name,
            amount=amount, note=self.reason_note or "", amount_only=self.mode == "amount",
            idempotency_key=f"odoo-{self.env.cr.dbname}-refund-{self.id}")

    def _refund_summary(self, request):
        if request.amount_only:
            return self.env._("amount %(amount)s %(currency)s", amount=request.amount, currency=request.currency)
        if request.is_full:
            return self.env._("whole order")
        return self.env._("%s line(s)", len(request.lines))

    def action_confirm(self):
        self.ensure_one()
        order = self.order_id
        request = self._prepare_refund_request()
        try:
            order.marketplace_channel_id._send_refund(order, request)
        except MarketplaceError as exc:
            order._set_sync_error("refund", order.marketplace_channel_id._error_text(exc))
            return order.marketplace_channel_id._notify(self.env._("Refund failed"), order.refund_sync_error, "danger")
        order.write({"refund_sync_state": "done", "refund_sync_error": False})
        order.message_post(body=self.env._(
            "Refund sent to %(channel)s (%(what)s, reason: %(reason)s, shipping refunded: "
            "%(shipping)s).", channel=order.marketplace_channel_id.name, what=self._refund_summary(request),
            reason=self.reason_id.name or request.reason,
            shipping=self.env._("yes") if request.refund_shipping else self.env._("no")))
        return {"type": "ir.actions.act_window_close"}


class MarketplaceRefundWizardLine(models.TransientModel):
    _name = "marketplace.refund.wizard.line"
    _description = "Line to refund"

    wizard_id = fields.Many2one("marketplace.refund.wizard", required=True, ondelete="cascade")
    sale_line_id = fields.Many2one("sale.order.line", required=True, readonly=True)
    ordered_qty = fields.Float(related="sale_line_id.product_uom_qty")
    quantity = fields.Float("Quantity to refund")

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity < 0 or line.quantity > line.ordered_qty:
                raise UserError(self.env._("Refund between 0 and %s units.", line.ordered_qty))

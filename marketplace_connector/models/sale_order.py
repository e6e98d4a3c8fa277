from odoo import fields, models
from odoo.exceptions import UserError

from marketplace_transport import MarketplaceError

SYNC_STATES = [("none", "Not needed"), ("todo", "To send"), ("done", "Sent"), ("error", "Error")]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    marketplace_channel_id = fields.Many2one("marketplace.channel", "Marketplace channel", index=True, copy=False,
                                             readonly=True)
    marketplace_channel_type = fields.Selection(related="marketplace_channel_id.channel_type")
    marketplace_order_ref = fields.Char("Marketplace order id", index=True, copy=False, readonly=True)
    marketplace_status = fields.Char(copy=False, readonly=True, help="Order status as the marketplace states it.")
    marketplace_order_status = fields.Selection(
        [("pending", "Pending"), ("waiting_acceptance", "Waiting acceptance"), ("accepted", "Accepted"),
         ("to_ship", "To ship"), ("shipped", "Shipped"), ("delivered", "Delivered"), ("cancelled", "Cancelled"),
         ("refused", "Refused"), ("refunded", "Refunded")], copy=False, readonly=True)
    marketplace_updated_at = fields.Datetime(copy=False, readonly=True)
    marketplace_total = fields.Monetary("Marketplace total", copy=False, readonly=True)
    marketplace_currency = fields.Char(copy=False, readonly=True)
    marketplace_total_mismatch = fields.Boolean(copy=False, readonly=True)
    marketplace_fee_amount = fields.Float("Marketplace fees", copy=False, readonly=True)
    marketplace_paid = fields.Boolean(copy=False, readonly=True)
    marketplace_payload = fields.Text("Received payload", copy=False, readonly=True)
    ship_sync_state = fields.Selection(SYNC_STATES, default="none", copy=False, tracking=True, index=True)
    ship_sync_error = fields.Text(copy=False, readonly=True)
    refund_sync_state = fields.Selection(SYNC_STATES, default="none", copy=False, tracking=True, index=True)
    refund_sync_error = fields.Text(copy=False, readonly=True)

    _sql_constraints = [
        ("marketplace_ref_unique", "UNIQUE(marketplace_channel_id, marketplace_order_ref)",
         "This marketplace order is already imported on this channel."),
    ]

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """During imports, confirming does not make the marketplace buyer a follower: buyers are reached
        through the marketplace, and Odoo must not e-mail them (unless the channel says so)."""
        if self.env.context.get("marketplace_import") and partner_ids and len(self) == 1 \
                and self.marketplace_channel_id and not self.marketplace_channel_id.follow_customers \
                and set(partner_ids) == {self.partner_id.id}:
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    # -- ship ---------------------------------------------------------------------------
    def _marketplace_picking_to_ship(self):
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done").sorted("date_done")[-1:]

    def action_marketplace_ship(self):
        """Server action "Ship on marketplace": send carrier and tracking of the validated delivery."""
        orders = self.filtered("marketplace_channel_id")
        if not orders:
            raise UserError(self.env._("None of the selected orders comes from a marketplace."))
        orders._send_marketplace_shipment()
        return True

    def _send_marketplace_shipment(self):
        for order in self:
            picking = order._marketplace_picking_to_ship()
            if not picking:
                order._set_sync_error("ship",
                                      self.env._("No validated delivery to report: validate the delivery first."))
                continue
            try:
                order.marketplace_channel_id._send_shipment(order, picking)
            except MarketplaceError as exc:
                order._set_sync_error("ship", order.marketplace_channel_id._error_text(exc))
                continue
            order.write({"ship_sync_state": "done", "ship_sync_error": False})
            order.message_post(body=self.env._(
                "Shipment sent to %(channel)s: %(carrier)s, tracking %(tracking)s.",
                channel=order.marketplace_channel_id.name,
                carrier=order.marketplace_channel_id._map_carrier(picking) or "-",
                tracking=picking.carrier_tracking_ref or "-"))

    def _set_sync_error(self, kind, message):
        self.write({f"{kind}_sync_state": "error", f"{kind}_sync_error": message})
        label = self.env._("Shipment") if kind == "ship" else self.env._("Refund")
        self.message_post(body=self.env._("%(what)s not sent to the marketplace: %(error)s", what=label, error=message))
        self.marketplace_channel_id._schedule_error_activity(
            self.env._("%s failed on the marketplace", label), message, record=self)

    # -- refund -------------------------------------------------------------------------
    def action_marketplace_refund_wizard(self):
        """Server action "Refund on marketplace": opens the refund wizard."""
        self.ensure_one()
        if not self.marketplace_channel_id:
            raise UserError(self.env._("This order does not come from a marketplace."))
        wizard = self.env["marketplace.refund.wizard"].create({"order_id": self.id})
        return {"type": "ir.actions.act_window", "res_model": wizard._name, "res_id": wizard.id,
                "view_mode": "form", "target": "new", "name": self.env._("Refund on marketplace")}

    # -- accept / refuse ------------------------------------------------------------------
    def action_marketplace_accept(self):
        for order in self.filtered(lambda o: o.marketplace_order_status == "waiting_acceptance"):
            order.marketplace_channel_id._accept_order(order)
        return True

    def action_marketplace_refuse(self):
        for order in self:
            if order.marketplace_order_status != "waiting_acceptance":
                raise UserError(self.env._("Order %s can only be refused while it waits for acceptance.", order.name))
            order.marketplace_channel_id._refuse_order(order)
        return True

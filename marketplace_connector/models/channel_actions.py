"""Marketplace channel: the buttons, offer push, ship, refund, accept and refuse, refund reasons."""
from odoo import fields, models

from marketplace_transport import MarketplaceError, UserInputError

from .marketplace_outbox import NothingToSend


class MarketplaceChannelActions(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.actions"
    _description = "Marketplace channel: buttons, offers, ship, refund, accept"

    # -- buttons --------------------------------------------------------------------
    def action_test_connection(self):
        self.ensure_one()
        try:
            checks = self._get_transport().check_connection()
        except MarketplaceError as exc:
            self.write({"connection_state": "error", "connection_message": self._error_text(exc)})
            return self._notify(self.env._("Connection failed"), self.connection_message, "danger")
        message = "\n".join(f"✓ {check}" for check in checks) or self.env._("Connected.")
        self.write({"connection_state": "ok", "connection_message": message})
        return self._notify(self.env._("Connection succeeded"), message, "success")

    def action_import_orders(self):
        for channel in self:
            channel._run_import(force=True)
        return self._notify(self.env._("Import finished"),
                            self.env._("See the channel's orders, failed imports and logs."), "info")

    def action_push_offers(self):
        for channel in self:
            channel._push_offers()
        return self._notify(self.env._("Offers pushed"), self.env._("See the offers' states."), "info")

    def action_resume(self):
        self.write({"paused_until": False})

    def _notify(self, title, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind, "sticky": kind == "danger",
                           "next": {"type": "ir.actions.act_window_close"}}}

    def _action_open(self, model, domain, name):
        return {"type": "ir.actions.act_window", "res_model": model, "name": name, "view_mode": "list,form",
                "domain": domain, "context": {"default_channel_id": self.id}}

    def action_open_orders(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_connector.action_marketplace_orders")
        action["domain"] = [("marketplace_channel_id", "in", self.ids)]
        return action

    def action_open_offers(self):
        return self._action_open("marketplace.offer", [("channel_id", "in", self.ids)], self.env._("Offers"))

    def action_open_failures(self):
        return self._action_open(
            "marketplace.import.failure", [("channel_id", "in", self.ids), ("state", "=", "open")],
            self.env._("Failed imports"))

    def action_open_logs(self):
        return self._action_open("marketplace.sync.log", [("channel_id", "in", self.ids)], self.env._("Sync logs"))

    # -- offers ---------------------------------------------------------------------
    def _push_offers(self):
        """Push changed offers; nothing for marketplaces whose API takes no offers from us.

        :return: False when another worker holds the channel
        """
        self.ensure_one()
        with self._run_lock() as acquired:
            if not acquired:
                return False
            self.last_offer_push_at = fields.Datetime.now()
            if not self.can_push_offers:
                return True
            try:
                self.env["marketplace.offer"]._push_channel_offers(self)
            except MarketplaceError as exc:
                self._record_run_error(exc, pause_seconds=getattr(exc, "retry_after", None))
            self._commit_progress()
        return True

    # -- ship and refund ------------------------------------------------------------
    def _map_carrier(self, picking):
        """Marketplace carrier label for a delivery; connectors override with their mapping."""
        carrier = getattr(picking, "carrier_id", False)
        return carrier.name if carrier else (picking.marketplace_carrier_name or "")

    def _prepare_shipment_request(self, sale, picking):
        from marketplace_transport import ShipmentRequest

        lines = sale.order_line.filtered(
            lambda line: line.marketplace_line_id and line.marketplace_shippable
            and line.move_ids.filtered(lambda move: move.picking_id == picking))
        return ShipmentRequest(
            order_external_id=sale.marketplace_order_ref,
            carrier=self._map_carrier(picking),
            tracking_number=(picking.carrier_tracking_ref or "").strip(),
            tracking_url=picking.marketplace_tracking_url or "",
            line_external_ids=lines.mapped("marketplace_line_id"),
            idempotency_key=f"odoo-{self.env.cr.dbname}-ship-{picking.id}",
        )

    def _send_shipment(self, sale, picking):
        request = self._prepare_shipment_request(sale, picking).check()
        return self._get_transport().ship_order(request)

    def _send_refund(self, sale, request):
        """Send a refund; a mode the marketplace does not offer is refused before any call."""
        capabilities = self._connector_capabilities()
        if request.mode not in capabilities.refund_modes:
            raise UserInputError(capabilities.refund_limits or self.env._(
                "This marketplace does not take this kind of refund."))
        return self._get_transport().refund_order(request)

    # -- acceptance (sent through the outbox, see channel_outbox.py) ---------------------
    def _on_waiting_acceptance(self, sale, order):
        """An order waits for the seller: queue its acceptance when the policy and the stock allow
        (sent once the page has committed), else ask a human."""
        self.ensure_one()
        if self.auto_accept and self._stock_allows(sale):
            self._outbox_enqueue("accept", sale, {"order": sale.marketplace_order_ref})
            return
        self._schedule_error_activity(
            self.env._("Accept or refuse on the marketplace"),
            self.env._("Order %(order)s waits for your acceptance on %(channel)s.", order=order.reference,
                       channel=self.name), record=sale)

    def _stock_allows(self, sale):
        for line in sale.order_line.filtered(lambda so_line: so_line.product_id.is_storable
                                             and so_line.marketplace_shippable):
            product = line.product_id.with_context(warehouse_id=sale.warehouse_id.id)
            if product.free_qty < line.product_uom_qty:
                return False
        return True

    def _accept_order(self, sale):
        """Accept now (buttons), through the order's outbox item; raises what the marketplace says."""
        self._outbox_enqueue("accept", sale, {"order": sale.marketplace_order_ref}, again=True)._send_one(
            raise_errors=True)

    def _refuse_order(self, sale):
        """Refuse now (buttons), through the order's outbox item; raises what the marketplace says."""
        self._outbox_enqueue("refuse", sale, {"order": sale.marketplace_order_ref}, again=True)._send_one(
            raise_errors=True)

    def _outbox_waiting_sale(self, item):
        """The sale order of an accept or refuse item, when it still waits for acceptance."""
        sale = item._record()
        if not sale or sale.marketplace_order_status != "waiting_acceptance":
            raise NothingToSend(self.env._("The order no longer waits for acceptance."))
        return sale

    def _outbox_do_accept(self, item, transport):
        transport.accept_order(self._outbox_waiting_sale(item).marketplace_order_ref)

    def _outbox_after_accept(self, item):
        sale = item._record()
        sale.write({"marketplace_order_status": "accepted"})
        sale.message_post(body=self.env._("Accepted on %s.", self.name))
        if self.auto_confirm and sale.state in ("draft", "sent"):
            sale.action_confirm()

    def _outbox_failed_accept(self, item, message):
        sale = item._record()
        if not sale:
            return self._outbox_tell(item, message)
        sale.message_post(body=self.env._("Automatic acceptance failed: %s", message))
        note = self.env._("Order %(order)s waits for your acceptance on %(channel)s.",
                          order=sale.marketplace_order_ref, channel=self.name)
        return self._schedule_error_activity(self.env._("Accept or refuse on the marketplace"), note, record=sale)

    def _outbox_do_refuse(self, item, transport):
        transport.refuse_order(self._outbox_waiting_sale(item).marketplace_order_ref)

    def _outbox_after_refuse(self, item):
        sale = item._record()
        sale.write({"marketplace_order_status": "refused"})
        sale.with_context(disable_cancel_warning=True)._action_cancel()
        sale.message_post(body=self.env._("Refused on %s.", self.name))

    def _load_refund_reasons(self):
        """Refresh the channel's refund reasons from the marketplace (kept when it is unreachable)."""
        self.ensure_one()
        try:
            reasons = self._get_transport().list_refund_reasons()
        except (MarketplaceError, NotImplementedError):
            return
        Reason = self.env["marketplace.refund.reason"].sudo()
        known = {r.code: r for r in Reason.search([("channel_id", "=", self.id)])}
        for code, label in reasons:
            if code in known:
                known[code].name = label
            else:
                Reason.create({"channel_id": self.id, "code": code, "name": label})

    def _demo_point_to_simulator(self, simulator_url):
        """Demo set-up: keep the API path, use the running simulator's scheme, host and port."""
        from urllib.parse import urlsplit, urlunsplit

        for channel in self:
            parts = urlsplit(channel.base_url)
            target = urlsplit(simulator_url)
            channel.base_url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))



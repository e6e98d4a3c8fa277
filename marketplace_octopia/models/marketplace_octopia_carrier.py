"""Octopia carriers (GET /carriers) and their mapping from Odoo delivery carriers."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MarketplaceOctopiaCarrier(models.Model):
    """One label of GET /carriers. Codes are not unique (``pcc`` = La Poste, Colissimo,
    Chronopost...): shipments send the label, so the mapping is by label."""

    _name = "marketplace.octopia.carrier"
    _description = "Octopia carrier"
    _order = "channel_id, label"
    _rec_name = "label"

    channel_id = fields.Many2one("marketplace.channel", required=True, ondelete="cascade", index=True,
                                 domain=[("channel_type", "=", "octopia")])
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    code = fields.Char(readonly=True, help="Octopia carrier code (shared by several labels).")
    label = fields.Char(required=True, help="Sent as carrierName with the shipments.")
    delivery_carrier_ids = fields.Many2many(
        "delivery.carrier", string="Odoo carriers",
        help="Deliveries shipped with these Odoo carriers are reported to Octopia with this label.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("channel_label_unique", "UNIQUE(channel_id, label)", "An Octopia carrier label is listed once per channel."),
    ]

    @api.constrains("delivery_carrier_ids", "channel_id")
    def _check_single_mapping(self):
        for record in self:
            for carrier in record.delivery_carrier_ids:
                others = self.search([("channel_id", "=", record.channel_id.id), ("id", "!=", record.id),
                                      ("delivery_carrier_ids", "in", carrier.id)])
                if others:
                    raise ValidationError(self.env._("%(carrier)s is already mapped to %(label)s on this channel.",
                                                     carrier=carrier.name, label=others[0].label))

    @api.model
    def _find_label(self, channel, delivery_carrier):
        """Octopia label mapped to an Odoo delivery carrier ('' when unmapped)."""
        if not delivery_carrier:
            return ""
        mapped = self.search([("channel_id", "=", channel.id), ("delivery_carrier_ids", "in", delivery_carrier.ids)],
                             limit=1)
        return mapped.label or ""

    @api.model
    def _sync_channel(self, channel):
        """Create/refresh the channel's carriers from the marketplace; unknown labels are archived."""
        carriers = channel._get_transport().list_carriers()
        existing = {c.label: c for c in self.with_context(active_test=False).search([("channel_id", "=", channel.id)])}
        seen = set()
        for code, label in carriers:
            if not label or label in seen:
                continue
            seen.add(label)
            record = existing.get(label)
            if record:
                record.write({"code": code, "active": True})
            else:
                self.create({"channel_id": channel.id, "code": code, "label": label})
        stale = [record for label, record in existing.items() if label not in seen]
        if stale:
            self.browse([r.id for r in stale]).write({"active": False})
        return len(seen)

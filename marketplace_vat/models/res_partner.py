from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    marketplace_vat_check_id = fields.Many2one("marketplace.vat.check", "Last VIES check", copy=False, readonly=True)
    marketplace_vies_state = fields.Selection(related="marketplace_vat_check_id.state", string="VIES state")
    marketplace_vies_date = fields.Datetime("VIES checked on", related="marketplace_vat_check_id.check_date")
    marketplace_vies_consultation = fields.Char(
        "VIES consultation number", related="marketplace_vat_check_id.consultation_number")
    marketplace_vies_name = fields.Char("Name registered in VIES", related="marketplace_vat_check_id.name")

    def _marketplace_apply_vat_check(self, check):
        """Link the partner to its VIES answer; a valid number becomes the partner's Tax ID."""
        for partner in self:
            vals = {"marketplace_vat_check_id": check.id}
            if check.state == "valid" and partner.vat != check.vat:
                vals.update({"vat": check.vat, "vies_valid": True})
            elif check.state == "valid":
                vals["vies_valid"] = True
            partner.with_context(no_vat_validation=True).write(vals)

    @api.model
    def _marketplace_vat_state_label(self, state):
        return dict(self._fields["marketplace_vies_state"]._description_selection(self.env)).get(state,
                                                                                                 self.env._("None"))

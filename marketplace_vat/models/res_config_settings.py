from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    marketplace_oss_option_date = fields.Date(related="company_id.marketplace_oss_option_date", readonly=False)
    marketplace_oss_option_until = fields.Date(related="company_id.marketplace_oss_option_until")
    marketplace_oss_threshold_date = fields.Date(related="company_id.marketplace_oss_threshold_date")
    marketplace_distance_sales_current = fields.Float(related="company_id.marketplace_distance_sales_current")
    marketplace_distance_sales_previous = fields.Float(related="company_id.marketplace_distance_sales_previous")
    marketplace_vies_wsdl_url = fields.Char(related="company_id.marketplace_vies_wsdl_url", readonly=False)
    marketplace_vies_use_requester = fields.Boolean(
        related="company_id.marketplace_vies_use_requester", readonly=False)
    marketplace_vies_requester_vat = fields.Char(
        related="company_id.marketplace_vies_requester_vat", readonly=False)
    marketplace_vies_cache_hours = fields.Integer(related="company_id.marketplace_vies_cache_hours", readonly=False)
    marketplace_vies_protocol = fields.Selection(related="company_id.marketplace_vies_protocol", readonly=False)
    marketplace_vies_fallback = fields.Boolean(related="company_id.marketplace_vies_fallback", readonly=False)
    marketplace_vies_rest_url = fields.Char(related="company_id.marketplace_vies_rest_url", readonly=False)

    def action_marketplace_vat_setup(self):
        self.company_id.action_marketplace_vat_setup()
        return True

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    marketplace_pa_url = fields.Char(
        "Approved platform API", help="Address of the approved e-invoicing platform (PA) the company chose. "
                                      "Empty: Factur-X invoices and e-reporting files are produced, not sent.")
    marketplace_pa_token = fields.Char("Approved platform token", groups="base.group_system", copy=False)
    marketplace_pa_timeout = fields.Integer("Approved platform timeout (s)", default=20)

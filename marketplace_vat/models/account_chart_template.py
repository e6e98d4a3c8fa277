from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        """French companies get their marketplace fiscal positions as soon as their chart is loaded."""
        result = super()._load(template_code, company, install_demo, force_create=force_create)
        company = company if hasattr(company, "_marketplace_vat_setup") else self.env["res.company"].browse(company)
        if company.account_fiscal_country_id.code == "FR":
            company._marketplace_vat_setup()
        return result

"""Import pipeline: a business order's company is the buyer, even when the marketplace's customer
id is bound to a person (its earlier private orders), so the invoice carries the company and its VAT."""
from odoo import models


class MarketplaceOrderImporterBusiness(models.AbstractModel):
    _inherit = "marketplace.order.importer"

    def _find_buyer(self, channel, order, run):
        partner = super()._find_buyer(channel, order, run)
        if self._is_company_order(order) and not partner.is_company:
            return self._find_or_create_company(channel, order, run)
        if self._is_company_order(order) and order.billing.vat and not partner.marketplace_vat:
            partner.marketplace_vat = order.billing.vat
        return partner

    @staticmethod
    def _is_company_order(order):
        return bool(order.is_business and order.billing.company_name)

    def _find_or_create_company(self, channel, order, run):
        """The company of a business order: same VAT number, else same name and zip, else new."""
        billing = order.billing
        domain = self._partner_domain(channel) + [("is_company", "=", True)]
        if billing.vat:
            company = self.env["res.partner"].search(domain + [("marketplace_vat", "=", billing.vat)], limit=1)
        else:
            company = self.env["res.partner"].search(
                domain + [("name", "=ilike", billing.company_name), ("zip", "=", billing.zip or False)], limit=1)
        return company or self._create_partner(channel, order, run)

from odoo import models
from odoo.exceptions import UserError


class MarketplaceVatMoveOss(models.AbstractModel):
    """Part of ``account.move`` (see ``account_move.py``)."""

    _name = "marketplace.vat.move.oss"
    _description = "Marketplace VAT: OSS lines of an invoice"

    def _marketplace_check_oss_taxes(self):
        """An OSS invoice is never posted with a home tax on a line: its destination rate was not derived
        (directive 2006/112/EC art. 33(a): the destination's VAT; art. 98: its rate for these goods)."""
        for move in self.filtered(lambda m: m.marketplace_vat_regime == "eu_b2c_oss" and m.is_sale_document()):
            lines = move._marketplace_oss_unmapped_lines()
            if lines:
                raise UserError(self.env._(
                    "Invoice %(invoice)s is an OSS distance sale to %(country)s, but these lines carry no %(country)s "
                    "tax: %(lines)s. Set the destination tax on them (or the product's VAT category), then post.",
                    invoice=move.name or move.ref or "-", country=move.fiscal_position_id.marketplace_country_id.name,
                    lines=", ".join(lines.mapped("name"))))

    def _marketplace_oss_unmapped_lines(self):
        self.ensure_one()
        country = self.fiscal_position_id.marketplace_country_id
        return self.invoice_line_ids.filtered(lambda line: line.display_type == "product" and line.tax_ids and any(
            tax.marketplace_oss_country_id != country for tax in line.tax_ids))

"""Invoice against the marketplace: VAT rate and amount per rate, total, adjustment split per tax group,
payment of the amount the marketplace says was paid (``vat/reconcile.py`` does the arithmetic; sources:
CGI ann. II art. 242 nonies A I and directive 2006/112/EC art. 226 for the rate and VAT per rate, art. 73
and 90 for an adjustment keeping its rate)."""
from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_compare

from ..vat.reconcile import LineView, adjustment_split, rate_differences, tax_differences


def _percent(value):
    return f"{value:g} %"


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    marketplace_tax = fields.Json(
        "Marketplace VAT", copy=False, readonly=True,
        help="What the marketplace stated for this line: rate (percent), VAT amount and amount on the order's "
             "tax basis, each empty when not stated.")

    def _marketplace_rate(self):
        """Our VAT rate of the line (percent taxes added up)."""
        return sum(tax.amount for tax in self.tax_id if tax.amount_type == "percent")


class SaleOrder(models.Model):
    # kept apart from the regime and invoicing policy of sale_order.py (another concern, another file)
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    marketplace_vat_mismatch = fields.Boolean(
        "VAT rates differ", copy=False, readonly=True,
        help="A VAT rate the marketplace states for a line is not this order's: its invoice will be held.")
    marketplace_paid_amount = fields.Monetary(
        "Amount paid (marketplace)", copy=False, readonly=True,
        help="What the buyer paid, VAT included, as the marketplace states it (or derived from its totals): the "
             "payment registered on the invoice.")

    # -- facts of both sides ---------------------------------------------------------------
    def _marketplace_line_views(self, invoice):
        """Each product line of ``invoice`` as we and the marketplace see it."""
        included = self.marketplace_prices_include_tax
        views = []
        for line in invoice.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            facts = line.sale_line_ids[:1].marketplace_tax
            rate = sum(tax.amount for tax in line.tax_ids if tax.amount_type == "percent")
            views.append(LineView(
                line.product_id.default_code or line.name, line.tax_ids, rate,
                line.price_total if included else line.price_subtotal, bool(facts),
                *((facts or {}).get(key) for key in ("rate", "base", "tax"))))
        return views

    @staticmethod
    def _marketplace_our_tax_by_rate(invoice):
        """Our VAT per rate, as posted in the tax lines (what the VAT return gets)."""
        sign = -1 if invoice.move_type == "out_invoice" else 1
        amounts = defaultdict(float)
        for line in invoice.line_ids.filtered(lambda aml: aml.display_type == "tax"):
            amounts[round(line.tax_line_id.amount, 2)] += sign * line.amount_currency
        return amounts

    # -- checks ----------------------------------------------------------------------------
    def _marketplace_rate_difference_text(self, differences):
        lines = [self.env._("%(line)s: marketplace %(theirs)s, Odoo %(ours)s", line=label, theirs=_percent(theirs),
                            ours=_percent(ours)) for label, theirs, ours in differences]
        return self.env._("VAT rate differs from the marketplace's: %s.", "; ".join(lines))

    def _marketplace_vat_problems(self, invoice):
        """Readable VAT differences of ``invoice`` with the marketplace (rates, then VAT per rate)."""
        views = self._marketplace_line_views(invoice)
        rates = rate_differences(views)
        if rates:
            return [self._marketplace_rate_difference_text(rates)]
        taxes = tax_differences(views, self._marketplace_our_tax_by_rate(invoice))
        if not taxes:
            return []
        return [self.env._("VAT at %(rate)s: marketplace %(theirs)s, Odoo %(ours)s.", rate=_percent(rate),
                           theirs=theirs, ours=ours) for rate, theirs, ours in taxes]

    def _marketplace_total_problem(self, invoice):
        gap = self._marketplace_invoice_total_gap(invoice) if self.marketplace_total else 0.0
        if not gap:
            return ""
        return self.env._("Invoice total %(ours)s differs from the marketplace total %(theirs)s by %(gap)s: "
                          "check the taxes and prices, fix the draft invoice, then post it.",
                          ours=invoice.amount_total, theirs=self.marketplace_total, gap=gap)

    # -- actions ---------------------------------------------------------------------------
    def _marketplace_reconcile_invoice(self, invoice):
        """Check the draft ``invoice`` against the marketplace, adjusting its total per tax group when the
        channel says so (never a rate); :return: ``(hold, message)``, ``hold`` False when it may be posted"""
        self.ensure_one()
        if rate_differences(self._marketplace_line_views(invoice)):
            return "vat_mismatch", "\n".join(self._marketplace_vat_problems(invoice))
        gap = self._marketplace_invoice_total_gap(invoice) if self.marketplace_total else 0.0
        if gap and self.marketplace_channel_id.totals_mismatch_policy == "adjust":
            parts = adjustment_split(gap, self._marketplace_line_views(invoice))
            invoice._marketplace_add_adjustment_lines(parts, self.marketplace_channel_id)
        problems = self._marketplace_vat_problems(invoice)
        if problems:
            return "vat_mismatch", "\n".join(problems)
        total = self._marketplace_total_problem(invoice)
        return ("total_mismatch", total) if total else (False, "")

    def _marketplace_hold_invoice(self, invoice, hold, message):
        """Keep ``invoice`` draft for an accountant, with the reason and an activity."""
        self.write({"marketplace_invoice_hold": hold, "marketplace_invoice_message": message})
        invoice.marketplace_hold_reason = message
        summary = (self.env._("Marketplace invoice VAT differs") if hold == "vat_mismatch"
                   else self.env._("Marketplace invoice total differs"))
        self.marketplace_channel_id._schedule_error_activity(summary, message, record=invoice)
        return invoice

    def _marketplace_pay_invoice(self, invoice, journal):
        """Register the amount the marketplace says was paid (the invoice's residual when not known)."""
        paid = self.marketplace_paid_amount
        rounding = invoice.currency_id.rounding or 0.01
        if paid and float_compare(paid, invoice.amount_residual, precision_rounding=rounding):
            invoice.message_post(body=self.env._(
                "The marketplace says %(paid)s was paid, the invoice is %(total)s: %(paid)s is registered.",
                paid=paid, total=invoice.amount_residual))
        return invoice._marketplace_register_payment(journal, amount=paid or None)

"""E-reporting extract of a period: sales outside e-invoicing per day, category and VAT rate, in EUR.

From the posted customer invoices and credit notes of the company dated in the period (credit notes
count negative). Per line: taxable amount (the invoice lines' untaxed amounts), VAT (the tax lines),
number of transactions (invoices and credit notes). Intra-EU B2B sales are listed invoice by invoice.
Reconciled with the ledger: the VAT of every sale of the period = e-reported + e-invoiced VAT, and the
OSS VAT of the extract = the VAT booked with the OSS destination taxes (``marketplace_oss_country_id``).
"""
import base64
import csv
import io
from collections import defaultdict

from odoo import fields, models

from ..einvoice.categories import CATEGORIES, EINVOICED, PER_INVOICE

CSV_HEADER = ["date", "category", "vat_rate", "taxable_amount_eur", "vat_eur", "transactions", "invoice"]


class MarketplaceEreporting(models.TransientModel):
    _name = "marketplace.ereporting"
    _description = "E-reporting extract"

    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    line_ids = fields.One2many("marketplace.ereporting.line", "report_id", readonly=True)
    vat_ledger = fields.Monetary("VAT on sales (ledger)", readonly=True)
    vat_einvoiced = fields.Monetary("VAT of e-invoiced sales", readonly=True)
    vat_reported = fields.Monetary("VAT in the extract", readonly=True)
    vat_gap = fields.Monetary("Unexplained VAT", readonly=True)
    oss_ledger = fields.Monetary("OSS VAT (ledger)", readonly=True)
    oss_reported = fields.Monetary("OSS VAT in the extract", readonly=True)
    oss_gap = fields.Monetary("Unexplained OSS VAT", readonly=True)

    def _moves(self):
        return self.env["account.move"].search([
            ("company_id", "=", self.company_id.id), ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", ">=", self.date_from), ("invoice_date", "<=", self.date_to)])

    @staticmethod
    def _line_rate(line):
        """VAT rate of an invoice line (percent taxes, summed) or of a tax line."""
        taxes = line.tax_line_id or line.tax_ids.flatten_taxes_hierarchy()
        return round(sum(taxes.filtered(lambda t: t.amount_type == "percent").mapped("amount")), 2)

    def _aggregate(self, moves):
        """:return: ``{(date, category, rate, move or None): [base, tax, set of move ids]}``, e-invoiced VAT"""
        groups = defaultdict(lambda: [0.0, 0.0, set()])
        einvoiced = 0.0
        for move in moves:
            category = move._marketplace_ereporting_category()
            for line in move.line_ids.filtered(lambda aml: aml.display_type in ("product", "tax")):
                amount = -line.balance  # company currency (EUR for a French company)
                if category == EINVOICED:
                    einvoiced += amount if line.display_type == "tax" else 0.0
                    continue
                key = (move.invoice_date, category, self._line_rate(line),
                       move.id if category in PER_INVOICE else None)
                groups[key][0 if line.display_type == "product" else 1] += amount
                groups[key][2].add(move.id)
        return groups, einvoiced

    def _ledger_vat(self, moves):
        lines = moves.line_ids.filtered(lambda aml: aml.display_type == "tax")
        oss_lines = lines.filtered(lambda aml: aml.tax_line_id.marketplace_oss_country_id)  # OSS taxes and twins
        return -sum(lines.mapped("balance")), -sum(oss_lines.mapped("balance"))

    def action_compute(self):
        """Compute the extract and its reconciliation, shown in the same form."""
        self.ensure_one()
        moves = self._moves()
        groups, einvoiced = self._aggregate(moves)
        self.line_ids.unlink()
        rounding = self.currency_id.round
        self.line_ids = [fields.Command.create({
            "date": day, "category": category, "rate": rate, "move_id": move_id,
            "base": rounding(base), "tax": rounding(tax), "count": len(ids)})
            for (day, category, rate, move_id), (base, tax, ids) in sorted(groups.items(), key=_sort_key)]
        vat_ledger, oss_ledger = self._ledger_vat(moves)
        reported = sum(self.line_ids.mapped("tax"))
        oss = sum(self.line_ids.filtered(lambda line: line.category == "b2c_oss").mapped("tax"))
        self.write({"vat_ledger": vat_ledger, "vat_einvoiced": einvoiced, "vat_reported": reported,
                    "vat_gap": rounding(vat_ledger - einvoiced - reported), "oss_ledger": oss_ledger,
                    "oss_reported": oss, "oss_gap": rounding(oss_ledger - oss)})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("E-reporting extract")}

    def action_open_lines(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("marketplace_einvoice.action_ereporting_line")
        action["domain"] = [("report_id", "=", self.id)]
        action["context"] = {"search_default_group_category": 1}
        return action

    def _csv(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for line in self.line_ids:
            writer.writerow([line.date.isoformat(), line.category, f"{line.rate:.2f}", f"{line.base:.2f}",
                             f"{line.tax:.2f}", line.count, line.move_id.name or ""])
        return buffer.getvalue().encode()

    def _csv_attachment(self):
        self.ensure_one()
        if not self.line_ids:
            self.action_compute()
        name = f"ereporting_{self.company_id.id}_{self.date_from}_{self.date_to}.csv"
        return self.env["ir.attachment"].create({
            "name": name, "datas": base64.b64encode(self._csv()), "mimetype": "text/csv",
            "res_model": self._name, "res_id": self.id})

    def action_export_csv(self):
        attachment = self._csv_attachment()
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def action_send_to_platform(self):
        """Hand the extract file to the company's approved platform."""
        attachment = self._csv_attachment()
        submission = self.env["marketplace.einvoice.submission"]._create_for_file(
            self.company_id, attachment.name, attachment)
        return submission._get_records_action()


def _sort_key(item):
    (day, category, rate, move_id), _values = item
    return day, category, rate, move_id or 0


class MarketplaceEreportingLine(models.TransientModel):
    _name = "marketplace.ereporting.line"
    _description = "E-reporting extract line"
    _order = "date, category, rate, id"

    report_id = fields.Many2one("marketplace.ereporting", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="report_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    rate = fields.Float("VAT rate (%)", readonly=True, aggregator=False)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True, help="Intra-EU B2B: one line per invoice.")
    base = fields.Monetary("Taxable amount", readonly=True)
    tax = fields.Monetary("VAT", readonly=True)
    count = fields.Integer("Transactions", readonly=True)

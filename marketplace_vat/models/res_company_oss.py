"""OSS of a company: dated destination taxes in its fiscal positions, the EUR 10,000 threshold, the option."""
import logging
from collections import defaultdict
from datetime import date, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..vat.rates import EU_MEMBER_STATES, category_periods, category_rate, change_dates, home_category, period_start
from ..vat.threshold import DISTANCE_SALES_THRESHOLD, ThresholdStatus, option_binding_until, threshold_status

_logger = logging.getLogger(__name__)
B2C_REGIMES = ("eu_b2c_home", "eu_b2c_oss")


class MarketplaceVatCompanyOss(models.AbstractModel):
    """Part of ``res.company`` (see ``res_company.py``)."""

    _name = "marketplace.vat.company.oss"
    _description = "Marketplace VAT: OSS of a company"

    marketplace_oss_option_date = fields.Date(
        "Destination taxation elected on",
        help="Date the company opted for destination VAT on its EU distance sales below the EUR 10,000 threshold "
             "(art. 59c(3) of directive 2006/112/EC; CGI art. 259 D). The option binds for two calendar years.")
    marketplace_oss_option_until = fields.Date(
        "Option binding until", compute="_compute_marketplace_oss_option_until")
    marketplace_oss_threshold_date = fields.Date(
        "EU distance-sales threshold exceeded on", readonly=True, copy=False,
        help="Date of the sale that made this year's intra-EU distance sales exceed EUR 10,000 (art. 59c(2)).")
    marketplace_distance_sales_current = fields.Float(
        "Distance sales this year (EUR)", compute="_compute_marketplace_distance_sales")
    marketplace_distance_sales_previous = fields.Float(
        "Distance sales last year (EUR)", compute="_compute_marketplace_distance_sales")

    @api.depends("marketplace_oss_option_date")
    def _compute_marketplace_oss_option_until(self):
        for company in self:
            company.marketplace_oss_option_until = option_binding_until(company.marketplace_oss_option_date)

    def _compute_marketplace_distance_sales(self):
        year = fields.Date.context_today(self).year
        for company in self:
            company.marketplace_distance_sales_current = company._marketplace_distance_sales(year)
            company.marketplace_distance_sales_previous = company._marketplace_distance_sales(year - 1)

    def write(self, vals):
        """Reached below every ``res.company.write`` override, before the values are written."""
        if "marketplace_oss_option_date" in vals:
            self._marketplace_check_option_change(fields.Date.to_date(vals["marketplace_oss_option_date"]))
        return super().write(vals)

    def _marketplace_check_option_change(self, new_date):
        """An option in force cannot be withdrawn or moved while it binds (art. 59c(3))."""
        today = fields.Date.context_today(self)
        for company in self:
            old = company.marketplace_oss_option_date
            if old and old != new_date and old <= today <= option_binding_until(old):
                raise UserError(self.env._(
                    "The option for destination taxation made on %(date)s binds the company until %(until)s "
                    "(art. 59c(3) of directive 2006/112/EC): it cannot be changed before.",
                    date=old, until=option_binding_until(old)))

    # -- dated OSS mappings ---------------------------------------------------------------
    def _marketplace_sync_oss_position(self, position, territory, domestic_taxes):
        """Map each home tax to the destination tax of its VAT category, one line per rate period.

        The rate is the one in force when the tax becomes chargeable (art. 63 and 93 of directive
        2006/112/EC): a line per period from the current one on (known future changes included),
        dated with ``marketplace_date_from``/``to``, so that orders dated before a change keep the
        old tax. Categories without a single destination rate get no line (the order is held).
        """
        today = fields.Date.context_today(self)
        home = self.account_fiscal_country_id.code
        for tax in domestic_taxes:
            category = home_category(home, tax.amount, today)
            if category:
                self._marketplace_sync_oss_lines(position, territory, tax, category, today)

    def _marketplace_sync_oss_lines(self, position, territory, source, category, today):
        first = period_start(territory, today)
        wanted = {}
        for valid_from, valid_to, rate in category_periods(territory, category, first):
            tax = self._marketplace_oss_tax(territory, rate) if rate is not None else None
            if tax and tax not in wanted:  # one line per (source, tax): a rate coming back is not re-dated
                wanted[tax] = (valid_from, valid_to)
        lines = position.tax_ids.filtered(lambda line: line.tax_src_id == source)
        older = lines.filtered(lambda line: line.tax_dest_id not in wanted)
        later = older.filtered(lambda line: line.marketplace_date_from and line.marketplace_date_from >= first)
        older -= later
        later.unlink()  # a change the rates no longer announce
        in_force = older.filtered(lambda line: not line.marketplace_date_to or line.marketplace_date_to >= first)
        if in_force:
            in_force.marketplace_date_to = first - timedelta(days=1)
        commands = []
        for tax, (valid_from, valid_to) in wanted.items():
            line = lines.filtered(lambda line, tax=tax: line.tax_dest_id == tax)
            keep_from = line.marketplace_date_from if line else (first if older else False)
            vals = {"marketplace_date_from": valid_from if valid_from > first else keep_from,
                    "marketplace_date_to": valid_to or False}
            if line:
                line.write(vals)
            else:
                commands.append(Command.create(dict(vals, tax_src_id=source.id, tax_dest_id=tax.id)))
        if commands:
            self.env["account.fiscal.position.tax"].flush_model()  # pending dest changes before the unique check
            position.tax_ids = commands

    def _marketplace_oss_mapping_problems(self):
        """Where an OSS mapping differs from the dated rates, today or at a known coming change.

        :return: list of texts (empty when every mapping follows the rates)
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        home = self.account_fiscal_country_id.code
        taxes = self._marketplace_domestic_sale_taxes()
        positions = self.env["account.fiscal.position"].search(
            [("company_id", "=", self.id), ("marketplace_vat_regime", "=", "eu_b2c_oss")])
        problems = []
        for position in positions:
            territory = position._marketplace_territory()
            for day in [today, *change_dates(territory, today)]:
                for tax in taxes:
                    category = home_category(home, tax.amount, today)
                    problem = category and self._marketplace_oss_mapping_problem(position, tax, category, day)
                    if problem:
                        problems.append(problem)
        return problems

    def _marketplace_oss_mapping_problem(self, position, tax, category, day):
        rate = category_rate(position._marketplace_territory(), category, day)
        mapped = position.with_context(marketplace_tax_date=day).map_tax(tax)
        oss = mapped.filtered(lambda t: t.marketplace_oss_country_id == position.marketplace_country_id)
        if (rate is None and not oss) or (rate is not None and len(mapped) == 1 and oss.amount == rate):
            return False
        expected = f"{rate:g}%" if rate is not None else self.env._("no OSS tax")
        return self.env._("%(position)s, %(tax)s on %(date)s: %(mapped)s instead of %(rate)s",
                          position=position.name, tax=tax.name, date=day,
                          mapped=", ".join(mapped.mapped("name")) or "-", rate=expected)

    @api.model
    def _cron_marketplace_check_oss_rates(self):
        """Scheduled check: OSS mappings and products' own rates that the dated rates make out of date.

        :return: ``{company: [problem texts]}`` of the companies with problems
        """
        companies = self.env["account.fiscal.position"].search(
            [("marketplace_vat_regime", "=", "eu_b2c_oss")]).company_id
        found = {}
        for company in companies:
            problems = company._marketplace_oss_mapping_problems()
            problems += self.env["marketplace.vat.product.rate"]._marketplace_stale_rates(company)
            if problems:
                found[company] = problems
                company._marketplace_report_oss_problems(problems)
        return found

    def _marketplace_report_oss_problems(self, problems):
        """An activity for the responsible of the company's first channel (a log line without channel)."""
        self.ensure_one()
        channel = self.env["marketplace.channel"].search([("company_id", "=", self.id)], limit=1)
        note = self.env._("The OSS taxes do not follow the VAT rates in force: %s. Press \"Create / complete "
                          "marketplace fiscal positions\" in the accounting settings, and check the products' rates.",
                          "; ".join(problems))
        if not channel:
            _logger.warning("Company %s: %s", self.id, note)
            return
        channel._schedule_error_activity(self.env._("Marketplace OSS rates out of date"), note)

    # -- EUR 10,000 threshold (art. 59c) --------------------------------------------------
    def _marketplace_distance_sales(self, year, until=None):
        """Intra-EU distance sales of goods of a calendar year (up to ``until``), EUR without VAT (art. 59c(1)(c))."""
        self.ensure_one()
        return self._marketplace_distance_sales_by_year(date(year, 1, 1), until or date(year, 12, 31)).get(year, 0.0)

    def _marketplace_distance_sales_by_year(self, date_from, date_to):
        """``{year: EUR}`` of the intra-EU distance sales of goods invoiced from ``date_from`` to ``date_to``.

        Posted customer invoices minus credit notes: the marketplace ones of an EU B2C regime, and
        the other ones delivered to another member state to a customer without VAT number (one query).
        """
        self.ensure_one()
        others = sorted(EU_MEMBER_STATES - {self.account_fiscal_country_id.code})
        domain = [("company_id", "=", self.id), ("state", "=", "posted"),
                  ("move_type", "in", ("out_invoice", "out_refund")),
                  ("invoice_date", ">=", date_from), ("invoice_date", "<=", date_to),
                  "|", ("marketplace_vat_regime", "in", B2C_REGIMES),
                  "&", "&", ("marketplace_vat_regime", "=", False),
                  ("partner_shipping_id.country_id.code", "in", others),
                  ("commercial_partner_id.vat", "in", (False, ""))]
        return self._marketplace_untaxed_eur(domain)

    def _marketplace_eur(self):
        """The euro, without the existence query of ``env.ref`` (one per call)."""
        return self.env["res.currency"].browse(self.env["ir.model.data"]._xmlid_to_res_id("base.EUR", True))

    def _marketplace_untaxed_eur(self, domain):
        """``{year: sum of the untaxed amounts (signed) in EUR}`` of the moves of ``domain``."""
        Move = self.env["account.move"].sudo()
        eur = self._marketplace_eur()
        if self.currency_id == eur:
            groups = Move._read_group(domain, ["invoice_date:year"], ["amount_untaxed_signed:sum"])
            return {day.year: amount or 0.0 for day, amount in groups if day}
        totals = defaultdict(float)
        for move in Move.search(domain):
            totals[move.invoice_date.year] += self.currency_id._convert(
                move.amount_untaxed_signed, eur, self, move.invoice_date)
        return totals

    def _marketplace_threshold_status(self, on_date, sale_value=0.0):
        """:class:`~..vat.threshold.ThresholdStatus` of a distance sale of ``sale_value`` EUR on ``on_date``."""
        self.ensure_one()
        option = self.marketplace_oss_option_date
        if option and option <= on_date:
            return threshold_status(on_date, 0.0, 0.0, option_date=option)
        crossed = self.marketplace_oss_threshold_date
        if crossed and crossed.year == on_date.year and crossed <= on_date:
            return ThresholdStatus(True, "current_year")  # exceeded earlier this year (orders not invoiced yet)
        sales = self._marketplace_distance_sales_by_year(date(on_date.year - 1, 1, 1), on_date)
        return threshold_status(on_date, sales.get(on_date.year - 1, 0.0), sales.get(on_date.year, 0.0), sale_value)

    def _marketplace_destination_taxation(self, on_date):
        """True when the company's distance sales of ``on_date`` are taxed at destination (OSS)."""
        self.ensure_one()
        return self._marketplace_threshold_status(on_date).destination

    def _marketplace_threshold_crossed(self, sale, on_date, value):
        """Record the day the threshold was exceeded and tell the channel's responsible (once a year)."""
        self.ensure_one()
        crossed = self.marketplace_oss_threshold_date
        if crossed and crossed.year == on_date.year:
            return
        self.sudo().marketplace_oss_threshold_date = on_date  # the importing user may not write companies
        total = self._marketplace_distance_sales(on_date.year, until=on_date) + value
        sale.marketplace_channel_id._schedule_error_activity(
            self.env._("EU distance-sales threshold exceeded"),
            self.env._("Intra-EU distance sales of %(year)s reach %(total).2f EUR with order %(order)s, above the "
                       "%(limit).0f EUR threshold (art. 59c of directive 2006/112/EC): this order and the next ones "
                       "are taxed in the destination country, to be declared through OSS.",
                       year=on_date.year, total=total, order=sale.name, limit=DISTANCE_SALES_THRESHOLD),
            record=sale)

"""Company settings of the marketplace VAT rules and the fiscal positions they rely on."""
import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from marketplace_transport.vies import DEFAULT_WSDL
from marketplace_transport.vies_rest import DEFAULT_REST_URL

from ..vat.rates import EU_MEMBER_STATES
from ..vat.territories import NORTHERN_IRELAND, territory_country

_logger = logging.getLogger(__name__)

# Zero-rated sale taxes of the French chart reused by the setup; other charts get our own 0% taxes.
CHART_ZERO_TAXES = {
    "intra_eu_b2b": "tva_sale_good_intra_0",
    "export": "tva_sale_good_export_0",
    "deemed_supplier": "tva_sale_good_0",
}
ZERO_TAX_NAMES = {
    "intra_eu_b2b": "0% Intra-EU supply (marketplace)",
    "export": "0% Export (marketplace)",
    "deemed_supplier": "0% Platform-collected VAT (marketplace)",
}
OSS_BASE_TAG = "E3"  # French VAT return box of distance sales taxable in another member state


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "marketplace.vat.company.oss"]

    marketplace_vies_wsdl_url = fields.Char("VIES WSDL", default=DEFAULT_WSDL)
    marketplace_vies_use_requester = fields.Boolean(
        "Ask for a consultation number", default=True,
        help="Send our own VAT number with each check (checkVatApprox) to get the VIES consultation number.")
    marketplace_vies_requester_vat = fields.Char(
        "Requester VAT number", compute="_compute_marketplace_vies_requester_vat", store=True, readonly=False)
    marketplace_vies_timeout = fields.Integer("VIES timeout (s)", default=10)
    marketplace_vies_cache_hours = fields.Integer(
        "Reuse VIES answers for (h)", default=24, help="0: check on every order.")

    @api.depends("vat")
    def _compute_marketplace_vies_requester_vat(self):
        for company in self:
            if not company.marketplace_vies_requester_vat:
                company.marketplace_vies_requester_vat = company.vat

    # -- VIES protocol, French invoice mentions (issue 19 items 8 and 6; printed by account_move.py)
    marketplace_vies_protocol = fields.Selection(
        [("soap", "SOAP (checkVatService)"), ("rest", "REST API")], "VIES protocol", default="soap", required=True,
        help="The VIES service asked first. Both give the consultation number when our VAT number is sent.")
    marketplace_vies_fallback = fields.Boolean(
        "Fall back to the other protocol", default=True,
        help="When the service asked first is down (unreachable, HTTP error, SERVICE_UNAVAILABLE), ask the other "
             "one. A member state's outage is the same for both and is not asked twice.")
    marketplace_vies_rest_url = fields.Char("VIES REST API", default=DEFAULT_REST_URL)
    marketplace_legal_form = fields.Char(
        "Legal form", help="SAS, SARL, SA...: printed on invoices with the share capital (Code de commerce L224-1, "
                           "L227-1, R223-3).")
    marketplace_share_capital = fields.Monetary("Share capital", currency_field="currency_id")
    marketplace_rcs_city = fields.Char(
        "RCS city", help="City of the commercial court registry (greffe) the company is registered with, printed "
                         "as 'RCS <city>' after the SIREN (Code de commerce R123-237).")
    marketplace_late_penalty_rate = fields.Float(
        "Late-payment penalty rate (%/year)", digits=(5, 2),
        help="Printed on business invoices (Code de commerce L441-9, L441-10). 0: the legal default, the "
             "European Central Bank's latest refinancing rate plus 10 points.")

    # -- fiscal positions ----------------------------------------------------------------
    def action_marketplace_vat_setup(self):
        """Button: create or complete the marketplace fiscal positions and taxes."""
        self._marketplace_vat_setup()
        return True

    def _marketplace_vat_setup(self):
        """Create or complete, per company, the fiscal positions of every VAT regime.

        Idempotent: existing positions, mappings and taxes are kept, missing ones are added; OSS
        mappings follow the dated rates (:meth:`_marketplace_sync_oss_position`).
        """
        for company in self:
            if not company.chart_template:
                raise UserError(self.env._("Company %s has no chart of accounts: install one first.", company.name))
            company = company.with_company(company)
            home = company.account_fiscal_country_id
            if home.code not in EU_MEMBER_STATES:
                _logger.info("Company %s is not established in the EU: no marketplace VAT positions", company.id)
                continue
            domestic_taxes = company._marketplace_domestic_sale_taxes()
            company._marketplace_fiscal_position("domestic")
            company._marketplace_fiscal_position("eu_b2c_home")
            for regime in ("intra_eu_b2b", "export", "deemed_supplier"):
                zero = company._marketplace_zero_tax(regime)
                company._marketplace_fiscal_position(regime, mapping={tax: zero for tax in domestic_taxes})
            for code in sorted(EU_MEMBER_STATES - {home.code}):
                company._marketplace_oss_position(code, domestic_taxes)

    def _marketplace_oss_position(self, territory, domestic_taxes=None):
        """The OSS position of a destination territory (``DE``, ``XI``...), its dated mappings synced."""
        self.ensure_one()
        country = self.env["res.country"].search([("code", "=", territory_country(territory))], limit=1)
        position = self._marketplace_fiscal_position("eu_b2c_oss", country=country)
        if domestic_taxes is None:
            domestic_taxes = self._marketplace_domestic_sale_taxes()
        self._marketplace_sync_oss_position(position, territory, domestic_taxes)
        return position

    def _marketplace_domestic_sale_taxes(self):
        """Positive percent sale taxes of the company's own country (what products carry)."""
        self.ensure_one()
        taxes = self.env["account.tax"].with_context(active_test=False).search([
            *self.env["account.tax"]._check_company_domain(self),
            ("type_tax_use", "=", "sale"), ("amount_type", "=", "percent"), ("amount", ">", 0),
            ("country_id", "=", self.account_fiscal_country_id.id), ("marketplace_oss_country_id", "=", False),
        ])
        oss_groups = self.env["ir.model.data"].search([
            ("module", "=", "account"), ("model", "=", "account.tax.group"), ("name", "ilike", "oss_tax_group")])
        return taxes.filtered(lambda t: t.tax_group_id.id not in oss_groups.mapped("res_id"))

    def _marketplace_fiscal_position(self, regime, country=None, mapping=None):
        """Find or create the position of ``regime`` (and ``country`` for OSS), then add missing mappings."""
        self.ensure_one()
        Position = self.env["account.fiscal.position"].with_context(active_test=False)
        position = Position.search([
            ("company_id", "=", self.id), ("marketplace_vat_regime", "=", regime),
            ("marketplace_country_id", "=", country.id if country else False)], limit=1)
        if not position:
            position = Position.with_context(lang="en_US").create({
                "name": self.with_context(lang="en_US")._marketplace_fiscal_position_name(regime, country),
                "company_id": self.id, "auto_apply": False, "sequence": 90,
                "marketplace_vat_regime": regime, "marketplace_country_id": country.id if country else False,
            })
            for lang, _name in self.env["res.lang"].get_installed():
                if lang != "en_US":
                    position.with_context(lang=lang).name = self.with_context(
                        lang=lang)._marketplace_fiscal_position_name(regime, country)
        mapped = position.tax_ids.tax_src_id
        new_lines = [Command.create({"tax_src_id": src.id, "tax_dest_id": dest.id})
                     for src, dest in (mapping or {}).items() if src not in mapped]
        if new_lines:
            position.tax_ids = new_lines
        return position

    def _marketplace_fiscal_position_name(self, regime, country=None):
        """Name of a regime's fiscal position in the environment's language."""
        if country and country.code == territory_country(NORTHERN_IRELAND):
            return self.env._("Marketplace: OSS B2C Northern Ireland")
        if country:
            return self.env._("Marketplace: OSS B2C %s", country.with_env(self.env).name)
        return {
            "domestic": self.env._("Marketplace: domestic"),
            "intra_eu_b2b": self.env._("Marketplace: intra-EU B2B (reverse charge)"),
            "eu_b2c_home": self.env._("Marketplace: EU B2C below threshold (home VAT)"),
            "export": self.env._("Marketplace: export / overseas departments"),
            "deemed_supplier": self.env._("Marketplace: platform deemed supplier"),
        }[regime]

    def _marketplace_zero_tax(self, regime):
        """The 0% sale tax of an exempt regime: the chart's one when it exists, else ours."""
        self.ensure_one()
        chart = self.env["account.chart.template"].with_company(self)
        tax = chart.ref(CHART_ZERO_TAXES[regime], raise_if_not_found=False)
        if tax:
            return tax
        Tax = self.env["account.tax"].with_context(active_test=False)
        name = ZERO_TAX_NAMES[regime]
        tax = Tax.search([*Tax._check_company_domain(self), ("name", "=", name), ("type_tax_use", "=", "sale")],
                         limit=1)
        return tax or Tax.create({
            "name": name, "amount": 0.0, "amount_type": "percent", "type_tax_use": "sale", "company_id": self.id,
            "country_id": self.account_fiscal_country_id.id, "tax_group_id": self._marketplace_tax_group(0.0).id,
            "invoice_label": "0%",
        })

    def _marketplace_tax_group(self, rate, oss=False):
        self.ensure_one()
        Group = self.env["account.tax.group"]
        name = f"OSS {rate:g}%" if oss else f"VAT {rate:g}%"
        group = Group.search([*Group._check_company_domain(self), ("name", "=", name)], limit=1)
        if group:
            return group
        model = Group.search([*Group._check_company_domain(self), ("tax_payable_account_id", "!=", False)], limit=1)
        return Group.create({
            "name": name, "company_id": self.id, "country_id": self.account_fiscal_country_id.id,
            "tax_payable_account_id": model.tax_payable_account_id.id,
            "tax_receivable_account_id": model.tax_receivable_account_id.id,
        })

    def _marketplace_oss_tax(self, territory, rate):
        """Sale tax of a destination territory at ``rate`` (created with its tax group, account and tags)."""
        self.ensure_one()
        country = self.env["res.country"].search([("code", "=", territory_country(territory))], limit=1)
        Tax = self.env["account.tax"].with_context(active_test=False)
        tax = Tax.search([*Tax._check_company_domain(self), ("marketplace_oss_country_id", "=", country.id),
                          ("amount", "=", rate), ("type_tax_use", "=", "sale")], order="id").filtered(
            lambda t: not t.price_include)[:1]  # not the tax-included twins the importer derives
        if tax:
            return tax
        account = self._marketplace_oss_account()
        base_tags = self.env["account.account.tag"]._get_tax_tags(OSS_BASE_TAG, self.account_fiscal_country_id.id)
        lines = {}
        for document_type in ("invoice", "refund"):
            negate = document_type == "refund"
            tags = base_tags.filtered(lambda t, negate=negate: t.tax_negate == negate)
            lines[document_type] = [
                Command.create({"document_type": document_type, "repartition_type": "base",
                                "tag_ids": [Command.set(tags.ids)]}),
                Command.create({"document_type": document_type, "repartition_type": "tax",
                                "account_id": account.id if account else False}),
            ]
        return Tax.create({
            "name": f"{rate:g}% {territory} {country.vat_label or 'VAT'} (OSS)",
            "description": f"{rate:g}%",
            "invoice_label": f"{country.vat_label or 'VAT'} {territory} {rate:g}%",
            "amount": rate, "amount_type": "percent", "type_tax_use": "sale", "sequence": 1000,
            "company_id": self.id, "country_id": self.account_fiscal_country_id.id,
            "tax_group_id": self._marketplace_tax_group(rate, oss=True).id,
            "marketplace_oss_country_id": country.id,
            "invoice_repartition_line_ids": lines["invoice"],
            "refund_repartition_line_ids": lines["refund"],
        })

    def _marketplace_oss_account(self):
        """A dedicated 'VAT collected OSS' account next to the domestic collected VAT account."""
        self.ensure_one()
        Account = self.env["account.account"].with_company(self)
        name = self.env._("VAT collected OSS (marketplace)")
        account = Account.search([*Account._check_company_domain(self), ("name", "=", name)], limit=1)
        if account:
            return account
        home_tax = self._marketplace_domestic_sale_taxes()[:1]
        model = home_tax.invoice_repartition_line_ids.filtered(lambda rep: rep.repartition_type == "tax").account_id[:1]
        if not model:
            return Account
        return Account.create({
            "name": name, "code": Account._search_new_account_code(model.code),
            "account_type": model.account_type, "company_ids": [Command.link(self.id)],
        })

    def _marketplace_fiscal_position_for(self, regime, country_code=""):
        """Position of a regime decision (set up on the fly when missing; ``country_code``: OSS territory)."""
        self.ensure_one()
        domain = [("company_id", "=", self.id), ("marketplace_vat_regime", "=", regime)]
        if regime == "eu_b2c_oss":
            domain.append(("marketplace_country_id.code", "=", territory_country(country_code)))
        position = self.env["account.fiscal.position"].search(domain, limit=1)
        if position or not self.chart_template:
            return position
        if regime == "eu_b2c_oss":
            return self._marketplace_oss_position(country_code)
        self._marketplace_vat_setup()
        return self.env["account.fiscal.position"].search(domain, limit=1)

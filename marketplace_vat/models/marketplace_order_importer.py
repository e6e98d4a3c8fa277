"""VAT hooks of the import pipeline: regime, fiscal position, line taxes, VIES check, threshold, invoice."""
import logging
from dataclasses import replace

from odoo import api, fields, models

from ..vat.rates import EU_MEMBER_STATES
from ..vat.regime import Regime, RegimeInput, VatStatus, decide_regime

_logger = logging.getLogger(__name__)

VAT_STATUS_BY_CHECK = {
    "valid": VatStatus.VALID,
    "invalid": VatStatus.INVALID,
    "invalid_input": VatStatus.INVALID,
    "unavailable": VatStatus.PENDING,
}
CHECK_STATE_BY_VIES = {"valid": "valid", "invalid": "invalid", "invalid_input": "invalid_input",
                       "unavailable": "pending"}


class MarketplaceOrderImporter(models.AbstractModel):
    _inherit = "marketplace.order.importer"

    def _prepare_order_vals(self, channel, order, partner, invoice_address, shipping_address, run):
        vals = super()._prepare_order_vals(channel, order, partner, invoice_address, shipping_address, run)
        vals.update(self._prepare_vat_vals(channel, order, partner, run))
        return vals

    def _prepare_vat_vals(self, channel, order, partner, run):
        """Regime, fiscal position and VIES state of a new order (EU-established companies only).

        :param run: the import run (memoizes the fiscal positions)
        :return: dict of ``sale.order`` values (empty outside the EU)
        """
        company = channel.company_id
        if not self._vat_applies(channel):
            return {}
        buyer_vat = order.billing.vat or order.shipping.vat
        is_business = bool(order.is_business or buyer_vat)
        check = self._check_buyer_vat(channel, order, partner, buyer_vat, run)
        value = self._consignment_value(channel, order, run)
        vals = {
            "marketplace_buyer_vat": buyer_vat or False,
            "marketplace_is_business": is_business,
            "marketplace_prices_include_tax": self._prices_include_tax(channel, order),
            "marketplace_consignment_value": value,
            "marketplace_vat_check_id": check.id if check else False,
            "marketplace_vat_check_state": CHECK_STATE_BY_VIES[check.state] if check else (
                "not_needed" if buyer_vat else "none"),
        }
        decision = self._decide_regime(channel, self._ship_facts(order.shipping), check, is_business, value,
                                       buyer_vat_country=(buyer_vat or "")[:2], on_date=self._order_date(order))
        position = self._regime_fiscal_position(company, decision, run)
        vals.update({
            "marketplace_vat_regime": decision.regime.value,
            "marketplace_vat_reason": self.env["sale.order"]._marketplace_regime_reason(decision),
            "fiscal_position_id": position.id,
        })
        return vals

    @api.model
    def _ship_facts(self, address):
        """``(country, zip, state)`` of a normalized address or a partner."""
        if isinstance(address, models.BaseModel):
            return address.country_id.code or "", address.zip or "", address.state_id.code or ""
        return address.country_code, address.zip or "", address.state_code or ""

    def _order_date(self, order):
        """Date of the order (when its VAT becomes chargeable, for the rates and the threshold)."""
        return self._naive(order.created_at).date() if order.created_at else fields.Date.context_today(self)

    def _consignment_value(self, channel, order, run):
        """Intrinsic value of the goods in EUR, without VAT nor transport (art. 14a(1); Reg. 2019/2026 art. 5a)."""
        included = self._prices_include_tax(channel, order)
        total = 0.0
        for line in order.lines:
            amount = line.unit_price * line.quantity - line.discount_amount
            if included and line.tax_rate:
                amount /= 1 + line.tax_rate / 100
            total += amount
        currency = self._find_currency(order.currency, run) if order.currency else channel.company_id.currency_id
        eur = channel.company_id._marketplace_eur()
        if not currency or currency == eur:
            return total
        return currency._convert(total, eur, channel.company_id, self._order_date(order))

    def _regime_fiscal_position(self, company, decision, run):
        """The company's position for a regime decision (memoized per import run)."""
        cache = run.memo("regime_positions")
        key = (company.id, decision.regime.value, decision.tax_country)
        if key in cache:
            return self.env["account.fiscal.position"].browse(cache[key])
        position = company._marketplace_fiscal_position_for(decision.regime.value, decision.tax_country)
        if position:
            cache[key] = position.id
        return position

    @api.model
    def _decide_regime(self, channel, ship, check, is_business, goods_value, buyer_vat_country="", on_date=None,
                       warehouse=None, with_threshold=True):
        """Pure decision (``vat/regime.py``) fed with the channel's and company's settings.

        :param ship: ``(country, zip, state)`` of the ship-to
        :param warehouse: where the goods leave from (default: the channel's)
        :param with_threshold: False to skip the threshold (a preview that only needs the kind of sale)
        """
        company = channel.company_id
        on_date = on_date or fields.Date.context_today(self)
        dispatch = (warehouse or channel.warehouse_id).partner_id.country_id.code
        status = VAT_STATUS_BY_CHECK[check.state] if check else VatStatus.NONE
        data = RegimeInput(
            company_country=company.account_fiscal_country_id.code or company.country_id.code,
            ship_country=ship[0], ship_zip=ship[1], ship_state=ship[2], vat_status=status, is_business=is_business,
            deemed_supplier_channel=channel.deemed_supplier, consignment_value=goods_value,
            buyer_vat_country=(check.country_code if check else "") or buyer_vat_country,
            dispatch_country=dispatch or "")
        decision = decide_regime(data)
        if with_threshold and decision.regime == Regime.EU_B2C_HOME and company._marketplace_destination_taxation(
                on_date):
            decision = decide_regime(replace(data, above_oss_threshold=True))
        return decision

    def _vat_check_needed(self, channel, order, buyer_vat):
        """VIES is only asked when a valid number would change the regime: EU ship-to, another country."""
        if not buyer_vat:
            return False
        preview = self._decide_regime(channel, self._ship_facts(order.shipping), None, True, 0.0,
                                      with_threshold=False)
        return preview.regime.value in ("eu_b2c_home", "eu_b2c_oss")

    @api.model
    def _vat_applies(self, channel):
        """VAT regimes are decided for EU-established companies only."""
        company = channel.company_id
        return (company.account_fiscal_country_id.code or company.country_id.code) in EU_MEMBER_STATES

    # -- line taxes -------------------------------------------------------------------------
    def _line_taxes(self, channel, order, fiscal_position, product, run):
        if not self._vat_applies(channel):
            return super()._line_taxes(channel, order, fiscal_position, product, run)
        return self._marketplace_line_taxes(channel.company_id, fiscal_position, product, self._order_date(order),
                                            self._prices_include_tax(channel, order), run)

    @api.model
    def _marketplace_line_taxes(self, company, position, product, on_date, included, run=None):
        """Product taxes through the position on ``on_date``; an OSS line gets the destination rate of the
        product (:meth:`product.template._marketplace_oss_rate`); price-included twins when ``included``.

        An OSS line whose rate cannot be derived keeps its home taxes: the order's invoice is then held.
        """
        source = product.taxes_id.filtered(lambda t: t.company_id == company)
        taxes = position.with_context(marketplace_tax_date=on_date).map_tax(source)
        if position.marketplace_vat_regime == "eu_b2c_oss" and source:
            taxes = self._marketplace_oss_taxes(company, position, product, source, taxes, on_date)
        if included:
            taxes = self.env["account.tax"].browse([self._included_twin(tax, run).id for tax in taxes])
        return taxes

    def _marketplace_oss_taxes(self, company, position, product, source, mapped, on_date):
        territory = position._marketplace_territory()
        rate = product.product_tmpl_id._marketplace_oss_rate(company, territory, on_date)
        if rate is None:
            return source
        if len(mapped) == 1 and mapped.marketplace_oss_country_id == position.marketplace_country_id \
                and mapped.amount == rate:
            return mapped
        return company._marketplace_oss_tax(territory, rate)

    def _find_included_twin(self, tax):
        """OSS taxes of two destinations may share a rate and a group (DE and CY 19 %): same destination only."""
        if not tax.marketplace_oss_country_id:
            return super()._find_included_twin(tax)
        return self.env["account.tax"].with_context(active_test=False).search([
            ("company_id", "=", tax.company_id.id), ("type_tax_use", "=", tax.type_tax_use),
            ("amount_type", "=", "percent"), ("amount", "=", tax.amount),
            ("price_include_override", "=", "tax_included"),
            ("marketplace_oss_country_id", "=", tax.marketplace_oss_country_id.id)], limit=1)

    # -- VIES -------------------------------------------------------------------------------
    def _check_buyer_vat(self, channel, order, partner, buyer_vat, run=None):
        """VIES answer for the buyer's number: the one asked before the page (see
        :meth:`_precheck_buyer_vat`), else the cached one (``None`` when no check is needed)."""
        if not self._vat_check_needed(channel, order, buyer_vat):
            return None
        Check = self.env["marketplace.vat.check"].sudo()
        asked = run.memo("vat_checks").get(Check._normalize(buyer_vat)) if run else None
        check = Check.browse(asked) if asked else Check._get_check(buyer_vat, channel.company_id)
        partner.commercial_partner_id._marketplace_apply_vat_check(check)
        return check

    def _precheck_buyer_vat(self, channel, order, run):
        """Ask VIES about the buyer's number before the page's savepoints, so that the answer (and
        its consultation number) outlives a rolled-back page; kept in ``run.memo("vat_checks")``."""
        buyer_vat = order.billing.vat or order.shipping.vat
        if not self._vat_applies(channel) or not self._vat_check_needed(channel, order, buyer_vat):
            return
        Check = self.env["marketplace.vat.check"].sudo()
        asked = run.memo("vat_checks")
        number = Check._normalize(buyer_vat)
        if number in asked:
            return
        try:
            with self.env.cr.savepoint():
                asked[number] = Check._get_check(buyer_vat, channel.company_id).id
        except Exception:  # noqa: BLE001 - the order asks again in its own import
            _logger.info("VIES check of %s before the page failed", number, exc_info=True)

    # -- hooks ------------------------------------------------------------------------------
    def _after_create(self, sale, order):
        if sale.marketplace_vat_regime == "eu_b2c_home":
            sale._marketplace_check_threshold()
        result = super()._after_create(sale, order)
        sale._marketplace_post_vat_note()
        return result

    def _after_import(self, sale, order):
        result = super()._after_import(sale, order)
        sale._marketplace_invoice_if_due()
        return result

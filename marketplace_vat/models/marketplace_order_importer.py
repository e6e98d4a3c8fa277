"""VAT hooks of the import pipeline: regime, fiscal position, VIES check, invoice."""
import logging

from odoo import api, models

from ..vat.rates import EU_MEMBER_STATES
from ..vat.regime import RegimeInput, VatStatus, decide_regime

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
        goods_value = sum(line.unit_price * line.quantity - line.discount_amount for line in order.lines)
        vals = {
            "marketplace_buyer_vat": buyer_vat or False,
            "marketplace_is_business": is_business,
            "marketplace_prices_include_tax": self._prices_include_tax(channel, order),
            "marketplace_consignment_value": goods_value,
            "marketplace_vat_check_id": check.id if check else False,
            "marketplace_vat_check_state": CHECK_STATE_BY_VIES[check.state] if check else (
                "not_needed" if buyer_vat else "none"),
        }
        decision = self._decide_regime(channel, order.shipping.country_code, order.shipping.zip, check,
                                       is_business, goods_value, buyer_vat_country=(buyer_vat or "")[:2])
        position = self._regime_fiscal_position(company, decision, run)
        vals.update({
            "marketplace_vat_regime": decision.regime.value,
            "marketplace_vat_reason": self.env["sale.order"]._marketplace_regime_reason(decision),
            "fiscal_position_id": position.id,
        })
        return vals

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
    def _decide_regime(self, channel, ship_country, ship_zip, check, is_business, goods_value,
                       buyer_vat_country=""):
        """Pure decision (``vat/regime.py``) fed with the channel's and company's settings."""
        company = channel.company_id
        status = VAT_STATUS_BY_CHECK[check.state] if check else VatStatus.NONE
        return decide_regime(RegimeInput(
            company_country=company.account_fiscal_country_id.code or company.country_id.code,
            ship_country=ship_country, ship_zip=ship_zip or "", vat_status=status, is_business=is_business,
            above_oss_threshold=company.marketplace_above_oss_threshold,
            deemed_supplier_channel=channel.deemed_supplier, consignment_value=goods_value,
            buyer_vat_country=(check.country_code if check else "") or buyer_vat_country))

    def _vat_check_needed(self, channel, order, buyer_vat):
        """VIES is only asked when a valid number would change the regime: EU ship-to, another country."""
        if not buyer_vat:
            return False
        preview = self._decide_regime(channel, order.shipping.country_code, order.shipping.zip, None, True, 0.0)
        return preview.regime.value in ("eu_b2c_home", "eu_b2c_oss")

    @api.model
    def _vat_applies(self, channel):
        """VAT regimes are decided for EU-established companies only."""
        company = channel.company_id
        return (company.account_fiscal_country_id.code or company.country_id.code) in EU_MEMBER_STATES

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

    def _after_create(self, sale, order):
        result = super()._after_create(sale, order)
        sale._marketplace_post_vat_note()
        return result

    def _after_import(self, sale, order):
        result = super()._after_import(sale, order)
        sale._marketplace_invoice_if_due()
        return result

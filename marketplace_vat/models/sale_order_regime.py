"""VAT regime of a marketplace order: reason, re-decision, taxes, OSS lines, the distance-sales threshold."""
from odoo import api, fields, models


class MarketplaceVatSaleRegime(models.AbstractModel):
    """Part of ``sale.order`` (see ``sale_order.py``)."""

    _name = "marketplace.vat.sale.regime"
    _description = "Marketplace VAT: regime of an order"

    def _marketplace_redecide(self):
        """Regime decision from the order's stored facts and its current VIES check."""
        self.ensure_one()
        importer = self.env["marketplace.order.importer"]
        return importer._decide_regime(
            self.marketplace_channel_id, importer._ship_facts(self._marketplace_ship_address()),
            self.marketplace_vat_check_id, self.marketplace_is_business, self.marketplace_consignment_value,
            buyer_vat_country=(self.marketplace_buyer_vat or "")[:2], on_date=self._marketplace_tax_date(),
            warehouse=self.warehouse_id)

    def _marketplace_tax_date(self):
        self.ensure_one()
        return fields.Date.to_date(self.date_order) or fields.Date.context_today(self)

    @api.model
    def _marketplace_regime_reason(self, decision):
        """Why the regime applies, in the user's language (``vat/regime.py`` REASONS)."""
        args = dict(decision.reason_args)
        if args.get("why"):
            args["why"] = self._marketplace_b2c_why_texts()[args["why"]]
        text = self._marketplace_reason_texts().get(decision.reason_code)
        return text % args if text else decision.reason

    @api.model
    def _marketplace_b2c_why_texts(self):
        return {
            "pending": self.env._("VAT number check pending, taxed as a consumer meanwhile"),
            "invalid": self.env._("VAT number not valid, taxed as a consumer"),
            "consumer": self.env._("consumer"),
        }

    @api.model
    def _marketplace_reason_texts(self):
        return {
            "export_dom": self.env._(
                "Ship-to %(dest)s is a French overseas department, outside the EU VAT territory: export."),
            "export_territory": self.env._(
                "Ship-to %(dest)s is outside the EU VAT area (art. 6 of directive 2006/112/EC): exempt export."),
            "export": self.env._("Ship-to %(dest)s is outside the EU VAT territory: exempt export."),
            "deemed_supplier": self.env._(
                "Imported consignment of %(value)s EUR (at most %(limit)s) sold through a deemed-supplier "
                "platform: the platform collects the VAT."),
            "deemed_supplier_non_eu": self.env._(
                "Seller established outside the EU, goods sold in the EU through a deemed-supplier platform: the "
                "platform collects the VAT."),
            "domestic": self.env._("Ship-to %(dest)s: domestic supply."),
            "domestic_home_vat": self.env._(
                "Buyer identified for VAT in %(home)s, goods shipped to %(dest)s: neither an exempt intra-Community "
                "supply nor a distance sale, %(home)s VAT applies."),
            "intra_eu_b2b": self.env._(
                "Business buyer with a VIES-valid VAT number, goods leave %(home)s for %(dest)s: exempt "
                "intra-Community supply, reverse charge."),
            "eu_b2c_oss": self.env._(
                "Distance sale to %(dest)s (%(why)s) above the EU threshold: destination VAT through OSS."),
            "eu_b2c_home": self.env._("Distance sale to %(dest)s (%(why)s) within the EU threshold: %(home)s VAT."),
        }

    def _marketplace_apply_regime(self, decision):
        """Set the regime and its fiscal position; taxes are recomputed while nothing is invoiced."""
        self.ensure_one()
        position = self.company_id._marketplace_fiscal_position_for(decision.regime.value, decision.tax_country)
        posted = self.invoice_ids.filtered(lambda m: m.state == "posted")
        vals = {"marketplace_vat_regime": decision.regime.value,
                "marketplace_vat_reason": self._marketplace_regime_reason(decision)}
        if posted:
            label = dict(self._fields["marketplace_vat_regime"]._description_selection(self.env)).get(
                decision.regime.value, decision.regime.value)
            self.message_post(body=self.env._("The VAT regime would now be %s, but the order is already invoiced: "
                                              "issue a credit note and a new invoice if needed.", label))
            return False
        vals["fiscal_position_id"] = position.id
        self.write(vals)
        self._marketplace_reapply_taxes()
        self.invoice_ids.filtered(lambda m: m.state == "draft").button_cancel()
        return True

    def _marketplace_reapply_taxes(self):
        """Product taxes through the new fiscal position on the order's date, keeping each line's tax
        basis (incl./excl.); OSS lines get the product's destination rate."""
        importer = self.env["marketplace.order.importer"]
        for sale in self:
            discount_product = sale.marketplace_channel_id.discount_product_id
            previous = self.env["account.tax"]
            for line in sale.order_line.filtered(lambda ol: not ol.display_type).sorted("id"):
                if discount_product and line.product_id == discount_product and previous:
                    line.tax_id = previous  # a discount line follows its product line
                    continue
                included = any(tax.price_include for tax in line.tax_id)
                previous = line.tax_id = importer._marketplace_line_taxes(
                    sale.company_id, sale.fiscal_position_id, line.product_id, sale._marketplace_tax_date(), included)

    # -- OSS lines without a rate ---------------------------------------------------------
    def _marketplace_oss_unmapped_lines(self):
        """Lines of an OSS order whose taxes are not destination taxes (their rate could not be derived)."""
        self.ensure_one()
        if self.marketplace_vat_regime != "eu_b2c_oss":
            return self.order_line.browse()
        country = self.fiscal_position_id.marketplace_country_id
        return self.order_line.filtered(lambda line: not line.display_type and line.tax_id and any(
            tax.marketplace_oss_country_id != country for tax in line.tax_id))

    def _marketplace_hold_oss_tax(self):
        """Hold the invoice of an OSS order whose line has no destination rate, with an activity.

        :return: True when held (the order is never invoiced with a wrong tax)
        """
        self.ensure_one()
        if not self._marketplace_oss_unmapped_lines():
            return False
        position = self.fiscal_position_id
        territory, on_date = position._marketplace_territory(), self._marketplace_tax_date()
        products = self._marketplace_oss_unmapped_lines().product_id.product_tmpl_id
        details = "; ".join(f"{product.display_name} ({self._marketplace_rates_text(product, territory, on_date)})"
                            for product in products)
        message = self.env._(
            "No single %(country)s VAT rate follows from the VAT category of: %(products)s. Set the product's VAT "
            "category, or its own rate for %(country)s (product form, Marketplace VAT), then press \"Re-apply VAT\".",
            country=position.marketplace_country_id.name, products=details)
        self.write({"marketplace_invoice_hold": "oss_tax", "marketplace_invoice_message": message})
        self.marketplace_channel_id._schedule_error_activity(
            self.env._("Marketplace OSS rate unknown"), message, record=self)
        return True

    def _marketplace_rates_text(self, product, territory, on_date):
        rates = product._marketplace_oss_candidates(self.company_id, territory, on_date)
        return ", ".join(f"{rate:g} %" for rate in rates) or "-"

    def action_marketplace_reapply_vat(self):
        """Button: decide the regime again and re-apply the taxes (after a product's VAT category changed)."""
        for sale in self.filtered("marketplace_channel_id"):
            sale._marketplace_apply_regime(sale._marketplace_redecide())
            if sale.marketplace_invoice_hold == "oss_tax" and not sale._marketplace_oss_unmapped_lines():
                sale.write({"marketplace_invoice_hold": False, "marketplace_invoice_message": False})
            sale._marketplace_invoice_if_due()
        return True

    # -- EUR 10,000 threshold ---------------------------------------------------------------
    def _marketplace_check_threshold(self):
        """A distance sale at home VAT that makes the year's total exceed the threshold is taxed at
        destination itself (art. 59c(2)): the company records the day and the responsible is told.

        :return: True when the order moved to OSS
        """
        self.ensure_one()
        company, on_date = self.company_id, self._marketplace_tax_date()
        value = self.currency_id._convert(self.amount_untaxed, company._marketplace_eur(), company, on_date)
        status = company._marketplace_threshold_status(on_date, value)
        if not status.destination:
            return False
        if status.reason == "crossing":
            company._marketplace_threshold_crossed(self, on_date, value)
        return self._marketplace_apply_regime(self._marketplace_redecide())

"""Import pipeline: the values of the sale order and its lines (taxes, pricelist, currency)."""
import json

from odoo import models

from marketplace_transport import InvalidOrderError


class MarketplaceOrderImporterValues(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.values"
    _description = "Order import: sale order values"

    # -- the sale order -----------------------------------------------------------------
    def _prepare_order_vals(self, channel, order, partner, invoice_address, shipping_address, run):
        """Values of a new sale order, without its lines (the VAT addon adds its regime).

        :param partner: the buyer (``res.partner``)
        :param invoice_address: its invoice contact
        :param shipping_address: its delivery contact
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`
        :return: dict of ``sale.order`` values; a ``fiscal_position_id`` in it is kept
        """
        vals = {
            "partner_id": partner.id,
            "partner_invoice_id": invoice_address.id,
            "partner_shipping_id": shipping_address.id,
            "company_id": channel.company_id.id,
            "marketplace_channel_id": channel.id,
            "marketplace_order_ref": order.external_id,
            "client_order_ref": order.reference,
            "origin": f"{channel.name}: {order.reference}",
            "marketplace_fee_amount": sum(fee.amount for fee in order.fees),
        }
        vals.update(self._prepare_update_vals(None, order))
        vals["marketplace_payload"] = channel._redact(vals["marketplace_payload"])  # no sale yet to redact with
        if order.created_at:
            vals["date_order"] = self._naive(order.created_at)
        vals.update(self._prepare_channel_defaults(channel, order, run))
        return vals

    def _prepare_channel_defaults(self, channel, order, run):
        """Warehouse, sales team, payment terms and pricelist the channel sets on its orders."""
        vals = {}
        if channel.warehouse_id:
            vals["warehouse_id"] = channel.warehouse_id.id
        team = channel.team_id or self._default_team(channel, run)
        if team:
            vals["team_id"] = team.id
        if channel.payment_term_id:
            vals["payment_term_id"] = channel.payment_term_id.id
        pricelist = self._find_pricelist(channel, order, run)
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        return vals

    def _order_fiscal_position(self, channel, vals, partner, shipping_address):
        """The fiscal position set by ``_prepare_order_vals`` (VAT addon), else Odoo's own choice."""
        if vals.get("fiscal_position_id"):
            return self.env["account.fiscal.position"].browse(vals["fiscal_position_id"])
        return self.env["account.fiscal.position"].with_company(channel.company_id)._get_fiscal_position(
            partner, delivery=shipping_address)

    def _default_team(self, channel, run):
        """Sales team Odoo would pick for the channel's company (resolved once per run).

        :return: the ``crm.team`` (empty when none)
        """
        if channel.id in run.teams:
            return self.env["crm.team"].browse(run.teams[channel.id])
        team = self.env["crm.team"].with_company(channel.company_id)._get_default_team_id(
            domain=[("company_id", "in", (False, channel.company_id.id))])
        run.teams[channel.id] = team.id
        return team

    def _analytic_models_exist(self, channel, run):
        """Odoo searches analytic distribution models for every line; with none defined, skip that."""
        company_id = channel.company_id.id
        if company_id not in run.analytic_models:
            run.analytic_models[company_id] = bool(self.env["account.analytic.distribution.model"].sudo().search_count(
                [("company_id", "in", (False, company_id))], limit=1))
        return run.analytic_models[company_id]

    def _prepare_update_vals(self, sale, order):
        """:return: the values an update of the order on the marketplace changes (``sale`` may be None)"""
        return {
            "marketplace_status": order.marketplace_status,
            "marketplace_order_status": order.status.value,
            "marketplace_updated_at": self._naive(order.updated_at),
            "marketplace_total": order.total_amount if order.total_amount is not None else order.computed_total,
            "marketplace_currency": order.currency,
            "marketplace_paid": order.paid,
            "marketplace_payload": self._payload_text(sale, order),
        }

    def _payload_text(self, sale, order):
        channel = sale.marketplace_channel_id if sale else None
        text = json.dumps(order.raw, indent=1, ensure_ascii=False, default=str)
        return channel._redact(text) if channel else text

    # -- currency and pricelist -----------------------------------------------------------
    def _find_currency(self, code, run):
        """The currency of an ISO code, active or not (memoized per run).

        :return: the ``res.currency`` (empty when unknown)
        """
        if code in run.currencies:
            return self.env["res.currency"].browse(run.currencies[code])
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        if currency:
            run.currencies[code] = currency.id
        return currency

    def _find_pricelist(self, channel, order, run):
        """The channel's pricelist when its currency fits, else one in the order currency.

        :return: the ``product.pricelist`` (empty: the company's currency without a pricelist)
        """
        if channel.pricelist_id and channel.pricelist_id.currency_id.name == order.currency:
            return channel.pricelist_id
        currency = self._find_currency(order.currency, run)
        if not currency:
            raise InvalidOrderError(self.env._("Unknown currency %s.", order.currency))
        if currency == channel.company_id.currency_id and not channel.pricelist_id:
            return self.env["product.pricelist"]
        if not currency.active:
            currency.active = True
        Pricelist = self.env["product.pricelist"].with_context(active_test=False)
        pricelist = Pricelist.search([("currency_id", "=", currency.id),
                                      ("company_id", "in", (False, channel.company_id.id))], limit=1)
        return pricelist or Pricelist.create(
            {"name": f"Marketplace {currency.name}", "currency_id": currency.id, "active": False,
             "company_id": channel.company_id.id})

    # -- taxes ----------------------------------------------------------------------------
    def _prices_include_tax(self, channel, order):
        """:return: True when the order's prices include taxes (the channel's setting decides)"""
        if channel.prices_include_tax == "marketplace":
            return order.prices_include_tax
        return channel.prices_include_tax == "included"

    def _line_taxes(self, channel, order, fiscal_position, product, run):
        """Product taxes through the order's fiscal position, in the order's tax basis.

        :return: the ``account.tax`` of a line of ``product``
        """
        taxes = product.taxes_id.filtered(lambda t: t.company_id == channel.company_id)
        taxes = fiscal_position.map_tax(taxes)
        if self._prices_include_tax(channel, order):
            taxes = self.env["account.tax"].browse([self._included_twin(t, run).id for t in taxes])
        return taxes

    def _included_twin(self, tax, run=None):
        """Price-included version of a percent tax (found or created), so that Odoo's totals equal
        the tax-included amounts the marketplace charged, to the cent.

        :param run: the run that memoizes the twins (default: none)
        """
        if tax.price_include or tax.amount_type != "percent" or not tax.amount:
            return tax
        cache = run.included_taxes if run else {}
        if tax.id in cache:
            return self.env["account.tax"].browse(cache[tax.id])
        twin = self._find_included_twin(tax)
        if twin:
            cache[tax.id] = twin.id
        return twin or tax.copy({"name": self.env._("%s (tax incl.)", tax.name),
                                 "price_include_override": "tax_included",
                                 "include_base_amount": False, "active": True})

    def _find_included_twin(self, tax):
        Tax = self.env["account.tax"].with_context(active_test=False)
        twin = Tax.search([
            ("company_id", "=", tax.company_id.id), ("type_tax_use", "=", tax.type_tax_use),
            ("amount_type", "=", "percent"), ("amount", "=", tax.amount),
            ("price_include_override", "=", "tax_included"),
            ("tax_group_id", "=", tax.tax_group_id.id), ("country_id", "=", tax.country_id.id),
        ], limit=1)
        return twin

    # -- the lines ------------------------------------------------------------------------
    def _prepare_order_lines(self, channel, order, fiscal_position, run):
        """:return: the values of the sale order's lines: products, discounts, shipping"""
        line_vals = []
        for line in order.lines:
            product = self._find_product(channel, line, run)
            line_vals.extend(self._prepare_line_vals(channel, order, fiscal_position, line, product, run))
        if order.shipping_amount:
            line_vals.append(self._prepare_shipping_line_vals(channel, order, fiscal_position, run))
        line_vals.extend(self._prepare_charge_lines(channel, order, fiscal_position, run))
        for values in line_vals:
            # the marketplace's price is final: no pricelist discount shown on top of it
            values.setdefault("discount", 0.0)
        if not self._analytic_models_exist(channel, run):  # discount and shipping lines too
            for values in line_vals:
                values.setdefault("analytic_distribution", False)
        return line_vals

    def _prepare_line_vals(self, channel, order, fiscal_position, line, product, run):
        """Sale line values for one marketplace line (plus a discount line when discounted).

        :return: list of ``sale.order.line`` values
        """
        taxes = self._line_taxes(channel, order, fiscal_position, product, run)
        vals = [{
            "product_id": product.id,
            "name": line.name or product.display_name,
            "product_uom_qty": line.quantity,
            "price_unit": line.unit_price,
            "tax_id": [(6, 0, taxes.ids)],
            "marketplace_line_id": line.external_id,
            "marketplace_shippable": line.shippable,
            "sequence": 10,
        }]
        if not self._analytic_models_exist(channel, run):
            vals[0]["analytic_distribution"] = False
        if line.discount_amount:
            discount = channel.discount_product_id
            vals.append({
                "product_id": discount.id,
                "name": self.env._("Discount on %s", line.name or product.display_name),
                "product_uom_qty": 1,
                "price_unit": -line.discount_amount,
                "tax_id": [(6, 0, taxes.ids)],
                "sequence": 11,
            })
        return vals

    def _prepare_shipping_line_vals(self, channel, order, fiscal_position, run):
        """:return: the values of the shipping line (the channel's shipping product)"""
        product = channel.shipping_product_id
        if not product:
            raise InvalidOrderError(self.env._(
                "The channel has no shipping product: set one on the channel, then Retry."))
        vals = {
            "product_id": product.id,
            "name": self.env._("Shipping"),
            "product_uom_qty": 1,
            "price_unit": order.shipping_amount,
            "tax_id": [(6, 0, self._line_taxes(channel, order, fiscal_position, product, run).ids)],
            "sequence": 100,
        }
        if "is_delivery" in self.env["sale.order.line"]._fields:  # the delivery module is installed
            vals["is_delivery"] = True
        return vals

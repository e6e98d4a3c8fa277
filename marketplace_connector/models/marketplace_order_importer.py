"""The import pipeline shared by every connector: normalized order -> partner, addresses, sale order.

Every step is a small method so that addons (VAT, connectors) override just what they need.
The caller (``marketplace.channel._import_payload``) runs it inside one savepoint per order.
"""
import json
import logging

from odoo import Command, _, api, models
from odoo.tools import email_normalize, float_compare

from ..batch import ORDER_BATCH_KEY, OrderBatch
from ..transport import InvalidOrderError, OrderStatus
from .marketplace_channel import raise_if_concurrent

_logger = logging.getLogger(__name__)

CONFIRMED_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                      OrderStatus.REFUNDED)


def squash(text):
    """Lower case, blanks collapsed: how names and streets are compared."""
    return " ".join((text or "").lower().split())


class MarketplaceOrderImporter(models.AbstractModel):
    _name = "marketplace.order.importer"
    _description = "Marketplace order import pipeline"

    # -- entry point ------------------------------------------------------------------
    @api.model
    def _import_order(self, channel, order):
        """Create or update the sale order of a normalized order.

        :return: (sale.order, changed) -- ``changed`` is False when nothing new was received
        """
        sale = self._find_existing_order(channel, order)
        if sale:
            if sale.marketplace_updated_at and sale.marketplace_updated_at >= self._naive(order.updated_at) \
                    and sale.marketplace_status == order.marketplace_status:
                if self._confirmation_due(sale, order):
                    self._queue_confirmation(sale)
                return sale, False
            self._update_order(sale, order)
            return sale, True
        sale = self._create_order(channel, order)
        return sale, True

    def _create_order(self, channel, order):
        """Create the sale order of a new marketplace order.

        When the page creates its new orders together (context ``marketplace_create_batch``, a
        list), the values are queued there instead and None is returned: the channel creates the
        queued orders in one batch and finishes each (:meth:`_finish_new_order`).
        """
        self._forget_absent_order(channel, order)
        vals = self._prepare_new_order_vals(channel, order)
        pending = self.env.context.get("marketplace_create_batch")
        if pending is not None:
            pending.append((order, vals))
            return None
        sale = self.env["sale.order"].with_company(channel.company_id).create(vals)
        self._finish_new_order(sale, order)
        return sale

    def _prepare_new_order_vals(self, channel, order):
        """Partner, addresses and the values of the sale order with its lines."""
        partner = (self._page_buyer(channel, order) or self._find_partner(channel, order)
                   or self._create_partner(channel, order))
        self._bind_partner(channel, order, partner)
        invoice_address, shipping_address = self._find_or_create_addresses(
            partner, [(order.billing, "invoice"), (order.shipping, "delivery")])
        vals = self._prepare_order_vals(channel, order, partner, invoice_address, shipping_address)
        fiscal_position = self._order_fiscal_position(channel, vals, partner, shipping_address)
        vals["fiscal_position_id"] = fiscal_position.id
        line_vals = []
        for line in order.lines:
            product = self._find_product(channel, line)
            line_vals.extend(self._prepare_line_vals(channel, order, fiscal_position, line, product))
        if order.shipping_amount:
            line_vals.append(self._prepare_shipping_line_vals(channel, order, fiscal_position))
        for values in line_vals:
            # the marketplace's price is final: no pricelist discount shown on top of it
            values.setdefault("discount", 0.0)
        if not self._analytic_models_exist(channel):  # discount and shipping lines too
            for values in line_vals:
                values.setdefault("analytic_distribution", False)
        vals["order_line"] = [Command.create(values) for values in line_vals]
        return vals

    def _finish_new_order(self, sale, order):
        """Steps after a new sale order exists: checks, marketplace status, hooks."""
        self._after_create(sale, order)
        self._apply_marketplace_status(sale, order, previous_status=None)
        self._after_import(sale, order)

    def _update_order(self, sale, order):
        previous = sale.marketplace_order_status
        sale.write(self._prepare_update_vals(sale, order))
        self._apply_marketplace_status(sale, order, previous_status=previous)
        self._after_import(sale, order)

    def _order_fiscal_position(self, channel, vals, partner, shipping_address):
        """The fiscal position set by ``_prepare_order_vals`` (VAT addon), else Odoo's own choice."""
        if vals.get("fiscal_position_id"):
            return self.env["account.fiscal.position"].browse(vals["fiscal_position_id"])
        return self.env["account.fiscal.position"].with_company(channel.company_id)._get_fiscal_position(
            partner, delivery=shipping_address)

    def _run_cache(self, name):
        """Lookups memoized for one import run (only records that existed before it)."""
        cache = self.env.context.get("marketplace_run_cache")
        if cache is None:
            return None
        return cache.setdefault(name, set() if name.startswith("absent") else {})

    # -- lookups ----------------------------------------------------------------------
    def _find_existing_order(self, channel, order):
        absent = self._run_cache("absent_orders")
        if absent is not None and (channel.id, order.external_id) in absent:
            return self.env["sale.order"]
        return self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", channel.id), ("marketplace_order_ref", "=", order.external_id)], limit=1)

    def _forget_absent_order(self, channel, order):
        """The order gets a sale order of this channel: later lookups in the run must search."""
        absent = self._run_cache("absent_orders")
        if absent is not None:
            absent.discard((channel.id, order.external_id))

    def _find_partner(self, channel, order):
        """Documented matching order: binding, then e-mail, then name + address."""
        return (self._find_partner_by_binding(channel, order)
                or self._find_partner_by_email(channel, order)
                or self._find_partner_by_address(channel, order))

    def _find_partner_by_binding(self, channel, order):
        if not order.customer_external_id:
            return self.env["res.partner"]
        binding = self.env["marketplace.partner.binding"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", order.customer_external_id)], limit=1)
        key = (channel.id, order.customer_external_id)
        if binding:
            known = self._run_cache("bindings")
            if known is not None:
                known[key] = binding.partner_id.id
        else:
            absent = self._run_cache("absent_bindings")
            if absent is not None:
                absent.add(key)
        return binding.partner_id

    def _partner_domain(self, channel):
        return [("parent_id", "=", False), ("company_id", "in", (False, channel.company_id.id))]

    def _find_partner_by_email(self, channel, order):
        """Same normalized e-mail address (indexed: the lookup stays fast as contacts pile up)."""
        email = email_normalize(order.billing.email or order.shipping.email or "")
        if not email:
            return self.env["res.partner"]
        return self.env["res.partner"].search(self._partner_domain(channel) + [("email_normalized", "=", email)],
                                              limit=1)

    def _find_partner_by_address(self, channel, order):
        billing = order.billing
        name = self._buyer_name(order)
        if not (name and billing.zip):
            return self.env["res.partner"]
        candidates = self.env["res.partner"].search(self._partner_domain(channel) + [
            ("name", "=ilike", name), ("zip", "=", billing.zip),
            ("country_id.code", "=", billing.country_code)], limit=10)
        street = squash(billing.street)
        return candidates.filtered(lambda p: squash(p.street) == street)[:1]

    @staticmethod
    def _buyer_name(order):
        """The buyer's name: its company's for a business order, else the billing name."""
        billing = order.billing
        return billing.company_name if order.is_business and billing.company_name else billing.display_name

    # -- buyers of a page -------------------------------------------------------------
    @api.model
    def _find_or_create_buyers(self, channel, orders):
        """Buyers of the new ``orders`` of a page, found as when the orders are imported one by
        one and the new ones created in one ``create()`` (with their bindings), then the invoice
        and delivery contacts they lack in another, for :meth:`_prepare_new_order_vals`. Only
        during an import run (run cache).

        An order whose buyer cannot be prepared here (unknown country or product...) is left to
        its own import, which fails alone; so is every order of the page when a batch create fails.
        A buyer or contact created for an order that fails later stays, and is found again on Retry.
        """
        buyers = self._run_cache("page_buyers")
        absent = self._run_cache("absent_orders")
        if buyers is None or absent is None:
            return
        pending, vals_list, members = {}, [], []  # buyer key -> index in vals_list; (order, index)
        for order in orders:
            if (channel.id, order.external_id) not in absent or (channel.id, order.external_id) in buyers:
                continue
            keys = self._buyer_keys(order)
            index = pending.get(keys[0]) if keys and keys[0][0] == "binding" else None
            if index is None:
                try:
                    for line in order.lines:
                        self._find_product(channel, line)
                    partner = self._find_partner(channel, order)
                    if partner:
                        buyers[(channel.id, order.external_id)] = partner.id
                        continue
                    index = next((pending[key] for key in keys if key in pending), None)
                    if index is None:
                        vals_list.append(self._prepare_partner_vals(channel, order))
                        index = len(vals_list) - 1
                except Exception as exc:  # noqa: BLE001 - the order meets it again in its own import
                    raise_if_concurrent(exc)
                    continue
            for key in keys:
                pending.setdefault(key, index)
            members.append((order, index))
        if vals_list:
            try:
                with self.env.cr.savepoint():
                    partners = self.env["res.partner"].create(vals_list)
                    bindings = self._prepare_buyer_bindings(channel, members, partners)
                    self.env["marketplace.partner.binding"].create(bindings)
            except Exception as exc:  # noqa: BLE001 - each order creates its buyer with its own import
                raise_if_concurrent(exc)
                return
            known, unbound = self._run_cache("bindings"), self._run_cache("absent_bindings")
            for values in bindings:
                known[(channel.id, values["external_id"])] = values["partner_id"]
                unbound.discard((channel.id, values["external_id"]))
            for order, index in members:
                buyers[(channel.id, order.external_id)] = partners[index].id
        self._create_buyer_addresses(channel, orders)

    def _create_buyer_addresses(self, channel, orders):
        """The invoice and delivery contacts that the page's new orders need and their buyers lack,
        in one ``create()`` (each order's ``_find_or_create_addresses`` then finds its own)."""
        buyers = self._run_cache("page_buyers")
        Partner = self.env["res.partner"]
        page_buyers = [buyers.get((channel.id, order.external_id)) for order in orders]
        prefetch = [partner_id for partner_id in page_buyers if partner_id]
        wanted, vals_list = set(), []
        for order, partner_id in zip(orders, page_buyers):
            if not partner_id:
                continue
            partner = Partner.browse(partner_id).with_prefetch(prefetch)
            try:
                for address, address_type in ((order.billing, "invoice"), (order.shipping, "delivery")):
                    key = (partner_id, address_type, address.fingerprint())
                    if key not in wanted and not self._find_address(partner, address, address_type):
                        vals_list.append(self._prepare_child_address_vals(partner, address, address_type))
                        wanted.add(key)
            except Exception as exc:  # noqa: BLE001 - the order meets it again in its own import
                raise_if_concurrent(exc)
        if not vals_list:
            return
        try:
            with self.env.cr.savepoint():
                Partner.create(vals_list)
        except Exception as exc:  # noqa: BLE001 - each order creates its contacts with its own import
            raise_if_concurrent(exc)

    def _buyer_keys(self, order):
        """What makes two orders of a page the same buyer, strongest first (as ``_find_partner``)."""
        billing = order.billing
        keys = []
        if order.customer_external_id:
            keys.append(("binding", order.customer_external_id))
        email = email_normalize(billing.email or order.shipping.email or "")
        if email:
            keys.append(("email", email))
        name = self._buyer_name(order)
        if name and billing.zip:
            keys.append(("address", squash(name), billing.zip, billing.country_code, squash(billing.street)))
        return keys

    def _prepare_buyer_bindings(self, channel, members, partners):
        """Binding values of new buyers [(order, index in ``partners``)], one per customer id."""
        vals = {}
        for order, index in members:
            if order.customer_external_id:
                vals.setdefault(order.customer_external_id, {
                    "channel_id": channel.id, "external_id": order.customer_external_id,
                    "partner_id": partners[index].id})
        return list(vals.values())

    def _page_buyer(self, channel, order):
        """The buyer found or created for the order with its page (:meth:`_find_or_create_buyers`)."""
        buyers = self._run_cache("page_buyers")
        partner_id = buyers.get((channel.id, order.external_id)) if buyers else None
        return self.env["res.partner"].browse(partner_id) if partner_id else self.env["res.partner"]

    def _find_product(self, channel, line):
        """Offer binding, then internal reference, then barcode (memoized per run)."""
        cache = self._run_cache("products")
        key = (channel.id, line.sku, line.ean)
        if cache is not None and key in cache:
            return self.env["product.product"].browse(cache[key])
        product = self._lookup_product(channel, line)
        if cache is not None:
            cache[key] = product.id
        return product

    def _lookup_product(self, channel, line):
        offer = self.env["marketplace.offer"].search(
            [("channel_id", "=", channel.id), ("seller_sku", "=", line.sku)], limit=1) if line.sku else None
        if offer:
            return offer.product_id
        Product = self.env["product.product"].with_context(active_test=False)
        company = [("company_id", "in", (False, channel.company_id.id))]
        if line.sku:
            product = Product.search([("default_code", "=", line.sku)] + company, limit=1)
            if product:
                return product
        if line.ean:
            product = Product.search([("barcode", "=", line.ean)] + company, limit=1)
            if product:
                return product
        raise InvalidOrderError(
            _("Unknown product: SKU %(sku)s / EAN %(ean)s. Create the product with this internal reference or "
              "barcode, or map it on the channel's offers, then press Retry.", sku=line.sku or "-", ean=line.ean or "-"))

    # -- partner --------------------------------------------------------------------
    def _prepare_partner_vals(self, channel, order):
        billing = order.billing
        is_company = bool(order.is_business and billing.company_name)
        vals = self._prepare_address_vals(billing)
        vals.update({
            "name": self._buyer_name(order),
            "is_company": is_company,
            "company_id": channel.company_id.id,
            "email": billing.email or order.shipping.email or False,
            "customer_rank": 1,
            "marketplace_address_key": billing.fingerprint(),
        })
        if billing.vat:
            vals["marketplace_vat"] = billing.vat
        return vals

    def _create_partner(self, channel, order):
        return self.env["res.partner"].create(self._prepare_partner_vals(channel, order))

    def _bind_partner(self, channel, order, partner):
        if not order.customer_external_id:
            return
        known = self._run_cache("bindings")
        key = (channel.id, order.customer_external_id)
        if known is not None and key in known:
            return
        Binding = self.env["marketplace.partner.binding"]
        absent = self._run_cache("absent_bindings")
        if (absent is not None and key in absent) or not Binding.search_count(
                [("channel_id", "=", channel.id), ("external_id", "=", order.customer_external_id)]):
            Binding.create({"channel_id": channel.id, "external_id": order.customer_external_id,
                            "partner_id": partner.id})
            if absent is not None:
                absent.discard(key)

    def _prepare_address_vals(self, address):
        country = self._find_country(address.country_code)
        vals = {
            "name": address.display_name,
            "street": address.street or False,
            "street2": address.street2 or False,
            "zip": address.zip or False,
            "city": address.city or False,
            "country_id": country.id,
            "phone": address.phone or False,
            "email": address.email or False,
        }
        if address.state_code:
            state = self.env["res.country.state"].search(
                [("country_id", "=", country.id), ("code", "=ilike", address.state_code)], limit=1)
            vals["state_id"] = state.id or False
        if address.pickup_id:
            vals["marketplace_pickup_id"] = address.pickup_id
            vals["street2"] = " - ".join(filter(None, [address.pickup_name, address.street2])) or False
        return vals

    def _find_country(self, code):
        cache = self._run_cache("countries")
        if cache is not None and code in cache:
            return self.env["res.country"].browse(cache[code])
        country = self.env["res.country"].search([("code", "=", code)], limit=1)
        if cache is not None and country:
            cache[code] = country.id
        if not country:
            raise InvalidOrderError(_("Unknown country code %s in the order addresses.", code))
        return country

    def _find_address(self, partner, address, address_type):
        """The customer itself for its own address, else the child contact of this type with the
        same normalized address, if any."""
        fingerprint = address.fingerprint()
        if self._is_own_address(partner, fingerprint):
            return partner
        return partner.child_ids.filtered(
            lambda c: c.type == address_type and c.marketplace_address_key == fingerprint)[:1]

    def _is_own_address(self, partner, fingerprint):
        """A person created from an address serves as its own invoice and delivery contact for it
        (no duplicate contact); a company's addresses are contacts of the people who ordered."""
        return not partner.is_company and partner.marketplace_address_key == fingerprint

    def _prepare_child_address_vals(self, partner, address, address_type):
        vals = self._prepare_address_vals(address)
        vals.update({"parent_id": partner.id, "type": address_type, "marketplace_address_key": address.fingerprint()})
        return vals

    def _find_or_create_address(self, partner, address, address_type):
        """Reuse the child contact with the same address, else create one."""
        return self._find_or_create_addresses(partner, [(address, address_type)])[0]

    def _find_or_create_addresses(self, partner, wanted):
        """Contacts for [(address, type)]: unchanged addresses are reused, the others created at once."""
        result, to_create = [], []
        for address, address_type in wanted:
            found = self._find_address(partner, address, address_type)
            if not found:
                same = next((i for i, (a, t) in enumerate(to_create) if t == address_type
                             and a.fingerprint() == address.fingerprint()), None)
                if same is None:
                    to_create.append((address, address_type))
            result.append(found or (address, address_type))
        if to_create:
            created = self.env["res.partner"].create(
                [self._prepare_child_address_vals(partner, a, t) for a, t in to_create])
            by_key = {(t, a.fingerprint()): contact for (a, t), contact in zip(to_create, created)}
            result = [item if not isinstance(item, tuple) else by_key[(item[1], item[0].fingerprint())]
                      for item in result]
        return result

    # -- sale order -----------------------------------------------------------------
    def _prepare_order_vals(self, channel, order, partner, invoice_address, shipping_address):
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
        if channel.warehouse_id:
            vals["warehouse_id"] = channel.warehouse_id.id
        team = channel.team_id or self._default_team(channel)
        if team:
            vals["team_id"] = team.id
        if channel.payment_term_id:
            vals["payment_term_id"] = channel.payment_term_id.id
        pricelist = self._find_pricelist(channel, order)
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        return vals

    def _default_team(self, channel):
        """Sales team Odoo would pick for the channel's company (resolved once per run)."""
        cache = self._run_cache("teams")
        if cache is not None and channel.id in cache:
            return self.env["crm.team"].browse(cache[channel.id])
        team = self.env["crm.team"].with_company(channel.company_id)._get_default_team_id(
            domain=[("company_id", "in", (False, channel.company_id.id))])
        if cache is not None:
            cache[channel.id] = team.id
        return team

    def _analytic_models_exist(self, channel):
        """Odoo searches analytic distribution models for every line; with none defined, skip that."""
        cache = self._run_cache("analytic_models")
        if cache is not None and channel.company_id.id in cache:
            return cache[channel.company_id.id]
        exists = bool(self.env["account.analytic.distribution.model"].sudo().search_count(
            [("company_id", "in", (False, channel.company_id.id))], limit=1))
        if cache is not None:
            cache[channel.company_id.id] = exists
        return exists

    def _prepare_update_vals(self, sale, order):
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

    def _find_currency(self, code):
        """The currency of an ISO code, active or not (memoized per run)."""
        cache = self._run_cache("currencies")
        if cache is not None and code in cache:
            return self.env["res.currency"].browse(cache[code])
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        if cache is not None and currency:
            cache[code] = currency.id
        return currency

    def _find_pricelist(self, channel, order):
        """The channel's pricelist when its currency fits, else one in the order currency."""
        if channel.pricelist_id and channel.pricelist_id.currency_id.name == order.currency:
            return channel.pricelist_id
        currency = self._find_currency(order.currency)
        if not currency:
            raise InvalidOrderError(_("Unknown currency %s.", order.currency))
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

    def _prices_include_tax(self, channel, order):
        if channel.prices_include_tax == "marketplace":
            return order.prices_include_tax
        return channel.prices_include_tax == "included"

    def _line_taxes(self, channel, order, fiscal_position, product):
        """Product taxes through the order's fiscal position, in the order's tax basis."""
        taxes = product.taxes_id.filtered(lambda t: t.company_id == channel.company_id)
        taxes = fiscal_position.map_tax(taxes)
        if self._prices_include_tax(channel, order):
            taxes = self.env["account.tax"].browse([self._included_twin(t).id for t in taxes])
        return taxes

    def _included_twin(self, tax):
        """Price-included version of a percent tax (found or created), so that Odoo's totals equal
        the tax-included amounts the marketplace charged, to the cent."""
        if tax.price_include or tax.amount_type != "percent" or not tax.amount:
            return tax
        cache = self._run_cache("included_taxes")
        if cache is not None and tax.id in cache:
            return self.env["account.tax"].browse(cache[tax.id])
        twin = self._find_included_twin(tax)
        if cache is not None and twin:
            cache[tax.id] = twin.id
        return twin or tax.copy({"name": _("%s (tax incl.)", tax.name), "price_include_override": "tax_included",
                                 "include_base_amount": False, "active": True})

    def _find_included_twin(self, tax):
        Tax = self.env["account.tax"].with_context(active_test=False)
        twin = Tax.search([
            ("company_id", "=", tax.company_id.id), ("type_tax_use", "=", tax.type_tax_use),
            ("amount_type", "=", "percent"), ("amount", "=", tax.amount), ("price_include_override", "=", "tax_included"),
            ("tax_group_id", "=", tax.tax_group_id.id), ("country_id", "=", tax.country_id.id),
        ], limit=1)
        return twin

    def _prepare_line_vals(self, channel, order, fiscal_position, line, product):
        """Sale line values for one marketplace line (plus a discount line when discounted)."""
        taxes = self._line_taxes(channel, order, fiscal_position, product)
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
        if not self._analytic_models_exist(channel):
            vals[0]["analytic_distribution"] = False
        if line.discount_amount:
            discount = channel.discount_product_id
            vals.append({
                "product_id": discount.id,
                "name": _("Discount on %s", line.name or product.display_name),
                "product_uom_qty": 1,
                "price_unit": -line.discount_amount,
                "tax_id": [(6, 0, taxes.ids)],
                "sequence": 11,
            })
        return vals

    def _prepare_shipping_line_vals(self, channel, order, fiscal_position):
        product = channel.shipping_product_id
        if not product:
            raise InvalidOrderError(_("The channel has no shipping product: set one on the channel, then Retry."))
        vals = {
            "product_id": product.id,
            "name": _("Shipping"),
            "product_uom_qty": 1,
            "price_unit": order.shipping_amount,
            "tax_id": [(6, 0, self._line_taxes(channel, order, fiscal_position, product).ids)],
            "sequence": 100,
        }
        if "is_delivery" in self.env["sale.order.line"]._fields:  # the delivery module is installed
            vals["is_delivery"] = True
        return vals

    # -- status -----------------------------------------------------------------------
    def _apply_marketplace_status(self, sale, order, previous_status):
        """Turn the marketplace status into Odoo behaviour (see README's table)."""
        status = order.status
        channel = sale.marketplace_channel_id
        if previous_status == status.value:
            return
        if status.is_cancelled:
            self._cancel_order(sale, order)
            return
        if status == OrderStatus.WAITING_ACCEPTANCE:
            channel._on_waiting_acceptance(sale, order)
            return
        if self._confirmation_due(sale, order):
            self._queue_confirmation(sale)
        if status.is_done:
            sale.ship_sync_state = "done"
        if status == OrderStatus.REFUNDED:
            sale.refund_sync_state = "done"

    def _cancel_order(self, sale, order):
        if sale.state == "cancel":
            return
        shipped = sale.picking_ids.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
        if shipped:
            sale.marketplace_channel_id._schedule_error_activity(
                _("Cancelled on the marketplace after shipping"),
                _("Order %s was cancelled on the marketplace but is already shipped: arrange the return or "
                  "refund.", order.reference), record=sale)
            return
        sale.with_context(disable_cancel_warning=True)._action_cancel()
        sale.message_post(body=_("Cancelled on the marketplace (status %s).", order.marketplace_status))

    # -- confirmation -----------------------------------------------------------------
    def _confirmation_due(self, sale, order):
        return (order.status in CONFIRMED_STATUSES and sale.state in ("draft", "sent")
                and sale.marketplace_channel_id.auto_confirm)

    def _queue_confirmation(self, sale):
        """Confirm now, or at the end of the page when the run batches confirmations."""
        batch = self.env.context.get("marketplace_confirm_batch")
        if batch is not None:
            batch.append(sale.id)
        else:
            self._confirm_orders(sale, isolate=False)

    @api.model
    def _confirm_orders(self, sales, isolate=True):
        """Confirm sale orders together (one procurement run); on error, one by one.

        With ``isolate``, an order that cannot be confirmed stays a quotation with the reason in
        its chatter, an activity and the failed imports; the others are confirmed.
        """
        sales = sales.exists().filtered(lambda s: s.state in ("draft", "sent"))
        if not sales:
            return sales
        if not isolate:
            self._action_confirm(sales)
        else:
            try:
                with self.env.cr.savepoint():
                    self._action_confirm(sales)
            except Exception as exc:
                raise_if_concurrent(exc)
                confirmed = self.env["sale.order"]
                for sale in sales:
                    try:
                        with self.env.cr.savepoint():
                            self._action_confirm(sale)
                        confirmed |= sale
                    except Exception as exc:  # one order never blocks the page
                        raise_if_concurrent(exc)
                        self._confirmation_failed(sale, exc)
                sales = confirmed
        for sale in sales:
            if isolate:
                try:
                    with self.env.cr.savepoint():
                        self._after_confirm(sale)
                except Exception as exc:
                    raise_if_concurrent(exc)
                    sale.message_post(body=_("Post-confirmation step failed: %s",
                                             sale.marketplace_channel_id._redact(str(exc))))
            else:
                self._after_confirm(sale)
        return sales

    @api.model
    def _action_confirm(self, sales):
        """``action_confirm`` as one batch: follower subscriptions and chatter notes written
        together at the end, stock lookups memoized (see ``batch.OrderBatch``)."""
        batch = OrderBatch()
        if batch.is_enabled(self.env):  # else Odoo's confirmation (system parameter off)
            batch.fresh_group_ids = set(self._create_procurement_groups(sales).ids)
        sales.with_context(**{ORDER_BATCH_KEY: batch}).action_confirm()
        batch.flush(self.env)

    @api.model
    def _create_procurement_groups(self, sales):
        """The procurement groups of the orders that will have deliveries, in one INSERT (Odoo
        creates them one by one while launching the stock rules, with the same values).

        :return: the created groups (no picking yet)"""
        todo = sales.filtered(lambda sale: not sale.procurement_group_id and any(
            line.product_id.type == "consu" for line in sale.order_line))
        groups = self.env["procurement.group"].create([
            sale.order_line.filtered(lambda line: line.product_id.type == "consu")[:1]._prepare_procurement_group_vals()
            for sale in todo])
        for sale, group in zip(todo, groups):
            sale.procurement_group_id = group
        return groups

    def _confirmation_failed(self, sale, exc):
        channel = sale.marketplace_channel_id
        reason = _("Imported as %(order)s but not confirmed: %(error)s", order=sale.name,
                   error=channel._redact(str(exc)))
        _logger.info("Channel %s: %s", channel.id, reason)
        sale.message_post(body=reason)
        channel._schedule_error_activity(_("Marketplace order not confirmed"), reason, record=sale)
        self.env["marketplace.import.failure"]._record(
            channel, sale.marketplace_order_ref, sale.marketplace_payload or "", reason)

    # -- hooks ------------------------------------------------------------------------
    def _after_create(self, sale, order):
        """Hook after the order and its lines are created, before the status is applied."""
        self._check_totals(sale, order)
        if order.warnings:
            sale.message_post(body=_("Imported with changes to the received data: %s", "; ".join(order.warnings)))

    def _after_import(self, sale, order):
        """Hook after each create or update (the confirmation may still be queued)."""

    def _after_confirm(self, sale):
        """Hook after a marketplace order is confirmed (invoicing policies...)."""

    def _check_totals(self, sale, order):
        """Flag a difference between the marketplace total and ours (the VAT addon decides what to do)."""
        if order.total_amount is None:
            return
        ours = sale.amount_total if self._prices_include_tax(sale.marketplace_channel_id, order) else sale.amount_untaxed
        if float_compare(ours, order.total_amount, precision_rounding=sale.currency_id.rounding or 0.01) != 0:
            sale.marketplace_total_mismatch = True

    @staticmethod
    def _naive(dt):
        from .marketplace_channel import to_naive_utc

        return to_naive_utc(dt)

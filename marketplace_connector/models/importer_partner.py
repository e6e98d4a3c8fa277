"""Import pipeline: the buyer of an order, its binding, and its invoice and delivery contacts.

Matching order: the binding of the marketplace's customer id, then the e-mail, then name and
address. The buyers of a page's new orders are found or created together beforehand
(:meth:`_find_or_create_buyers`).
"""
from odoo import api, models
from odoo.tools import email_normalize

from marketplace_transport import InvalidOrderError

from ..run import ImportRun
from ..tools import raise_if_concurrent, squash


class MarketplaceOrderImporterPartner(models.AbstractModel):
    """Part of ``marketplace.order.importer`` (inherited by it)."""

    _name = "marketplace.order.importer.partner"
    _description = "Order import: buyer and addresses"

    # -- the buyer --------------------------------------------------------------------
    def _find_buyer(self, channel, order, run):
        """The buyer of a new order: found with its page, else found, else created; then bound.

        :return: the ``res.partner`` (commercial buyer)
        """
        partner = (self._page_buyer(channel, order, run) or self._find_partner(channel, order, run)
                   or self._create_partner(channel, order, run))
        self._bind_partner(channel, order, partner, run)
        return partner

    def _find_partner(self, channel, order, run):
        """Documented matching order: binding, then e-mail, then name + address.

        :return: the ``res.partner`` found (empty when none)
        """
        return (self._find_partner_by_binding(channel, order, run)
                or self._find_partner_by_email(channel, order)
                or self._find_partner_by_address(channel, order))

    def _find_partner_by_binding(self, channel, order, run):
        """:return: the partner bound to the order's customer id on this channel (empty when none)"""
        if not order.customer_external_id:
            return self.env["res.partner"]
        binding = self.env["marketplace.partner.binding"].search(
            [("channel_id", "=", channel.id), ("external_id", "=", order.customer_external_id)], limit=1)
        key = (channel.id, order.customer_external_id)
        if binding:
            run.bindings[key] = binding.partner_id.id
        else:
            run.absent_bindings.add(key)
        return binding.partner_id

    def _partner_domain(self, channel):
        return [("parent_id", "=", False), ("company_id", "in", (False, channel.company_id.id))]

    def _find_partner_by_email(self, channel, order):
        """Same normalized e-mail address (indexed: the lookup stays fast as contacts pile up).

        :return: the ``res.partner`` found (empty when none)
        """
        email = email_normalize(order.billing.email or order.shipping.email or "")
        if not email:
            return self.env["res.partner"]
        return self.env["res.partner"].search(self._partner_domain(channel) + [("email_normalized", "=", email)],
                                              limit=1)

    def _find_partner_by_address(self, channel, order):
        """Same name, zip, country and street (compared squashed).

        :return: the ``res.partner`` found (empty when none)
        """
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

    def _prepare_partner_vals(self, channel, order, run):
        """:return: the values of a new buyer (``res.partner.create``)"""
        billing = order.billing
        is_company = bool(order.is_business and billing.company_name)
        vals = self._prepare_address_vals(billing, run)
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

    def _create_partner(self, channel, order, run):
        """:return: a new buyer for ``order`` (:meth:`_prepare_partner_vals`)"""
        return self.env["res.partner"].create(self._prepare_partner_vals(channel, order, run))

    def _bind_partner(self, channel, order, partner, run):
        """Bind the marketplace's customer id to ``partner`` unless it is bound already."""
        if not order.customer_external_id:
            return
        key = (channel.id, order.customer_external_id)
        if key in run.bindings:
            return
        Binding = self.env["marketplace.partner.binding"]
        if key in run.absent_bindings or not Binding.search_count(
                [("channel_id", "=", channel.id), ("external_id", "=", order.customer_external_id)]):
            Binding.create({"channel_id": channel.id, "external_id": order.customer_external_id,
                            "partner_id": partner.id})
            run.absent_bindings.discard(key)

    # -- the buyers of a page -------------------------------------------------------------
    @api.model
    def _find_or_create_buyers(self, channel, orders, run):
        """Buyers of the new ``orders`` of a page, found as when the orders are imported one by
        one and the new ones created in one ``create()`` (with their bindings), then the invoice
        and delivery contacts they lack in another, for :meth:`_find_buyer` (``run.page_buyers``).

        An order whose buyer cannot be prepared here (unknown country or product...) is left to
        its own import, which fails alone; so is every order of the page when a batch create fails.
        A buyer or contact created for an order that fails later stays, and is found again on Retry.

        :param orders: the normalized orders of the page
        :param run: the :class:`~odoo.addons.marketplace_connector.run.ImportRun`
        """
        vals_list, members = self._prepare_page_buyers(channel, orders, run)
        if vals_list and not self._create_page_buyers(channel, vals_list, members, run):
            return
        self._create_buyer_addresses(channel, orders, run)

    def _prepare_page_buyers(self, channel, orders, run):
        """Find the buyers of the page's new orders; prepare the missing ones, once per buyer.

        :return: (values of the new buyers, [(order, index of its buyer in the values)])
        """
        pending, vals_list, members = {}, [], []  # buyer key -> index in vals_list; (order, index)
        for order in orders:
            key = (channel.id, order.external_id)
            if key not in run.absent_orders or key in run.page_buyers or self._lacks_address(order):
                continue
            keys = self._buyer_keys(order)
            index = pending.get(keys[0]) if keys and keys[0][0] == "binding" else None
            if index is None:
                try:
                    index = self._prepare_page_buyer(channel, order, keys, pending, vals_list, run)
                except Exception as exc:  # noqa: BLE001 - the order meets it again in its own import
                    raise_if_concurrent(exc)
                    continue
                if index is None:  # an existing buyer
                    continue
            for buyer_key in keys:
                pending.setdefault(buyer_key, index)
            members.append((order, index))
        return vals_list, members

    def _prepare_page_buyer(self, channel, order, keys, pending, vals_list, run):
        """:return: the index of the order's new buyer in ``vals_list`` (appended when it is the
        first order of this buyer), None when the buyer exists (kept in ``run.page_buyers``)"""
        for line in order.lines:
            self._find_product(channel, line, run)
        partner = self._find_partner(channel, order, run)
        if partner:
            run.page_buyers[(channel.id, order.external_id)] = partner.id
            return None
        index = next((pending[key] for key in keys if key in pending), None)
        if index is None:
            vals_list.append(self._prepare_partner_vals(channel, order, run))
            index = len(vals_list) - 1
        return index

    def _create_page_buyers(self, channel, vals_list, members, run):
        """Create the page's new buyers and their bindings together.

        :return: False when that failed (nothing created)
        """
        try:
            with self.env.cr.savepoint():
                partners = self.env["res.partner"].create(vals_list)
                bindings = self._prepare_buyer_bindings(channel, members, partners)
                self.env["marketplace.partner.binding"].create(bindings)
        except Exception as exc:  # noqa: BLE001 - each order creates its buyer with its own import
            raise_if_concurrent(exc)
            return False
        for values in bindings:
            run.bindings[(channel.id, values["external_id"])] = values["partner_id"]
            run.absent_bindings.discard((channel.id, values["external_id"]))
        for order, index in members:
            run.page_buyers[(channel.id, order.external_id)] = partners[index].id
        return True

    def _create_buyer_addresses(self, channel, orders, run):
        """The invoice and delivery contacts that the page's new orders need and their buyers lack,
        in one ``create()`` (each order's ``_find_or_create_addresses`` then finds its own)."""
        Partner = self.env["res.partner"]
        page_buyers = [run.page_buyers.get((channel.id, order.external_id)) for order in orders]
        prefetch = [partner_id for partner_id in page_buyers if partner_id]
        wanted, vals_list = set(), []
        for order, partner_id in zip(orders, page_buyers, strict=True):
            if not partner_id:
                continue
            partner = Partner.browse(partner_id).with_prefetch(prefetch)
            try:
                for address, address_type in ((order.billing, "invoice"), (order.shipping, "delivery")):
                    key = (partner_id, address_type, address.fingerprint())
                    if key not in wanted and not self._find_address(partner, address, address_type):
                        vals_list.append(self._prepare_child_address_vals(partner, address, address_type, run))
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

    def _page_buyer(self, channel, order, run):
        """The buyer found or created for the order with its page (:meth:`_find_or_create_buyers`)."""
        partner_id = run.page_buyers.get((channel.id, order.external_id))
        return self.env["res.partner"].browse(partner_id) if partner_id else self.env["res.partner"]

    # -- addresses ------------------------------------------------------------------------
    def _prepare_address_vals(self, address, run):
        """:return: contact values of a normalized address"""
        country = self._find_country(address.country_code, run)
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

    def _find_country(self, code, run):
        """:return: the ``res.country`` of an ISO code (memoized per run); raises
        :class:`InvalidOrderError` when unknown"""
        if code in run.countries:
            return self.env["res.country"].browse(run.countries[code])
        country = self.env["res.country"].search([("code", "=", code)], limit=1)
        if not country:
            raise InvalidOrderError(self.env._("Unknown country code %s in the order addresses.", code))
        run.countries[code] = country.id
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

    def _prepare_child_address_vals(self, partner, address, address_type, run):
        """:return: the values of a contact of ``partner`` (type invoice or delivery) for ``address``"""
        vals = self._prepare_address_vals(address, run)
        vals.update({"parent_id": partner.id, "type": address_type, "marketplace_address_key": address.fingerprint()})
        return vals

    def _find_or_create_address(self, partner, address, address_type, run=None):
        """Reuse the child contact with the same address, else create one.

        :return: the contact (``res.partner``)
        """
        return self._find_or_create_addresses(partner, [(address, address_type)], run)[0]

    def _find_or_create_addresses(self, partner, wanted, run=None):
        """Contacts for [(address, type)]: unchanged addresses are reused, the others created at once.

        :param run: the run whose lookups to use (default: none memoized)
        :return: the contacts, in the order of ``wanted``
        """
        run = run or ImportRun()
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
                [self._prepare_child_address_vals(partner, a, t, run) for a, t in to_create])
            by_key = {(t, a.fingerprint()): contact for (a, t), contact in zip(to_create, created, strict=True)}
            result = [item if not isinstance(item, tuple) else by_key[(item[1], item[0].fingerprint())]
                      for item in result]
        return result

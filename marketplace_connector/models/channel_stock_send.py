"""Marketplace channel: what the stock sync sends for a chunk of offers, and what it records.

``_stock_updates`` computes the quantities (and prices) of the offers; ``_send_stock_chunk`` reads the
shop's quantities, imports the shop's orders again when the shop moved since our last write, skips the
offers already right, sends the others (``stale`` ones once more after a fresh read) and records each
outcome on its offer (and a refusal in the sync log).
"""
import json
from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_round

from marketplace_transport import NO_LOCATION, StockUpdate

#: drifted SKUs named in the reconciliation's log row
DRIFT_LISTED = 50


class MarketplaceChannelStockSend(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.stock.send"
    _description = "Marketplace channel: stock sent per chunk"

    # -- what is sent -----------------------------------------------------------------
    def _stock_warehouses(self):
        return self.stock_warehouse_ids or self.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1)

    def _stock_locations(self):
        """{shop location: warehouses} (one :data:`NO_LOCATION` entry when no location is mapped)."""
        locations = defaultdict(lambda: self.env["stock.warehouse"])
        for row in self.stock_location_ids:
            locations[row.remote_location_id] |= row.warehouse_id
        return dict(locations) or {NO_LOCATION: self._stock_warehouses()}

    def _offered_quantity(self, free):
        quantity = max(int(free) - self.stock_buffer, 0)
        return min(quantity, self.stock_cap) if self.stock_cap > 0 else quantity

    def _stock_targets(self, products):
        """{location: {product id: quantity offered}} from the free quantities of the warehouses."""
        targets = {}
        for location, warehouses in self._stock_locations().items():
            free = defaultdict(float)
            for warehouse in warehouses:
                for product in products.with_context(warehouse_id=warehouse.id):
                    free[product.id] += product.free_qty
            targets[location] = {pid: self._offered_quantity(qty) for pid, qty in free.items()}
        return targets

    def _stock_prices(self, products):
        if not self.stock_push_price or not self.pricelist_id:
            return {}
        return self.pricelist_id._get_products_price(products, 1.0)

    def _tax_excluded_prices(self, products, prices):
        """{product id: price without the product's sale taxes} when the shop takes tax-excluded prices
        (a price-included tax is taken out, an excluded one leaves the price as is); not rounded (rounded
        globally: 17.91 with 20 % included is 14.925, that the shop shows as 17.91 again)."""
        if not prices or not self._connector_capabilities().stock_price_tax_excluded:
            return {}
        currency = self.pricelist_id.currency_id
        return {product.id: product.taxes_id._filter_taxes_by_company(self.company_id).with_context(
            round_base=False).compute_all(prices[product.id], currency=currency, product=product,
                                          rounding_method="round_globally")["total_excluded"]
            for product in products if product.id in prices}

    def _stock_updates(self, offers):
        """{key: StockUpdate} of the offers, quantities computed now."""
        products = offers.product_id
        products.invalidate_recordset(["free_qty", "qty_available"])
        targets, prices = self._stock_targets(products), self._stock_prices(products)
        excluded = self._tax_excluded_prices(products, prices)
        return {str(offer.id): StockUpdate(
            key=str(offer.id), sku=offer.seller_sku, product_ref=offer.product_ref or "",
            variant_ref=offer.variant_ref or "", inventory_ref=offer.inventory_ref or "",
            quantities={loc: per_product.get(offer.product_id.id, 0) for loc, per_product in targets.items()},
            price=prices.get(offer.product_id.id), price_tax_excluded=excluded.get(offer.product_id.id))
            for offer in offers}

    # -- one chunk --------------------------------------------------------------------
    def _send_stock_chunk(self, transport, offers, full, counts):
        by_key = {str(offer.id): offer for offer in offers}
        updates = self._stock_updates(offers)
        current = transport.read_stock(list(updates.values()))
        drifted = [key for key, offer in by_key.items() if self._shop_moved(offer, current.get(key))]
        if drifted and self._stock_import_orders(counts, again=True):
            updates = self._stock_updates(offers)  # the shop sold since our last write: its sales count
        counts["drift"] += len(drifted)
        if full and drifted:
            self._log_drift([by_key[key] for key in drifted], current)
        results = self._push_stock(transport, by_key, updates, current, counts)
        self._record_stock_results(by_key, updates, results, counts)

    @staticmethod
    def _shop_moved(offer, current):
        """The shop's quantity is not the one we last set or read (its own sale, or a hand edit)."""
        return current is not None and offer.shop_quantities is not None and current != offer.shop_quantities

    def _price_changed(self, offer, update):
        """The pricelist price differs from the last one sent, both rounded as ``last_pushed_price`` stores it."""
        if update.price is None:
            return False
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return float_round(update.price, precision_digits=digits) != float_round(
            offer.last_pushed_price, precision_digits=digits)

    def _needs_write(self, offer, update, current):
        return current != update.quantities or self._price_changed(offer, update)

    def _drop_unchanged_price(self, offer, update):
        """An unchanged price is not sent again (the quantity alone is)."""
        if not self._price_changed(offer, update):
            update.price = update.price_tax_excluded = None

    def _push_stock(self, transport, by_key, updates, current, counts):
        """Send what differs from the shop; a *stale* item is read, recomputed and sent once more."""
        results = {}
        todo = []
        for key, update in updates.items():
            update.expected = current.get(key)
            if self._needs_write(by_key[key], update, update.expected):
                self._drop_unchanged_price(by_key[key], update)
                todo.append(update)
            else:
                results[key] = "unchanged"
        results.update({result.key: result for result in transport.push_stock(todo)})
        stale = [key for key, result in results.items() if getattr(result, "state", "") == "stale"]
        if stale:
            results.update(self._retry_stale(transport, [by_key[key] for key in stale], updates, counts))
        return results

    def _retry_stale(self, transport, offers, updates, counts):
        counts.pop("reimported_at", None)  # a compare-and-set refusal: the shop sold right now, import again
        self._stock_import_orders(counts, again=True)
        retry = self._stock_updates(self.env["marketplace.offer"].union(*offers))
        current = transport.read_stock(list(retry.values()))
        by_key = {str(offer.id): offer for offer in offers}
        for key, update in retry.items():
            update.expected = current.get(key)
            self._drop_unchanged_price(by_key[key], update)
        updates.update(retry)
        return {result.key: result for result in transport.push_stock(list(retry.values()))}

    # -- outcomes ---------------------------------------------------------------------
    def _record_stock_results(self, by_key, updates, results, counts):
        """Each outcome on its offer; offers with the same values are written together."""
        now = fields.Datetime.now()
        groups = defaultdict(list)
        for key, result in results.items():
            offer, update = by_key[key], updates[key]
            state = "done" if result == "unchanged" else result.state
            counts["unchanged" if result == "unchanged" else state] += 1
            if state == "done":
                vals = self._stock_done_vals(update, getattr(result, "quantities", None), now)
                groups[json.dumps(vals, sort_keys=True, default=str)].append(offer.id)
            elif state == "error":
                self._stock_refused(offer, result.message, retry=result.retry)
        Offer = self.env["marketplace.offer"]
        for vals, ids in groups.items():
            Offer.browse(ids).write(json.loads(vals))

    def _stock_done_vals(self, update, quantities, now):
        quantities = quantities or update.quantities
        vals = {"shop_quantities": quantities, "last_pushed_quantity": sum(quantities.values()),
                "stock_dirty": False, "state": "done", "error": False, "last_stock_sync_at": str(now),
                "last_pushed_at": str(now)}
        if update.price is not None:
            vals["last_pushed_price"] = update.price
        return vals

    def _stock_refused(self, offer, message, retry=False):
        """``retry``: the shop refused the call, not the item: the offer stays to send at the next run."""
        offer.write({"state": "error", "error": message, "stock_dirty": retry})
        self.env["marketplace.sync.log"].sudo().create({
            "channel_id": self.id, "operation": self.env._("stock %(sku)s", sku=offer.seller_sku),
            "state": "error", "error": message})

    def _log_drift(self, offers, current):
        lines = [f"{offer.seller_sku}: {offer.shop_quantities} -> {current.get(str(offer.id))}"
                 for offer in offers[:DRIFT_LISTED]]
        self.env["marketplace.sync.log"].sudo().create({
            "channel_id": self.id, "state": "ok",
            "operation": self.env._("stock reconciliation: %(count)s drifted", count=len(offers)),
            "error": "\n".join(lines)})
